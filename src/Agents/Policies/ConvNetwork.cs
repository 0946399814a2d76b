using Rl.Core;

namespace Rl.Agents.Policies;

/// <summary>One convolution layer of a <see cref="ConvNetwork"/>.</summary>
/// <param name="Channels">Output channels.</param>
/// <param name="Kernel">Kernel height and width.</param>
/// <param name="Stride">Step between kernel positions (no padding).</param>
public readonly record struct ConvLayer(int Channels, int Kernel, int Stride);

/// <summary>How a <see cref="ConvNetwork"/> turns its last feature map into the linear head's input.</summary>
public enum ConvPooling
{
    /// <summary>Global average pooling: one value per channel, wherever the feature was seen (few head weights).</summary>
    Average,

    /// <summary>
    /// No pooling: the whole last feature map (height × width × channels) feeds the head, so the head knows where each
    /// feature is; needed when the action depends on positions (e.g. a small ball relative to a paddle).
    /// </summary>
    None,
}

/// <summary>
/// A small all-convolutional network for image observations in height × width × channels order, as the course designs them:
/// strided Conv–ReLU layers that increase the channels, global average pooling (or, with <see cref="ConvPooling.None"/>, the
/// flattened feature map), then a linear head. Plain C# loops: for the
/// few thousand parameters a gradient-free agent can search, this beats the overhead of a tensor library per step.
/// </summary>
public sealed class ConvNetwork : FlatNetwork
{
    private readonly int _height, _width, _channels;
    private readonly ConvLayer[] _layers;
    private readonly (int H, int W, int C)[] _shapes; // input shape of each layer, then the last output shape
    private readonly int[] _offsets;                   // parameter offset of each conv layer, then of the head
    private readonly ParameterBlock[] _blocks;

