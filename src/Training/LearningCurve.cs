using System.Globalization;
using Rl.Training.Plotting;

namespace Rl.Training;

/// <summary>
/// The learning-curve PNG of a run: returns against environment steps, read from metrics.csv rows. Drawn by the toolkit's
/// own plotting code (src/Training/Plotting, no native library) with text from an embedded font, so no system font is read.
/// </summary>
public static class LearningCurve
{
    private static readonly Lock Gate = new();
    private static Task? _warmUp;

    /// <summary>
    /// Starts loading the plotting code on a background thread (the embedded font, the PNG encoder and the JIT of the
    /// drawing code), so that cost overlaps training instead of delaying the end of a short run.
    /// Idempotent; <see cref="Write"/> works without it.
    /// </summary>
    public static void WarmUp()
    {
        lock (Gate)
            _warmUp ??= Task.Run(() =>
            {
                // A tiny plot with text reads the font and runs the rasterizer and the PNG encoder once.
                var chart = new Chart { Title = "warm-up", XLabel = "x" };
                chart.Add([0, 1], [0, 1], Chart.Palette[0], "y");
                _ = Figure.EncodePng(64, 48, chart);
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
        var chart = new Chart { Title = title, XLabel = "environment steps", YLabel = "episode return", Legend = LegendPlace.LowerRight };
        AddSeries(chart, rows, "ep_return_mean", "mean return of the iteration's episodes", Chart.Palette[0], markersOnly: true);
        AddSeries(chart, rows, "recent_return_mean", $"mean of the last {recentEpisodes} episodes", Chart.Palette[1], markersOnly: false);
        AddSeries(chart, rows, "eval_mean_return", "evaluation (deterministic policy)", Chart.Palette[2], markersOnly: true, markerSize: 8);
        if (threshold is double t)
            chart.AddHorizontalLine(t, Chart.Palette[3], $"reward threshold {t.ToString("G", CultureInfo.InvariantCulture)}");
        Figure.SavePng(path, 1000, 600, chart);
    }

    private static void AddSeries(Chart chart, IReadOnlyList<IReadOnlyDictionary<string, string>> rows, string column, string label,
        Rgba color, bool markersOnly, float markerSize = 5)
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
        chart.Add(xs.ToArray(), ys.ToArray(), color, label, lineWidth: markersOnly ? 0 : 2, marker: markersOnly ? Marker.FilledCircle : Marker.None,
            markerSize: markerSize);
    }
}
