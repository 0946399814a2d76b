namespace Rl.Core.Wrappers;

/// <summary>
/// Truncates episodes after <see cref="MaxEpisodeSteps"/> steps (Gymnasium's <c>TimeLimit</c>): the step that reaches
/// the limit returns <c>truncated = true</c>, also when it terminates. Stepping on after that without a reset is an error.
/// </summary>
/// <typeparam name="TObs">The observation type.</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
public sealed class TimeLimit<TObs, TAct> : Wrapper<TObs, TAct>
{
    private int _elapsed;
    private bool _ended = true;
    private bool _everReset;

    /// <summary>Wraps <paramref name="inner"/> with a limit of <paramref name="maxEpisodeSteps"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If the limit is not positive.</exception>
    public TimeLimit(IEnv<TObs, TAct> inner, int maxEpisodeSteps) : base(inner)
    {
        if (maxEpisodeSteps <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, $"{inner.Name}: the time limit must be positive.");
        MaxEpisodeSteps = maxEpisodeSteps;
    }

    /// <summary>The number of steps after which an episode is truncated.</summary>
    public int MaxEpisodeSteps { get; }

    /// <summary>Steps taken in the current episode.</summary>
    public int ElapsedSteps => _elapsed;

    /// <inheritdoc />
    public override ResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, TObs? into = default)
    {
        var r = Inner.Reset(seed, options, into);
        _elapsed = 0;
        _ended = false;
        _everReset = true;
        return r;
    }

    /// <inheritdoc />
    public override StepResult<TObs> Step(TAct action, TObs? into = default)
    {
        if (_ended)
            throw new ResetNeededException(Name, _everReset
                ? $"Step was called after the episode ended (time limit {MaxEpisodeSteps} or termination); call Reset first."
                : "Step was called before Reset; call Reset first.");
        var r = Inner.Step(action, into);
        _elapsed++;
        if (_elapsed >= MaxEpisodeSteps && !r.Truncated) r = r with { Truncated = true };
        if (r.Terminated || r.Truncated) _ended = true;
        return r;
    }
}
