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
        using var cScalar = c.ToScalar(); // kept alive across the native call (docs/architecture.md, "TorchSharp Scalars")
        return ratio.clamp_max(cScalar);
    }
}

/// <summary>
/// The policy π_θ with its optimizer: acts for batches of observations (sampling from the <see cref="Rng"/> it is
/// given) and takes optimizer steps on a loss the algorithm states (<see cref="Reinforce.Loss"/>, <see cref="OffPolicyPg.Loss"/>).
/// Every tensor lives on <see cref="Device"/>.
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

    /// <summary>Â standardized over the batch, (Â − mean) / (std + 1e-8), when asked and the batch has more than one row.</summary>
    public static Tensor Standardize(Tensor advantages, bool normalize)
    {
        if (!normalize || advantages.shape[0] <= 1) return advantages;
        using var epsilon = 1e-8.ToScalar(); // kept alive across the native call (docs/architecture.md, "TorchSharp Scalars")
        return (advantages - advantages.mean()) / (advantages.std() + epsilon);
    }

    /// <summary>
    /// One optimizer step on the loss that <paramref name="loss"/> computes with the network in training mode (each
    /// algorithm's file states its own loss).
    /// </summary>
    /// <param name="loss">Computes the scalar loss (called once, in training mode).</param>
    /// <param name="diagnose">Record per-layer diagnostics of this step.</param>
    public StepReport Step(Func<Tensor> loss, bool diagnose = false)
    {
        Network.train();
        try
        {
            return Optimizer.Step(loss(), diagnose);
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
