using System.Globalization;
using ScottPlot;

namespace Rl.Training.Experiments;

/// <summary>
/// Figures of seed groups and comparisons (ScottPlot, as <see cref="LearningCurve"/>): for each group its IQM line over
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
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < group.Runs.Count; i++)
        {
            var run = group.Runs[i];
            var s = LearningCurves.Series(run, CurveAxis.EnvSteps, m);
            if (s.Count == 0) continue;
            var line = plot.Add.ScatterLine(s.Select(p => p.X).ToArray(), s.Select(p => p.Y).ToArray());
            line.Color = palette.GetColor(i + 1).WithAlpha(0.45);
            line.LineWidth = 1;
            line.LegendText = run.Seed is long seed ? $"seed {seed.ToString(CultureInfo.InvariantCulture)}" : Path.GetFileName(run.Directory);
        }
        AddBand(plot, group, CurveAxis.EnvSteps, m, Colors.Black, group.Runs.Count > 1 ? $"IQM over {group.Runs.Count} seeds (95% CI band)" : group.Name);
        Finish(plot, title, CurveAxis.EnvSteps, m, group.RewardThreshold);
        Save(path, plot, 1000, 600);
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
        var palette = new ScottPlot.Palettes.Category10();
        double? threshold = groups.Select(g => g.RewardThreshold).FirstOrDefault(t => t is not null);
        var multiplot = new Multiplot();
        // A new multiplot may already hold a plot; the figure uses exactly two.
        while (multiplot.Count() < 2) multiplot.AddPlot(new Plot());
        var axes = new[] { CurveAxis.EnvSteps, CurveAxis.WallSeconds };
        for (int panel = 0; panel < axes.Length; panel++)
        {
            var axis = axes[panel];
            var plot = multiplot.GetPlot(panel);
            for (int i = 0; i < groups.Count; i++)
            {
                var g = groups[i];
                AddBand(plot, g, axis, m, palette.GetColor(i), g.Runs.Count > 1 ? $"{g.Name} (IQM of {g.Runs.Count}, 95% CI)" : g.Name);
            }
            Finish(plot, axis == CurveAxis.EnvSteps ? title : "", axis, m, threshold);
        }
        string tmp = path + ".tmp.png";
        multiplot.SavePng(tmp, 1000, 1100);
        File.Move(tmp, path, overwrite: true);
    }

    private static void AddBand(Plot plot, RunGroup group, CurveAxis axis, CurveMetric metric, Color color, string label)
    {
        var band = LearningCurves.Band(group, axis, metric);
        if (band.X.Length == 0) return;
        if (group.Runs.Count > 1)
        {
            var fill = plot.Add.FillY(band.X, band.Lower, band.Upper);
            fill.FillColor = color.WithAlpha(0.2);
            fill.LineWidth = 0;
        }
        var line = plot.Add.ScatterLine(band.X, band.Center);
        line.Color = color;
        line.LineWidth = 2.5f;
        line.LegendText = label;
    }

    private static void Finish(Plot plot, string title, CurveAxis axis, CurveMetric metric, double? threshold)
    {
        if (threshold is double t)
        {
            var line = plot.Add.HorizontalLine(t);
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.Gray;
            line.LegendText = $"reward threshold {t.ToString("G", CultureInfo.InvariantCulture)}";
        }
        if (title.Length > 0) plot.Title(title);
        plot.XLabel(axis == CurveAxis.EnvSteps ? "environment steps" : "training wall time (s)");
        plot.YLabel(metric == CurveMetric.Evaluation ? "evaluation mean return" : "training episode return (iteration mean)");
        plot.ShowLegend(Alignment.LowerRight);
    }

    private static void Save(string path, Plot plot, int width, int height)
    {
        string tmp = path + ".tmp.png";
        plot.SavePng(tmp, width, height);
        File.Move(tmp, path, overwrite: true);
    }
}
