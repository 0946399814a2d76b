using System.ComponentModel;
using Rl.Agents.PolicyGradient;

namespace Rl.Agents.ValueBased;

/// <summary>
/// DQN's hyperparameters, with the network, optimizer and schedule keys of <see cref="PolicyGradientConfig"/>. Defaults
/// follow Stable-Baselines3 (Adam 1e-4, batch 32, train every 4 steps, Huber loss, gradient norm 10, ε from 1 to 0.05) with
/// double-DQN targets on. The policy-gradient-only keys (<c>baseline</c>, <c>baseline_decay</c>, <c>normalize_advantages</c>,
/// <c>entropy_coef</c>, <c>init_log_std</c> and the <c>value_*</c> keys) must stay at their defaults.
/// </summary>
public sealed record DqnConfig : PolicyGradientConfig
{
    /// <summary>Sets DQN's defaults for the shared keys.</summary>
    public DqnConfig()
    {
        NumEnvs = 1;
        Optimizer = Optimizer with { LearningRate = 1e-4, MaxGradNorm = 10 };
        Network = Network with { Activation = Networks.Activation.ReLU };
        NormalizeObservations = false;
    }

    /// <summary>Replay capacity in entries (frames for pixel observations). Default 100,000.</summary>
    [Description("Replay buffer capacity in steps (each frame stored once; about 400 MB for 100k 64x64 gray frames).")]
    public int BufferSize { get; init; } = 100_000;

    /// <summary>Environment steps of random-policy ε-greedy play before the first gradient step. Default 100.</summary>
    [Description("Environment steps collected before learning starts, >= 0.")]
    public int LearningStarts { get; init; } = 100;

    /// <summary>Transitions per gradient step. Default 32.</summary>
    [Description("Transitions per minibatch, >= 1.")]
    public int BatchSize { get; init; } = 32;

    /// <summary>Vector steps (each of num_envs environment steps) between training phases. Default 4.</summary>
    [Description("Vector steps between training phases, >= 1.")]
    public int TrainFrequency { get; init; } = 4;

    /// <summary>Gradient steps per training phase. Default 1.</summary>
    [Description("Gradient steps per training phase, >= 1.")]
    public int GradientSteps { get; init; } = 1;

    /// <summary>Environment steps between target-network updates. Default 10,000.</summary>
    [Description("Environment steps between target network updates, >= 1.")]
    public int TargetUpdateInterval { get; init; } = 10_000;

    /// <summary>Polyak coefficient τ of the target update: 1 copies the online network (hard update). Default 1.</summary>
    [Description("Target update coefficient tau in (0, 1]: 1 = hard copy, smaller = Polyak averaging.")]
    public double Tau { get; init; } = 1.0;

    /// <summary>ε at the start. Default 1.</summary>
    [Description("Initial exploration rate epsilon, in [0, 1].")]
    public double ExplorationInitialEps { get; init; } = 1.0;

    /// <summary>ε after <see cref="ExplorationSteps"/>. Default 0.05.</summary>
    [Description("Final exploration rate epsilon, in [0, 1].")]
    public double ExplorationFinalEps { get; init; } = 0.05;

    /// <summary>Environment steps over which ε falls linearly to its final value. Default 100,000.</summary>
    [Description("Environment steps over which epsilon falls linearly from initial to final, >= 1.")]
    public int ExplorationSteps { get; init; } = 100_000;

    /// <summary>Double-DQN targets (van Hasselt et al. 2016): the online network picks a', the target network values it. Default true.</summary>
    [Description("Double DQN: the online network chooses argmax a', the target network evaluates it.")]
    public bool DoubleQ { get; init; } = true;

    /// <summary>Dueling head (Wang et al. 2016). Default false.</summary>
    [Description("Dueling head: Q = V + A - mean(A).")]
    public bool Dueling { get; init; }

    /// <summary>Training environments end an episode at each lost life (the info's <c>lives</c>; evaluation keeps whole games). Default false.</summary>
    [Description("Training episodes end at each lost life (info 'lives'), as Atari setups do; evaluation plays whole games.")]
    public bool EpisodicLife { get; init; }

    /// <summary>Environment steps per iteration (rounded up to whole training phases) for reports and checkpoints. Default 1,000.</summary>
    [Description("Environment steps per reported iteration (rounded up to whole training phases), >= 1.")]
    public int StepsPerIteration { get; init; } = 1000;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Check(BufferSize >= 2 * NumEnvs && BufferSize <= 100_000_000, "buffer_size", BufferSize, $"must be in [2 x num_envs = {2 * NumEnvs}, 100000000]");
        Check(LearningStarts >= 0, "learning_starts", LearningStarts, "must be >= 0");
        Check(BatchSize is >= 1 and <= 1_000_000, "batch_size", BatchSize, "must be in [1, 1000000]");
        Check(TrainFrequency >= 1, "train_frequency", TrainFrequency, "must be >= 1");
        Check(GradientSteps is >= 1 and <= 100_000, "gradient_steps", GradientSteps, "must be in [1, 100000]");
        Check(TargetUpdateInterval >= 1, "target_update_interval", TargetUpdateInterval, "must be >= 1");
        Check(Tau is > 0 and <= 1, "tau", Tau, "must be in (0, 1]");
        Check(ExplorationInitialEps is >= 0 and <= 1, "exploration_initial_eps", ExplorationInitialEps, "must be in [0, 1]");
        Check(ExplorationFinalEps is >= 0 and <= 1, "exploration_final_eps", ExplorationFinalEps, "must be in [0, 1]");
        Check(ExplorationSteps >= 1, "exploration_steps", ExplorationSteps, "must be >= 1");
        Check(StepsPerIteration >= 1, "steps_per_iteration", StepsPerIteration, "must be >= 1");
        var d = new DqnConfig();
        const string NotDqn = "does not apply to dqn (leave it out)";
        Check(Baseline == d.Baseline, "baseline", Baseline, NotDqn);
        Check(BaselineDecay == d.BaselineDecay, "baseline_decay", BaselineDecay, NotDqn);
        Check(NormalizeAdvantages == d.NormalizeAdvantages, "normalize_advantages", NormalizeAdvantages, NotDqn);
        Check(EntropyCoef == d.EntropyCoef, "entropy_coef", EntropyCoef, NotDqn);
        Check(InitLogStd == d.InitLogStd, "init_log_std", InitLogStd, NotDqn);
        Check(ValueLearningRate == d.ValueLearningRate, "value_learning_rate", ValueLearningRate, NotDqn);
        Check(ValueUpdates == d.ValueUpdates, "value_updates", ValueUpdates, NotDqn);
        Check(ValueMinibatchSize == d.ValueMinibatchSize, "value_minibatch_size", ValueMinibatchSize, NotDqn);
    }

    /// <summary>ε after <paramref name="envSteps"/> environment steps (linear from initial to final over exploration_steps).</summary>
    public double Epsilon(long envSteps) =>
        ExplorationInitialEps + (ExplorationFinalEps - ExplorationInitialEps) * Math.Min(1.0, (double)envSteps / ExplorationSteps);
}
