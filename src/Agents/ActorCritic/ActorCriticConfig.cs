using System.ComponentModel;
using Rl.Agents.PolicyGradient;

namespace Rl.Agents.ActorCritic;

/// <summary>
/// The hyperparameters PPO and A2C share: fixed-length rollouts of <see cref="NumSteps"/> steps from each of the
/// <c>num_envs</c> environments, GAE(λ), the value loss weight and reward scaling, plus the network, optimizer and schedule
/// keys of <see cref="PolicyGradientConfig"/>. One optimizer trains the policy and the value function together on
/// policy loss + value_coef · value loss − entropy_coef · entropy, so the separate-baseline keys of REINFORCE
/// (<c>baseline</c>, <c>baseline_decay</c>, <c>value_learning_rate</c>, <c>value_updates</c>, <c>value_minibatch_size</c>)
/// must stay at their defaults.
/// </summary>
public abstract record ActorCriticConfig : PolicyGradientConfig
{
    /// <summary>Steps collected from each environment per rollout (T); a rollout has T × num_envs steps.</summary>
    [Description("Steps per environment in each rollout (T); a rollout holds num_envs x T steps.")]
    public int NumSteps { get; init; } = 128;

    /// <summary>λ of GAE: 1 gives Monte-Carlo advantages, 0 the one-step TD error. Default 0.95.</summary>
    [Description("Lambda of GAE, in [0, 1]: 1 = Monte-Carlo advantages, 0 = one-step TD error.")]
    public double GaeLambda { get; init; } = 0.95;

    /// <summary>Weight c_1 of the value loss in the total loss. Default 0.5.</summary>
    [Description("Weight of the value loss in the total loss, > 0.")]
    public double ValueCoef { get; init; } = 0.5;

    /// <summary>One body for the policy and the value function (the usual choice for conv nets). Default false.</summary>
    [Description("Share one body (MLP or conv net) between the policy and the value heads; false: two bodies.")]
    public bool SharedTrunk { get; init; }

    /// <summary>Divide rewards by the running standard deviation of the discounted return (SB3's VecNormalize). Default false.</summary>
    [Description("Scale rewards by the running std of the discounted return (as SB3's VecNormalize(norm_reward)).")]
    public bool NormalizeRewards { get; init; }

    /// <summary>Training environments end an episode at each lost life (the info's <c>lives</c>; evaluation keeps whole games). Default false.</summary>
    [Description("Training episodes end at each lost life (info 'lives'), as Atari setups do; evaluation plays whole games.")]
    public bool EpisodicLife { get; init; }

    /// <summary>Scaled rewards are clipped to ±this. Default 10.</summary>
    [Description("Scaled rewards are clipped to +-this (normalize_rewards only), > 0.")]
    public double RewardClip { get; init; } = 10;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Check(NumSteps is >= 1 and <= 1_000_000, "num_steps", NumSteps, "must be in [1, 1000000]");
        Check(GaeLambda is >= 0 and <= 1, "gae_lambda", GaeLambda, "must be in [0, 1]");
        Check(ValueCoef > 0 && double.IsFinite(ValueCoef), "value_coef", ValueCoef, "must be > 0");
        Check(RewardClip > 0, "reward_clip", RewardClip, "must be > 0");
        var d = new PpoConfig();
        Check(Baseline == d.Baseline, "baseline", Baseline, "must be value: actor-critic methods learn V(s) with the policy");
        Check(BaselineDecay == d.BaselineDecay, "baseline_decay", BaselineDecay, "does not apply to actor-critic methods (leave it out)");
        Check(ValueLearningRate == d.ValueLearningRate, "value_learning_rate", ValueLearningRate, "does not apply: one optimizer trains both heads (use value_coef)");
        Check(ValueUpdates == d.ValueUpdates, "value_updates", ValueUpdates, "does not apply to actor-critic methods (leave it out)");
        Check(ValueMinibatchSize == d.ValueMinibatchSize, "value_minibatch_size", ValueMinibatchSize, "does not apply to actor-critic methods (leave it out)");
    }
}

/// <summary>PPO's hyperparameters; defaults follow Stable-Baselines3 and CleanRL where they agree.</summary>
public sealed record PpoConfig : ActorCriticConfig
{
    /// <summary>Sets PPO's defaults for the shared keys: learning rate 3e-4, gradient norm clipped at 0.5.</summary>
    public PpoConfig()
    {
        Optimizer = Optimizer with { LearningRate = 3e-4, MaxGradNorm = 0.5 };
    }

    /// <summary>ε of the clipped surrogate: the ratio π/π_old is kept in [1 − ε, 1 + ε]. Default 0.2.</summary>
    [Description("Epsilon of the clipped surrogate objective, in (0, 1).")]
    public double ClipRange { get; init; } = 0.2;

    /// <summary>Clip the value prediction to ±this around the old value before the squared error (0 = unclipped value loss). Default 0.</summary>
    [Description("Clip the new value to +-this around the rollout's value in the value loss; 0 = plain squared error.")]
    public double ValueClipRange { get; init; }

    /// <summary>Passes (K) over the rollout per iteration. Default 10.</summary>
    [Description("Epochs (passes over the rollout) per iteration, >= 1.")]
    public int Epochs { get; init; } = 10;

    /// <summary>Steps per minibatch. Default 64.</summary>
    [Description("Steps per minibatch, >= 1 (at most num_envs x num_steps).")]
    public int MinibatchSize { get; init; } = 64;

    /// <summary>Stop the epochs of an iteration early once the approximate KL divergence exceeds this (0 = never). Default 0.</summary>
    [Description("Stop an iteration's epochs when the approximate KL exceeds this; 0 = never.")]
    public double TargetKl { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Check(ClipRange is > 0 and < 1, "clip_range", ClipRange, "must be in (0, 1)");
        Check(ValueClipRange >= 0 && double.IsFinite(ValueClipRange), "value_clip_range", ValueClipRange, "must be >= 0");
        Check(Epochs is >= 1 and <= 1000, "epochs", Epochs, "must be in [1, 1000]");
        Check(MinibatchSize >= 1 && MinibatchSize <= (long)NumEnvs * NumSteps, "minibatch_size", MinibatchSize, $"must be in [1, num_envs x num_steps = {(long)NumEnvs * NumSteps}]");
        Check(TargetKl >= 0 && double.IsFinite(TargetKl), "target_kl", TargetKl, "must be >= 0");
    }
}

/// <summary>A2C's hyperparameters; defaults follow Stable-Baselines3 (5 steps, RMSProp 7e-4, λ = 1, no advantage normalization).</summary>
public sealed record A2cConfig : ActorCriticConfig
{
    /// <summary>Sets A2C's defaults for the shared keys.</summary>
    public A2cConfig()
    {
        NumSteps = 5;
        GaeLambda = 1.0;
        Optimizer = Optimizer with { Kind = Rl.Agents.Optimization.OptimizerKind.RmsProp, LearningRate = 7e-4, Epsilon = 1e-5, MaxGradNorm = 0.5 };
        NormalizeAdvantages = false;
    }
}
