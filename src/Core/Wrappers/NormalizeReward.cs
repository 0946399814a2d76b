namespace Rl.Core.Wrappers;

/// <summary>
/// Scales rewards so that the discounted return has roughly unit variance (Gymnasium's <c>NormalizeReward</c>, the scheme of
/// OpenAI Baselines' <c>VecNormalize</c>): each step updates the running discounted return <c>G = gamma * G + r</c>, adds
/// <c>G</c> to the running variance <see cref="Statistics"/> (unless <see cref="UpdateStatistics"/> is false), and returns
/// <c>r / sqrt(var(G) + epsilon)</c>. The reward is not shifted by a mean, so its sign is kept.
/// </summary>
/// <remarks>
/// <c>G</c> restarts at zero after a step that ends the episode (terminated or truncated) and at every <c>Reset</c>, so the
/// return of one episode never leaks into the next. (Gymnasium 1.x, for backward compatibility, computes
/// <c>G = gamma * (1 - terminated) * G + r</c> instead: <c>G</c> is never cleared on truncation and the last reward of an
/// episode carries into the next; this wrapper follows the Baselines scheme that Gymnasium's descends from.)
/// </remarks>
/// <typeparam name="TObs">The observation type.</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
public sealed class NormalizeReward<TObs, TAct> : Wrapper<TObs, TAct>
{
    private double _return;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The environment to wrap.</param>
    /// <param name="gamma">The discount of the running return, in (0, 1].</param>
    /// <param name="epsilon">Added to the variance before the square root; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="gamma"/> or <paramref name="epsilon"/> is out of range.</exception>
    public NormalizeReward(IEnv<TObs, TAct> inner, double gamma = 0.99, double epsilon = 1e-8) : base(inner)
    {
        if (!(gamma > 0 && gamma <= 1))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, $"{inner.Name}: NormalizeReward gamma must be in (0, 1].");
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"{inner.Name}: NormalizeReward epsilon must be positive and finite.");
        Gamma = gamma;
        Epsilon = epsilon;
    }

    /// <summary>The discount of the running return.</summary>
    public double Gamma { get; }

    /// <summary>The constant added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <summary>The running mean and variance (one element) of the discounted return; save it with checkpoints.</summary>
    public RunningMeanStd Statistics { get; } = new(1);

    /// <summary>Whether steps update <see cref="Statistics"/>; set it to false to freeze the scaling, e.g. during evaluation.</summary>
    public bool UpdateStatistics { get; set; } = true;

    /// <summary>The running discounted return of the current episode.</summary>
    public double DiscountedReturn => _return;

    /// <summary>The factor rewards are currently multiplied by, <c>1 / sqrt(var(G) + epsilon)</c>.</summary>
    public double Scale => 1.0 / Math.Sqrt(Statistics.Variance[0] + Epsilon);

    /// <inheritdoc />
    public override ResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, TObs? into = default)
    {
        var r = Inner.Reset(seed, options, into);
        _return = 0;
        return r;
    }

    /// <inheritdoc />
    public override StepResult<TObs> Step(TAct action, TObs? into = default)
    {
        var r = Inner.Step(action, into);
        _return = Gamma * _return + r.Reward;
        if (UpdateStatistics) Statistics.Update(new ReadOnlySpan<double>(in _return));
        double scaled = r.Reward * Scale;
        if (r.Done) _return = 0;
        return r with { Reward = scaled };
    }
}
