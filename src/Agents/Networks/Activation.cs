using static TorchSharp.torch;

namespace Rl.Agents.Networks;

/// <summary>The nonlinearity between layers.</summary>
public enum Activation
{
    /// <summary>Hyperbolic tangent (bounded; the usual choice for small policy MLPs).</summary>
    Tanh,

    /// <summary>Rectified linear unit (the usual choice for conv nets).</summary>
    ReLU,
}

/// <summary>How weights are initialized (biases always start at zero). Never all zeros: units would stay identical.</summary>
public enum InitScheme
{
    /// <summary>He (Kaiming) normal: std = gain / sqrt(fan_in) with gain sqrt(2), for ReLU layers.</summary>
    He,

    /// <summary>Xavier (Glorot) uniform: bound = gain * sqrt(6 / (fan_in + fan_out)), for tanh layers.</summary>
    Xavier,

    /// <summary>A random orthogonal matrix scaled by the gain (Saxe et al. 2014), common in RL code.</summary>
    Orthogonal,
}

/// <summary>The normalization layer inserted after each convolution.</summary>
public enum NormKind
{
    /// <summary>No normalization.</summary>
    None,

    /// <summary>BatchNorm: batch statistics while training, running statistics in evaluation mode.</summary>
    Batch,

    /// <summary>GroupNorm: statistics over groups of channels of each sample (independent of the batch).</summary>
    Group,

    /// <summary>LayerNorm over (C, H, W) of each sample, as GroupNorm with one group (per-channel scale and shift).</summary>
    Layer,
}

/// <summary>Parses the names used in config files into the network enums, with messages that name the key and value.</summary>
public static class NetworkNames
{
    /// <summary>The accepted activation names.</summary>
    public static readonly string[] Activations = ["tanh", "relu"];

    /// <summary>The accepted weight-init names.</summary>
    public static readonly string[] Inits = ["he", "xavier", "orthogonal"];

    /// <summary>The accepted normalization names.</summary>
    public static readonly string[] Norms = ["none", "batch", "group", "layer"];

    /// <summary>Parses <c>tanh</c> or <c>relu</c>.</summary>
    /// <exception cref="ArgumentException">Naming <paramref name="key"/> and the value.</exception>
    public static Activation ParseActivation(string value, string key) => value switch
    {
        "tanh" => Activation.Tanh,
        "relu" => Activation.ReLU,
        _ => throw Invalid(key, value, Activations),
    };

    /// <summary>Parses <c>he</c>, <c>xavier</c> or <c>orthogonal</c>.</summary>
    /// <exception cref="ArgumentException">Naming <paramref name="key"/> and the value.</exception>
    public static InitScheme ParseInit(string value, string key) => value switch
    {
        "he" => InitScheme.He,
        "xavier" => InitScheme.Xavier,
        "orthogonal" => InitScheme.Orthogonal,
        _ => throw Invalid(key, value, Inits),
    };

    /// <summary>Parses <c>none</c>, <c>batch</c>, <c>group</c> or <c>layer</c>.</summary>
    /// <exception cref="ArgumentException">Naming <paramref name="key"/> and the value.</exception>
    public static NormKind ParseNorm(string value, string key) => value switch
    {
        "none" => NormKind.None,
        "batch" => NormKind.Batch,
        "group" => NormKind.Group,
        "layer" => NormKind.Layer,
        _ => throw Invalid(key, value, Norms),
    };

    /// <summary>The accepted network body names.</summary>
    public static readonly string[] Bodies = ["auto", "mlp", "conv"];

    /// <summary>Parses <c>auto</c>, <c>mlp</c> or <c>conv</c>.</summary>
    /// <exception cref="ArgumentException">Naming <paramref name="key"/> and the value.</exception>
    public static BodyKind ParseBody(string value, string key) => value switch
    {
        "auto" => BodyKind.Auto,
        "mlp" => BodyKind.Mlp,
        "conv" => BodyKind.Conv,
        _ => throw Invalid(key, value, Bodies),
    };

    /// <summary>Checks that <paramref name="widths"/> is a non-empty list of positive layer widths.</summary>
    /// <returns><paramref name="widths"/>.</returns>
    /// <exception cref="ArgumentException">Naming <paramref name="key"/> and the list.</exception>
    public static int[] CheckHiddenSizes(int[]? widths, string key)
    {
        if (widths is null || widths.Length == 0 || widths.Any(h => h <= 0))
            throw new ArgumentException($"{key} = [{string.Join(", ", widths ?? [])}] must be a non-empty list of positive widths");
        return widths;
    }

    internal static ArgumentException Invalid(string key, string value, string[] valid) =>
        new($"{key} = \"{value}\" is not valid; use one of: {string.Join(", ", valid)}");

    internal static nn.Module<Tensor, Tensor> Module(Activation activation) => activation switch
    {
        Activation.Tanh => nn.Tanh(),
        _ => new ActivityReLU(), // a ReLU that records dead units for the training-health diagnostics
    };

    /// <summary>The gain that keeps activations' scale through a layer followed by <paramref name="activation"/>.</summary>
    public static double Gain(Activation activation) => activation == Activation.ReLU ? Math.Sqrt(2.0) : 5.0 / 3.0;
}
