using System.ComponentModel;
using Rl.Agents.Policies;

namespace Rl.Agents.Networks;

/// <summary>
/// The <c>[config.network]</c> table of every TorchSharp algorithm (keys: the snake_case property names): which body reads
/// the observations (MLP or conv net), its sizes, activation, initialization and normalization. <see cref="ToSpec"/> checks
/// it and gives the <see cref="NetworkSpec"/> the networks are built from.
/// </summary>
public sealed record NetworkSettings
{
    /// <summary>Body: auto (conv for H×W×C images, MLP otherwise), mlp or conv. Default auto.</summary>
    [Description("Network body: auto (conv net for HxWxC images, MLP otherwise) | mlp | conv.")]
    public BodyKind Kind { get; init; } = BodyKind.Auto;

    /// <summary>MLP hidden layer widths. Default [64, 64].</summary>
    [Description("MLP hidden layer widths (a non-empty list of positive widths).")]
    public int[] HiddenSizes { get; init; } = [64, 64];

    /// <summary>MLP activation. Default tanh.</summary>
    [Description("MLP activation: tanh | relu.")]
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>Weight initialization of the MLP and the heads. Default orthogonal.</summary>
    [Description("Weight init of the MLP and the heads: he | xavier | orthogonal | torch_default (PyTorch's default, weights and biases uniform in ±1/sqrt(fan_in), as in SB3's DQN; conv layers use he).")]
    public InitScheme Init { get; init; } = InitScheme.Orthogonal;

    /// <summary>LayerNorm in the MLP's hidden layers. Default false.</summary>
    [Description("LayerNorm in the MLP's hidden layers.")]
    public bool LayerNorm { get; init; }

    /// <summary>Conv net: output channels of each strided stage. Default [32, 64, 64].</summary>
    [Description("Conv net: output channels of each strided stage.")]
    public int[] ConvChannels { get; init; } = [32, 64, 64];

    /// <summary>Conv net: kernel size of each stage. Default [8, 4, 3].</summary>
    [Description("Conv net: kernel size of each stage (as many as conv_channels).")]
    public int[] ConvKernels { get; init; } = [8, 4, 3];

    /// <summary>Conv net: stride of each stage. Default [4, 2, 1].</summary>
    [Description("Conv net: stride of each stage (as many as conv_channels).")]
    public int[] ConvStrides { get; init; } = [4, 2, 1];

    /// <summary>Conv net: normalization after each convolution. Default none.</summary>
    [Description("Conv net: normalization after each conv: none | batch | group | layer.")]
    public NormKind ConvNorm { get; init; } = NormKind.None;

    /// <summary>Conv net: GroupNorm groups (must divide every channel count). Default 8.</summary>
    [Description("Conv net: groups of GroupNorm (must divide every channel count).")]
    public int ConvGroups { get; init; } = 8;

    /// <summary>Conv net: residual blocks after each stage. Default 0.</summary>
    [Description("Conv net: residual blocks after each stage, >= 0.")]
    public int ConvResidualBlocks { get; init; }

    /// <summary>Conv net: how the last feature map reaches the linear layer. Default average.</summary>
    [Description("Conv net: average (global average pooling, one value per channel) or none (the flattened last feature map, which keeps where features are).")]
    public ConvPooling ConvPooling { get; init; } = ConvPooling.Average;

    /// <summary>Conv net: width of the linear layer after the pooling. Default 256.</summary>
    [Description("Conv net: width of the linear layer after the pooling, > 0.")]
    public int ConvFeatures { get; init; } = 256;

    /// <summary>The architecture these settings describe, checked.</summary>
    /// <param name="table">The table's name in messages. Default <c>network</c>.</param>
    /// <exception cref="ArgumentException">Naming the first invalid key and its value.</exception>
    public NetworkSpec ToSpec(string table = "network")
    {
        string prefix = table.Length == 0 ? "" : table + ".";
        if (!Enum.IsDefined(Kind)) throw new ArgumentException($"{prefix}kind = {Kind} is not valid; use auto, mlp or conv");
        if (!Enum.IsDefined(Activation)) throw new ArgumentException($"{prefix}activation = {Activation} is not valid; use tanh or relu");
        if (!Enum.IsDefined(Init)) throw new ArgumentException($"{prefix}init = {Init} is not valid; use he, xavier, orthogonal or torch_default");
        if (!Enum.IsDefined(ConvNorm)) throw new ArgumentException($"{prefix}conv_norm = {ConvNorm} is not valid; use none, batch, group or layer");
        NetworkNames.CheckHiddenSizes(HiddenSizes, prefix + "hidden_sizes");
        var conv = new ConvNetSpec
        {
            Channels = ConvChannels ?? [],
            Kernels = ConvKernels ?? [],
            Strides = ConvStrides ?? [],
            Norm = ConvNorm,
            Groups = ConvGroups,
            ResidualBlocks = ConvResidualBlocks,
            Pooling = ConvPooling,
            Features = ConvFeatures,
        };
        conv.Validate(prefix);
        return new NetworkSpec
        {
            Body = Kind,
            HiddenSizes = HiddenSizes,
            Activation = Activation,
            Init = Init,
            LayerNorm = LayerNorm,
            Conv = conv,
        };
    }
}
