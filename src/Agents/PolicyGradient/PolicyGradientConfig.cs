using System.ComponentModel;
using Rl.Agents.Networks;
using Rl.Agents.Optimization;
using Rl.Agents.Policies;

namespace Rl.Agents.PolicyGradient;

/// <summary>
/// The hyperparameters REINFORCE and off-policy policy gradient share: rollouts, returns, baseline, networks,
/// optimizer and learning-rate schedule. TOML keys are the snake_case property names; the network, the optimizer and the
/// schedule are the <c>[config.network]</c>, <c>[config.optimizer]</c> and <c>[config.schedule]</c> tables every TorchSharp
/// algorithm shares (their old flat keys, <c>learning_rate</c>, <c>hidden_sizes</c>, <c>lr_schedule</c>, ..., are read as
/// deprecated aliases: <see cref="Training.TorchConfigAliases"/>).
/// </summary>
public abstract record PolicyGradientConfig : Training.IValidatableConfig, Training.IConfigAliases
{
    /// <inheritdoc />
    public IReadOnlyList<Training.ConfigAlias> Aliases => Training.TorchConfigAliases.Flat;

    /// <summary>Environments stepped in lockstep, with one batched network call per step. Default 8.</summary>
    [Description("Environments stepped in lockstep; one batched forward pass per step.")]
    public int NumEnvs { get; init; } = 8;

    /// <summary>Discount factor γ of the returns. Default 0.99.</summary>
    [Description("Discount factor gamma of the returns, in [0, 1].")]
    public double Gamma { get; init; } = 0.99;

    /// <summary>Baseline b(s) subtracted from the returns: none, mean (running mean of returns) or value (learned V(s)). Default value.</summary>
    [Description("Baseline subtracted from the returns: none | mean | value (a learned state-value network).")]
    public BaselineKind Baseline { get; init; } = BaselineKind.Value;

    /// <summary>Decay of the running-mean baseline across iterations. Default 0.9.</summary>
    [Description("Decay of the running-mean baseline across iterations (baseline = mean), in [0, 1).")]
    public double BaselineDecay { get; init; } = 0.9;

    /// <summary>Standardize advantages to mean 0 and std 1 in each gradient estimate. Default true.</summary>
    [Description("Standardize the advantages (mean 0, std 1) in each gradient estimate.")]
    public bool NormalizeAdvantages { get; init; } = true;

    /// <summary>Weight β of the entropy bonus added to the objective. Default 0.</summary>
    [Description("Weight of the entropy bonus (encourages exploration); >= 0.")]
    public double EntropyCoef { get; init; }

    /// <summary>Normalize observations with running mean and std (uint8 images are scaled by 1/255 instead). Default true.</summary>
    [Description("Normalize vector observations with running mean/std (images are scaled by 1/255).")]
    public bool NormalizeObservations { get; init; } = true;

    /// <summary>The policy network (and the value network of the value baseline): <c>[config.network]</c>.</summary>
    [Description("The network: body kind, MLP sizes, activation, init, conv net.")]
    public NetworkSettings Network { get; init; } = new();

    /// <summary>Initial log standard deviation of Gaussian policies (Box actions). Default -0.5.</summary>
    [Description("Initial log standard deviation of Gaussian policies (Box actions).")]
    public double InitLogStd { get; init; } = -0.5;

    /// <summary>The policy's optimizer: <c>[config.optimizer]</c>. Default Adam, learning rate 0.01 (0.001 for off-policy PG).</summary>
    [Description("The optimizer of the policy (the value network uses the same one with value_learning_rate).")]
    public OptimizerSettings Optimizer { get; init; } = new() { LearningRate = 0.01 };

    /// <summary>The policy's learning-rate schedule over its updates: <c>[config.schedule]</c>. Default constant.</summary>
    [Description("The learning-rate schedule of the policy's optimizer.")]
    public LrSchedule Schedule { get; init; } = new() { StepSize = 100, CycleLength = 200 };

    /// <summary>Learning rate of the value network (same optimizer, constant rate). Default 0.005.</summary>
    [Description("Learning rate of the value-network baseline (the [config.optimizer] settings otherwise, constant rate).")]
    public double ValueLearningRate { get; init; } = 0.005;

    /// <summary>Value-network gradient steps per iteration. Default 20.</summary>
    [Description("Gradient steps of the value network per iteration.")]
    public int ValueUpdates { get; init; } = 20;

    /// <summary>Minibatch size of the value-network steps. Default 256.</summary>
    [Description("Minibatch size of the value-network steps.")]
    public int ValueMinibatchSize { get; init; } = 256;

    /// <summary>Torch intra-op threads (0 = 1, so results never depend on the machine's core count); 1 is fastest for small MLPs. Default 1.</summary>
    [Description("Torch intra-op threads (0 = 1: results never depend on the core count); 1 is fastest for small MLPs.")]
    public int TorchThreads { get; init; } = 1;

    /// <summary>Checks every value; the message names the key and the value.</summary>
    /// <exception cref="ArgumentException">For the first invalid value (inside <see cref="Training.ConfigErrors.Collect"/>: every one is recorded).</exception>
    public virtual void Validate()
    {
        Check(NumEnvs is >= 1 and <= 4096, "num_envs", NumEnvs, "must be in [1, 4096]");
        Check(Gamma is >= 0 and <= 1, "gamma", Gamma, "must be in [0, 1]");
        Check(Enum.IsDefined(Baseline), "baseline", Baseline, "is not valid; use one of: none, mean, value");
        Check(BaselineDecay is >= 0 and < 1, "baseline_decay", BaselineDecay, "must be in [0, 1)");
        Check(EntropyCoef >= 0 && double.IsFinite(EntropyCoef), "entropy_coef", EntropyCoef, "must be >= 0");
        Check(double.IsFinite(InitLogStd), "init_log_std", InitLogStd, "must be a finite number");
        Check(ValueLearningRate > 0 && double.IsFinite(ValueLearningRate), "value_learning_rate", ValueLearningRate, "must be a positive number");
        Check(ValueUpdates >= 0, "value_updates", ValueUpdates, "must be >= 0");
        Check(ValueMinibatchSize >= 1, "value_minibatch_size", ValueMinibatchSize, "must be >= 1");
        Check(TorchThreads >= 0, "torch_threads", TorchThreads, "must be >= 0");
        Training.ConfigErrors.Check(() => Network.ToSpec());
        Optimizer.Validate();
        Schedule.Validate();
    }

    /// <summary>The value-network optimizer: the policy's <see cref="Optimizer"/> with <see cref="ValueLearningRate"/>.</summary>
    public OptimizerSettings ValueOptimizer() => Optimizer with { LearningRate = ValueLearningRate };

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="key"/> and <paramref name="value"/> unless <paramref name="ok"/>.</summary>
    protected static void Check(bool ok, string key, object value, string rule) => OptimizerSettings.Check(ok, key, value, rule);
}
