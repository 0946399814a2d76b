using System.ComponentModel;
using Rl.Agents.Networks;
using Rl.Agents.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.PolicyGradient;

/// <summary>
/// Off-policy policy gradient's hyperparameters (plus the shared ones of <see cref="PolicyGradientConfig"/>). The defaults
/// collect as much per iteration as REINFORCE's and reuse it: 16 minibatch steps over a buffer holding two iterations.
/// </summary>
public sealed record OffPolicyPgConfig : PolicyGradientConfig
{
    /// <summary>Creates the defaults; the learning rate is lower than REINFORCE's because each iteration takes many steps.</summary>
    public OffPolicyPgConfig() => Optimizer = Optimizer with { LearningRate = 0.001 };

    /// <summary>Environment steps collected per iteration, in complete episodes. Default 2000.</summary>
    [Description("Environment steps collected per iteration (complete episodes).")]
    public int StepsPerIteration { get; init; } = 2000;

    /// <summary>Replay buffer capacity in steps (FIFO). Default 4000.</summary>
    [Description("Replay buffer capacity in steps; the oldest are overwritten first.")]
    public int BufferCapacity { get; init; } = 4000;

    /// <summary>j: gradient steps on minibatches from the buffer per iteration. Default 16.</summary>
    [Description("Gradient steps (minibatches from the replay buffer) per iteration: j.")]
    public int Minibatches { get; init; } = 16;

    /// <summary>Steps per minibatch. Default 1024.</summary>
    [Description("Steps per minibatch, drawn uniformly from the buffer.")]
    public int MinibatchSize { get; init; } = 1024;

    /// <summary>c: per-decision importance weights π/μ are truncated at this value. Default 1.</summary>
    [Description("c: per-decision importance weights pi/mu are truncated at this value (> 0).")]
    public double ImportanceTruncation { get; init; } = 1.0;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Check(StepsPerIteration is >= 1 and <= 10_000_000, "steps_per_iteration", StepsPerIteration, "must be in [1, 10000000]");
        Check(BufferCapacity >= 1, "buffer_capacity", BufferCapacity, "must be >= 1");
        Check(Minibatches >= 1, "minibatches", Minibatches, "must be >= 1");
        Check(MinibatchSize >= 1, "minibatch_size", MinibatchSize, "must be >= 1");
        Check(ImportanceTruncation > 0 && double.IsFinite(ImportanceTruncation), "importance_truncation", ImportanceTruncation, "must be a positive number");
    }
}

/// <summary>
/// Off-policy policy gradient: rollouts are reused from a replay buffer, and because the policy μ that collected them
/// is no longer the current π_θ, every decision is weighted by its own importance ratio π(a|s)/μ(a|s), truncated at c
/// (<see cref="ImportanceWeights"/>) — in the gradient estimate (1/B) Σ_i min(c, π/μ) Â_i ∇ log π_θ(a_i|s_i), and in the
/// returns behind Â and the baseline's targets, which are recomputed for the current policy with per-decision weights
/// (<see cref="VTrace"/>) instead of being the stale returns of μ. Reuse is the point: each environment step feeds many
/// gradient steps.
/// <code>
/// for i iterations:
///     collect complete episodes with π_θ (the behaviour policy μ of this data; log μ(a|s) is kept)
///     add them to a replay buffer D
///     recompute V-trace targets and advantages Â for the current π_θ on all of D; fit b to the targets
///     for j batches B ~ D:
///         w_i = min(c, π_θ(a_i|s_i) / μ(a_i|s_i))                    (held constant)
///         L(θ) = −(1/|B|) Σ_i w_i Â_i log π_θ(a_i|s_i) − β (1/|B|) Σ_i H[π_θ(·|s_i)]
///         θ ← θ − α ∇L(θ)
/// </code>
/// </summary>
public sealed class OffPolicyPg : PolicyGradientAgent
{
    private readonly OffPolicyPgConfig _config;

    /// <summary>Builds the agent; the config is validated first.</summary>
    public OffPolicyPg(OffPolicyPgConfig config, TrainingContext context) : base(AlgorithmIds.OffPolicyPg, config, context)
    {
        _config = config;
        Buffer = new ReplayBuffer(config.BufferCapacity, Collector.ObservationSize, Learner.ActionWidth);
    }

    /// <summary>The replay buffer.</summary>
    public ReplayBuffer Buffer { get; }

