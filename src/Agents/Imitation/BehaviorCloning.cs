using Rl.Agents.Networks;
using Rl.Agents.Training;
using static TorchSharp.torch;

namespace Rl.Agents.Imitation;

/// <summary>
/// Behaviour cloning: supervised learning of π(a|o) from an expert's demonstrations, either a recorded demonstration
/// directory (<c>demos_dir</c>) or episodes of the environment's scripted expert generated at the start.
/// <code>
/// D = demonstrations {(o, a*)}; split D into train / validation
/// each iteration: one (or more) epochs of minibatch steps on −log π(a*|o) (or ‖μ(o) − a*‖²)
///                 stop when the validation loss has not improved for `patience` epochs (keep the best weights)
///                 evaluate π in the environment
/// </code>
/// It learns only the states the expert visits, so small mistakes lead to unfamiliar states and compound (the drift
/// problem that <see cref="Dagger"/> addresses).
/// </summary>
public sealed class BehaviorCloning : ImitationAlgorithm
{
    /// <summary>The registered id.</summary>
    public const string AlgorithmId = AlgorithmIds.BehaviorCloning;

    private readonly BcConfig _config;

    /// <summary>Builds the learner and its data: the demonstrations of <c>demos_dir</c>, or the expert's episodes.</summary>
    /// <exception cref="InvalidDataException">If the demonstration directory has no loadable episode or other spaces.</exception>
    /// <exception cref="KeyNotFoundException">If no demonstrations are given and the environment has no expert.</exception>
    public BehaviorCloning(BcConfig config, TrainingContext context) : base(AlgorithmId, config, context)
    {
        _config = config;
        if (config.DemosDir.Length > 0)
        {
            DataSummary = LoadDemonstrations(config.DemosDir).Summary;
        }
        else
        {
            var expert = ExpertRollout.Resolve(context, Env);
            Expert = ExpertRollout.Run(Env, expert, ExpertRollout.ExpertOnly, config.ExpertEpisodes, config.ExpertSteps, DataRng, Learner.Add);
            EnvSteps = Expert.Steps;
            DataSummary = $"{Expert.Steps} states labelled by expert '{expert.Name}' in {Math.Max(Expert.Returns.Count, 1)} episode(s)" +
                (Expert.Returns.Count > 0 ? $", mean return {Expert.Returns.Average():0.##}" : "");
        }
    }

    /// <summary>The expert's episodes, when the data was generated (null with <c>demos_dir</c>).</summary>
    public RolloutReport? Expert { get; }

    /// <summary>Where the data came from, in one line (plus skipped demonstration files).</summary>
    public string DataSummary { get; }

    /// <inheritdoc />
    protected override bool CheckpointData => false;

    /// <inheritdoc />
    public override IterationResult RunIteration()
    {
        // Once early stopping has fired, the kept best weights are final: later iterations only evaluate.
        var fit = Learner.Fit(_config.EpochsPerIteration);
        var scalars = new Dictionary<string, double>();
        if (Expert is { Returns.Count: > 0 } e) scalars["expert/mean_return"] = e.Returns.Average();
        return EndIteration(fit, scalars);
    }

    /// <summary>
    /// The imitation loss on the expert's labels a*: the negative log-likelihood −(1/B) Σ_i log π(a*_i|o_i) (cross-entropy for
    /// discrete actions, Gaussian NLL for continuous ones) or, with <paramref name="mse"/> for continuous actions, the mean
    /// squared error (1/B) Σ_i ‖μ(o_i) − a*_i‖² between the Gaussian's mean and the label. DAgger minimizes the same loss.
    /// </summary>
    /// <param name="policy">π(·|o) for the batch.</param>
    /// <param name="expertActions">The labels a* as action rows [B, width].</param>
    /// <param name="mse">Use the squared error on a Gaussian policy's mean instead of the likelihood.</param>
    public static Tensor Loss(ActionDistribution policy, Tensor expertActions, bool mse)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (mse && policy is DiagGaussian g) return (g.Mean - expertActions).square().mean();
        return -policy.LogProb(expertActions).mean();
    }
}