    /// <summary>Creates the network.</summary>
    /// <param name="height">Image height.</param>
    /// <param name="width">Image width.</param>
    /// <param name="channels">Image channels.</param>
    /// <param name="layers">The convolution layers, first to last.</param>
    /// <param name="outputs">Outputs of the linear head.</param>
    /// <param name="inputScale">Multiplies every input first (1/255 for byte images).</param>
    /// <param name="pooling">How the last feature map reaches the head (default: global average pooling).</param>
    /// <exception cref="ArgumentException">If a size is not positive or the image shrinks to nothing.</exception>
    public ConvNetwork(int height, int width, int channels, IReadOnlyList<ConvLayer> layers, int outputs, float inputScale = 1f,
        ConvPooling pooling = ConvPooling.Average)
    {
        if (!Enum.IsDefined(pooling)) throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "conv network pooling must be Average or None");
        Pooling = pooling;
        if (height <= 0 || width <= 0 || channels <= 0)
            throw new ArgumentException($"conv network input {height}x{width}x{channels} must have positive dimensions");
        if (layers.Count == 0) throw new ArgumentException("conv network needs at least one convolution layer");
        if (outputs <= 0) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "conv network needs at least one output");
        (_height, _width, _channels) = (height, width, channels);
        _layers = [.. layers];
        OutputSize = outputs;
        InputScale = inputScale;
        _shapes = new (int, int, int)[_layers.Length + 1];
        _offsets = new int[_layers.Length + 1];
        _shapes[0] = (height, width, channels);
        var blocks = new List<ParameterBlock>();
        int offset = 0, scratch = 0;
        for (int l = 0; l < _layers.Length; l++)
        {
            var (h, w, c) = _shapes[l];
            var layer = _layers[l];
            if (layer.Channels <= 0 || layer.Kernel <= 0 || layer.Stride <= 0)
                throw new ArgumentException($"conv layer {l} {layer} must have positive channels, kernel and stride");
            if (layer.Kernel > h || layer.Kernel > w)
                throw new ArgumentException($"conv layer {l}: kernel {layer.Kernel} is larger than its {h}x{w} input (image {height}x{width}); use smaller kernels, larger strides earlier, or fewer layers");
            var next = ((h - layer.Kernel) / layer.Stride + 1, (w - layer.Kernel) / layer.Stride + 1, layer.Channels);
            _shapes[l + 1] = next;
            _offsets[l] = offset;
            int fanIn = layer.Kernel * layer.Kernel * c;
            blocks.AddRange(DenseBlocks($"conv{l}", offset, fanIn, layer.Channels));
            offset += (fanIn + 1) * layer.Channels;
            scratch = Math.Max(scratch, next.Item1 * next.Item2 * next.Item3);
        }
        _offsets[^1] = offset;
        int pooled = HeadInputs;
        blocks.AddRange(DenseBlocks("head", offset, pooled, outputs));
        _blocks = [.. blocks];
        // Two activation buffers used alternately, the scaled input, and the pooled vector.
        ScratchSize = 2 * scratch + height * width * channels + pooled;
    }

    /// <summary>How the last feature map reaches the head.</summary>
    public ConvPooling Pooling { get; }

    // Inputs of the linear head: one per channel when pooled, the whole last map otherwise.
    private int HeadInputs => Pooling == ConvPooling.None ? _shapes[^1].H * _shapes[^1].W * _shapes[^1].C : _shapes[^1].C;

    /// <summary>The factor applied to every input before the first layer.</summary>
    public float InputScale { get; }

    /// <inheritdoc />
    public override int InputSize => _height * _width * _channels;

    /// <inheritdoc />
    public override int OutputSize { get; }

    /// <inheritdoc />
    public override IReadOnlyList<ParameterBlock> Blocks => _blocks;

    /// <inheritdoc />
    public override int ScratchSize { get; }

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output, Span<float> scratch)
    {
        CheckSizes(parameters, input, output, scratch);
        int activations = (ScratchSize - InputSize - HeadInputs) / 2;
        var scaled = scratch.Slice(2 * activations, InputSize);
        for (int i = 0; i < input.Length; i++) scaled[i] = input[i] * InputScale;
        ReadOnlySpan<float> x = scaled;
        for (int l = 0; l < _layers.Length; l++)
        {
            var y = scratch.Slice(l % 2 * activations, _shapes[l + 1].H * _shapes[l + 1].W * _shapes[l + 1].C);
            Convolve(l, parameters, x, y);
            x = y;
        }
        var (oh, ow, oc) = _shapes[^1];
        if (Pooling == ConvPooling.None)
        {
            Dense(parameters.Slice(_offsets[^1], (oh * ow * oc + 1) * OutputSize), x, output);
            return;
        }
        // Global average pooling over positions, then the linear head.
        var pooled = scratch.Slice(2 * activations + InputSize, oc);
        pooled.Clear();
        for (int p = 0; p < oh * ow; p++)
            for (int c = 0; c < oc; c++) pooled[c] += x[p * oc + c];
        for (int c = 0; c < oc; c++) pooled[c] /= oh * ow;
        Dense(parameters.Slice(_offsets[^1], (oc + 1) * OutputSize), pooled, output);
    }

    // Valid convolution + ReLU. In HWC layout one kernel row of k pixels is k·C contiguous floats, which is also how the
    // weights of one output channel are stored ([kernel row][kernel column][input channel]).
    private void Convolve(int l, ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, Span<float> y)
    {
        var (_, w, c) = _shapes[l];
        var (oh, ow, oc) = _shapes[l + 1];
        int k = _layers[l].Kernel, s = _layers[l].Stride, fanIn = k * k * c, rowLength = k * c;
        var weights = parameters.Slice(_offsets[l], fanIn * oc);
        var biases = parameters.Slice(_offsets[l] + fanIn * oc, oc);
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
                for (int o = 0; o < oc; o++)
                {
                    float sum = biases[o];
                    var kernel = weights.Slice(o * fanIn, fanIn);
                    for (int ky = 0; ky < k; ky++)
                    {
                        var pixels = x.Slice(((oy * s + ky) * w + ox * s) * c, rowLength);
                        var kernelRow = kernel.Slice(ky * rowLength, rowLength);
                        for (int i = 0; i < rowLength; i++) sum += pixels[i] * kernelRow[i];
                    }
                    y[(oy * ow + ox) * oc + o] = sum > 0 ? sum : 0;
                }
    }

    /// <summary>He initialization N(0, 2/fan_in) for the ReLU layers; the head starts small (gain 0.1) so the initial policy is nearly neutral.</summary>
    public override void Initialize(Span<float> parameters, Rng rng)
    {
        for (int l = 0; l < _layers.Length; l++)
        {
            int fanIn = _layers[l].Kernel * _layers[l].Kernel * _shapes[l].C;
            InitializeDense(parameters.Slice(_offsets[l], (fanIn + 1) * _layers[l].Channels), fanIn, _layers[l].Channels, Math.Sqrt(2), rng);
        }
        int pooled = HeadInputs;
        InitializeDense(parameters.Slice(_offsets[^1], (pooled + 1) * OutputSize), pooled, OutputSize, 0.1, rng);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"Conv({_height}x{_width}x{_channels} -> {string.Join(" -> ", _layers.Select(l => $"{l.Channels}c{l.Kernel}k{l.Stride}s"))} -> {(Pooling == ConvPooling.None ? "flatten" : "avgpool")} -> {OutputSize})";
}
