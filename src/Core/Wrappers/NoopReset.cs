namespace Rl.Core.Wrappers;

/// <summary>
/// No-op resets (Mnih et al. 2015; SB3's <c>NoopResetEnv</c>): after each reset, a random number of no-op actions, uniform in
/// [1, <see cref="NoopMax"/>], is taken, so episodes start from varied states. If an episode ends during the no-ops the
/// environment is reset again. The number is drawn from the wrapper's generator, seeded by <c>Reset(seed)</c> (from that
/// seed, apart from the environment's), so a seeded reset is reproducible.
/// </summary>
/// <typeparam name="TObs">The observation type.</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
public sealed class NoopReset<TObs, TAct> : Wrapper<TObs, TAct>
{
    private Rng? _rng;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The environment.</param>
    /// <param name="noopMax">The most no-ops after a reset; at least 1.</param>
    /// <param name="noopAction">The action that does nothing (e.g. 0, "stay", in Breakout-v0).</param>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="noopMax"/> is below 1.</exception>
    /// <exception cref="ArgumentException">If <paramref name="noopAction"/> is not in the action space.</exception>
    public NoopReset(IEnv<TObs, TAct> inner, int noopMax, TAct noopAction) : base(inner)
    {
        if (noopMax < 1) throw new ArgumentOutOfRangeException(nameof(noopMax), noopMax, $"{inner.Name}: noop_max must be at least 1.");
        if (!inner.ActionSpace.Contains(noopAction))
            throw new ArgumentException($"{inner.Name}: the no-op action {noopAction} is not in {inner.ActionSpace}.", nameof(noopAction));
        NoopMax = noopMax;
        NoopAction = noopAction;
    }

    /// <summary>The most no-ops after a reset.</summary>
    public int NoopMax { get; }

    /// <summary>The no-op action.</summary>
    public TAct NoopAction { get; }

    /// <inheritdoc />
    public override ResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, TObs? into = default)
    {
        if (seed is int s) _rng = new Rng(unchecked(s * 0x2545F4914F6CDD1DL + 0x0B5E));
        _rng ??= Rng.FromEntropy();
        var r = Inner.Reset(seed, options, into);
        int noops = _rng.NextInt(1, NoopMax + 1);
        var observation = r.Observation;
        var info = r.Info;
        for (int i = 0; i < noops; i++)
        {
            var step = Inner.Step(NoopAction, into);
            (observation, info) = (step.Observation, step.Info);
            if (!step.Done) continue;
            var again = Inner.Reset(null, options, into);
            (observation, info) = (again.Observation, again.Info);
        }
        return new ResetResult<TObs>(observation, info);
    }
}
