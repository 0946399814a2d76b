using Rl.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.Networks;

/// <summary>
/// A batch of action distributions π(·|s) produced by a policy head. Actions are float rows [B, width] for every space
/// (an index for Discrete, one index per element for MultiDiscrete, the vector for Box), so buffers are uniform.
/// Randomness comes from an <see cref="Rng"/> (drawn on the CPU, moved to the device), so sampling is reproducible,
/// device-independent and part of checkpoints.
/// </summary>
public abstract class ActionDistribution
{
    /// <summary>log π(a|s) per row: [B].</summary>
    public abstract Tensor LogProb(Tensor actions);

    /// <summary>Entropy per row: [B].</summary>
    public abstract Tensor Entropy();

    /// <summary>Samples actions [B, width] (no gradient).</summary>
    public abstract Tensor Sample(Rng rng);

    /// <summary>The most likely action [B, width] (argmax or mean), for deterministic evaluation.</summary>
    public abstract Tensor Mode();

    /// <summary>Uniform [0, 1) noise of <paramref name="shape"/> from <paramref name="rng"/>, on <paramref name="device"/>.</summary>
    protected static Tensor UniformNoise(Rng rng, long[] shape, Device device)
    {
        var u = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (int i = 0; i < u.Length; i++) u[i] = rng.NextFloat();
        return TensorRows.FromSpan(u, shape, device);
    }

    /// <summary>Standard normal noise of <paramref name="shape"/> from <paramref name="rng"/>, on <paramref name="device"/>.</summary>
    protected static Tensor GaussianNoise(Rng rng, long[] shape, Device device)
    {
        var e = new float[shape.Aggregate(1L, (a, b) => a * b)];
        rng.FillGaussian(e);
        return TensorRows.FromSpan(e, shape, device);
    }
}

/// <summary>A categorical distribution over n actions per row, from logits [B, n].</summary>
public sealed class Categorical : ActionDistribution
{
    /// <summary>Creates the distribution from unnormalized logits [B, n].</summary>
    public Categorical(Tensor logits)
    {
        LogProbs = logits.log_softmax(-1);
    }

    /// <summary>Normalized log-probabilities [B, n].</summary>
    public Tensor LogProbs { get; }

    /// <summary>Probabilities [B, n].</summary>
    public Tensor Probs => LogProbs.exp();

    /// <inheritdoc />
    public override Tensor LogProb(Tensor actions) => LogProbs.gather(1, actions.reshape(-1, 1).to(ScalarType.Int64)).squeeze(1);

    /// <inheritdoc />
    public override Tensor Entropy() => -(LogProbs.exp() * LogProbs).sum(-1);

    /// <inheritdoc />
    public override Tensor Sample(Rng rng)
    {
        using var _ = torch.no_grad();
        long n = LogProbs.shape[1];
        using var cdf = LogProbs.exp().cumsum(1);
        using var u = UniformNoise(rng, [LogProbs.shape[0], 1], LogProbs.device);
        // Inverse CDF: the index is the number of cumulative probabilities below u (clamped against rounding at the top).
        using var last = (n - 1).ToScalar(); // kept alive across the native call (docs/architecture.md, "TorchSharp Scalars")
        return (cdf < u).sum(1, keepdim: true).clamp_max(last).to(ScalarType.Float32);
    }

    /// <inheritdoc />
    public override Tensor Mode() => LogProbs.argmax(1, keepdim: true).to(ScalarType.Float32);
}

/// <summary>Independent categorical distributions, one per element of a MultiDiscrete action.</summary>
public sealed class MultiCategorical : ActionDistribution
{
    private readonly Categorical[] _parts;

    /// <summary>Creates the distributions from concatenated logits [B, Σ n_i].</summary>
    public MultiCategorical(Tensor logits, IReadOnlyList<int> nvec)
    {
        _parts = logits.split(nvec.Select(n => (long)n).ToArray(), 1).Select(l => new Categorical(l)).ToArray();
    }

    /// <summary>The per-element distributions.</summary>
    public IReadOnlyList<Categorical> Parts => _parts;

    /// <inheritdoc />
    public override Tensor LogProb(Tensor actions) =>
        torch.stack(_parts.Select((p, i) => p.LogProb(actions[.., i])), 1).sum(1);

