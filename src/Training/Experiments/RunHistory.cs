using System.Globalization;
using System.Text.Json;

namespace Rl.Training.Experiments;

/// <summary>One iteration of a run as its files record it.</summary>
/// <param name="Iteration">The iteration (1-based).</param>
/// <param name="EnvSteps">Environment steps after it.</param>
/// <param name="WallSeconds">Training wall time after it (timing.csv), if recorded.</param>
/// <param name="TrainingReturn">The mean return of the training episodes that ended in the iteration (<c>ep_return_mean</c>), if any did.</param>
/// <param name="Evaluation">The mean return of the evaluation run after it (<c>eval_mean_return</c>), if one ran.</param>
public sealed record RunPoint(int Iteration, long EnvSteps, double? WallSeconds, double? TrainingReturn, double? Evaluation);

/// <summary>
/// A finished (or stopped) training run read back from its run directory: <c>metrics.csv</c>, <c>timing.csv</c> and, when
/// present, <c>result.json</c>. Works for any directory the <see cref="Trainer"/>'s run-directory sinks wrote.
/// </summary>
public sealed class RunHistory
{
    private RunHistory(string directory, IReadOnlyList<RunPoint> points)
    {
        Directory = directory;
        Points = points;
    }

    /// <summary>The run directory (full path).</summary>
    public string Directory { get; }

    /// <summary>The iterations, in order.</summary>
    public IReadOnlyList<RunPoint> Points { get; }

    /// <summary>The algorithm id (result.json), if known.</summary>
    public string? Algo { get; private init; }

    /// <summary>The environment id (result.json), if known.</summary>
    public string? Env { get; private init; }

    /// <summary>The master seed (result.json), if known.</summary>
    public long? Seed { get; private init; }

    /// <summary>How the run ended (result.json's <c>status</c>, e.g. <c>solved</c>, <c>budget_reached</c>); null: no result.json (still running or killed).</summary>
    public string? Status { get; private init; }

    /// <summary>The reward threshold in force, if any.</summary>
    public double? RewardThreshold { get; private init; }

    /// <summary>
    /// The final evaluation's mean return: result.json's <c>final_eval</c>, else (a run that ended without one, e.g.
    /// <c>run.final_eval = false</c>) its last evaluation; null if none ran or the run did not end (no result.json, or interrupted).
    /// </summary>
    public double? FinalEvaluation { get; private init; }

    /// <summary>The best evaluation mean return over the run (including the final one); null if none ran.</summary>
    public double? BestEvaluation => Points.Select(p => p.Evaluation).Where(v => v is not null).Max() is double m
        ? Math.Max(m, FinalEvaluation ?? m)
        : FinalEvaluation;

    /// <summary>Environment steps of the last iteration.</summary>
    public long EnvSteps => Points.Count == 0 ? 0 : Points[^1].EnvSteps;

    /// <summary>Training wall time in seconds (result.json, else the last timing.csv row); null if not recorded.</summary>
    public double? WallSeconds { get; private init; }

    /// <summary>Whether <paramref name="directory"/> holds a run's <c>metrics.csv</c>.</summary>
    public static bool IsRunDirectory(string directory) => File.Exists(Path.Combine(directory, RunFiles.Metrics));

    /// <summary>
    /// The first evaluation at or above <paramref name="threshold"/>: its environment steps and wall time, or null when no
    /// evaluation reached it.
    /// </summary>
    public (long EnvSteps, double? WallSeconds)? FirstReaching(double threshold)
    {
        foreach (var p in Points)
            if (p.Evaluation is double e && e >= threshold) return (p.EnvSteps, p.WallSeconds);
        return null;
    }

    /// <summary>Reads the run in <paramref name="directory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">If the directory does not exist.</exception>
    /// <exception cref="InvalidDataException">If it holds no metrics.csv, a row without a valid iteration, or an unreadable result.json (naming the file).</exception>
    public static RunHistory Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full)) throw new DirectoryNotFoundException($"run directory '{directory}' does not exist");
        string metricsPath = Path.Combine(full, RunFiles.Metrics);
        if (!File.Exists(metricsPath))
            throw new InvalidDataException($"'{directory}' is not a run directory: it has no {RunFiles.Metrics}");
        // An empty file is a run stopped before its first iteration: no points.
        var (_, rows, _) = CsvLog.Parse(File.ReadAllText(metricsPath));
        var wall = new Dictionary<int, double>();
        string timingPath = Path.Combine(full, RunFiles.Timing);
        if (File.Exists(timingPath))
        {
            foreach (var (_, row) in CsvLog.Parse(File.ReadAllText(timingPath)).Rows)
                if (Int(row, "iteration") is int it && Double(row, "wall_seconds") is double w) wall[it] = w;
        }
        var points = new List<RunPoint>();
        foreach (var (line, row) in rows)
        {
            if (Int(row, "iteration") is not int it || Long(row, "env_steps") is not long steps)
                throw new InvalidDataException($"{metricsPath} line {line} has no valid iteration or env_steps");
            if (points.Count > 0 && it <= points[^1].Iteration) continue; // rows of a superseded session are not expected; keep the first
            points.Add(new RunPoint(it, steps, wall.TryGetValue(it, out var w) ? w : null, Double(row, "ep_return_mean"), Double(row, "eval_mean_return")));
        }
        double? lastEval = points.LastOrDefault(p => p.Evaluation is not null)?.Evaluation;
        string resultPath = Path.Combine(full, RunFiles.Result);
        // A run still going, killed or interrupted has no final evaluation (its last one is of a policy it did not end with).
        if (!File.Exists(resultPath))
            return new RunHistory(full, points) { WallSeconds = points.LastOrDefault()?.WallSeconds };
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(resultPath));
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{resultPath} is not valid JSON: {e.Message}", e);
        }
        string? status = String(root, "status");
        double? final = root.TryGetProperty("final_eval", out var fe) && fe.ValueKind == JsonValueKind.Object
                        && fe.TryGetProperty("mean_return", out var mr) && mr.ValueKind == JsonValueKind.Number
            ? mr.GetDouble()
            : status is "interrupted" ? null : lastEval;
        return new RunHistory(full, points)
        {
            Algo = String(root, "algo"),
            Env = String(root, "env"),
            Seed = root.TryGetProperty("seed", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : null,
            Status = status,
            RewardThreshold = Number(root, "reward_threshold"),
            FinalEvaluation = final,
            WallSeconds = Number(root, "wall_seconds") ?? points.LastOrDefault()?.WallSeconds,
        };
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static int? Int(IReadOnlyDictionary<string, string> row, string column) =>
        row.TryGetValue(column, out var t) && int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null;

    private static long? Long(IReadOnlyDictionary<string, string> row, string column) =>
        row.TryGetValue(column, out var t) && long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : null;

    private static double? Double(IReadOnlyDictionary<string, string> row, string column) =>
        row.TryGetValue(column, out var t) && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : null;
}
