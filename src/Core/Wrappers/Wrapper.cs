using Rl.Core.Spaces;

namespace Rl.Core.Wrappers;

/// <summary>
/// Base of wrappers that may change the observation or action type: a thin decorator around an inner environment
/// (Gymnasium's <c>Wrapper</c>). Metadata, spec, name and disposal pass through to the inner environment.
/// </summary>
/// <typeparam name="TObs">The observation type this wrapper exposes.</typeparam>
/// <typeparam name="TAct">The action type this wrapper accepts.</typeparam>
/// <typeparam name="TInnerObs">The inner environment's observation type.</typeparam>
/// <typeparam name="TInnerAct">The inner environment's action type.</typeparam>
public abstract class Wrapper<TObs, TAct, TInnerObs, TInnerAct> : IEnv<TObs, TAct>, IWrapper
{
    /// <summary>Wraps <paramref name="inner"/>.</summary>
    protected Wrapper(IEnv<TInnerObs, TInnerAct> inner) => Inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>The wrapped environment (Gymnasium's <c>env</c>).</summary>
    public IEnv<TInnerObs, TInnerAct> Inner { get; }

    /// <inheritdoc />
    public IEnv InnerEnv => Inner;

    /// <inheritdoc />
    public abstract Space<TObs> ObservationSpace { get; }

    /// <inheritdoc />
    public abstract Space<TAct> ActionSpace { get; }

    Space IEnv.ObservationSpace => ObservationSpace;
    Space IEnv.ActionSpace => ActionSpace;

    /// <inheritdoc />
    public virtual string Name => Inner.Name;

    /// <inheritdoc />
    public virtual EnvMetadata Metadata => Inner.Metadata;

    /// <inheritdoc />
    public EnvSpec? Spec => Inner.Spec;

    /// <inheritdoc />
    public IEnv Unwrapped => Inner.Unwrapped;

    /// <inheritdoc />
    public abstract ResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, TObs? into = default);

    /// <inheritdoc />
    public abstract StepResult<TObs> Step(TAct action, TObs? into = default);

    /// <inheritdoc />
    public ResetResult<object> ResetObject(int? seed = null, OptionSet? options = null)
    {
        var r = Reset(seed, options);
        return new ResetResult<object>(r.Observation!, r.Info);
    }

    /// <inheritdoc />
    public StepResult<object> StepObject(object action)
    {
        var r = Step(ActionConversion.Convert(Name, ActionSpace, action));
        return new StepResult<object>(r.Observation!, r.Reward, r.Terminated, r.Truncated, r.Info);
    }

    /// <summary>Finds the first wrapper of type <typeparamref name="TWrapper"/> in this chain (this one included), or null.</summary>
    public TWrapper? Find<TWrapper>() where TWrapper : class
    {
        IEnv? e = this;
        while (e is not null)
        {
            if (e is TWrapper w) return w;
            e = e is IWrapper iw ? iw.InnerEnv : null;
        }
        return null;
    }

    /// <summary>Disposes the inner environment.</summary>
    public virtual void Dispose()
    {
        Inner.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name.Split('`')[0]}<{Inner}>";
}

/// <summary>Lets code walk a chain of wrappers without knowing their type parameters.</summary>
public interface IWrapper
{
    /// <summary>The wrapped environment.</summary>
    IEnv InnerEnv { get; }
}

/// <summary>
/// Base of wrappers that keep the observation and action types: spaces, <c>Reset</c> and <c>Step</c> forward to the inner
/// environment unless overridden.
/// </summary>
/// <typeparam name="TObs">The observation type.</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
public abstract class Wrapper<TObs, TAct> : Wrapper<TObs, TAct, TObs, TAct>
{
    /// <summary>Wraps <paramref name="inner"/>.</summary>
    protected Wrapper(IEnv<TObs, TAct> inner) : base(inner) { }

    /// <inheritdoc />
    public override Space<TObs> ObservationSpace => Inner.ObservationSpace;

    /// <inheritdoc />
    public override Space<TAct> ActionSpace => Inner.ActionSpace;

    /// <inheritdoc />
    public override ResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, TObs? into = default) =>
        Inner.Reset(seed, options, into);

    /// <inheritdoc />
    public override StepResult<TObs> Step(TAct action, TObs? into = default) => Inner.Step(action, into);
}
