using System.Security.Cryptography;
using Rl.Core.Spaces;

namespace Rl.Core.Demonstrations;

/// <summary>An episode file that could not be loaded, and why.</summary>
/// <param name="File">The file (relative to the demonstration directory).</param>
/// <param name="Reason">What was wrong: missing, checksum mismatch, truncated archive, wrong shape or type, ...</param>
public sealed record SkippedEpisode(string File, string Reason);

/// <summary>
/// The episodes of a demonstration directory, checked against an environment's spaces. Each episode file is verified
/// (listed length, SHA-256, readable archive, array types and shapes, actions inside the action space); a bad file is
/// reported in <see cref="Skipped"/> and the good episodes are still loaded. Episode files that a crash left out of the
/// manifest (written but not yet listed) are loaded too, verified by their content; temporary files are ignored.
/// </summary>
public sealed class DemonstrationSet
{
    private DemonstrationSet(string directory, DemonstrationManifest manifest, List<DemonstrationEpisode> episodes, List<SkippedEpisode> skipped)
    {
        Directory = directory;
        Manifest = manifest;
        Episodes = episodes;
        Skipped = skipped;
    }

    /// <summary>The demonstration directory.</summary>
    public string Directory { get; }

    /// <summary>The manifest as read.</summary>
    public DemonstrationManifest Manifest { get; }

    /// <summary>The episodes that loaded, in file order.</summary>
    public IReadOnlyList<DemonstrationEpisode> Episodes { get; }

    /// <summary>The episode files that did not load, with the reason.</summary>
    public IReadOnlyList<SkippedEpisode> Skipped { get; }

    /// <summary>Total steps over the loaded episodes.</summary>
    public int TotalSteps => Episodes.Sum(e => e.Length);

    /// <summary>Loads the demonstrations in <paramref name="directory"/> for <paramref name="env"/>'s spaces.</summary>
    /// <inheritdoc cref="Load(string, Space, Space)"/>
    public static DemonstrationSet Load(string directory, IEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        return Load(directory, env.ObservationSpace, env.ActionSpace);
    }

    /// <summary>Loads the demonstrations in <paramref name="directory"/>, checking them against the given spaces.</summary>
    /// <exception cref="FileNotFoundException">If the directory has no manifest.</exception>
    /// <exception cref="InvalidDataException">If the manifest is invalid or was recorded with other spaces.</exception>
    public static DemonstrationSet Load(string directory, Space observationSpace, Space actionSpace)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var manifest = DemonstrationManifest.Read(directory);
        var obs = SpaceDescription.Of(observationSpace);
        var act = SpaceDescription.Of(actionSpace);
        if (!manifest.ObservationSpace.SameAs(obs))
            throw new InvalidDataException($"{Path.Combine(directory, DemonstrationManifest.FileName)}: recorded observations are {manifest.ObservationSpace.Repr} " +
                $"({manifest.EnvId}) but the environment's observation space is {obs.Repr}.");
        if (!manifest.ActionSpace.SameAs(act))
            throw new InvalidDataException($"{Path.Combine(directory, DemonstrationManifest.FileName)}: recorded actions are {manifest.ActionSpace.Repr} " +
                $"({manifest.EnvId}) but the environment's action space is {act.Repr}.");

        var episodes = new List<DemonstrationEpisode>();
        var skipped = new List<SkippedEpisode>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in manifest.Episodes)
        {
            listed.Add(entry.File);
            string path = Path.Combine(directory, entry.File);
            string? why = null;
            if (!File.Exists(path)) why = $"{path}: the file is missing.";
            else
            {
                string sha;
                using (var fs = File.OpenRead(path)) sha = Convert.ToHexStringLower(SHA256.HashData(fs));
                if (sha != entry.Sha256) why = $"{path}: checksum mismatch (file is corrupt or was changed after recording).";
            }
            var episode = why is null ? TryRead(path, entry.File, observationSpace, actionSpace, out why) : null;
            if (episode is not null && episode.Length != entry.Length)
            {
                why = $"{path}: holds {episode.Length} steps but the manifest lists {entry.Length}.";
                episode = null;
            }
            if (episode is null) skipped.Add(new SkippedEpisode(entry.File, why!));
            else episodes.Add(episode);
        }
        // Written just before a crash, before the manifest listed it: keep it if its content checks out.
        foreach (string path in System.IO.Directory.EnumerateFiles(directory, "episode-*.npz").Order(StringComparer.Ordinal))
        {
            string file = Path.GetFileName(path);
            if (listed.Contains(file) || DemonstrationWriter.EpisodeIndex(file) < 0) continue;
            var episode = TryRead(path, file, observationSpace, actionSpace, out string? why);
            if (episode is null) skipped.Add(new SkippedEpisode(file, why!));
            else episodes.Add(episode);
        }
        return new DemonstrationSet(directory, manifest, episodes, skipped);
    }

    private static DemonstrationEpisode? TryRead(string path, string file, Space obs, Space act, out string? why)
    {
        try
        {
            why = null;
            return new DemonstrationEpisode(obs, act, Npz.Read(path), path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or OverflowException)
        {
            why = e.Message.Contains(file, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}";
            return null;
        }
    }

    /// <summary>A one-line summary, and one line per skipped file.</summary>
    public string Summary()
    {
        var lines = new List<string>
        {
            $"{Directory}: {Episodes.Count} episode(s), {TotalSteps} steps of {Manifest.EnvId}" +
            (Episodes.Count > 0 ? $", mean return {Episodes.Average(e => e.Return):0.##}" : "") +
            (Skipped.Count > 0 ? $"; skipped {Skipped.Count} bad file(s):" : ""),
        };
        lines.AddRange(Skipped.Select(s => "  " + s.Reason));
        return string.Join(Environment.NewLine, lines);
    }
}
