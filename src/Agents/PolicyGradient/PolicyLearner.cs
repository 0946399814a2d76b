using Rl.Agents.Networks;
using Rl.Agents.Optimization;
using Rl.Agents.Rollouts;
using Rl.Agents.Training;
using Rl.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.PolicyGradient;

/// <summary>What one policy-gradient step did.</summary>
/// <param name="Step">Loss, gradient norm and learning rate.</param>
/// <param name="Entropy">Mean entropy of π(·|s) over the batch.</param>
/// <param name="MeanWeight">Mean importance weight (1 on-policy).</param>
/// <param name="TruncatedFraction">Fraction of weights cut at c (0 on-policy).</param>
/// <param name="ApproxKl">Mean of log μ − log π over the batch: how far π has moved from the behaviour policy.</param>
public readonly record struct PolicyStepReport(StepReport Step, double Entropy, double MeanWeight, double TruncatedFraction, double ApproxKl);

/// <summary>
/// Importance weights for off-policy gradient estimates: the per-decision ratio ρ_t = π(a_t|s_t) / μ(a_t|s_t) of the
/// target policy π to the behaviour policy μ that chose a_t, truncated at c: w_t = min(c, ρ_t) (as in Off-PAC, ACER and
/// V-trace). Weighting each decision separately avoids the exploding variance of whole-trajectory ratio products;
/// truncation bounds it further at the price of some bias.
/// </summary>
public static class ImportanceWeights
{
    /// <summary>w = min(c, exp(log π − log μ)), elementwise. Exactly 1 where log π equals log μ and c ≥ 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If c is not positive.</exception>
    public static Tensor PerDecision(Tensor logPi, Tensor logMu, double c)
    {
        if (!(c > 0)) throw new ArgumentOutOfRangeException(nameof(c), c, "importance truncation c must be positive");
        using var ratio = (logPi - logMu).exp();
        return ratio.clamp_max(c);
    }
}

/// <summary>
/// The policy π_θ with its optimizer: acts for batches of observations (sampling from the <see cref="Rng"/> it is
/// given) and takes policy-gradient steps ĝ = (1/B) Σ_i w_i Â_i ∇_θ log π_θ(a_i|s_i) + β ∇_θ H[π_θ(·|s_i)], with
/// importance weights w_i = 1 on-policy. Every tensor lives on <see cref="Device"/>.
/// </summary>
public sealed class PolicyLearner : IDisposable
{
    /// <summary>Creates the learner.</summary>
    /// <param name="network">The policy network (moved to <paramref name="device"/>).</param>
    /// <param name="normalizer">Observation normalization applied before the network (shared with the baseline).</param>
    /// <param name="optimizer">Optimizer settings.</param>
    /// <param name="schedule">Learning-rate schedule over policy updates.</param>
    /// <param name="device">The torch device.</param>
    public PolicyLearner(PolicyNetwork network, InputNormalizer normalizer, OptimizerSettings optimizer, LrSchedule schedule, Device device)
    {
        Device = device;
        Network = network;
        Network.to(device);
        Network.eval();
        Normalizer = normalizer;
        Optimizer = new TrainingOptimizer("policy", Network, optimizer, schedule);
    }

    /// <summary>The torch device of the network and every tensor it makes.</summary>
    public Device Device { get; }

    /// <summary>The policy network.</summary>
    public PolicyNetwork Network { get; }

    /// <summary>The observation normalization.</summary>
    public InputNormalizer Normalizer { get; }

    /// <summary>The optimizer (its update count is the schedule's position).</summary>
    public TrainingOptimizer Optimizer { get; }

    /// <summary>Floats per action row.</summary>
    public int ActionWidth => Network.Head.ActionWidth;

    /// <summary>π(·|s) for rows of raw observations [B, obs] on the device.</summary>
    public ActionDistribution Distribution(Tensor observations) => Network.forward(Normalizer.Normalize(observations));

    /// <summary>An actor for rollouts: samples a ~ π(·|s) with <paramref name="rng"/>, or takes the mode when deterministic.</summary>
    public IBatchActor Actor(Rng rng, bool deterministic = false) => new BatchActor(this, rng, deterministic);

    /// <summary>Copies observation rows to a [count, size] tensor on the device.</summary>
    public Tensor ToDevice(ReadOnlySpan<float> rows, int count)
    {
        int size = rows.Length / Math.Max(count, 1);
        return TensorRows.FromSpan(rows, [count, size], Device);
    }

