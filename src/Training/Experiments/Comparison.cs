using System.Globalization;
using System.Text;

namespace Rl.Training.Experiments;

/// <summary>
/// Runs and seed groups side by side (<c>rl compare</c>): one row per group with the IQM and confidence interval of the
/// final evaluation and the steps and wall time to the reward threshold, as text or Markdown, and the two-panel learning
/// curve figure (<see cref="ExperimentPlots.WriteComparison"/>).
/// </summary>
public sealed class Comparison
{
    /// <summary>Compares <paramref name="groups"/>.</summary>
    /// <param name="groups">The runs or seed groups (at least one).</param>
    /// <param name="bootstrap">The bootstrap settings; null: rliable's defaults, seed 0.</param>
    /// <exception cref="ArgumentException">If <paramref name="groups"/> is empty.</exception>
    public Comparison(IReadOnlyList<RunGroup> groups, StratifiedBootstrap? bootstrap = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Count == 0) throw new ArgumentException("a comparison needs at least one run or group", nameof(groups));
        Summaries = groups.Select(g => GroupSummary.Compute(g, bootstrap)).ToList();
    }

    /// <summary>The summary of each group, in the order given.</summary>
    public IReadOnlyList<GroupSummary> Summaries { get; }

    /// <summary>The table's header.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["run", "algo", "env", "runs", "final eval IQM [95% CI]", "best eval IQM", "reached threshold", "median steps to threshold", "median s to threshold", "median wall s"];

    /// <summary>The table's rows, one per group.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows() => Summaries.Select(s => (IReadOnlyList<string>)
    [
        s.Name, s.Group.Algo ?? "mixed", s.Group.Env ?? "mixed", s.Runs.Count.ToString(CultureInfo.InvariantCulture), GroupSummary.Show(s.FinalIqm),
        RunGroup.Show(s.BestIqm?.Estimate),
        s.Group.RewardThreshold is double t ? $"{s.Reached}/{s.Runs.Count} (>= {RunGroup.Show(t)})" : "no threshold",
        RunGroup.Show(s.MedianStepsToThreshold, "N0"), RunGroup.Show(s.MedianSecondsToThreshold, "0.0"),
        RunGroup.Show(s.Runs.Any(r => r.WallSeconds is not null) ? RobustStatistics.Median(s.Runs.Where(r => r.WallSeconds is not null).Select(r => r.WallSeconds!.Value)) : null, "0.0"),
    ]).ToList();

    /// <summary>What the columns mean, for the line under the table.</summary>
    public string Legend()
    {
        var b = Summaries[0].Bootstrap;
        return $"IQM: interquartile mean over runs; CI: stratified bootstrap percentile interval ({b.Repetitions:N0} repetitions, seed {b.Seed}); " +
               "medians to the threshold count a run that never reached it as infinitely slow (missing when fewer than half reached it)";
    }

    /// <summary>The table as plain text.</summary>
    public string ToText() => Tables.Text(Columns, Rows()) + Legend() + "\n";

    /// <summary>The table as Markdown (for the docs), with the legend under it.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append(Tables.Markdown(Columns, Rows())).Append('\n').Append(Legend()).Append(".\n");
        return sb.ToString();
    }
}
