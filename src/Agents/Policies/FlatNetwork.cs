using Rl.Core;

namespace Rl.Agents.Policies;

/// <summary>A named range of a flat parameter vector (one layer's weights or biases), for per-layer diagnostics.</summary>
/// <param name="Name">For example <c>layer0.weight</c>.</param>
/// <param name="Offset">First index in the flat vector.</param>
/// <param name="Length">Number of parameters.</param>
public readonly record struct ParameterBlock(string Name, int Offset, int Length);

/// <summary>
/// A network whose parameters are one flat <c>float</c> vector owned by the caller, evaluated with plain C# arithmetic.
/// Gradient-free agents perturb and average such vectors directly; for tiny policies this is far faster than a tensor
/// library. A network holds only its shape, so one instance serves every thread; each thread brings its own scratch memory.
/// </summary>
public abstract class FlatNetwork
{
    private int _parameterCount = -1; // computed once: Forward checks it on every call

    /// <summary>Length of the input vector.</summary>
    public abstract int InputSize { get; }

    /// <summary>Length of the output vector.</summary>
    public abstract int OutputSize { get; }

    /// <summary>The layout of the parameter vector, block by block.</summary>
    public abstract IReadOnlyList<ParameterBlock> Blocks { get; }

    /// <summary>Total number of parameters.</summary>
    public int ParameterCount => _parameterCount >= 0 ? _parameterCount : _parameterCount = Blocks.Sum(b => b.Length);

    /// <summary>Floats of scratch memory <see cref="Forward"/> needs for intermediate activations.</summary>
    public abstract int ScratchSize { get; }

    /// <summary>Computes the output for <paramref name="input"/> with the given parameters.</summary>
    /// <param name="parameters">The flat parameter vector (<see cref="ParameterCount"/> floats).</param>
    /// <param name="input">The input (<see cref="InputSize"/> floats).</param>
    /// <param name="output">Receives <see cref="OutputSize"/> floats.</param>
    /// <param name="scratch">At least <see cref="ScratchSize"/> floats the call may overwrite.</param>
    public abstract void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output, Span<float> scratch);

    /// <summary>Writes initial parameters (the architecture's usual initialization) into <paramref name="parameters"/>.</summary>
    public abstract void Initialize(Span<float> parameters, Rng rng);

    /// <summary>Checks the buffer sizes a forward pass receives.</summary>
    /// <exception cref="ArgumentException">Naming the buffer whose size is wrong.</exception>
    protected void CheckSizes(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output, Span<float> scratch)
    {
        if (parameters.Length != ParameterCount) throw new ArgumentException($"{this} has {ParameterCount} parameters but got a vector of {parameters.Length}");
        if (input.Length != InputSize) throw new ArgumentException($"{this} takes {InputSize} inputs but got {input.Length}");
        if (output.Length != OutputSize) throw new ArgumentException($"{this} writes {OutputSize} outputs but got a buffer of {output.Length}");
        if (scratch.Length < ScratchSize) throw new ArgumentException($"{this} needs {ScratchSize} floats of scratch but got {scratch.Length}");
    }

    /// <summary>y = W x + b for a dense layer stored as W (row-major, outputs × inputs) followed by b.</summary>
    protected static void Dense(ReadOnlySpan<float> layer, ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length;
        var bias = layer.Slice(y.Length * n, y.Length);
        for (int o = 0; o < y.Length; o++)
        {
            var row = layer.Slice(o * n, n);
            float s = bias[o];
            for (int i = 0; i < n; i++) s += row[i] * x[i];
            y[o] = s;
        }
    }

    /// <summary>Fills a dense layer (weights then biases) with weights N(0, (gain²)/fan_in) and zero biases.</summary>
    protected static void InitializeDense(Span<float> layer, int inputs, int outputs, double gain, Rng rng)
    {
        double std = gain / Math.Sqrt(inputs);
        for (int i = 0; i < inputs * outputs; i++) layer[i] = (float)(std * rng.NextGaussian());
        layer.Slice(inputs * outputs, outputs).Clear();
    }

    /// <summary>The weight and bias blocks of a dense layer that starts at <paramref name="offset"/>.</summary>
    protected static IEnumerable<ParameterBlock> DenseBlocks(string name, int offset, int inputs, int outputs) =>
    [
        new ParameterBlock(name + ".weight", offset, inputs * outputs),
        new ParameterBlock(name + ".bias", offset + inputs * outputs, outputs),
    ];
}

