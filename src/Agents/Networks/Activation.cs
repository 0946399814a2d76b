using System.Runtime.Serialization;
using static TorchSharp.torch;

namespace Rl.Agents.Networks;

/// <summary>The nonlinearity between layers.</summary>
public enum Activation
{
    /// <summary>Hyperbolic tangent (bounded; the usual choice for small policy MLPs).</summary>
    Tanh,

    /// <summary>Rectified linear unit (the usual choice for conv nets).</summary>
    [EnumMember(Value = "relu")]
    ReLU,
}

/// <summary>
/// How weights are initialized (biases start at zero, except with <see cref="TorchDefault"/>). Never all zeros: units would
/// stay identical.
/// </summary>
public enum InitScheme
{
    /// <summary>He (Kaiming) normal: std = gain / sqrt(fan_in) with gain sqrt(2), for ReLU layers.</summary>
    He,

    /// <summary>Xavier (Glorot) uniform: bound = gain * sqrt(6 / (fan_in + fan_out)), for tanh layers.</summary>
    Xavier,

    /// <summary>A random orthogonal matrix scaled by the gain (Saxe et al. 2014), common in RL code.</summary>
    Orthogonal,

    /// <summary>
    /// PyTorch's own default for Linear layers (kaiming_uniform with a = √5): weights and biases uniform in ±1/sqrt(fan_in),
    /// whatever the activation (the gain is not used). Stable-Baselines3 keeps it for DQN's Q-network; the random biases
    /// spread the first layer's ReLU kinks over the input space, which matters for raw, uncentred observations such as
    /// MountainCar's.
    /// </summary>
    TorchDefault,
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

/// <summary>Helpers for the network enums: hidden-size checks, activation modules and gains.</summary>
public static class NetworkNames
{
    /// <summary>Checks that <paramref name="widths"/> is a non-empty list of positive layer widths.</summary>
    /// <returns><paramref name="widths"/>.</returns>
    /// <exception cref="ArgumentException">Naming <paramref name="key"/> and the list.</exception>
    public static int[] CheckHiddenSizes(int[]? widths, string key)
    {
        if (widths is null || widths.Length == 0 || widths.Any(h => h <= 0))
            throw new ArgumentException($"{key} = [{string.Join(", ", widths ?? [])}] must be a non-empty list of positive widths");
        return widths;
    }

    internal static nn.Module<Tensor, Tensor> Module(Activation activation) => activation switch
    {
        Activation.Tanh => nn.Tanh(),
        _ => new ActivityReLU(), // a ReLU that records dead units for the training-health diagnostics
    };

    /// <summary>The gain that keeps activations' scale through a layer followed by <paramref name="activation"/>.</summary>
    public static double Gain(Activation activation) => activation == Activation.ReLU ? Math.Sqrt(2.0) : 5.0 / 3.0;
}
