using Rl.Core.Spaces;

namespace Rl.Core.Wrappers;

/// <summary>
/// Applies a function to every observation from <c>Reset</c> and <c>Step</c> (Gymnasium's <c>TransformObservation</c>);
/// the function may change the observation type, and the caller states the resulting observation space.
/// </summary>
/// <remarks>
/// The first observation of each episode is checked against the stated space, so a function that does not fit its space
/// fails at once with a clear message rather than deep inside an agent. The <c>into</c> buffer is ignored: the function's
/// result is returned as it is, and the inner observation may have another type. A function that must not allocate can
/// write into an array it owns, as long as the caller does not keep observations across steps.
/// </remarks>
/// <typeparam name="TObs">The observation type after the transformation.</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
/// <typeparam name="TInnerObs">The inner environment's observation type.</typeparam>
public sealed class TransformObservation<TObs, TAct, TInnerObs> : Wrapper<TObs, TAct, TInnerObs, TAct>
{
    private readonly Func<TInnerObs, TObs> _transform;
    private readonly Space<TObs> _observationSpace;

    /// <summary>Wraps <paramref name="inner"/>, mapping its observations with <paramref name="transform"/>.</summary>
    /// <param name="inner">The environment to wrap.</param>
    /// <param name="transform">The function applied to each observation.</param>
    /// <param name="observationSpace">The space the transformed observations belong to.</param>
    /// <exception cref="ArgumentNullException">If the function or the space is null.</exception>
    public TransformObservation(IEnv<TInnerObs, TAct> inner, Func<TInnerObs, TObs> transform, Space<TObs> observationSpace) : base(inner)
    {
        _transform = transform ?? throw new ArgumentNullException(nameof(transform), $"{inner.Name}: TransformObservation needs a function.");
        _observationSpace = observationSpace
            ?? throw new ArgumentNullException(nameof(observationSpace), $"{inner.Name}: TransformObservation needs the new observation space.");
    }

    /// <inheritdoc />
    public override Space<TObs> ObservationSpace => _observationSpace;

    /// <inheritdoc />
    public override Space<TAct> ActionSpace => Inner.ActionSpace;

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">If the transformed first observation is not in the stated space.</exception>
    public override ResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, TObs? into = default)
    {
        var r = Inner.Reset(seed, options);
        var observation = _transform(r.Observation);
        if (_observationSpace.Explain(observation) is string why)
            throw new InvalidOperationException(
                $"{Name}: TransformObservation produced {Space.FormatValue(observation)}, which is not in the stated space {_observationSpace}: {why}.");
        return new ResetResult<TObs>(observation, r.Info);
    }

    /// <inheritdoc />
    public override StepResult<TObs> Step(TAct action, TObs? into = default)
    {
        var r = Inner.Step(action);
        return new StepResult<TObs>(_transform(r.Observation), r.Reward, r.Terminated, r.Truncated, r.Info);
    }
}
