using Rl.Agents.Training;
using Rl.Core.Experts;

namespace Rl.Agents.Imitation;

/// <summary>
/// DAgger, dataset aggregation (Ross, Gordon and Bagnell 2011): the learner drives, the expert labels every state the
/// learner visits, and the policy is refit on everything labelled so far, so it learns to recover from its own mistakes.
/// <code>
/// D = D_0 (the recorded demonstrations of demos_dir, or {}); with D_0, π̂_0 = fit π̂ on D_0
/// for i = 0, 1, ...:
///     β_i = beta0 · beta_decay^i;  π_i = β_i π* + (1 − β_i) π̂_i   (per step: execute the expert's label with probability β_i)
///     run π_i for steps_per_iteration steps; label every visited state o with a* = π*(o)
///     D = D ∪ {(o, a*)}
///     π̂_{i+1} = fit π̂ on D (epochs with early stopping on the validation loss)
/// </code>
/// The expert comes from the runner (<see cref="TrainingContext.Expert"/>, e.g. a person at the keyboard) or the registry
/// of scripted experts for the environment's id. With <c>demos_dir</c> the first dataset D_0 is a recorded demonstration
/// directory (e.g. a person's <c>rl play --record</c>): the learner is fitted on it before the first collection, then the
/// iterations run as usual, the expert labelling every visited state (a low <c>beta0</c>, e.g. 0, lets the learner drive
/// from the start).
/// </summary>
public sealed class Dagger : ImitationAlgorithm
{
    /// <summary>The registered id.</summary>
    public const string AlgorithmId = AlgorithmIds.Dagger;

    private readonly DaggerConfig _config;

    /// <summary>Builds the learner, finds the expert and loads the demonstrations of <c>demos_dir</c> (D_0), if given.</summary>
    /// <exception cref="KeyNotFoundException">If the environment has no expert and the context gives none.</exception>
    /// <exception cref="InvalidDataException">If the demonstration directory has no loadable episode or other spaces.</exception>
    /// <exception cref="FileNotFoundException">If the demonstration directory does not exist.</exception>
    public Dagger(DaggerConfig config, TrainingContext context) : base(AlgorithmId, config, context)
    {
        _config = config;
        Expert = ExpertRollout.Resolve(context, Env);
        if (config.DemosDir.Length > 0) LoadDemonstrations(config.DemosDir);
    }

    /// <summary>The expert that labels the visited states.</summary>
    public IExpert Expert { get; }

    /// <inheritdoc />
    protected override bool CheckpointData => true;

    /// <inheritdoc />
    public override IterationResult RunIteration()
    {
        // Run the mixture policy; the expert labels every visited state, and the labels join the aggregate dataset.
        double beta = _config.Beta(Iteration);
        var learner = Learner.Policy;
        // D_0 = the recorded demonstrations: fit π̂_0 on them first, so that the learner can drive the first collection.
        if (Iteration == 0 && Data is not null) Learner.Fit(_config.EpochsPerIteration);
        var rollout = ExpertRollout.Run(Env, Expert, Mixture, int.MaxValue, _config.StepsPerIteration, DataRng, Aggregate);
        EnvSteps += rollout.Steps;

        // Refit on the aggregate (warm-started; early stopping starts afresh since the validation rows changed).
        Learner.ResetEarlyStopping();
        var fit = Learner.Fit(_config.EpochsPerIteration);
        var scalars = new Dictionary<string, double>
        {
            ["dagger/beta"] = beta,
            ["dagger/expert_action_fraction"] = rollout.ExpertActed / (double)Math.Max(rollout.Steps, 1),
            ["rollout/steps"] = rollout.Steps,
            ["rollout/episodes"] = rollout.Returns.Count,
        };
        if (rollout.Returns.Count > 0) scalars["rollout/mean_return"] = rollout.Returns.Average();
        return EndIteration(fit, scalars, rollout);

        // The mixture policy π_i = β π* + (1 − β) π̂_i: the expert's label with probability β, else the learner's action.
        (object, bool) Mixture(object observation, object expertAction) =>
            beta >= 1 || DataRng.NextDouble() < beta ? (expertAction, true) : (learner.Act(observation, deterministic: true, DataRng), false);

        // Aggregation D ← D ∪ {(o, π*(o))}: every visited state joins the data with the expert's label.
        void Aggregate(object observation, object expertAction) => Learner.Add(observation, expertAction);
    }
}
