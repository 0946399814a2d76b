namespace Rl.Training.Experiments;

/// <summary>
/// Aggregate statistics over the scores of several runs, with the definitions of rliable (Agarwal et al. 2021, "Deep
/// reinforcement learning at the edge of the statistical precipice"): the interquartile mean is the 25% trimmed mean of all
/// scores (the lowest and highest <c>floor(n/4)</c> values are dropped, the rest averaged, as scipy's <c>trim_mean</c>
/// with <c>proportiontocut=0.25</c>), and percentiles interpolate linearly between order statistics (numpy's default).
/// </summary>
public static class RobustStatistics
{
    /// <summary>The interquartile mean (IQM): the mean of the values left after dropping <c>floor(n/4)</c> from each end.</summary>
    /// <exception cref="ArgumentException">If <paramref name="values"/> is empty or holds a NaN.</exception>
    public static double InterquartileMean(IEnumerable<double> values) => TrimmedMean(values, 0.25);

    /// <summary>
    /// The trimmed mean: sorts the values, drops <c>floor(n × proportion)</c> of them from each end and averages the rest.
    /// </summary>
    /// <param name="values">The scores (at least one).</param>
    /// <param name="proportion">The fraction cut from each end, in [0, 0.5).</param>
    /// <exception cref="ArgumentException">If <paramref name="values"/> is empty or holds a NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="proportion"/> is outside [0, 0.5).</exception>
    public static double TrimmedMean(IEnumerable<double> values, double proportion)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(proportion >= 0 && proportion < 0.5))
            throw new ArgumentOutOfRangeException(nameof(proportion), proportion, "the proportion cut from each end must be in [0, 0.5)");
        var sorted = Sorted(values);
        int cut = (int)Math.Floor(sorted.Length * proportion);
        return Mean(sorted.AsSpan(cut, sorted.Length - 2 * cut));
    }

    /// <summary>The arithmetic mean.</summary>
    /// <exception cref="ArgumentException">If <paramref name="values"/> is empty or holds a NaN.</exception>
    public static double Mean(IEnumerable<double> values) => Mean(Sorted(values));

    /// <summary>The median (the 50th percentile).</summary>
    /// <exception cref="ArgumentException">If <paramref name="values"/> is empty or holds a NaN.</exception>
    public static double Median(IEnumerable<double> values) => PercentileOfSorted(Sorted(values), 50);

    /// <summary>
    /// The <paramref name="percent"/>-th percentile with linear interpolation: position <c>p/100 × (n − 1)</c> in the sorted
    /// values, between its two neighbours (numpy's <c>percentile</c> default).
    /// </summary>
    /// <exception cref="ArgumentException">If <paramref name="values"/> is empty or holds a NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="percent"/> is outside [0, 100].</exception>
    public static double Percentile(IEnumerable<double> values, double percent) => PercentileOfSorted(Sorted(values), percent);

    /// <summary><see cref="Percentile"/> of values already sorted ascending (not checked).</summary>
    /// <exception cref="ArgumentException">If <paramref name="sorted"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="percent"/> is outside [0, 100].</exception>
    public static double PercentileOfSorted(ReadOnlySpan<double> sorted, double percent)
    {
        if (sorted.Length == 0) throw new ArgumentException("a percentile needs at least one value", nameof(sorted));
        if (!(percent >= 0 && percent <= 100)) throw new ArgumentOutOfRangeException(nameof(percent), percent, "a percentile must be in [0, 100]");
        double position = percent / 100 * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        double fraction = position - below;
        return sorted[below] + (sorted[above] - sorted[below]) * fraction;
    }

    internal static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values) sum += v;
        return sum / values.Length;
    }

    private static double[] Sorted(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var array = values.ToArray();
        if (array.Length == 0) throw new ArgumentException("the statistic needs at least one score", nameof(values));
        if (array.Any(double.IsNaN)) throw new ArgumentException("a score is NaN", nameof(values));
        Array.Sort(array);
        return array;
    }
}
