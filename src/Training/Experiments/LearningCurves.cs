namespace Rl.Training.Experiments;

/// <summary>The x axis of a learning curve.</summary>
public enum CurveAxis
{
    /// <summary>Environment steps trained.</summary>
    EnvSteps,

    /// <summary>Training wall time in seconds (timing.csv).</summary>
    WallSeconds,
}

/// <summary>The y value of a learning curve.</summary>
public enum CurveMetric
{
    /// <summary>The evaluation mean return (<c>eval_mean_return</c>), held between evaluations.</summary>
    Evaluation,

    /// <summary>
    /// The mean return of the training episodes that ended in the iteration (<c>ep_return_mean</c>; iterations where none
    /// ended are skipped). Not the windowed <c>recent_return_mean</c>, which lags by up to its window of episodes.
    /// </summary>
    TrainingReturn,
}

/// <summary>A group's curve on a common grid: the IQM over runs and its confidence band at each x.</summary>
/// <param name="X">The grid.</param>
/// <param name="Center">The IQM over the runs that have a value at each x.</param>
/// <param name="Lower">The lower end of the band.</param>
/// <param name="Upper">The upper end of the band.</param>
/// <param name="Runs">How many runs contribute at each x.</param>
public sealed record CurveBand(double[] X, double[] Center, double[] Lower, double[] Upper, int[] Runs);

/// <summary>
/// Learning curves of runs and groups. A run's value at x is its value at the last iteration at or before x (a run that
/// stopped, e.g. when solved, keeps its last value to the end of the axis); the band of a group is the IQM over runs with
/// a stratified bootstrap confidence interval at each grid point, as rliable's sample-efficiency curves.
/// </summary>
public static class LearningCurves
{
    /// <summary>Repetitions of the bootstrap at each grid point (fewer than the summary's 50,000: there are many points).</summary>
    public const int BandRepetitions = 2_000;

    /// <summary>
    /// The metric for plotting these groups together: evaluations when every run evaluated at three or more iterations,
    /// else the training return (always logged).
    /// </summary>
    public static CurveMetric ChooseMetric(IEnumerable<RunGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        return groups.SelectMany(g => g.Runs).All(r => r.Points.Count(p => p.Evaluation is not null) >= 3) ? CurveMetric.Evaluation : CurveMetric.TrainingReturn;
    }

    /// <summary>The points of one run (iterations with a value of <paramref name="metric"/> and, for wall time, a time).</summary>
    public static IReadOnlyList<(double X, double Y)> Series(RunHistory run, CurveAxis axis, CurveMetric metric)
    {
        ArgumentNullException.ThrowIfNull(run);
        var list = new List<(double, double)>();
        foreach (var p in run.Points)
        {
            double? y = metric == CurveMetric.Evaluation ? p.Evaluation : p.TrainingReturn;
            double? x = axis == CurveAxis.EnvSteps ? p.EnvSteps : p.WallSeconds;
            if (y is double yv && x is double xv) list.Add((xv, yv));
        }
        return list;
    }

    /// <summary>The IQM curve of a group with its 95% band on a grid of <paramref name="points"/> points from 0 to the furthest x.</summary>
    /// <param name="group">The runs.</param>
    /// <param name="axis">The x axis.</param>
    /// <param name="metric">The y value.</param>
    /// <param name="points">Grid points (at least 2).</param>
    /// <param name="seed">The bootstrap seed.</param>
    /// <returns>The band (empty arrays when no run has a value of <paramref name="metric"/>).</returns>
    public static CurveBand Band(RunGroup group, CurveAxis axis, CurveMetric metric, int points = 150, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 2);
        var series = group.Runs.Select(r => Series(r, axis, metric)).Where(s => s.Count > 0).ToList();
        if (series.Count == 0) return new CurveBand([], [], [], [], []);
        double end = series.Max(s => s[^1].X);
        var bootstrap = new StratifiedBootstrap { Repetitions = BandRepetitions, Seed = seed };
        var xs = new List<double>();
        var center = new List<double>();
        var lower = new List<double>();
        var upper = new List<double>();
        var counts = new List<int>();
        var cursor = new int[series.Count];
        for (int i = 0; i < points; i++)
        {
            double x = end * i / (points - 1);
            var values = new List<double>();
            for (int r = 0; r < series.Count; r++)
            {
                var s = series[r];
                while (cursor[r] < s.Count && s[cursor[r]].X <= x) cursor[r]++;
                if (cursor[r] > 0) values.Add(s[cursor[r] - 1].Y);
            }
            if (values.Count == 0) continue;
            var ci = values.Count == 1
                ? new ConfidenceInterval(values[0], values[0], values[0], bootstrap.Confidence)
                : bootstrap.InterquartileMean(values);
            xs.Add(x);
            center.Add(ci.Estimate);
            lower.Add(ci.Lower);
            upper.Add(ci.Upper);
            counts.Add(values.Count);
        }
        return new CurveBand([.. xs], [.. center], [.. lower], [.. upper], [.. counts]);
    }
}
