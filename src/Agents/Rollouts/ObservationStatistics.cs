using Rl.Core;

namespace Rl.Agents.Rollouts;

/// <summary>
/// Mean and variance of the flattened observations one rollout task saw (Welford's algorithm). Each task fills its own
/// instance; the algorithm merges them into its <see cref="RunningMeanStd"/> in task order afterwards, so the statistics do
/// not depend on which thread ran which task.
/// </summary>
public sealed class ObservationStatistics
{
    private readonly double[] _mean;
    private readonly double[] _m2;

    /// <summary>Creates empty statistics for vectors of <paramref name="size"/> elements.</summary>
    public ObservationStatistics(int size)
    {
        _mean = new double[size];
        _m2 = new double[size];
    }

    /// <summary>Number of observations added.</summary>
    public long Count { get; private set; }

    /// <summary>Number of elements of an observation.</summary>
    public int Size => _mean.Length;

    /// <summary>The mean of every element.</summary>
    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>The sum of squared deviations from the mean of every element (Welford's M2).</summary>
    public ReadOnlySpan<double> SquaredDeviations => _m2;

    /// <summary>
    /// Replaces the contents with <paramref name="count"/> observations summarized by <paramref name="mean"/> and
    /// <paramref name="squaredDeviations"/> (what another process's instance held), bit for bit.
    /// </summary>
    /// <exception cref="ArgumentException">If a length differs from <see cref="Size"/> or the count is negative.</exception>
    public void Set(long count, ReadOnlySpan<double> mean, ReadOnlySpan<double> squaredDeviations)
    {
        if (mean.Length != _mean.Length || squaredDeviations.Length != _m2.Length)
            throw new ArgumentException($"observation statistics hold {_mean.Length} elements but got {mean.Length} means and {squaredDeviations.Length} squared deviations");
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Count = count;
        mean.CopyTo(_mean);
        squaredDeviations.CopyTo(_m2);
    }

    /// <summary>Forgets everything added.</summary>
    public void Clear()
    {
        Count = 0;
        Array.Clear(_mean);
        Array.Clear(_m2);
    }

    /// <summary>Adds one observation.</summary>
    public void Add(ReadOnlySpan<float> x)
    {
        if (x.Length != _mean.Length)
            throw new ArgumentException($"observation statistics hold {_mean.Length} elements but got {x.Length}");
        Count++;
        for (int i = 0; i < _mean.Length; i++)
        {
            double delta = x[i] - _mean[i];
            _mean[i] += delta / Count;
            _m2[i] += delta * (x[i] - _mean[i]);
        }
    }

    /// <summary>Merges these statistics into <paramref name="target"/> (nothing happens when empty).</summary>
    public void MergeInto(RunningMeanStd target)
    {
        if (Count == 0) return;
        var variance = new double[_m2.Length];
        for (int i = 0; i < variance.Length; i++) variance[i] = _m2[i] / Count;
        target.Merge(_mean, variance, Count);
    }
}