    /// <inheritdoc />
    public override Tensor Entropy() => torch.stack(_parts.Select(p => p.Entropy()), 1).sum(1);

    /// <inheritdoc />
    public override Tensor Sample(Rng rng) => torch.cat(_parts.Select(p => p.Sample(rng)).ToArray(), 1);

    /// <inheritdoc />
    public override Tensor Mode() => torch.cat(_parts.Select(p => p.Mode()).ToArray(), 1);
}

/// <summary>
/// A Gaussian with diagonal covariance, N(μ, diag σ²), for Box actions. <see cref="RSample"/> is the reparametrization
/// trick: a = μ + σ·ε with ε ~ N(0, I), so gradients flow from a to μ and σ.
/// </summary>
public sealed class DiagGaussian : ActionDistribution
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>Creates the distribution from means [B, d] and log standard deviations broadcastable to [B, d].</summary>
    public DiagGaussian(Tensor mean, Tensor logStd)
    {
        Mean = mean;
        LogStd = logStd.expand_as(mean);
    }

    /// <summary>Means [B, d].</summary>
    public Tensor Mean { get; }

    /// <summary>Log standard deviations [B, d].</summary>
    public Tensor LogStd { get; }

    /// <inheritdoc />
    public override Tensor LogProb(Tensor actions)
    {
        using var minusHalf = (-0.5).ToScalar();
        using var halfLog2Pi = HalfLog2Pi.ToScalar();
        var z = (actions - Mean) * (-LogStd).exp();
        return (minusHalf * z * z - LogStd - halfLog2Pi).sum(-1);
    }

    /// <inheritdoc />
    public override Tensor Entropy()
    {
        using var constant = (0.5 + HalfLog2Pi).ToScalar();
        return (LogStd + constant).sum(-1);
    }

    /// <summary>Reparametrized sample a = μ + σ·ε, differentiable with respect to μ and σ.</summary>
    public Tensor RSample(Rng rng)
    {
        using var eps = GaussianNoise(rng, Mean.shape, Mean.device);
        return Mean + LogStd.exp() * eps;
    }

    /// <inheritdoc />
    public override Tensor Sample(Rng rng)
    {
        using var _ = torch.no_grad();
        return RSample(rng);
    }

    /// <inheritdoc />
    public override Tensor Mode() => Mean.detach();
}

/// <summary>
/// The Gumbel-softmax (Concrete) relaxation of a categorical sample (Jang et al. 2017; Maddison et al. 2017):
/// y = softmax((logits + g) / τ) with g = −log(−log u), u ~ U(0, 1). As τ → 0 it approaches a one-hot sample; it is
/// differentiable with respect to the logits, the discrete counterpart of the reparametrization trick.
/// </summary>
public static class GumbelSoftmax
{
    /// <summary>Draws relaxed one-hot samples [B, n] from <paramref name="logits"/> [B, n].</summary>
    /// <param name="logits">Unnormalized log-probabilities.</param>
    /// <param name="temperature">τ &gt; 0: lower is closer to one-hot, higher is smoother.</param>
    /// <param name="hard">
    /// Return exact one-hot vectors in the forward pass while gradients follow the relaxed sample (straight-through).
    /// </param>
    /// <param name="rng">Source of the Gumbel noise.</param>
    /// <exception cref="ArgumentOutOfRangeException">If the temperature is not positive.</exception>
    public static Tensor Sample(Tensor logits, double temperature, bool hard, Rng rng)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "Gumbel-softmax temperature must be positive");
        var g = new float[logits.numel()];
        for (int i = 0; i < g.Length; i++)
        {
            double u;
            do u = rng.NextDouble(); while (u == 0.0); // u in (0, 1) keeps both logarithms finite
            g[i] = (float)-Math.Log(-Math.Log(u));
        }
        using var gumbel = TensorRows.FromSpan(g, logits.shape, logits.device);
        using var temperatureScalar = temperature.ToScalar();
        var y = ((logits + gumbel) / temperatureScalar).softmax(-1);
        if (!hard) return y;
        using var index = y.argmax(-1);
        using var oneHot = nn.functional.one_hot(index, y.shape[^1]).to(y.dtype);
        // Straight-through: the value is one-hot, the gradient is that of y.
        return oneHot - y.detach() + y;
    }
}
