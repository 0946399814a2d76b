using System.ComponentModel;
using Rl.Agents.Rollouts;
using Rl.Agents.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.PolicyGradient;

/// <summary>REINFORCE's hyperparameters (plus the shared ones of <see cref="PolicyGradientConfig"/>).</summary>
public sealed record ReinforceConfig : PolicyGradientConfig
{
    /// <summary>Environment steps collected per iteration, in complete episodes: the batch of one gradient estimate. Default 2000.</summary>
    [Description("Environment steps per iteration (complete episodes): the batch of one gradient estimate.")]
    public int StepsPerIteration { get; init; } = 2000;

    /// <summary>Credit each action with the reward-to-go G_t instead of the whole return R(τ). Default true.</summary>
    [Description("Use the reward-to-go G_t instead of the whole-episode return R(tau).")]
    public bool RewardToGo { get; init; } = true;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Check(StepsPerIteration is >= 1 and <= 10_000_000, "steps_per_iteration", StepsPerIteration, "must be in [1, 10000000]");
    }
}

/// <summary>
/// REINFORCE (Williams 1992) with the course's tricks: reward-to-go, a baseline, advantage normalization and an entropy
/// bonus. The Monte-Carlo estimate of ∇E[R(τ)] is (1/N) Σ_τ Σ_t (G_t − b(s_t)) ∇ log π_θ(a_t|s_t).
/// <code>
/// for i iterations:
///     collect complete episodes τ with π_θ                         (the rollout engine, one forward pass per step)
///     G_t = Σ_{k≥t} γ^{k−t} r_k  (+ γ^{T−t} b(s_T) if τ was truncated)
///     Â_t = G_t − b(s_t), standardized over the batch
///     L(θ) = −(1/B) Σ_t Â_t log π_θ(a_t|s_t) − β (1/B) Σ_t H[π_θ(·|s_t)]
///     θ ← θ − α ∇L(θ)                                              (one optimizer step)
///     fit b to the returns G_t
/// </code>
/// </summary>
public sealed class Reinforce : PolicyGradientAgent
{
    private readonly ReinforceConfig _config;
    private readonly RolloutBatch _batch;

    /// <summary>Builds the agent; the config is validated first.</summary>
    public Reinforce(ReinforceConfig config, TrainingContext context) : base(AlgorithmIds.Reinforce, config, context)
    {
        _config = config;
        _batch = new RolloutBatch(Collector.ObservationSize, Learner.ActionWidth);
    }

    /// <inheritdoc />
    public override IterationResult RunIteration()
    {
        using var scope = torch.NewDisposeScope();

        // Collect rollouts: complete episodes with the current policy π_θ.
        var batch = Collector.CollectEpisodes(Learner.Actor(SampleRng), _config.StepsPerIteration, into: _batch);
        var observations = ObservationsOf(batch);
        var normalized = Normalizer.Normalize(observations);

        // Monte-Carlo returns: the reward-to-go G_t (or R(τ)); a truncated episode bootstraps from b(s_T).
        var returns = ToDevice(Returns.ForBatch(batch, _config.Gamma, _config.RewardToGo, BootstrapValues(batch)));

        // Advantages G_t − b(s_t), with the baseline as it stood before this batch (so the estimate stays unbiased).
        var advantages = returns - Baseline.Values(normalized);

        // Estimate the sample gradient and take a gradient step (on-policy: no importance weights).
        var actions = ActionsOf(batch);
        double entropy = 0;
        var report = Learner.Step(() =>
        {
            var (loss, h) = Loss(Learner, observations, actions, advantages, _config.EntropyCoef, _config.NormalizeAdvantages);
            entropy = h;
            return loss;
        }, diagnose: true);
        var step = new PolicyStepReport(report, entropy, MeanWeight: 1, TruncatedFraction: 0, ApproxKl: 0);

        // Fit the baseline to these returns for the next iteration.
        var fit = Baseline.Fit(normalized, returns);
        return EndIteration(batch, step, fit);
    }

    /// <summary>
    /// REINFORCE's surrogate loss, whose gradient is the policy-gradient estimate with a baseline:
    /// L(θ) = −(1/B) Σ_i Â_i log π_θ(a_i|s_i) − β (1/B) Σ_i H[π_θ(·|s_i)], with Â_i = G_i − b(s_i) (standardized when asked).
    /// </summary>
    /// <param name="learner">The policy π_θ.</param>
    /// <param name="observations">Raw observation rows [B, obs].</param>
    /// <param name="actions">Action rows [B, width].</param>
    /// <param name="advantages">Â_i [B].</param>
    /// <param name="entropyCoef">β.</param>
    /// <param name="normalizeAdvantages">Standardize Â over the batch first.</param>
    /// <returns>The loss and the mean entropy (for reports).</returns>
    public static (Tensor Loss, double Entropy) Loss(PolicyLearner learner, Tensor observations, Tensor actions, Tensor advantages,
        double entropyCoef, bool normalizeAdvantages)
    {
        var dist = learner.Distribution(observations);
        var logPi = dist.LogProb(actions);
        var entropy = dist.Entropy().mean();
        var a = PolicyLearner.Standardize(advantages, normalizeAdvantages);
        using var entropyScalar = entropyCoef.ToScalar(); // kept alive across the native call (docs/architecture.md, "TorchSharp Scalars")
        return (-(a * logPi).mean() - entropyScalar * entropy, entropy.item<float>());
    }
}
