using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using Rl.Agents.Policies;

namespace Rl.Agents.GradientFree;

/// <summary>
/// Settings every gradient-free agent shares: the flat-parameter policy, how rollouts score a parameter vector, and the
/// shared noise table. Each algorithm's config record derives from it and adds its own hyperparameters.
/// </summary>
public abstract record GradientFreeConfig : Training.IValidatableConfig
{
    /// <summary>The algorithm id used in messages.</summary>
    protected abstract string AlgorithmId { get; }

    /// <summary>The policy network. Default: linear (as in the ARS paper).</summary>
    [Description("Policy network: linear, mlp (tanh hidden layers) or conv (Conv-ReLU layers, average pooling or none (conv_pooling), linear head; image observations).")]
    public PolicyKind Policy { get; init; } = PolicyKind.Linear;

    /// <summary>Hidden layer widths of the mlp policy. Default: [32].</summary>
    [Description("Hidden layer widths of the mlp policy.")]
    public int[] HiddenSizes { get; init; } = [32];

    /// <summary>Output channels of each conv layer of the conv policy. Default: [8, 16].</summary>
    [Description("Output channels of each layer of the conv policy.")]
    public int[] ConvChannels { get; init; } = [8, 16];

    /// <summary>Kernel size of each conv layer. Default: [5, 3].</summary>
    [Description("Kernel size of each layer of the conv policy (same length as conv_channels).")]
    public int[] ConvKernels { get; init; } = [5, 3];

    /// <summary>Stride of each conv layer. Default: [2, 2].</summary>
    [Description("Stride of each layer of the conv policy (same length as conv_channels).")]
    public int[] ConvStrides { get; init; } = [2, 2];

    /// <summary>How the conv policy's last feature map reaches its linear head. Default: average.</summary>
    [Description("Conv policy head input: average (global average pooling, one value per channel) or none (the flattened last feature map, which keeps where features are).")]
    public ConvPooling ConvPooling { get; init; } = ConvPooling.Average;

    /// <summary>How Box actions are brought into bounds. Default: clip.</summary>
    [Description("Box actions: clip into the bounds, or tanh (squash and rescale; bounded spaces only).")]
    public BoxActionMode BoxActions { get; init; } = BoxActionMode.Clip;

    /// <summary>Sample actions in training rollouts instead of acting deterministically. Default: false.</summary>
    [Description("Sample actions during training rollouts (softmax for discrete actions, Gaussian noise for Box) instead of acting deterministically.")]
    public bool StochasticActions { get; init; }

    /// <summary>Standard deviation of the Gaussian noise on Box actions when sampling. Default: 0.1.</summary>
    [Description("Standard deviation of the Gaussian noise added to Box actions when actions are sampled.")]
    public double ActionNoise { get; init; } = 0.1;

    /// <summary>Episodes averaged to score one parameter vector. Default: 1.</summary>
    [Description("Episodes averaged to score one parameter vector (more: less noisy scores, more steps).")]
    public int EpisodesPerCandidate { get; init; } = 1;

    /// <summary>Longest training rollout in steps; 0 leaves it to the environment. Default: 0.</summary>
    [Description("Longest training rollout in steps (0: until the environment ends the episode).")]
    public int Horizon { get; init; }

    /// <summary>
    /// Floats in the shared noise table. Default: 2^20 (4 MiB). Slices at different offsets are shifted windows of independent
    /// samples, nearly uncorrelated however much they overlap, so the table need not be much larger than the policy.
    /// </summary>
    [Description("Floats in the shared Gaussian noise table that perturbations are sliced from (at least twice the parameter count).")]
    public int NoiseTableSize { get; init; } = 1 << 20;

    /// <summary>Seed of the shared noise table (the run's seed chooses the slices). Default: 20170310.</summary>
    [Description("Seed of the shared noise table; the run's seed chooses which slices are used.")]
    public long NoiseTableSeed { get; init; } = 20170310;

    /// <summary>The policy settings as <see cref="PolicyOptions"/>.</summary>
    public PolicyOptions ToPolicyOptions() => new()
    {
        Kind = Policy,
        HiddenSizes = HiddenSizes,
        ConvLayers = [.. ConvChannels.Select((c, i) => new ConvLayer(c, ConvKernels[i], ConvStrides[i]))],
        ConvPooling = ConvPooling,
        BoxActions = BoxActions,
        ActionNoise = ActionNoise,
    };

    /// <summary>Rejects invalid values with a <see cref="HyperparameterException"/> naming the key, the value and the rule.</summary>
    public virtual void Validate()
    {
        if (!Enum.IsDefined(Policy)) Fail(nameof(Policy), Policy, "must be linear, mlp or conv");
        if (!Enum.IsDefined(ConvPooling)) Fail(nameof(ConvPooling), ConvPooling, "must be average or none");
        if (!Enum.IsDefined(BoxActions)) Fail(nameof(BoxActions), BoxActions, "must be clip or tanh");
        if (HiddenSizes is null || HiddenSizes.Length == 0 || HiddenSizes.Any(h => h <= 0))
            Fail(nameof(HiddenSizes), HiddenSizes, "must list at least one positive layer width");
        if (ConvChannels is null || ConvChannels.Length == 0 || ConvChannels.Any(c => c <= 0))
            Fail(nameof(ConvChannels), ConvChannels, "must list at least one positive channel count");
        int stages = ConvChannels?.Length ?? 0;
        if (ConvKernels is null || ConvKernels.Length != stages || ConvKernels.Any(k => k <= 0))
            Fail(nameof(ConvKernels), ConvKernels, $"must list {stages} positive kernel sizes, one per conv_channels entry");
        if (ConvStrides is null || ConvStrides.Length != stages || ConvStrides.Any(s => s <= 0))
            Fail(nameof(ConvStrides), ConvStrides, $"must list {stages} positive strides, one per conv_channels entry");
        if (!(ActionNoise >= 0) || double.IsInfinity(ActionNoise)) Fail(nameof(ActionNoise), ActionNoise, "must be finite and >= 0");
        if (EpisodesPerCandidate < 1) Fail(nameof(EpisodesPerCandidate), EpisodesPerCandidate, "must be >= 1");
        if (Horizon < 0) Fail(nameof(Horizon), Horizon, "must be >= 0 (0: no limit)");
        if (NoiseTableSize < 1) Fail(nameof(NoiseTableSize), NoiseTableSize, "must be positive");
    }

    /// <summary>Throws a <see cref="HyperparameterException"/> for this algorithm.</summary>
    protected void Fail(string property, object? value, string requirement) =>
        Training.ConfigErrors.Report(new HyperparameterException(AlgorithmId, property, value, requirement));

    /// <summary>Rejects a value that is not a finite number greater than zero.</summary>
    protected void RequirePositive(string property, double value)
    {
        if (!(value > 0) || double.IsInfinity(value)) Fail(property, value, "must be a finite number > 0");
    }

    /// <summary>Rejects a value that is not a finite number greater than or equal to zero.</summary>
    protected void RequireNonNegative(string property, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value)) Fail(property, value, "must be a finite number >= 0");
    }
}
