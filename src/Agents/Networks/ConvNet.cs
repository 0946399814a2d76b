using Rl.Agents.Policies;
using Rl.Core;
using static TorchSharp.torch;

namespace Rl.Agents.Networks;

/// <summary>The architecture of a <see cref="ConvNet"/>, as the course builds conv nets.</summary>
public sealed record ConvNetSpec
{
    /// <summary>Output channels of each strided conv stage (channels increase as resolution falls). Default [32, 64, 64].</summary>
    public int[] Channels { get; init; } = [32, 64, 64];

    /// <summary>Kernel size of each stage: a larger first kernel, then small ones. Default [8, 4, 3].</summary>
    public int[] Kernels { get; init; } = [8, 4, 3];

    /// <summary>Stride of each stage. Default [4, 2, 1].</summary>
    public int[] Strides { get; init; } = [4, 2, 1];

    /// <summary>Normalization after each convolution. Default none.</summary>
    public NormKind Norm { get; init; } = NormKind.None;

    /// <summary>Groups for GroupNorm (must divide every channel count). Default 8.</summary>
    public int Groups { get; init; } = 8;

    /// <summary>Residual blocks (two 3×3 convs with a skip connection) after each stage. Default 0.</summary>
    public int ResidualBlocks { get; init; }

    /// <summary>
    /// How the last feature map reaches the linear layer: global average pooling (default; one value per channel) or none (the
    /// flattened map, so the features know where things are, e.g. a small ball relative to a paddle).
    /// </summary>
    public ConvPooling Pooling { get; init; } = ConvPooling.Average;

    /// <summary>Width of the linear layer after the pooling (the features heads read). Default 256.</summary>
    public int Features { get; init; } = 256;

    /// <summary>Weight initialization. Default He (the convs are followed by ReLU).</summary>
    public InitScheme Init { get; init; } = InitScheme.He;

    /// <summary>Checks the spec, naming the offending field and value.</summary>
    /// <param name="prefix">Put before the key names in messages, e.g. <c>network.</c>.</param>
    /// <exception cref="ArgumentException">If the lists differ in length or hold non-positive values, or groups do not divide the channels.</exception>
    public void Validate(string prefix = "")
    {
        if (Channels.Length == 0) throw new ArgumentException($"{prefix}conv_channels must list at least one stage");
        if (Kernels.Length != Channels.Length || Strides.Length != Channels.Length)
            throw new ArgumentException($"{prefix}conv_channels, {prefix}conv_kernels and {prefix}conv_strides must have the same length, got {Channels.Length}, {Kernels.Length} and {Strides.Length}");
        Positive(Channels, prefix + "conv_channels");
        Positive(Kernels, prefix + "conv_kernels");
        Positive(Strides, prefix + "conv_strides");
        if (ResidualBlocks < 0) throw new ArgumentException($"{prefix}conv_residual_blocks = {ResidualBlocks} must be >= 0");
        if (!Enum.IsDefined(Pooling)) throw new ArgumentException($"{prefix}conv_pooling = {Pooling} is not valid; use average or none");
        if (Features <= 0) throw new ArgumentException($"{prefix}conv_features = {Features} must be positive");
        if (Norm == NormKind.Group && (Groups <= 0 || Channels.Any(c => c % Groups != 0)))
            throw new ArgumentException($"{prefix}conv_groups = {Groups} must divide every channel count [{string.Join(", ", Channels)}]");
    }

    private static void Positive(int[] values, string key)
    {
        if (values.Any(v => v <= 0)) throw new ArgumentException($"{key} = [{string.Join(", ", values)}] must all be positive");
    }
}