    /// <summary>
    /// The surrogate loss whose gradient is the policy-gradient estimate: −mean(w · Â · log π(a|s)) − β · mean(H), with
    /// w = min(c, π/μ) for off-policy data (no gradient through w) and w = 1 on-policy.
    /// </summary>
    /// <param name="observations">Raw observation rows [B, obs].</param>
    /// <param name="actions">Action rows [B, width].</param>
    /// <param name="advantages">Â_i: returns minus baseline [B].</param>
    /// <param name="behaviourLogProbs">log μ(a|s) [B] for off-policy data, or null on-policy (w = 1).</param>
    /// <param name="truncation">c: importance weights are cut at this value.</param>
    /// <param name="entropyCoef">β, the weight of the entropy bonus.</param>
    /// <param name="normalizeAdvantages">Standardize Â over the batch first.</param>
    /// <returns>The loss and, for reports, the mean entropy, mean weight, fraction of weights cut and mean log μ − log π.</returns>
    public (Tensor Loss, double Entropy, double MeanWeight, double TruncatedFraction, double ApproxKl) Loss(Tensor observations, Tensor actions,
        Tensor advantages, Tensor? behaviourLogProbs, double truncation, double entropyCoef, bool normalizeAdvantages)
    {
        var dist = Distribution(observations);
        var logPi = dist.LogProb(actions);
        var entropy = dist.Entropy().mean();
        var a = normalizeAdvantages && advantages.shape[0] > 1 ? (advantages - advantages.mean()) / (advantages.std() + 1e-8) : advantages;
        if (behaviourLogProbs is null)
        {
            var onPolicy = -(a * logPi).mean() - entropyCoef * entropy;
            return (onPolicy, entropy.item<float>(), 1, 0, 0);
        }
        var detached = logPi.detach();
        var w = ImportanceWeights.PerDecision(detached, behaviourLogProbs, truncation);
        var loss = -(w * a * logPi).mean() - entropyCoef * entropy;
        double truncated = (detached - behaviourLogProbs).exp().gt(truncation).to(ScalarType.Float32).mean().item<float>();
        return (loss, entropy.item<float>(), w.mean().item<float>(), truncated, (behaviourLogProbs - detached).mean().item<float>());
    }

    /// <summary>Computes <see cref="Loss"/> on a batch (network in training mode) and takes one optimizer step.</summary>
    /// <param name="observations">Raw observation rows [B, obs].</param>
    /// <param name="actions">Action rows [B, width].</param>
    /// <param name="advantages">Â_i [B].</param>
    /// <param name="behaviourLogProbs">log μ(a|s) [B], or null on-policy.</param>
    /// <param name="truncation">c.</param>
    /// <param name="entropyCoef">β.</param>
    /// <param name="normalizeAdvantages">Standardize Â first.</param>
    /// <param name="diagnose">Record per-layer diagnostics of this step.</param>
    public PolicyStepReport GradientStep(Tensor observations, Tensor actions, Tensor advantages, Tensor? behaviourLogProbs,
        double truncation, double entropyCoef, bool normalizeAdvantages, bool diagnose = false)
    {
        Network.train();
        try
        {
            var (loss, entropy, meanWeight, truncated, kl) = Loss(observations, actions, advantages, behaviourLogProbs, truncation, entropyCoef, normalizeAdvantages);
            return new PolicyStepReport(Optimizer.Step(loss, diagnose), entropy, meanWeight, truncated, kl);
        }
        finally
        {
            Network.eval();
        }
    }

    /// <summary>Writes the network parameters and the optimizer state under <paramref name="prefix"/>.</summary>
    public void Save(Checkpoint checkpoint, string prefix)
    {
        checkpoint.PutBytes($"{prefix}/parameters", ModuleState.Save(Network));
        Optimizer.Save(checkpoint, prefix);
    }

    /// <summary>Restores what <see cref="Save"/> wrote.</summary>
    /// <exception cref="CheckpointException">If an entry is missing or does not fit the network.</exception>
    public void Load(Checkpoint checkpoint, string prefix)
    {
        ModuleState.Load(Network, checkpoint.GetBytes($"{prefix}/parameters"), $"{prefix}/parameters");
        Optimizer.Load(checkpoint, prefix);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Optimizer.Dispose();
        Network.Dispose();
    }

    private sealed class BatchActor(PolicyLearner learner, Rng rng, bool deterministic) : IBatchActor
    {
        public int ActionWidth => learner.ActionWidth;

        public void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, Span<float> logProbs)
        {
            using var scope = torch.NewDisposeScope();
            using var _ = torch.no_grad();
            var dist = learner.Distribution(learner.ToDevice(observations, count));
            var a = deterministic ? dist.Mode() : dist.Sample(rng);
            var logp = dist.LogProb(a);
            TensorRows.CopyTo(a, actions);
            TensorRows.CopyTo(logp, logProbs);
        }
    }
}

/// <summary>Serializes a module's parameters and buffers (TorchSharp's format) to bytes and back.</summary>
public static class ModuleState
{
    /// <summary>The module's state as bytes.</summary>
    public static byte[] Save(nn.Module module)
    {
        using var ms = new MemoryStream();
        module.save(ms);
        return ms.ToArray();
    }

    /// <summary>Loads state bytes into <paramref name="module"/> (on whatever device it lives).</summary>
    /// <exception cref="CheckpointException">If the bytes do not fit the module, naming <paramref name="entry"/>.</exception>
    public static void Load(nn.Module module, byte[] bytes, string entry)
    {
        try
        {
            using var ms = new MemoryStream(bytes);
            module.load(ms);
        }
        catch (Exception e) when (e is not CheckpointException)
        {
            throw new CheckpointException($"checkpoint entry '{entry}' does not fit this network (a different config?): {e.Message}", e);
        }
    }
}
