using Rl.Agents.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.ActorCritic;

/// <summary>
/// Proximal policy optimization (Schulman et al. 2017), the clipped-objective variant: the importance-sampled off-policy
/// gradient of the course with the ratio kept near 1, so one rollout can be reused for several epochs.
/// <code>
/// for iteration = 1, 2, ...:
///     run π_θold in N environments for T steps                      (truncations bootstrap from V(final observation))
///     compute advantages Â_1..Â_NT with GAE(γ, λ) and targets V^targ = Â + V_old
///     for K epochs, for each minibatch of the NT steps (shuffled):
///         r_t(θ) = π_θ(a_t|s_t) / π_θold(a_t|s_t)
///         L^CLIP = E[min(r_t Â_t, clip(r_t, 1 − ε, 1 + ε) Â_t)]
///         L^VF   = E[(V_θ(s_t) − V^targ_t)²]                          (optionally clipped around V_old)
///         maximize L^CLIP − c_1 L^VF + c_2 H[π_θ](s_t) by one gradient step (norm clipped)
/// </code>
/// The advantages are standardized per minibatch (normalize_advantages); observations and rewards are optionally
/// normalized; the learning rate follows the configured schedule over gradient steps.
/// </summary>
public sealed class Ppo : ActorCriticAgent
{
    /// <summary>The registered id.</summary>
    public const string AlgorithmId = AlgorithmIds.Ppo;

    private readonly PpoConfig _config;

    /// <summary>Builds the agent; the config is validated first.</summary>
    public Ppo(PpoConfig config, TrainingContext context) : base(AlgorithmId, config, context) => _config = config;

    /// <summary>The clipped surrogate loss −E[min(r Â, clip(r, 1 − ε, 1 + ε) Â)] with r = exp(log π − log π_old).</summary>
    public static Tensor ClippedSurrogateLoss(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, double clipRange)
    {
        // Explicit Scalars, alive until the ops have run (docs/architecture.md, "TorchSharp Scalars").
        using var low = (1 - clipRange).ToScalar();
        using var high = (1 + clipRange).ToScalar();
        var ratio = (logProbs - oldLogProbs).exp();
        var unclipped = ratio * advantages;
        var clipped = ratio.clamp(low, high) * advantages;
        return -torch.minimum(unclipped, clipped).mean();
    }

    /// <summary>
    /// The value loss ½ E[(V − V^targ)²]; with a clip range c &gt; 0, ½ E[max((V − V^targ)², (V_old + clip(V − V_old, −c, c) − V^targ)²)].
    /// The ½ follows CleanRL, so value_coef c_1 = 0.5 gives CleanRL's scale; SB3's value loss is the plain mean squared error,
    /// so SB3's (and RL Zoo's) vf_coef c is value_coef 2c here.
    /// </summary>
    public static Tensor ValueLoss(Tensor values, Tensor oldValues, Tensor targets, double clipRange)
    {
        using var two = 2.ToScalar();
        using var half = 0.5.ToScalar();
        var squared = (values - targets).pow(two);
        if (clipRange <= 0) return half * squared.mean();
        using var low = (-clipRange).ToScalar();
        using var high = clipRange.ToScalar();
        var clippedValues = oldValues + (values - oldValues).clamp(low, high);
        return half * torch.maximum(squared, (clippedValues - targets).pow(two)).mean();
    }

    /// <inheritdoc />
    public override IterationResult RunIteration()
    {
        // Run π_θold for T steps in N environments; GAE advantages and value targets.
        var rollout = CollectRollout();

        double policyLoss = 0, valueLoss = 0, entropy = 0, approxKl = 0, clipFraction = 0, gradNorm = 0;
        int steps = 0, epochsDone = 0;
        var order = Enumerable.Range(0, rollout.Count).ToArray();
        using var one = 1.ToScalar();
        using var epsilon = 1e-8.ToScalar();
        using var valueCoef = _config.ValueCoef.ToScalar();
        using var entropyCoef = _config.EntropyCoef.ToScalar();
        using var clipRange = _config.ClipRange.ToScalar();
        Network.train();
        try
        {
            for (int epoch = 0; epoch < _config.Epochs; epoch++)
            {
                MinibatchRng.Shuffle(order.AsSpan());
                double epochKl = 0;
                int epochBatches = 0;
                for (int start = 0; start < order.Length; start += _config.MinibatchSize)
                {
                    using var scope = torch.NewDisposeScope();
                    long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                    var index = order.AsSpan(start, Math.Min(_config.MinibatchSize, order.Length - start));
                    var observations = Normalizer.Normalize(Gather(rollout.Observations, rollout.ObservationSize, index));
                    var actions = Gather(rollout.Actions, rollout.ActionWidth, index).reshape(index.Length, rollout.ActionWidth);
                    var oldLogProbs = Gather(rollout.LogProbs, 1, index);
                    var oldValues = Gather(rollout.Values, 1, index);
                    var targets = Gather(rollout.Returns, 1, index);
                    var advantages = Gather(rollout.Advantages, 1, index);
                    if (_config.NormalizeAdvantages && index.Length > 1) advantages = (advantages - advantages.mean()) / (advantages.std() + epsilon);

                    Times.Add("update: minibatch gather", t0);
                    t0 = System.Diagnostics.Stopwatch.GetTimestamp();

                    // The loss: −L^CLIP + c_1 L^VF − c_2 H.
                    var (dist, values) = Network.PolicyAndValue(observations);
                    var logProbs = dist.LogProb(actions);
                    var lClip = ClippedSurrogateLoss(logProbs, oldLogProbs, advantages, _config.ClipRange);
                    var lVf = ValueLoss(values, oldValues, targets, _config.ValueClipRange);
                    var h = dist.Entropy().mean();
                    var loss = lClip + valueCoef * lVf - entropyCoef * h;
                    Times.Add("update: forward + loss", t0);
                    t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                    var report = Optimizer.Step(loss, diagnose: epoch == _config.Epochs - 1 && start + _config.MinibatchSize >= order.Length);
                    Times.Add("update: backward + clip + Adam", t0);
                    t0 = System.Diagnostics.Stopwatch.GetTimestamp();

                    // Diagnostics: KL(π_old ‖ π) ≈ E[(r − 1) − log r] (Schulman's low-variance estimator), clip fraction.
                    using (torch.no_grad())
                    {
                        var logRatio = logProbs.detach() - oldLogProbs;
                        double kl = ((logRatio.exp() - one) - logRatio).mean().item<float>();
                        epochKl += kl;
                        approxKl += kl;
                        clipFraction += ((logRatio.exp() - one).abs() > clipRange).to(ScalarType.Float32).mean().item<float>();
                    }
                    policyLoss += lClip.item<float>();
                    valueLoss += lVf.item<float>();
                    entropy += h.item<float>();
                    gradNorm += report.GradNorm;
                    Times.Add("update: diagnostics", t0);
                    steps++;
                    epochBatches++;
                }
                epochsDone++;
                if (_config.TargetKl > 0 && epochKl / epochBatches > _config.TargetKl) break;
            }
        }
        finally
        {
            Network.eval();
        }

        return EndIteration(rollout, diagnosed: true, new Dictionary<string, double>
        {
            ["loss/policy"] = policyLoss / steps,
            ["loss/value"] = valueLoss / steps,
            ["policy/entropy"] = entropy / steps,
            ["importance/approx_kl"] = approxKl / steps,
            ["importance/clip_fraction"] = clipFraction / steps,
            ["policy/grad_norm"] = gradNorm / steps,
            ["policy/epochs"] = epochsDone,
        });
    }
}