/// <summary>
/// A conv-net body as the course teaches: strided Conv → [Norm] → ReLU stages with growing channels, optional residual
/// blocks, global average pooling (all-convolutional, no flatten of a large feature map; or, with
/// <see cref="ConvPooling.None"/>, the flattened last map) and a linear layer with ReLU.
/// Input: flat rows of H×W×C values (the layout of image observations), reshaped to N×C×H×W inside.
/// </summary>
public sealed class ConvNet : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> convs;
    private readonly nn.Module<Tensor, Tensor> head;
    private readonly long[] _hwc;
    private readonly int _stack;

    /// <summary>
    /// Builds the conv net for H×W×C inputs, or <paramref name="stack"/> stacked frames (k×H×W×C rows, oldest first, as
    /// FrameStack gives them; the frames' channels are concatenated), and initializes its weights from <paramref name="rng"/>.
    /// </summary>
    /// <exception cref="ArgumentException">If the spec is invalid or the image is too small for the strides and kernels.</exception>
    public ConvNet(int height, int width, int channels, ConvNetSpec spec, Rng rng, int stack = 1) : base(nameof(ConvNet))
    {
        spec.Validate();
        if (height <= 0 || width <= 0 || channels <= 0 || stack <= 0)
            throw new ArgumentException($"conv net input must be [k×]H×W×C with positive sizes, got {stack}×{height}×{width}×{channels}");
        _hwc = [height, width, channels];
        _stack = stack;
        var seq = nn.Sequential();
        int c = channels * stack, h = height, w = width;
        for (int i = 0; i < spec.Channels.Length; i++)
        {
            int k = spec.Kernels[i], s = spec.Strides[i];
            // Padding k/2 on stride-1 stages keeps the size; strided stages shrink it.
            int pad = s == 1 ? k / 2 : 0;
            h = (h + 2 * pad - k) / s + 1;
            w = (w + 2 * pad - k) / s + 1;
            if (h <= 0 || w <= 0)
                throw new ArgumentException($"conv stage {i} (kernel {k}, stride {s}) leaves no pixels of a {height}×{width} input; use smaller kernels or strides");
            seq.append($"conv{i}", nn.Conv2d(c, spec.Channels[i], k, stride: s, padding: pad, bias: spec.Norm == NormKind.None));
            if (spec.Norm != NormKind.None) seq.append($"norm{i}", Norm(spec.Norm, spec.Channels[i], spec.Groups));
            seq.append($"relu{i}", nn.ReLU());
            c = spec.Channels[i];
            for (int b = 0; b < spec.ResidualBlocks; b++) seq.append($"res{i}_{b}", new ResidualBlock(c, spec.Norm, spec.Groups));
        }
        convs = seq;
        head = spec.Pooling == ConvPooling.None
            ? nn.Sequential(("flatten", nn.Flatten()), ("linear", nn.Linear((long)c * h * w, spec.Features)), ("relu", nn.ReLU()))
            : nn.Sequential(("pool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("linear", nn.Linear(c, spec.Features)), ("relu", nn.ReLU()));
        OutputSize = spec.Features;
        FeatureMapSize = (h, w);
        RegisterComponents();
        WeightInit.InitializeAll(this, spec.Init, Math.Sqrt(2.0), rng);
    }

    /// <summary>The number of output features.</summary>
    public int OutputSize { get; }

    /// <summary>Height and width of the last feature map before the pooling.</summary>
    public (int Height, int Width) FeatureMapSize { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var image = _stack == 1
            ? input.reshape(input.shape[0], _hwc[0], _hwc[1], _hwc[2]).permute(0, 3, 1, 2)
            : input.reshape(input.shape[0], _stack, _hwc[0], _hwc[1], _hwc[2]).permute(0, 1, 4, 2, 3).reshape(input.shape[0], _stack * _hwc[2], _hwc[0], _hwc[1]);
        using var features = convs.forward(image);
        return head.forward(features);
    }

    internal static nn.Module<Tensor, Tensor> Norm(NormKind kind, int channels, int groups) => kind switch
    {
        NormKind.Batch => nn.BatchNorm2d(channels),
        NormKind.Group => nn.GroupNorm(groups, channels),
        NormKind.Layer => nn.GroupNorm(1, channels),
        _ => throw new ArgumentException($"no norm layer for {kind}"),
    };
}

/// <summary>A residual block: x + Conv3×3 → [Norm] → ReLU → Conv3×3 → [Norm], then ReLU (He et al. 2016).</summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> body;

    /// <summary>Builds a block that keeps <paramref name="channels"/> channels and the spatial size.</summary>
    public ResidualBlock(int channels, NormKind norm, int groups) : base(nameof(ResidualBlock))
    {
        var seq = nn.Sequential();
        seq.append("conv0", nn.Conv2d(channels, channels, 3, padding: 1, bias: norm == NormKind.None));
        if (norm != NormKind.None) seq.append("norm0", ConvNet.Norm(norm, channels, groups));
        seq.append("relu0", nn.ReLU());
        seq.append("conv1", nn.Conv2d(channels, channels, 3, padding: 1, bias: norm == NormKind.None));
        if (norm != NormKind.None) seq.append("norm1", ConvNet.Norm(norm, channels, groups));
        body = seq;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var residual = body.forward(input);
        using var sum = input + residual;
        return nn.functional.relu(sum);
    }
}