/// <summary>
/// A linear policy network y = W x + b (Mania et al. 2018 use linear policies for ARS). Initialized to zero, as in the ARS
/// paper: every perturbation then starts from the same neutral policy.
/// </summary>
public sealed class LinearNetwork : FlatNetwork
{
    private readonly ParameterBlock[] _blocks;

    /// <summary>Creates a linear map from <paramref name="inputs"/> to <paramref name="outputs"/> values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If a size is not positive.</exception>
    public LinearNetwork(int inputs, int outputs)
    {
        if (inputs <= 0) throw new ArgumentOutOfRangeException(nameof(inputs), inputs, "a linear network needs at least one input");
        if (outputs <= 0) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "a linear network needs at least one output");
        InputSize = inputs;
        OutputSize = outputs;
        _blocks = [.. DenseBlocks("linear", 0, inputs, outputs)];
    }

    /// <inheritdoc />
    public override int InputSize { get; }

    /// <inheritdoc />
    public override int OutputSize { get; }

    /// <inheritdoc />
    public override IReadOnlyList<ParameterBlock> Blocks => _blocks;

    /// <inheritdoc />
    public override int ScratchSize => 0;

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output, Span<float> scratch)
    {
        CheckSizes(parameters, input, output, scratch);
        Dense(parameters, input, output);
    }

    /// <inheritdoc />
    public override void Initialize(Span<float> parameters, Rng rng) => parameters.Clear();

    /// <inheritdoc />
    public override string ToString() => $"Linear({InputSize} -> {OutputSize})";
}

/// <summary>
/// A multilayer perceptron with tanh hidden layers and a linear output layer. Hidden weights start N(0, 1/fan_in); the
/// output layer starts ten times smaller so the initial policy is nearly neutral (as in Salimans et al.'s ES policies).
/// </summary>
public sealed class MlpNetwork : FlatNetwork
{
    private readonly int[] _sizes;
    private readonly int[] _offsets;
    private readonly ParameterBlock[] _blocks;

    /// <summary>Creates an MLP <paramref name="inputs"/> → hidden... → <paramref name="outputs"/>.</summary>
    /// <exception cref="ArgumentException">If a size is not positive.</exception>
    public MlpNetwork(int inputs, IReadOnlyList<int> hiddenSizes, int outputs)
    {
        _sizes = [inputs, .. hiddenSizes, outputs];
        if (_sizes.Any(s => s <= 0))
            throw new ArgumentException($"MLP layer sizes must be positive: [{string.Join(", ", _sizes)}]");
        _offsets = new int[_sizes.Length - 1];
        var blocks = new List<ParameterBlock>();
        int offset = 0;
        for (int l = 0; l < _offsets.Length; l++)
        {
            _offsets[l] = offset;
            blocks.AddRange(DenseBlocks($"layer{l}", offset, _sizes[l], _sizes[l + 1]));
            offset += (_sizes[l] + 1) * _sizes[l + 1];
        }
        _blocks = [.. blocks];
        ScratchSize = 2 * _sizes[1..^1].DefaultIfEmpty(0).Max();
    }

    /// <inheritdoc />
    public override int InputSize => _sizes[0];

    /// <inheritdoc />
    public override int OutputSize => _sizes[^1];

    /// <inheritdoc />
    public override IReadOnlyList<ParameterBlock> Blocks => _blocks;

    /// <inheritdoc />
    public override int ScratchSize { get; }

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output, Span<float> scratch)
    {
        CheckSizes(parameters, input, output, scratch);
        int half = ScratchSize / 2;
        ReadOnlySpan<float> x = input;
        for (int l = 0; l < _offsets.Length; l++)
        {
            int n = _sizes[l], m = _sizes[l + 1];
            var layer = parameters.Slice(_offsets[l], (n + 1) * m);
            if (l == _offsets.Length - 1)
            {
                Dense(layer, x, output);
                break;
            }
            // Alternate between the two halves of the scratch buffer.
            var y = scratch.Slice(l % 2 * half, m);
            Dense(layer, x, y);
            for (int i = 0; i < m; i++) y[i] = MathF.Tanh(y[i]);
            x = y;
        }
    }

    /// <inheritdoc />
    public override void Initialize(Span<float> parameters, Rng rng)
    {
        for (int l = 0; l < _offsets.Length; l++)
        {
            int n = _sizes[l], m = _sizes[l + 1];
            double gain = l == _offsets.Length - 1 ? 0.1 : 1.0;
            InitializeDense(parameters.Slice(_offsets[l], (n + 1) * m), n, m, gain, rng);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"Mlp({string.Join(" -> ", _sizes)}, tanh)";
}
