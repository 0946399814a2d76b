using Rl.Core;

namespace Rl.Training.Experiments;

/// <summary>A point estimate with its bootstrap confidence interval.</summary>
/// <param name="Estimate">The statistic of the observed scores.</param>
/// <param name="Lower">The lower end of the interval.</param>
/// <param name="Upper">The upper end of the interval.</param>
/// <param name="Confidence">The interval's coverage, e.g. 0.95.</param>
public sealed record ConfidenceInterval(double Estimate, double Lower, double Upper, double Confidence)
{
    /// <summary>Whether the two intervals share no value.</summary>
    public bool DisjointFrom(ConfidenceInterval other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Upper < other.Lower || other.Upper < Lower;
    }
}

/// <summary>
/// The stratified bootstrap of rliable: the scores are grouped by task (stratum); each repetition resamples, with
/// replacement, the runs of every task separately (as many as it has), and computes the statistic on the resampled scores.
/// The interval is the percentile interval of the repetitions (for 95%: their 2.5th and 97.5th percentiles). With one task
/// it is the ordinary bootstrap over runs. Deterministic for a given <see cref="Seed"/>.
/// </summary>
public sealed class StratifiedBootstrap
{
    /// <summary>rliable's default number of repetitions.</summary>
    public const int DefaultRepetitions = 50_000;

    /// <summary>Bootstrap repetitions (default <see cref="DefaultRepetitions"/>).</summary>
    public int Repetitions { get; init; } = DefaultRepetitions;

    /// <summary>The interval's coverage, in (0, 1) (default 0.95).</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>The seed of the resampling.</summary>
    public long Seed { get; init; }

    /// <summary>The interquartile mean of all scores with its interval.</summary>
    /// <param name="scoresByTask">For each task, the scores of its runs (at least one task with at least one score).</param>
    /// <exception cref="ArgumentException">If a task has no scores or a score is NaN.</exception>
    public ConfidenceInterval InterquartileMean(IReadOnlyList<IReadOnlyList<double>> scoresByTask) =>
        Interval(scoresByTask, tasks => RobustStatistics.InterquartileMean(tasks.SelectMany(t => t)));

    /// <summary>The interquartile mean of the runs of one task with its interval.</summary>
    /// <exception cref="ArgumentException">If <paramref name="scores"/> is empty or holds a NaN.</exception>
    public ConfidenceInterval InterquartileMean(IReadOnlyList<double> scores) => InterquartileMean([scores]);

    /// <summary>Any statistic of the scores with its stratified bootstrap interval.</summary>
    /// <param name="scoresByTask">For each task, the scores of its runs.</param>
    /// <param name="statistic">The statistic, of scores grouped by task as <paramref name="scoresByTask"/>.</param>
    /// <exception cref="ArgumentException">If there is no task, a task has no scores or a score is NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException">If <see cref="Repetitions"/> is below 1 or <see cref="Confidence"/> is not in (0, 1).</exception>
    public ConfidenceInterval Interval(IReadOnlyList<IReadOnlyList<double>> scoresByTask, Func<IReadOnlyList<IReadOnlyList<double>>, double> statistic)
    {
        ArgumentNullException.ThrowIfNull(scoresByTask);
        ArgumentNullException.ThrowIfNull(statistic);
        if (Repetitions < 1) throw new ArgumentOutOfRangeException(nameof(Repetitions), Repetitions, "the bootstrap needs at least one repetition");
        if (!(Confidence > 0 && Confidence < 1)) throw new ArgumentOutOfRangeException(nameof(Confidence), Confidence, "the confidence must be in (0, 1)");
        if (scoresByTask.Count == 0) throw new ArgumentException("the bootstrap needs at least one task", nameof(scoresByTask));
        for (int t = 0; t < scoresByTask.Count; t++)
        {
            if (scoresByTask[t].Count == 0) throw new ArgumentException($"task {t} has no scores", nameof(scoresByTask));
            if (scoresByTask[t].Any(double.IsNaN)) throw new ArgumentException($"task {t} has a NaN score", nameof(scoresByTask));
        }
        double estimate = statistic(scoresByTask);
        var rng = new Rng(Seed);
        var sample = scoresByTask.Select(t => new double[t.Count]).ToArray();
        var stats = new double[Repetitions];
        for (int r = 0; r < Repetitions; r++)
        {
            for (int t = 0; t < sample.Length; t++)
            {
                var source = scoresByTask[t];
                var target = sample[t];
                for (int i = 0; i < target.Length; i++) target[i] = source[rng.NextInt(source.Count)];
            }
            stats[r] = statistic(sample);
        }
        Array.Sort(stats);
        double tail = (1 - Confidence) / 2 * 100;
        return new ConfidenceInterval(estimate, RobustStatistics.PercentileOfSorted(stats, tail), RobustStatistics.PercentileOfSorted(stats, 100 - tail), Confidence);
    }
}
