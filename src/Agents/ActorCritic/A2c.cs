using Rl.Agents.Training;
using TorchSharp;

namespace Rl.Agents.ActorCritic;

/// <summary>
/// Advantage actor-critic, synchronous (A2C: the synchronous variant of Mnih et al. 2016's A3C): REINFORCE with a learned
/// baseline whose returns are bootstrapped from V after n steps (GAE with λ = 1 gives exactly the n-step returns).
/// <code>
/// for iteration = 1, 2, ...:
///     run π_θ in N environments for T steps                         (truncations bootstrap from V(final observation))
///     Â_t = GAE(γ, λ) advantages, V^targ_t = Â_t + V(s_t)
///     L = −E[Â_t log π_θ(a_t|s_t)] + c_1 E[(V_θ(s_t) − V^targ_t)²] − c_2 E[H[π_θ](s_t)]
///     one gradient step on L over all N·T steps (norm clipped)
/// </code>
/// </summary>
public sealed class A2c : ActorCriticAgent
{
    /// <summary>The registered id.</summary>
    public const string AlgorithmId = AlgorithmIds.A2c;

    private readonly A2cConfig _config;

    /// <summary>Builds the agent; the config is validated first.</summary>
    public A2c(A2cConfig config, TrainingContext context) : base(AlgorithmId, config, context) => _config = config;

    // Per-layer diagnostics every tenth iteration (they clone every parameter).
    private bool Diagnose => Iteration % 10 == 0;

    /// <inheritdoc />
    public override IterationResult RunIteration()
    {
        // Run π_θ for T steps in N environments; advantages and value targets.
        var rollout = CollectRollout();
        var all = Enumerable.Range(0, rollout.Count).ToArray();

        double policyLoss, valueLoss, entropy;
        Optimization.StepReport report;
        Network.train();
        try
        {
            using var scope = torch.NewDisposeScope();
            // Explicit Scalars, alive until the ops have run (docs/architecture.md, "TorchSharp Scalars").
            using var epsilon = 1e-8.ToScalar();
            using var half = 0.5.ToScalar();
            using var two = 2.ToScalar();
            using var valueCoef = _config.ValueCoef.ToScalar();
            using var entropyCoef = _config.EntropyCoef.ToScalar();
            var observations = Normalizer.Normalize(Gather(rollout.Observations, rollout.ObservationSize, all));
            var actions = Gather(rollout.Actions, rollout.ActionWidth, all).reshape(all.Length, rollout.ActionWidth);
            var targets = Gather(rollout.Returns, 1, all);
            var advantages = Gather(rollout.Advantages, 1, all);
            if (_config.NormalizeAdvantages && all.Length > 1) advantages = (advantages - advantages.mean()) / (advantages.std() + epsilon);

            // The loss: policy gradient with advantages, squared value error, entropy bonus; one step.
            var (dist, values) = Network.PolicyAndValue(observations);
            var lPolicy = -(advantages * dist.LogProb(actions)).mean();
            var lValue = half * (values - targets).pow(two).mean();
            var h = dist.Entropy().mean();
            var loss = lPolicy + valueCoef * lValue - entropyCoef * h;
            report = Optimizer.Step(loss, diagnose: Diagnose);
            (policyLoss, valueLoss, entropy) = (lPolicy.item<float>(), lValue.item<float>(), h.item<float>());
        }
        finally
        {
            Network.eval();
        }

        return EndIteration(rollout, diagnosed: Diagnose, new Dictionary<string, double>
        {
            ["loss/policy"] = policyLoss,
            ["loss/value"] = valueLoss,
            ["policy/entropy"] = entropy,
            ["policy/grad_norm"] = report.GradNorm,
        });
    }
}
