namespace Rl.Core;

/// <summary>
/// Running per-element mean and variance of a stream of vectors, merged batch by batch with the parallel algorithm of
/// Chan et al. (as Gymnasium's and Stable-Baselines3's <c>RunningMeanStd</c>). Used by observation and reward
/// normalization and by ARS V2. Starts with a tiny pseudo-count so the first division is safe.
/// </summary>
public sealed class RunningMeanStd
{
    private readonly double[] _mean;
    private readonly double[] _var;

    /// <summary>Creates statistics for vectors of <paramref name="size"/> elements.</summary>
    /// <param name="size">Vector length.</param>
    /// <param name="epsilon">Initial pseudo-count (mean 0, variance 1).</param>
    public RunningMeanStd(int size, double epsilon = 1e-4)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, "must be positive");
        _mean = new double[size];
        _var = new double[size];
        Array.Fill(_var, 1.0);
        Count = epsilon;
    }

    /// <summary>Vector length.</summary>
    public int Size => _mean.Length;

    /// <summary>The (pseudo-)number of samples seen.</summary>
    public double Count { get; private set; }

    /// <summary>Per-element mean.</summary>
    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>Per-element population variance.</summary>
    public ReadOnlySpan<double> Variance => _var;

    /// <summary>Adds one sample.</summary>
    public void Update(ReadOnlySpan<float> x)
    {
        CheckLength(x.Length);
        double n = Count + 1;
        for (int i = 0; i < _mean.Length; i++)
        {
            double delta = x[i] - _mean[i];
            double newMean = _mean[i] + delta / n;
            // M2 update: var*count + delta^2 * count / n
            _var[i] = (_var[i] * Count + delta * delta * Count / n) / n;
            _mean[i] = newMean;
        }
        Count = n;
    }

    /// <summary>Adds one sample of doubles.</summary>
    public void Update(ReadOnlySpan<double> x)
    {
        CheckLength(x.Length);
        double n = Count + 1;
        for (int i = 0; i < _mean.Length; i++)
        {
            double delta = x[i] - _mean[i];
            _var[i] = (_var[i] * Count + delta * delta * Count / n) / n;
            _mean[i] += delta / n;
        }
        Count = n;
    }

    /// <summary>Merges statistics of a batch (mean, population variance, count) computed elsewhere, e.g. by a worker thread.</summary>
    public void Merge(ReadOnlySpan<double> batchMean, ReadOnlySpan<double> batchVar, double batchCount)
    {
        CheckLength(batchMean.Length);
        CheckLength(batchVar.Length);
        if (batchCount <= 0) return;
        double total = Count + batchCount;
        for (int i = 0; i < _mean.Length; i++)
        {
            double delta = batchMean[i] - _mean[i];
            double m2 = _var[i] * Count + batchVar[i] * batchCount + delta * delta * Count * batchCount / total;
            _mean[i] += delta * batchCount / total;
            _var[i] = m2 / total;
        }
        Count = total;
    }

    /// <summary>Merges another instance's statistics into this one.</summary>
    public void Merge(RunningMeanStd other) => Merge(other._mean, other._var, other.Count);

    /// <summary>Writes (x - mean) / sqrt(var + epsilon) into <paramref name="destination"/>, optionally clipped to ±<paramref name="clip"/>.</summary>
    public void Normalize(ReadOnlySpan<float> x, Span<float> destination, double epsilon = 1e-8, double clip = double.PositiveInfinity)
    {
        CheckLength(x.Length);
        for (int i = 0; i < _mean.Length; i++)
        {
            double v = (x[i] - _mean[i]) / Math.Sqrt(_var[i] + epsilon);
            destination[i] = (float)Math.Clamp(v, -clip, clip);
        }
    }

    /// <summary>Replaces the statistics (from a checkpoint).</summary>
    /// <exception cref="ArgumentException">If the lengths differ from <see cref="Size"/> or the count is not positive.</exception>
    public void Set(ReadOnlySpan<double> mean, ReadOnlySpan<double> variance, double count)
    {
        CheckLength(mean.Length);
        CheckLength(variance.Length);
        if (!(count > 0)) throw new ArgumentException($"RunningMeanStd count must be positive, got {count}", nameof(count));
        mean.CopyTo(_mean);
        variance.CopyTo(_var);
        Count = count;
    }

    /// <summary>A deep copy.</summary>
    public RunningMeanStd Clone()
    {
        var c = new RunningMeanStd(Size);
        c.Set(_mean, _var, Count);
        return c;
    }

    private void CheckLength(int n)
    {
        if (n != _mean.Length)
            throw new ArgumentException($"RunningMeanStd has {_mean.Length} elements but got a vector of {n}");
    }
}
