namespace Rl.Core.Tests;

/// <summary>Reference statistics computed directly from their definitions, to check the incremental implementations.</summary>
internal static class HandComputed
{
    /// <summary>Two-pass mean and population variance.</summary>
    public static (double Mean, double Var) Moments(IReadOnlyCollection<double> data)
    {
        double mean = data.Sum() / data.Count;
        return (mean, data.Sum(x => (x - mean) * (x - mean)) / data.Count);
    }

    /// <summary>
    /// The data's moments merged with RunningMeanStd's prior (mean 0, variance 1, pseudo-count <paramref name="eps"/>):
    /// mean = n m / (n + eps), var = (eps + n v + m² eps n / (n + eps)) / (n + eps).
    /// </summary>
    public static (double Mean, double Var) WithPrior(IReadOnlyCollection<double> data, double eps = 1e-4)
    {
        var (m, v) = Moments(data);
        double n = data.Count, total = n + eps;
        return (n * m / total, (eps + n * v + m * m * eps * n / total) / total);
    }
}
