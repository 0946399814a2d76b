namespace Rl.Agents.Parameters;

/// <summary>
/// Adam (Kingma and Ba 2015) on a flat parameter vector, for gradient-free agents that follow an estimated gradient (ES).
/// It ascends: <see cref="Step"/> adds the update to the parameters. Its moments and step count are part of a checkpoint.
/// </summary>
public sealed class FlatAdam
{
    /// <summary>Creates an optimizer for <paramref name="size"/> parameters.</summary>
    /// <param name="size">Number of parameters.</param>
    /// <param name="beta1">Decay of the first-moment estimate.</param>
    /// <param name="beta2">Decay of the second-moment estimate.</param>
    /// <param name="epsilon">Added to the root of the second moment.</param>
    public FlatAdam(int size, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        M = new float[size];
        V = new float[size];
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>First-moment estimate (state).</summary>
    public float[] M { get; }

    /// <summary>Second-moment estimate (state).</summary>
    public float[] V { get; }

    /// <summary>Number of steps taken (state; drives the bias correction).</summary>
    public long T { get; set; }

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>Numerical stabilizer.</summary>
    public double Epsilon { get; }

    /// <summary>
    /// θ += α · m̂ / (√v̂ + ε) for the ascent direction <paramref name="gradient"/>; returns the norm of the update.
    /// </summary>
    public double Step(Span<float> parameters, ReadOnlySpan<float> gradient, double stepSize)
    {
        if (parameters.Length != M.Length || gradient.Length != M.Length)
            throw new ArgumentException($"Adam holds {M.Length} parameters but got {parameters.Length} parameters and a gradient of {gradient.Length}");
        T++;
        double a = stepSize * Math.Sqrt(1 - Math.Pow(Beta2, T)) / (1 - Math.Pow(Beta1, T));
        double norm2 = 0;
        for (int i = 0; i < M.Length; i++)
        {
            M[i] = (float)(Beta1 * M[i] + (1 - Beta1) * gradient[i]);
            V[i] = (float)(Beta2 * V[i] + (1 - Beta2) * gradient[i] * gradient[i]);
            double step = a * M[i] / (Math.Sqrt(V[i]) + Epsilon);
            parameters[i] += (float)step;
            norm2 += step * step;
        }
        return Math.Sqrt(norm2);
    }
}
