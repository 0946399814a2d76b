using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Agents.PolicyGradient;

/// <summary>
/// The <see cref="IPolicy"/> view of a <see cref="PolicyLearner"/>: flattens an untyped observation with the
/// observation space, normalizes it, and samples (or takes the mode of) π(·|o).
/// </summary>
public sealed class TorchPolicy : IPolicy
{
    private readonly PolicyLearner _learner;
    private readonly Space _observationSpace;
    private readonly float[] _row;
    private readonly float[] _action;
    private readonly float[] _logProb = new float[1];

    /// <summary>Wraps <paramref name="learner"/> for observations of <paramref name="observationSpace"/>.</summary>
    public TorchPolicy(PolicyLearner learner, Space observationSpace)
    {
        _learner = learner;
        _observationSpace = observationSpace;
        _row = new float[observationSpace.FlatDim];
        _action = new float[learner.ActionWidth];
    }

    /// <inheritdoc />
    public object Act(object observation, bool deterministic, Rng rng)
    {
        _observationSpace.FlattenObject(observation, _row);
        var actor = _learner.Actor(rng, deterministic);
        actor.Act(_row, 1, _action, _logProb);
        return _learner.Network.Head.ToEnvAction(_action);
    }
}
