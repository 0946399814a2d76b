using System.Globalization;

namespace Rl.Training.Experiments;

/// <summary>
/// Runs compared as one entry: the seeds of a seed group (a directory whose sub-directories are run directories, as
/// <c>rl train --seeds</c> writes them), or a single run directory.
/// </summary>
public sealed class RunGroup
{
    /// <summary>A group of already loaded runs.</summary>
    /// <param name="name">The name shown in tables and legends.</param>
    /// <param name="runs">The runs (at least one).</param>
    /// <exception cref="ArgumentException">If <paramref name="runs"/> is empty.</exception>
    public RunGroup(string name, IReadOnlyList<RunHistory> runs)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ArgumentException($"group '{name}' has no runs", nameof(runs));
        Name = name;
        Runs = runs;
    }

    /// <summary>The name shown in tables and legends.</summary>
    public string Name { get; }

    /// <summary>The runs, ordered by seed.</summary>
    public IReadOnlyList<RunHistory> Runs { get; }

    /// <summary>The algorithm all runs share, else null.</summary>
    public string? Algo => Common(r => r.Algo);

    /// <summary>The environment all runs share, else null.</summary>
    public string? Env => Common(r => r.Env);

    /// <summary>The reward threshold of the runs (the first one recorded), if any.</summary>
    public double? RewardThreshold => Runs.Select(r => r.RewardThreshold).FirstOrDefault(t => t is not null);

    /// <summary>
    /// Reads a run directory (one run) or a seed group (every sub-directory holding a <c>metrics.csv</c>, ordered by seed).
    /// </summary>
    /// <param name="path">The directory.</param>
    /// <param name="name">The name to show; null: the directory's name.</param>
    /// <exception cref="DirectoryNotFoundException">If <paramref name="path"/> does not exist.</exception>
    /// <exception cref="InvalidDataException">If it is neither a run directory nor a directory of run directories.</exception>
    public static RunGroup Load(string path, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"'{path}' does not exist (give a run directory or a seed group directory)");
        name ??= Path.GetFileName(Path.TrimEndingDirectorySeparator(full));
        if (RunHistory.IsRunDirectory(full)) return new RunGroup(name, [RunHistory.Load(full)]);
        var runs = Directory.GetDirectories(full).Where(RunHistory.IsRunDirectory).Select(RunHistory.Load)
            .OrderBy(r => r.Seed ?? long.MaxValue).ThenBy(r => r.Directory, StringComparer.Ordinal).ToList();
        if (runs.Count == 0)
            throw new InvalidDataException($"'{path}' is neither a run directory (no {RunFiles.Metrics}) nor a seed group (no sub-directory holds one)");
        return new RunGroup(name, runs);
    }

    private string? Common(Func<RunHistory, string?> pick)
    {
        var values = Runs.Select(pick).Distinct(StringComparer.Ordinal).ToList();
        return values.Count == 1 ? values[0] : null;
    }

    /// <summary>A number as the tables show it (invariant culture, up to two decimals).</summary>
    internal static string Show(double? value, string format = "0.##") =>
        value is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
