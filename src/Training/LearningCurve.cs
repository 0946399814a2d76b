using System.Globalization;
using ScottPlot;

namespace Rl.Training;

/// <summary>The learning-curve PNG of a run (ScottPlot): returns against environment steps, read from metrics.csv rows.</summary>
public static class LearningCurve
{
    private static readonly Lock Gate = new();
    private static Task? _warmUp;

    /// <summary>
    /// Starts loading the plotting library on a background thread (SkiaSharp's native library and its font manager, which
    /// reads the system's font files once per process), so that cost overlaps training instead of delaying the end of a
    /// short run. Idempotent; <see cref="Write"/> works without it.
    /// </summary>
    public static void WarmUp()
    {
        lock (Gate)
            _warmUp ??= Task.Run(() =>
            {
                // A tiny plot with text loads the native library, the font manager, text shaping and the PNG encoder.
                var plot = new Plot();
                plot.Title("warm-up");
                _ = plot.GetImageBytes(16, 16, ImageFormat.Png);
            });
    }

    /// <summary>Writes the plot: per-iteration mean training return, the recent mean, evaluations, and the threshold.</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="rows">metrics.csv rows.</param>
    /// <param name="title">The plot title.</param>
    /// <param name="threshold">The reward threshold to draw, if any.</param>
    /// <param name="recentEpisodes">The window of the recent mean, for the legend.</param>
    public static void Write(string path, IReadOnlyList<IReadOnlyDictionary<string, string>> rows, string title, double? threshold, int recentEpisodes)
    {
        Task? warmUp;
        lock (Gate) warmUp = _warmUp;
        // A failed warm-up is not reported from here: the drawing below meets the same failure and reports it as itself.
        try
        {
            warmUp?.Wait();
        }
        catch (AggregateException)
        {
        }
        var plot = new Plot();
        AddSeries(plot, rows, "ep_return_mean", "mean return of the iteration's episodes", markersOnly: true);
        AddSeries(plot, rows, "recent_return_mean", $"mean of the last {recentEpisodes} episodes", markersOnly: false);
        AddSeries(plot, rows, "eval_mean_return", "evaluation (deterministic policy)", markersOnly: true, markerSize: 8);
        if (threshold is double t)
        {
            var line = plot.Add.HorizontalLine(t);
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = $"reward threshold {t.ToString("G", CultureInfo.InvariantCulture)}";
        }
        plot.Title(title);
        plot.XLabel("environment steps");
        plot.YLabel("episode return");
        plot.ShowLegend(Alignment.LowerRight);
        string tmp = path + ".tmp.png";
        plot.SavePng(tmp, 1000, 600);
        File.Move(tmp, path, overwrite: true);
    }

    private static void AddSeries(Plot plot, IReadOnlyList<IReadOnlyDictionary<string, string>> rows, string column, string label,
        bool markersOnly, float markerSize = 4)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var row in rows)
        {
            if (!row.TryGetValue("env_steps", out var x) || !row.TryGetValue(column, out var y)) continue;
            xs.Add(double.Parse(x, CultureInfo.InvariantCulture));
            ys.Add(double.Parse(y, CultureInfo.InvariantCulture));
        }
        if (xs.Count == 0) return;
        var s = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
        s.LegendText = label;
        s.MarkerSize = markersOnly ? markerSize : 0;
        s.LineWidth = markersOnly ? 0 : 2;
    }
}
