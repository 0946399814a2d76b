using System.Numerics;
using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Agents.Policies;

/// <summary>How a <see cref="BoxHead{T}"/> brings network outputs into the bounds of a Box action space.</summary>
public enum BoxActionMode
{
    /// <summary>Clip each output into [low, high] (unbounded dimensions pass through).</summary>
    Clip,

    /// <summary>Squash with tanh and rescale: low + (tanh(y) + 1)/2 · (high − low). Needs a bounded space.</summary>
    Tanh,
}

/// <summary>
/// The action head of flat-parameter-vector policies (<see cref="PolicyArchitecture"/>, the gradient-free agents): turns the
/// output vector of a <see cref="FlatNetwork"/> into an action of an action space, deterministically (the most likely
/// action) or by sampling. Heads hold no per-call state, so one instance serves every thread. (The TorchSharp policies'
/// head, a module producing a distribution, is <see cref="Networks.ActionHead"/>.)
/// </summary>
public abstract class FlatActionHead
{
    /// <summary>The action space the actions belong to.</summary>
    public abstract Space ActionSpace { get; }

    /// <summary>The number of network outputs the head reads.</summary>
    public abstract int OutputSize { get; }

    /// <summary>Chooses an action and returns it boxed, as a fresh value the caller may keep.</summary>
    /// <param name="output">The network output (<see cref="OutputSize"/> floats).</param>
    /// <param name="deterministic">Take the most likely action instead of sampling.</param>
    /// <param name="rng">Generator for sampling; required when not deterministic.</param>
    public abstract object ActObject(ReadOnlySpan<float> output, bool deterministic, Rng? rng);

    /// <summary>Builds the head for <paramref name="actionSpace"/>.</summary>
    /// <param name="actionSpace">Discrete, MultiDiscrete, MultiBinary, or a float32/float64 Box.</param>
    /// <param name="boxMode">How Box actions are brought into bounds.</param>
    /// <param name="actionNoise">Standard deviation of the Gaussian noise added to Box outputs when sampling.</param>
    /// <exception cref="NotSupportedException">For other spaces (the message names the space).</exception>
    /// <exception cref="ArgumentException">For tanh squashing of an unbounded Box, or negative noise.</exception>
    public static FlatActionHead Create(Space actionSpace, BoxActionMode boxMode = BoxActionMode.Clip, double actionNoise = 0.1) => actionSpace switch
    {
        Discrete d => new DiscreteHead(d),
        MultiDiscrete m => new MultiDiscreteHead(m),
        MultiBinary b => new MultiBinaryHead(b),
        Box<float> box => new BoxHead<float>(box, boxMode, actionNoise),
        Box<double> box => new BoxHead<double>(box, boxMode, actionNoise),
        _ => throw new NotSupportedException(
            $"flat-parameter policies support Discrete, MultiDiscrete, MultiBinary and float32/float64 Box action spaces, not {actionSpace}"),
    };

    /// <summary>The index of the largest of <paramref name="logits"/> (the first one on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
            if (logits[i] > logits[best]) best = i;
        return best;
    }

    /// <summary>Samples an index with probabilities softmax(<paramref name="logits"/>).</summary>
    public static int SampleSoftmax(ReadOnlySpan<float> logits, Rng rng)
    {
        float max = logits[ArgMax(logits)];
        double total = 0;
        foreach (float l in logits) total += Math.Exp(l - max);
        double u = rng.NextDouble() * total;
        for (int i = 0; i < logits.Length; i++)
        {
            u -= Math.Exp(logits[i] - max);
            if (u < 0) return i;
        }
        return logits.Length - 1;
    }

    /// <summary>Returns <paramref name="rng"/>, or explains that sampling needs one.</summary>
    protected static Rng Require(Rng? rng) =>
        rng ?? throw new ArgumentNullException(nameof(rng), "a stochastic action needs a random generator; pass one or act deterministically");
}

/// <summary>An action head whose actions have the .NET type <typeparamref name="TAct"/>, for typed rollout loops.</summary>
/// <typeparam name="TAct">The action type of the space.</typeparam>
public abstract class FlatActionHead<TAct> : FlatActionHead
{
    /// <summary>A buffer <see cref="Act"/> may write an array-valued action into (the same value for scalar actions).</summary>
    public abstract TAct CreateBuffer();

    /// <summary>Chooses an action; array-valued actions are written into <paramref name="buffer"/> and returned.</summary>
    public abstract TAct Act(ReadOnlySpan<float> output, bool deterministic, Rng? rng, TAct buffer);

    /// <inheritdoc />
    public sealed override object ActObject(ReadOnlySpan<float> output, bool deterministic, Rng? rng) =>
        Act(output, deterministic, rng, CreateBuffer())!;
}

