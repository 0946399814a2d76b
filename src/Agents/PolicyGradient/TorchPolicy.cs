using Rl.Agents.Evaluation;
using Rl.Agents.Networks;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Spaces;
using TorchSharp;

namespace Rl.Agents.PolicyGradient;

/// <summary>
/// The <see cref="IPolicy"/> view of a <see cref="PolicyLearner"/>: flattens an untyped observation with the
/// observation space, normalizes it, and samples (or takes the mode of) π(·|o). As an <see cref="IBatchPolicy"/> it acts on
/// many observation rows with one forward pass (the evaluator's batched path).
/// </summary>
public sealed class TorchPolicy : IBatchPolicy
{
    private readonly PolicyLearner _learner;
    private readonly Space _observationSpace;
    private readonly float[] _row;
    private readonly float[] _action;

    /// <summary>Wraps <paramref name="learner"/> for observations of <paramref name="observationSpace"/>.</summary>
    public TorchPolicy(PolicyLearner learner, Space observationSpace)
    {
        _learner = learner;
        _observationSpace = observationSpace;
        _row = new float[observationSpace.FlatDim];
        _action = new float[learner.ActionWidth];
    }

    /// <inheritdoc />
    public int ActionWidth => _learner.ActionWidth;

    /// <inheritdoc />
    public object Act(object observation, bool deterministic, Rng rng)
    {
        _observationSpace.FlattenObject(observation, _row);
        ActBatch(_row, 1, deterministic, rng, _action);
        return _learner.Network.Head.ToEnvAction(_action);
    }

    /// <inheritdoc />
    public void ActBatch(ReadOnlySpan<float> observations, int count, bool deterministic, Rng rng, Span<float> actions)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var dist = _learner.Distribution(_learner.ToDevice(observations, count));
        TensorRows.CopyTo(deterministic ? dist.Mode() : dist.Sample(rng), actions);
    }
}
