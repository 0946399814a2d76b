namespace Rl.Agents.Parameters;

/// <summary>
/// The few vector operations the gradient-free agents need on flat parameter vectors (θ, μ, σ, gradients), written once.
/// Sums accumulate in the order of the elements so results are bit-for-bit reproducible.
/// </summary>
public static class ParameterMath
{
    /// <summary>y += a·x.</summary>
    /// <exception cref="ArgumentException">If the lengths differ.</exception>
    public static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        CheckSameLength(x.Length, y.Length);
        for (int i = 0; i < y.Length; i++) y[i] += a * x[i];
    }

    /// <summary>The dot product Σ x_i y_i, accumulated in double.</summary>
    public static double Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        CheckSameLength(x.Length, y.Length);
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += (double)x[i] * y[i];
        return s;
    }

    /// <summary>The Euclidean norm ‖x‖₂, accumulated in double.</summary>
    public static double Norm(ReadOnlySpan<float> x) => Math.Sqrt(Dot(x, x));

    /// <summary>x *= a.</summary>
    public static void Scale(float a, Span<float> x)
    {
        for (int i = 0; i < x.Length; i++) x[i] *= a;
    }

    /// <summary>destination = centre + scale · noise (element-wise), the parameters of one perturbation.</summary>
    public static void Perturb(ReadOnlySpan<float> centre, float scale, ReadOnlySpan<float> noise, Span<float> destination)
    {
        CheckSameLength(centre.Length, noise.Length);
        CheckSameLength(centre.Length, destination.Length);
        for (int i = 0; i < destination.Length; i++) destination[i] = centre[i] + scale * noise[i];
    }

    /// <summary>destination = centre + scale · sigma ⊙ noise (element-wise), for a diagonal Gaussian (CEM).</summary>
    public static void Perturb(ReadOnlySpan<float> centre, float scale, ReadOnlySpan<float> sigma, ReadOnlySpan<float> noise, Span<float> destination)
    {
        CheckSameLength(centre.Length, sigma.Length);
        CheckSameLength(centre.Length, noise.Length);
        CheckSameLength(centre.Length, destination.Length);
        for (int i = 0; i < destination.Length; i++) destination[i] = centre[i] + scale * sigma[i] * noise[i];
    }

    /// <summary>Whether every element is finite (no NaN or infinity).</summary>
    public static bool AllFinite(ReadOnlySpan<float> x)
    {
        foreach (float v in x)
            if (!float.IsFinite(v)) return false;
        return true;
    }

    /// <summary>Mean of a list of doubles (0 for an empty list).</summary>
    public static double Mean(ReadOnlySpan<double> x)
    {
        if (x.Length == 0) return 0;
        double s = 0;
        foreach (double v in x) s += v;
        return s / x.Length;
    }

    /// <summary>Population standard deviation of a list of doubles (0 for fewer than two values).</summary>
    public static double Std(ReadOnlySpan<double> x)
    {
        if (x.Length < 2) return 0;
        double m = Mean(x), s = 0;
        foreach (double v in x) s += (v - m) * (v - m);
        return Math.Sqrt(s / x.Length);
    }

    private static void CheckSameLength(int a, int b)
    {
        if (a != b) throw new ArgumentException($"parameter vectors differ in length: {a} vs {b}");
    }
}