/// <summary>One logit per action: argmax, or a sample from the softmax.</summary>
public sealed class DiscreteHead(Discrete space) : FlatActionHead<int>
{
    /// <inheritdoc />
    public override Space ActionSpace => space;

    /// <inheritdoc />
    public override int OutputSize => space.N;

    /// <inheritdoc />
    public override int CreateBuffer() => space.Start;

    /// <inheritdoc />
    public override int Act(ReadOnlySpan<float> output, bool deterministic, Rng? rng, int buffer) =>
        space.Start + (deterministic ? ArgMax(output) : SampleSoftmax(output, Require(rng)));
}

/// <summary>One group of logits per element, each handled as a <see cref="DiscreteHead"/>.</summary>
public sealed class MultiDiscreteHead(MultiDiscrete space) : FlatActionHead<int[]>
{
    /// <inheritdoc />
    public override Space ActionSpace => space;

    /// <inheritdoc />
    public override int OutputSize => space.FlatDim;

    /// <inheritdoc />
    public override int[] CreateBuffer() => new int[space.Nvec.Length];

    /// <inheritdoc />
    public override int[] Act(ReadOnlySpan<float> output, bool deterministic, Rng? rng, int[] buffer)
    {
        int offset = 0;
        for (int i = 0; i < buffer.Length; i++)
        {
            var logits = output.Slice(offset, space.Nvec[i]);
            buffer[i] = space.Start[i] + (deterministic ? ArgMax(logits) : SampleSoftmax(logits, Require(rng)));
            offset += space.Nvec[i];
        }
        return buffer;
    }
}

/// <summary>One logit per bit: 1 when positive, or a Bernoulli sample with probability sigmoid(logit).</summary>
public sealed class MultiBinaryHead(MultiBinary space) : FlatActionHead<byte[]>
{
    /// <inheritdoc />
    public override Space ActionSpace => space;

    /// <inheritdoc />
    public override int OutputSize => space.Size;

    /// <inheritdoc />
    public override byte[] CreateBuffer() => new byte[space.Size];

    /// <inheritdoc />
    public override byte[] Act(ReadOnlySpan<float> output, bool deterministic, Rng? rng, byte[] buffer)
    {
        for (int i = 0; i < buffer.Length; i++)
            buffer[i] = deterministic
                ? (byte)(output[i] > 0 ? 1 : 0)
                : (byte)(Require(rng).NextDouble() < 1 / (1 + Math.Exp(-output[i])) ? 1 : 0);
        return buffer;
    }
}

/// <summary>
/// One output per element of a Box: the output itself (deterministic) or plus N(0, noise²) (stochastic), brought into the
/// bounds by clipping or tanh squashing.
/// </summary>
/// <typeparam name="T"><c>float</c> or <c>double</c>.</typeparam>
public sealed class BoxHead<T> : FlatActionHead<T[]> where T : unmanaged, INumber<T>
{
    private readonly Box<T> _space;
    private readonly double[] _low, _high;

    /// <summary>Creates the head.</summary>
    /// <exception cref="ArgumentException">For tanh squashing of an unbounded Box, or negative noise.</exception>
    public BoxHead(Box<T> space, BoxActionMode mode, double noise)
    {
        if (mode == BoxActionMode.Tanh && !space.IsBounded)
            throw new ArgumentException($"tanh squashing needs a bounded action space but {space} is unbounded; use clipping instead");
        if (!(noise >= 0)) throw new ArgumentException($"action noise must be >= 0, got {noise}", nameof(noise));
        _space = space;
        Mode = mode;
        Noise = noise;
        _low = [.. Enumerable.Range(0, space.Size).Select(space.LowAt)];
        _high = [.. Enumerable.Range(0, space.Size).Select(space.HighAt)];
    }

    /// <summary>How outputs are brought into bounds.</summary>
    public BoxActionMode Mode { get; }

    /// <summary>Standard deviation of the exploration noise when sampling.</summary>
    public double Noise { get; }

    /// <inheritdoc />
    public override Space ActionSpace => _space;

    /// <inheritdoc />
    public override int OutputSize => _space.Size;

    /// <inheritdoc />
    public override T[] CreateBuffer() => new T[_space.Size];

    /// <inheritdoc />
    public override T[] Act(ReadOnlySpan<float> output, bool deterministic, Rng? rng, T[] buffer)
    {
        for (int i = 0; i < buffer.Length; i++)
        {
            double y = output[i];
            if (!deterministic) y += Noise * Require(rng).NextGaussian();
            if (Mode == BoxActionMode.Tanh) y = _low[i] + (Math.Tanh(y) + 1) * 0.5 * (_high[i] - _low[i]);
            // Clamp in both modes: tanh's rescaling can round a hair past a bound. The bounds are the space's own values
            // widened to double, so converting back cannot leave them.
            buffer[i] = T.CreateSaturating(Math.Clamp(y, _low[i], _high[i]));
        }
        return buffer;
    }
}
