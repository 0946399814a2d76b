using Rl.Core;

namespace Rl.Agents.Policies;

/// <summary>
/// A frozen observation normalization x ↦ (x − μ) / √(σ² + ε), taken from a <see cref="RunningMeanStd"/> at one moment.
/// Rollouts and evaluation use a snapshot so the statistics never change while a batch of policies is compared (ARS V2).
/// </summary>
public sealed class ObservationFilter
{
    private const double Epsilon = 1e-8;
    private readonly float[] _mean;
    private readonly float[] _inverseStd;

    /// <summary>Creates a filter from means and variances.</summary>
    /// <exception cref="ArgumentException">If the lengths differ or a variance is negative or not finite.</exception>
    public ObservationFilter(ReadOnlySpan<double> mean, ReadOnlySpan<double> variance)
    {
        if (mean.Length != variance.Length)
            throw new ArgumentException($"observation filter has {mean.Length} means but {variance.Length} variances");
        _mean = new float[mean.Length];
        _inverseStd = new float[mean.Length];
        for (int i = 0; i < mean.Length; i++)
        {
            if (!(variance[i] >= 0) || !double.IsFinite(variance[i]) || !double.IsFinite(mean[i]))
                throw new ArgumentException($"observation filter element {i}: mean {mean[i]} and variance {variance[i]} must be finite, variance >= 0");
            _mean[i] = (float)mean[i];
            _inverseStd[i] = (float)(1 / Math.Sqrt(variance[i] + Epsilon));
        }
    }

    private ObservationFilter(float[] mean, float[] inverseStd)
    {
        _mean = mean;
        _inverseStd = inverseStd;
    }

    /// <summary>
    /// The filter with exactly these <see cref="Mean"/> and <see cref="InverseStd"/> values (e.g. a copy received from
    /// another process, which must normalize bit for bit as the original does).
    /// </summary>
    /// <exception cref="ArgumentException">If the lengths differ or a value is not finite.</exception>
    public static ObservationFilter FromFactors(ReadOnlySpan<float> mean, ReadOnlySpan<float> inverseStd)
    {
        if (mean.Length != inverseStd.Length)
            throw new ArgumentException($"observation filter has {mean.Length} means but {inverseStd.Length} inverse standard deviations");
        for (int i = 0; i < mean.Length; i++)
            if (!float.IsFinite(mean[i]) || !float.IsFinite(inverseStd[i]))
                throw new ArgumentException($"observation filter element {i}: mean {mean[i]} and inverse std {inverseStd[i]} must be finite");
        return new ObservationFilter(mean.ToArray(), inverseStd.ToArray());
    }

    /// <summary>A snapshot of <paramref name="statistics"/>.</summary>
    public static ObservationFilter From(RunningMeanStd statistics) => new(statistics.Mean, statistics.Variance);

    /// <summary>Number of elements.</summary>
    public int Size => _mean.Length;

    /// <summary>The means subtracted.</summary>
    public ReadOnlySpan<float> Mean => _mean;

    /// <summary>The factors 1/√(σ² + ε) applied after subtracting the mean.</summary>
    public ReadOnlySpan<float> InverseStd => _inverseStd;

    /// <summary>Normalizes <paramref name="x"/> in place.</summary>
    /// <exception cref="ArgumentException">If the length differs from <see cref="Size"/>.</exception>
    public void Apply(Span<float> x)
    {
        if (x.Length != _mean.Length)
            throw new ArgumentException($"observation filter has {_mean.Length} elements but the observation has {x.Length}");
        for (int i = 0; i < x.Length; i++) x[i] = (x[i] - _mean[i]) * _inverseStd[i];
    }
}
