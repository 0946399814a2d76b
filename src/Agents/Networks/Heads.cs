using Rl.Core;
using Rl.Core.Spaces;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.Networks;

/// <summary>
/// The output layer of a policy: features → a distribution over the action space. It also converts between the
/// uniform float-row form of actions (<see cref="ActionWidth"/> floats) and values of the environment's action space.
/// </summary>
public abstract class ActionHead : nn.Module<Tensor, ActionDistribution>
{
    /// <summary>Creates the head module.</summary>
    protected ActionHead(string name) : base(name) { }

    /// <summary>Floats per stored action row.</summary>
    public abstract int ActionWidth { get; }

    /// <summary>Converts a stored action row to a value of the action space (clipped into a Box's bounds).</summary>
    public abstract object ToEnvAction(ReadOnlySpan<float> row);

    /// <summary>Converts a value of the action space to its row form (for demonstrations and tests).</summary>
    public abstract void FromEnvAction(object action, Span<float> row);

    /// <summary>The output gain of policy heads: small, so the initial policy is close to uniform (or to zero mean).</summary>
    public const double OutputGain = 0.01;

    /// <summary>Builds the head for <paramref name="actionSpace"/>: categorical for Discrete, one categorical per element for MultiDiscrete, diagonal Gaussian for Box.</summary>
    /// <exception cref="NotSupportedException">For other spaces, naming the space.</exception>
    public static ActionHead Create(Space actionSpace, int inputSize, InitScheme init, Rng rng, double initLogStd = -0.5) => actionSpace switch
    {
        Discrete d => new CategoricalHead(inputSize, d, init, rng),
        MultiDiscrete m => new MultiCategoricalHead(inputSize, m, init, rng),
        IBox { DType: DType.Float32 or DType.Float64 } b => new DiagGaussianHead(inputSize, b, init, rng, initLogStd),
        _ => throw new NotSupportedException($"policy-gradient heads support Discrete, MultiDiscrete and float Box action spaces, not {actionSpace}"),
    };
}

/// <summary>Linear logits for a Discrete space; actions are stored as the 0-based index.</summary>
public sealed class CategoricalHead : ActionHead
{
    private readonly Linear logits;
    private readonly Discrete _space;

    /// <summary>Builds the head.</summary>
    public CategoricalHead(int inputSize, Discrete space, InitScheme init, Rng rng) : base(nameof(CategoricalHead))
    {
        _space = space;
        logits = nn.Linear(inputSize, space.N);
        RegisterComponents();
        WeightInit.InitializeLayer(logits.weight!, logits.bias, init, OutputGain, rng);
    }

    /// <inheritdoc />
    public override int ActionWidth => 1;

    /// <inheritdoc />
    public override ActionDistribution forward(Tensor features) => new Categorical(logits.forward(features));

    /// <inheritdoc />
    public override object ToEnvAction(ReadOnlySpan<float> row) => _space.Start + (int)row[0];

    /// <inheritdoc />
    public override void FromEnvAction(object action, Span<float> row) => row[0] = (int)action - _space.Start;
}

/// <summary>Concatenated linear logits for a MultiDiscrete space; actions are stored as one 0-based index per element.</summary>
public sealed class MultiCategoricalHead : ActionHead
{
    private readonly Linear logits;
    private readonly MultiDiscrete _space;
    private readonly int[] _nvec;

    /// <summary>Builds the head.</summary>
    public MultiCategoricalHead(int inputSize, MultiDiscrete space, InitScheme init, Rng rng) : base(nameof(MultiCategoricalHead))
    {
        _space = space;
        _nvec = space.Nvec.ToArray();
        logits = nn.Linear(inputSize, _nvec.Sum());
        RegisterComponents();
        WeightInit.InitializeLayer(logits.weight!, logits.bias, init, OutputGain, rng);
    }

    /// <inheritdoc />
    public override int ActionWidth => _nvec.Length;

    /// <inheritdoc />
    public override ActionDistribution forward(Tensor features) => new MultiCategorical(logits.forward(features), _nvec);

    /// <inheritdoc />
    public override object ToEnvAction(ReadOnlySpan<float> row)
    {
        var a = new int[_nvec.Length];
        for (int i = 0; i < a.Length; i++) a[i] = _space.Start[i] + (int)row[i];
        return a;
    }

    /// <inheritdoc />
    public override void FromEnvAction(object action, Span<float> row)
    {
        var a = (int[])action;
        for (int i = 0; i < a.Length; i++) row[i] = a[i] - _space.Start[i];
    }
}

/// <summary>
/// A diagonal Gaussian for a float Box: a linear layer gives the means, a state-independent learned parameter the log
/// standard deviations. Sampled actions are stored unclipped (their log-probabilities are exact) and clipped into the
/// box only when sent to the environment.
/// </summary>
public sealed class DiagGaussianHead : ActionHead
{
    private readonly Linear mean;
    private readonly Parameter log_std;
    private readonly IBox _space;

    /// <summary>Builds the head with every log standard deviation at <paramref name="initLogStd"/>.</summary>
    public DiagGaussianHead(int inputSize, IBox space, InitScheme init, Rng rng, double initLogStd) : base(nameof(DiagGaussianHead))
    {
        _space = space;
        mean = nn.Linear(inputSize, space.Size);
        using var logStd = initLogStd.ToScalar(); // kept alive across the native call (docs/architecture.md, "TorchSharp Scalars")
        log_std = nn.Parameter(torch.full(space.Size, logStd, ScalarType.Float32));
        RegisterComponents();
        WeightInit.InitializeLayer(mean.weight!, mean.bias, init, OutputGain, rng);
    }

    /// <inheritdoc />
    public override int ActionWidth => _space.Size;

    /// <inheritdoc />
    public override ActionDistribution forward(Tensor features) => new DiagGaussian(mean.forward(features), log_std);

    /// <inheritdoc />
    public override object ToEnvAction(ReadOnlySpan<float> row)
    {
        if (_space.DType == DType.Float64)
        {
            var d = new double[row.Length];
            for (int i = 0; i < d.Length; i++) d[i] = Math.Clamp(row[i], _space.LowAt(i), _space.HighAt(i));
            return d;
        }
        var f = new float[row.Length];
        for (int i = 0; i < f.Length; i++) f[i] = (float)Math.Clamp(row[i], _space.LowAt(i), _space.HighAt(i));
        return f;
    }

    /// <inheritdoc />
    public override void FromEnvAction(object action, Span<float> row)
    {
        switch (action)
        {
            case float[] f: f.CopyTo(row); break;
            case double[] d:
                for (int i = 0; i < d.Length; i++) row[i] = (float)d[i];
                break;
            default: throw new ArgumentException($"expected a float[] or double[] action for {_space}, got {action.GetType().Name}", nameof(action));
        }
    }
}

/// <summary>A linear state-value head V(s): features → one number per row.</summary>
public sealed class ValueHead : nn.Module<Tensor, Tensor>
{
    private readonly Linear value;

    /// <summary>Builds the head (gain 1).</summary>
    public ValueHead(int inputSize, InitScheme init, Rng rng) : base(nameof(ValueHead))
    {
        value = nn.Linear(inputSize, 1);
        RegisterComponents();
        WeightInit.InitializeLayer(value.weight!, value.bias, init, 1.0, rng);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor features) => value.forward(features).squeeze(-1);
}