    /// <inheritdoc />
    public override IterationResult RunIteration()
    {
        using var scope = torch.NewDisposeScope();

        // Collect rollouts with the current policy, which is the behaviour policy μ of this data (log μ(a|s) is kept).
        var batch = Collector.CollectEpisodes(Learner.Actor(SampleRng), _config.StepsPerIteration);

        // Add them to the replay buffer.
        Buffer.Add(batch);
        var all = Buffer.All(Device);
        var normalized = Normalizer.Normalize(all.Observations);

        // Update the baseline network: fit V(s) to the returns of the current policy, estimated from the buffer with
        // per-decision importance weights.
        var fit = Baseline.Fit(normalized, ToDevice(ImportanceWeightedReturns(all, normalized).Targets));
        var advantages = ToDevice(ImportanceWeightedReturns(all, normalized).Advantages);

        // For j batches: estimate the sample gradient on the replay buffer, weighting each decision by min(c, π/μ),
        // and take a gradient step.
        PolicyStepReport step = default;
        double meanWeight = 0, truncated = 0, kl = 0;
        for (int j = 0; j < _config.Minibatches; j++)
        {
            using var minibatchScope = torch.NewDisposeScope();
            var mb = Buffer.Gather(Buffer.SampleIndices(_config.MinibatchSize, MinibatchRng), Device);
            var mbAdvantages = advantages.index_select(0, mb.Index);
            OffPolicyLoss parts = default;
            var report = Learner.Step(() =>
            {
                parts = Loss(Learner, mb.Observations, mb.Actions, mbAdvantages, mb.BehaviourLogProbs, _config.ImportanceTruncation,
                    _config.EntropyCoef, _config.NormalizeAdvantages);
                return parts.Loss;
            }, diagnose: j == _config.Minibatches - 1);
            step = new PolicyStepReport(report, parts.Entropy, parts.MeanWeight, parts.TruncatedFraction, parts.ApproxKl);
            meanWeight += step.MeanWeight / _config.Minibatches;
            truncated += step.TruncatedFraction / _config.Minibatches;
            kl += step.ApproxKl / _config.Minibatches;
        }
        return EndIteration(batch, step, fit, new Dictionary<string, double>
        {
            ["importance/mean_weight"] = meanWeight,
            ["importance/truncated_fraction"] = truncated,
            ["importance/approx_kl"] = kl,
            ["buffer/size"] = Buffer.Count,
        });
    }

    // V-trace targets and advantages of every buffered step for the current π and baseline.
    private (float[] Targets, float[] Advantages) ImportanceWeightedReturns(ReplayMinibatch all, Tensor normalized)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        int n = Buffer.Count;
        var values = TensorRows.ToArray(Baseline.Values(normalized));
        var logPi = Learner.Distribution(all.Observations).LogProb(all.Actions);
        var ratios = TensorRows.ToArray((logPi - all.BehaviourLogProbs).exp());
        var finalValues = new float[n];
        var finals = Buffer.FinalObservations().ToArray();
        if (finals.Length > 0)
        {
            var rows = Learner.ToDevice(finals.SelectMany(f => f.Observation).ToArray(), finals.Length);
            var v = TensorRows.ToArray(Baseline.Values(Normalizer.Normalize(rows)));
            for (int i = 0; i < finals.Length; i++) finalValues[finals[i].Position] = v[i];
        }
        var targets = new float[n];
        var advantages = new float[n];
        VTrace.Compute(Buffer.Rewards(), values, ratios, Buffer.Ends(), finalValues, _config.Gamma, _config.ImportanceTruncation, targets, advantages);
        return (targets, advantages);
    }

    /// <summary>
    /// The truncated importance-weighted surrogate loss: L(θ) = −(1/B) Σ_i w_i Â_i log π_θ(a_i|s_i) − β (1/B) Σ_i H[π_θ(·|s_i)],
    /// with per-decision weights w_i = min(c, π_θ(a_i|s_i) / μ(a_i|s_i)) held constant (no gradient flows through w).
    /// </summary>
    /// <param name="learner">The target policy π_θ.</param>
    /// <param name="observations">Raw observation rows [B, obs].</param>
    /// <param name="actions">Action rows [B, width].</param>
    /// <param name="advantages">Â_i [B].</param>
    /// <param name="behaviourLogProbs">log μ(a_i|s_i) [B] of the policy that collected the data.</param>
    /// <param name="truncation">c.</param>
    /// <param name="entropyCoef">β.</param>
    /// <param name="normalizeAdvantages">Standardize Â over the batch first.</param>
    public static OffPolicyLoss Loss(PolicyLearner learner, Tensor observations, Tensor actions, Tensor advantages, Tensor behaviourLogProbs,
        double truncation, double entropyCoef, bool normalizeAdvantages)
    {
        var dist = learner.Distribution(observations);
        var logPi = dist.LogProb(actions);
        var entropy = dist.Entropy().mean();
        var a = PolicyLearner.Standardize(advantages, normalizeAdvantages);
        var detached = logPi.detach();
        var w = ImportanceWeights.PerDecision(detached, behaviourLogProbs, truncation);
        // Explicit Scalars, alive until the ops have run (docs/architecture.md, "TorchSharp Scalars").
        using var entropyScalar = entropyCoef.ToScalar();
        using var truncationScalar = truncation.ToScalar();
        var loss = -(w * a * logPi).mean() - entropyScalar * entropy;
        double cut = (detached - behaviourLogProbs).exp().gt(truncationScalar).to(ScalarType.Float32).mean().item<float>();
        return new OffPolicyLoss(loss, entropy.item<float>(), w.mean().item<float>(), cut, (behaviourLogProbs - detached).mean().item<float>());
    }

    /// <inheritdoc />
    protected override void SaveState(Checkpoint checkpoint) => Buffer.Save(checkpoint, "buffer");

    /// <inheritdoc />
    protected override void LoadState(Checkpoint checkpoint) => Buffer.Load(checkpoint, "buffer");
}

/// <summary>The off-policy loss and what is reported about it.</summary>
/// <param name="Loss">The scalar loss.</param>
/// <param name="Entropy">Mean entropy of π(·|s) over the batch.</param>
/// <param name="MeanWeight">Mean importance weight.</param>
/// <param name="TruncatedFraction">Fraction of weights cut at c.</param>
/// <param name="ApproxKl">Mean of log μ − log π: how far π has moved from the behaviour policy.</param>
public readonly record struct OffPolicyLoss(Tensor Loss, double Entropy, double MeanWeight, double TruncatedFraction, double ApproxKl);
