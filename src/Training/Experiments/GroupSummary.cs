using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Rl.Training.Experiments;

/// <summary>One run of a group as the summary reports it.</summary>
/// <param name="Seed">The run's master seed, if recorded.</param>
/// <param name="Directory">The run directory.</param>
/// <param name="Status">How it ended (result.json), null when it has no result (still running or killed).</param>
/// <param name="EnvSteps">Environment steps trained.</param>
/// <param name="WallSeconds">Training wall time, if recorded.</param>
/// <param name="FinalEvaluation">The final evaluation's mean return, if one ran.</param>
/// <param name="BestEvaluation">The best evaluation's mean return, if one ran.</param>
/// <param name="StepsToThreshold">Environment steps at the first evaluation reaching the reward threshold, if one did.</param>
/// <param name="SecondsToThreshold">Wall time at that evaluation, if one did and it was recorded.</param>
public sealed record RunSummary(long? Seed, string Directory, string? Status, long EnvSteps, double? WallSeconds, double? FinalEvaluation,
    double? BestEvaluation, long? StepsToThreshold, double? SecondsToThreshold);

/// <summary>
/// The statistics of a <see cref="RunGroup"/>: per run its final and best evaluation and when it first reached the reward
/// threshold; over the runs the interquartile mean (IQM) of the final and of the best evaluations with stratified
/// bootstrap confidence intervals (<see cref="StratifiedBootstrap"/>), and the median steps and wall time to the threshold
/// (a run that never reached it counts as infinitely slow, so the median is missing when fewer than half reached it).
/// Runs without a final evaluation are left out of the IQM.
/// </summary>
public sealed class GroupSummary
{
    private GroupSummary(RunGroup group, IReadOnlyList<RunSummary> runs)
    {
        Group = group;
        Runs = runs;
    }

    /// <summary>The runs summarised.</summary>
    public RunGroup Group { get; }

    /// <summary>The group's name.</summary>
    public string Name => Group.Name;

    /// <summary>Each run, in the group's order.</summary>
    public IReadOnlyList<RunSummary> Runs { get; }

    /// <summary>The IQM of the final evaluations with its confidence interval; null when no run has one.</summary>
    public ConfidenceInterval? FinalIqm { get; private init; }

    /// <summary>The IQM of the best evaluations with its confidence interval; null when no run has one.</summary>
    public ConfidenceInterval? BestIqm { get; private init; }

    /// <summary>The plain mean of the final evaluations; null when no run has one.</summary>
    public double? FinalMean { get; private init; }

    /// <summary>How many runs reached the reward threshold in an evaluation.</summary>
    public int Reached => Runs.Count(r => r.StepsToThreshold is not null);

    /// <summary>The median environment steps to the threshold over all runs (unreached: infinite); null if not defined.</summary>
    public double? MedianStepsToThreshold { get; private init; }

    /// <summary>The median wall time to the threshold over all runs (unreached: infinite); null if not defined.</summary>
    public double? MedianSecondsToThreshold { get; private init; }

    /// <summary>The bootstrap used for the intervals.</summary>
    public StratifiedBootstrap Bootstrap { get; private init; } = new();

    /// <summary>Computes the summary of <paramref name="group"/>.</summary>
    /// <param name="group">The runs.</param>
    /// <param name="bootstrap">The bootstrap settings; null: rliable's defaults (50,000 repetitions, 95%), seed 0.</param>
    public static GroupSummary Compute(RunGroup group, StratifiedBootstrap? bootstrap = null)
    {
        ArgumentNullException.ThrowIfNull(group);
        bootstrap ??= new StratifiedBootstrap();
        double? threshold = group.RewardThreshold;
        var runs = group.Runs.Select(r =>
        {
            var reached = threshold is double t ? r.FirstReaching(t) : null;
            return new RunSummary(r.Seed, r.Directory, r.Status, r.EnvSteps, r.WallSeconds, r.FinalEvaluation, r.BestEvaluation,
                reached?.EnvSteps, reached?.WallSeconds);
        }).ToList();
        var finals = runs.Where(r => r.FinalEvaluation is not null).Select(r => r.FinalEvaluation!.Value).ToList();
        var bests = runs.Where(r => r.BestEvaluation is not null).Select(r => r.BestEvaluation!.Value).ToList();
        return new GroupSummary(group, runs)
        {
            Bootstrap = bootstrap,
            FinalIqm = finals.Count > 0 ? bootstrap.InterquartileMean(finals) : null,
            BestIqm = bests.Count > 0 ? bootstrap.InterquartileMean(bests) : null,
            FinalMean = finals.Count > 0 ? RobustStatistics.Mean(finals) : null,
            MedianStepsToThreshold = threshold is null ? null : MedianWithInfinity(runs.Select(r => (double?)r.StepsToThreshold)),
            MedianSecondsToThreshold = threshold is null ? null : MedianWithInfinity(runs.Select(r => r.StepsToThreshold is null ? (double?)null : r.SecondsToThreshold ?? double.NaN)),
        };
    }

    // Unreached runs count as +infinity; a NaN (reached, time unknown) makes the median unknown.
    private static double? MedianWithInfinity(IEnumerable<double?> values)
    {
        var all = values.Select(v => v ?? double.PositiveInfinity).ToList();
        if (all.Any(double.IsNaN)) return null;
        all.Sort();
        int n = all.Count;
        double median = n % 2 == 1 ? all[n / 2] : (all[n / 2 - 1] + all[n / 2]) / 2;
        return double.IsFinite(median) ? median : null;
    }

    /// <summary>"412.3 [380.1, 450.0]": an interval as the tables show it.</summary>
    public static string Show(ConfidenceInterval? ci) =>
        ci is null ? "-" : $"{RunGroup.Show(ci.Estimate)} [{RunGroup.Show(ci.Lower)}, {RunGroup.Show(ci.Upper)}]";

