using System.Globalization;
using Rl.Training.Plotting;

namespace Rl.Training.Experiments;

/// <summary>
/// Figures of seed groups and comparisons (the toolkit's own plotting code, as <see cref="LearningCurve"/>; no system font is read): for each group its IQM line over
/// runs with the 95% stratified bootstrap band (<see cref="LearningCurves.Band"/>), single runs as plain lines.
/// </summary>
public static class ExperimentPlots
{
    /// <summary>
    /// The learning curve of one seed group: every seed as a thin line, the IQM across seeds as a thick one with its band,
    /// and the reward threshold.
    /// </summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="group">The runs.</param>
    /// <param name="title">The title.</param>
    /// <param name="metric">The y value; null: <see cref="LearningCurves.ChooseMetric"/>.</param>
    public static void WriteGroupCurve(string path, RunGroup group, string title, CurveMetric? metric = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(group);
        var m = metric ?? LearningCurves.ChooseMetric([group]);
        var chart = new Chart();
        for (int i = 0; i < group.Runs.Count; i++)
        {
            var run = group.Runs[i];
            var s = LearningCurves.Series(run, CurveAxis.EnvSteps, m);
            if (s.Count == 0) continue;
            chart.Add(s.Select(p => p.X).ToArray(), s.Select(p => p.Y).ToArray(), Chart.Palette[(i + 1) % Chart.Palette.Length].WithAlpha(0.45f),
                run.Seed is long seed ? $"seed {seed.ToString(CultureInfo.InvariantCulture)}" : Path.GetFileName(run.Directory), lineWidth: 1);
        }
        AddBand(chart, group, CurveAxis.EnvSteps, m, Rgba.Black, group.Runs.Count > 1 ? $"IQM over {group.Runs.Count} seeds (95% CI band)" : group.Name);
        Finish(chart, title, CurveAxis.EnvSteps, m, group.RewardThreshold);
        Figure.SavePng(path, 1000, 600, chart);
    }

    /// <summary>
    /// The comparison figure: two panels, returns against environment steps (top) and against wall time (bottom), one
    /// colour per group with its band, and the reward threshold.
    /// </summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="groups">The groups.</param>
    /// <param name="title">The title of the top panel.</param>
    /// <param name="metric">The y value; null: <see cref="LearningCurves.ChooseMetric"/>.</param>
    public static void WriteComparison(string path, IReadOnlyList<RunGroup> groups, string title, CurveMetric? metric = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(groups);
        var m = metric ?? LearningCurves.ChooseMetric(groups);
        double? threshold = groups.Select(g => g.RewardThreshold).FirstOrDefault(t => t is not null);
        var axes = new[] { CurveAxis.EnvSteps, CurveAxis.WallSeconds };
        var panels = new Chart[axes.Length];
        for (int panel = 0; panel < axes.Length; panel++)
        {
            var axis = axes[panel];
            var chart = panels[panel] = new Chart();
            for (int i = 0; i < groups.Count; i++)
            {
                var g = groups[i];
                AddBand(chart, g, axis, m, Chart.Palette[i % Chart.Palette.Length], g.Runs.Count > 1 ? $"{g.Name} (IQM of {g.Runs.Count}, 95% CI)" : g.Name);
            }
            Finish(chart, axis == CurveAxis.EnvSteps ? title : "", axis, m, threshold);
        }
        Figure.SavePng(path, 1000, 1100, panels);
    }

    private static void AddBand(Chart chart, RunGroup group, CurveAxis axis, CurveMetric metric, Rgba color, string label)
    {
        var band = LearningCurves.Band(group, axis, metric);
        if (band.X.Length == 0) return;
        if (group.Runs.Count > 1) chart.AddBand(band.X, band.Lower, band.Upper, color.WithAlpha(0.2f));
        chart.Add(band.X, band.Center, color, label, lineWidth: 2.5f);
    }

    private static void Finish(Chart chart, string title, CurveAxis axis, CurveMetric metric, double? threshold)
    {
        if (threshold is double t)
            chart.AddHorizontalLine(t, Rgba.Gray, $"reward threshold {t.ToString("G", CultureInfo.InvariantCulture)}");
        chart.Title = title;
        chart.XLabel = axis == CurveAxis.EnvSteps ? "environment steps" : "training wall time (s)";
        chart.YLabel = metric == CurveMetric.Evaluation ? "evaluation mean return" : "training episode return (iteration mean)";
        chart.Legend = LegendPlace.LowerRight;
    }
}
