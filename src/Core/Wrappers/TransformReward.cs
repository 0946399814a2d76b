namespace Rl.Core.Wrappers;

/// <summary>
/// Applies a function to every reward (Gymnasium's <c>TransformReward</c>), e.g. clipping to [-1, 1] or scaling.
/// Observations, flags, info and the <c>into</c> buffer pass through.
/// </summary>
/// <typeparam name="TObs">The observation type.</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
public sealed class TransformReward<TObs, TAct> : Wrapper<TObs, TAct>
{
    private readonly Func<double, double> _transform;

    /// <summary>Wraps <paramref name="inner"/>, mapping its rewards with <paramref name="transform"/>.</summary>
    /// <exception cref="ArgumentNullException">If the function is null.</exception>
    public TransformReward(IEnv<TObs, TAct> inner, Func<double, double> transform) : base(inner) =>
        _transform = transform ?? throw new ArgumentNullException(nameof(transform), $"{inner.Name}: TransformReward needs a function.");

    /// <inheritdoc />
    public override StepResult<TObs> Step(TAct action, TObs? into = default)
    {
        var r = Inner.Step(action, into);
        return r with { Reward = _transform(r.Reward) };
    }
}
