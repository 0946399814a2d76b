using System.Globalization;
using Rl.Agents.Training;

namespace Rl.Training;

/// <summary>
/// The "babysitting" checks the runner applies to every algorithm: non-finite values stop training, and for each reported
/// histogram (weights per layer) the norm and the update/weight ratio ‖w_t − w_{t−1}‖ / ‖w_{t−1}‖ are logged (the course's
/// rule of thumb: around 1e-3; much larger means the step is too big, much smaller that learning stalls).
/// </summary>
public static class Diagnostics
{
    /// <summary>A message naming the first non-finite scalar or histogram element, or null when all are finite.</summary>
    public static string? FindNonFinite(IterationResult result, int iteration, long envSteps)
    {
        string where = string.Create(CultureInfo.InvariantCulture, $"at iteration {iteration} (environment step {envSteps:N0})");
        foreach (var (name, value) in result.Scalars.OrderBy(p => p.Key, StringComparer.Ordinal))
            if (!double.IsFinite(value))
                return $"training stopped {where}: scalar '{name}' is {Text(value)}";
        foreach (var (name, values) in result.Histograms.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (float.IsFinite(values[i])) continue;
                int bad = values.Count(v => !float.IsFinite(v));
                return $"training stopped {where}: tensor '{name}' has {Text(values[i])} at element {i} ({bad} of {values.Length} elements not finite)";
            }
        }
        foreach (var r in result.EpisodeReturns)
            if (!double.IsFinite(r))
                return $"training stopped {where}: an episode return is {Text(r)}";
        return null;
    }

    /// <summary>The Euclidean norm.</summary>
    public static double Norm(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values) sum += (double)v * v;
        return Math.Sqrt(sum);
    }

    /// <summary>‖current − previous‖ / ‖previous‖, or null when the shapes differ or the previous norm is zero.</summary>
    public static double? UpdateRatio(ReadOnlySpan<float> previous, ReadOnlySpan<float> current)
    {
        if (previous.Length != current.Length) return null;
        double diff = 0, norm = 0;
        for (int i = 0; i < previous.Length; i++)
        {
            double d = (double)current[i] - previous[i];
            diff += d * d;
            norm += (double)previous[i] * previous[i];
        }
        return norm > 0 ? Math.Sqrt(diff / norm) : null;
    }

    private static string Text(double v) => double.IsNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
}
