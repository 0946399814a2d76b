using Rl.Core.Spaces;

namespace Rl.Core.Wrappers;

/// <summary>
/// Base of wrappers that turn a continuous action into the inner environment's float32 <see cref="Box{T}"/> action
/// element by element (Gymnasium's <c>ActionWrapper</c> for boxes): <see cref="ClipAction{TObs}"/>,
/// <see cref="RescaleAction{TObs}"/>. It checks each action against this wrapper's <see cref="Wrapper{TObs, TAct, TInnerObs, TInnerAct}.ActionSpace"/>
/// (an <see cref="InvalidActionException"/> names the environment, the space, the value and the reason), maps it, clips the
/// result into the inner bounds against rounding, and steps the inner environment.
/// </summary>
/// <remarks>
/// The caller's action array is not modified: the mapped action lives in a buffer owned by the wrapper and reused on every
/// step (so the inner environment must not keep the action array after <c>Step</c> returns). Observations, the
/// <c>into</c> buffer and <c>Reset</c> pass through.
/// </remarks>
/// <typeparam name="TObs">The observation type.</typeparam>
public abstract class BoxActionWrapper<TObs> : Wrapper<TObs, float[], TObs, float[]>
{
    private readonly float[] _innerAction;

    /// <summary>Wraps <paramref name="inner"/>, whose action space must be a float32 <see cref="Box{T}"/>.</summary>
    /// <exception cref="ArgumentException">If the action space is not a <c>Box&lt;float&gt;</c>.</exception>
    protected BoxActionWrapper(IEnv<TObs, float[]> inner) : base(inner)
    {
        InnerActionSpace = InnerBox(inner, GetType());
        _innerAction = new float[InnerActionSpace.Size];
    }

    /// <summary>The inner environment's action space.</summary>
    protected Box<float> InnerActionSpace { get; }

    /// <summary>The inner action space as a float32 box, or an exception naming the environment, the wrapper and the space.</summary>
    /// <exception cref="ArgumentException">If the action space is not a <c>Box&lt;float&gt;</c>.</exception>
    protected static Box<float> InnerBox(IEnv<TObs, float[]> inner, Type wrapper)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return inner.ActionSpace as Box<float>
            ?? throw new ArgumentException(
                $"{inner.Name}: {wrapper.Name.Split('`')[0]} needs a float32 Box action space, not {inner.ActionSpace}.", nameof(inner));
    }

    /// <summary>Writes the inner action for <paramref name="action"/>, which is already known to be in the action space.</summary>
    /// <param name="action">An element of this wrapper's action space.</param>
    /// <param name="innerAction">Where to write the inner action (clipped into the inner bounds afterwards).</param>
    protected abstract void Map(ReadOnlySpan<float> action, Span<float> innerAction);

    /// <inheritdoc />
    public override Space<TObs> ObservationSpace => Inner.ObservationSpace;

    /// <inheritdoc />
    public override ResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, TObs? into = default) =>
        Inner.Reset(seed, options, into);

    /// <inheritdoc />
    /// <exception cref="InvalidActionException">If the action is not in this wrapper's action space (wrong length, NaN, ...).</exception>
    public override StepResult<TObs> Step(float[] action, TObs? into = default)
    {
        if (ActionSpace.Explain(action) is string why) throw new InvalidActionException(Name, ActionSpace, action, why);
        Map(action, _innerAction);
        InnerActionSpace.Clip(_innerAction);
        return Inner.Step(_innerAction, into);
    }
}
