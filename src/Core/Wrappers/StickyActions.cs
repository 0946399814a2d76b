namespace Rl.Core.Wrappers;

/// <summary>
/// Sticky actions (Machado et al. 2018; Gymnasium's <c>StickyAction</c>): at each step, with probability
/// <see cref="Probability"/> the previous action is taken instead of the one given, which makes a deterministic game
/// stochastic so that a policy cannot memorise one action sequence. The first step of an episode always takes the action
/// given. The wrapper's generator is seeded by <c>Reset(seed)</c> (from that seed, apart from the environment's), so a
/// seeded episode is reproducible.
/// </summary>
/// <typeparam name="TObs">The observation type.</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
public sealed class StickyActions<TObs, TAct> : Wrapper<TObs, TAct>
{
    private Rng? _rng;
    private TAct? _previous;
    private bool _hasPrevious;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="probability"/> is not in [0, 1).</exception>
    public StickyActions(IEnv<TObs, TAct> inner, double probability) : base(inner)
    {
        if (!(probability is >= 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, $"{inner.Name}: sticky action probability must be in [0, 1).");
        Probability = probability;
    }

    /// <summary>The probability of repeating the previous action.</summary>
    public double Probability { get; }

    /// <inheritdoc />
    public override ResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, TObs? into = default)
    {
        if (seed is int s) _rng = new Rng(unchecked(s * 0x61C8864680B583EBL + 0x5717));
        _hasPrevious = false;
        return Inner.Reset(seed, options, into);
    }

    /// <inheritdoc />
    public override StepResult<TObs> Step(TAct action, TObs? into = default)
    {
        _rng ??= Rng.FromEntropy();
        // Always draw, so the generator's state does not depend on whether the episode just started.
        bool stick = _rng.NextDouble() < Probability;
        if (stick && _hasPrevious) action = _previous!;
        _previous = action;
        _hasPrevious = true;
        return Inner.Step(action, into);
    }
}