    /// <summary>The per-run table's header.</summary>
    public static readonly IReadOnlyList<string> RunColumns = ["seed", "status", "env steps", "wall s", "final eval", "best eval", "steps to threshold", "s to threshold"];

    /// <summary>The per-run table's rows.</summary>
    public IReadOnlyList<IReadOnlyList<string>> RunRows() => Runs.Select(r => (IReadOnlyList<string>)
    [
        r.Seed?.ToString(CultureInfo.InvariantCulture) ?? Path.GetFileName(r.Directory), r.Status ?? "no result", r.EnvSteps.ToString("N0", CultureInfo.InvariantCulture),
        RunGroup.Show(r.WallSeconds, "0.0"), RunGroup.Show(r.FinalEvaluation), RunGroup.Show(r.BestEvaluation),
        r.StepsToThreshold?.ToString("N0", CultureInfo.InvariantCulture) ?? "-", RunGroup.Show(r.SecondsToThreshold, "0.0"),
    ]).ToList();

    /// <summary>The lines of the aggregate statistics under the per-run table.</summary>
    public IReadOnlyList<string> AggregateLines()
    {
        int withFinal = Runs.Count(r => r.FinalEvaluation is not null);
        string pct = (Bootstrap.Confidence * 100).ToString("0.#", CultureInfo.InvariantCulture);
        var lines = new List<string>
        {
            $"final evaluation: IQM {Show(FinalIqm)} ({pct}% stratified bootstrap CI, {withFinal} of {Runs.Count} runs), mean {RunGroup.Show(FinalMean)}",
            $"best evaluation: IQM {Show(BestIqm)}",
        };
        if (Group.RewardThreshold is double t)
            lines.Add($"reward threshold {RunGroup.Show(t)}: reached by {Reached} of {Runs.Count} runs; median steps to it {RunGroup.Show(MedianStepsToThreshold, "N0")}, " +
                      $"median wall time {(MedianSecondsToThreshold is double m ? RunGroup.Show(m, "0.0") + " s" : "-")}");
        return lines;
    }

    /// <summary>The summary as a plain-text table with the aggregate lines.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        sb.Append(Tables.Text(RunColumns, RunRows()));
        foreach (var line in AggregateLines()) sb.Append(line).Append('\n');
        return sb.ToString();
    }

    /// <summary>The summary as Markdown: a heading, the per-run table and the aggregate lines.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append("# ").Append(Name).Append(Group.Algo is { } a && Group.Env is { } e ? $": {a} on {e}" : "").Append("\n\n");
        sb.Append(Tables.Markdown(RunColumns, RunRows())).Append('\n');
        foreach (var line in AggregateLines()) sb.Append("- ").Append(line).Append('\n');
        return sb.ToString();
    }

    /// <summary>The summary as indented JSON (snake_case keys).</summary>
    public string ToJson()
    {
        static object? Ci(ConfidenceInterval? c) => c is null ? null : new Dictionary<string, double>
        {
            ["estimate"] = c.Estimate, ["lower"] = c.Lower, ["upper"] = c.Upper, ["confidence"] = c.Confidence,
        };
        var json = new Dictionary<string, object?>
        {
            ["name"] = Name,
            ["algo"] = Group.Algo,
            ["env"] = Group.Env,
            ["reward_threshold"] = Group.RewardThreshold,
            ["runs"] = Runs.Select(r => new Dictionary<string, object?>
            {
                ["seed"] = r.Seed, ["directory"] = r.Directory, ["status"] = r.Status, ["env_steps"] = r.EnvSteps, ["wall_seconds"] = r.WallSeconds,
                ["final_eval"] = r.FinalEvaluation, ["best_eval"] = r.BestEvaluation, ["steps_to_threshold"] = r.StepsToThreshold,
                ["seconds_to_threshold"] = r.SecondsToThreshold,
            }).ToList(),
            ["final_eval_iqm"] = Ci(FinalIqm),
            ["best_eval_iqm"] = Ci(BestIqm),
            ["final_eval_mean"] = FinalMean,
            ["reached_threshold"] = Reached,
            ["median_steps_to_threshold"] = MedianStepsToThreshold,
            ["median_seconds_to_threshold"] = MedianSecondsToThreshold,
            ["bootstrap"] = new Dictionary<string, object> { ["method"] = "stratified percentile", ["repetitions"] = Bootstrap.Repetitions, ["seed"] = Bootstrap.Seed },
        };
        return JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}

/// <summary>Plain-text and Markdown tables for the summaries.</summary>
public static class Tables
{
    /// <summary>Columns padded to their widest cell, separated by two spaces, with a rule under the header.</summary>
    public static string Text(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        var widths = header.Select((h, i) => rows.Select(r => i < r.Count ? r[i].Length : 0).Append(h.Length).Max()).ToArray();
        var sb = new StringBuilder();
        void Line(IReadOnlyList<string> cells) =>
            sb.Append(string.Join("  ", widths.Select((w, i) => (i < cells.Count ? cells[i] : "").PadRight(w))).TrimEnd()).Append('\n');
        Line(header);
        Line(widths.Select(w => new string('-', w)).ToList());
        foreach (var r in rows) Line(r);
        return sb.ToString();
    }

    /// <summary>A GitHub-flavoured Markdown table (pipes in cells escaped).</summary>
    public static string Markdown(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        var sb = new StringBuilder();
        void Line(IEnumerable<string> cells) => sb.Append("| ").Append(string.Join(" | ", cells.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal)))).Append(" |\n");
        Line(header);
        Line(header.Select(_ => "---"));
        foreach (var r in rows) Line(r);
        return sb.ToString();
    }
}
