namespace Rl.Core.Wrappers;

/// <summary>
/// Repeats each action <see cref="Repeat"/> times in the inner environment (frame skipping, as in the Atari setups of DQN):
/// one outer step returns the last observation, the sum of the inner rewards, the terminated and truncated flags and the info
/// of the last inner step. It stops early when an inner step ends the episode.
/// </summary>
/// <remarks>
/// A time limit inside this wrapper counts inner steps; one outside counts repeated steps. The <c>into</c> buffer is passed
/// to every inner step (only the last observation is kept), and without one the array of the first inner step is reused
/// for the following ones, so a step allocates at most one observation.
/// </remarks>
/// <typeparam name="TObs">The observation type.</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
public sealed class ActionRepeat<TObs, TAct> : Wrapper<TObs, TAct>
{
    // Only array observations are buffers the inner environment may write into.
    private static readonly bool ObservationIsArray = typeof(TObs).IsArray;

    /// <summary>Wraps <paramref name="inner"/>, repeating each action <paramref name="repeat"/> times.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="repeat"/> is not positive.</exception>
    public ActionRepeat(IEnv<TObs, TAct> inner, int repeat) : base(inner)
    {
        if (repeat <= 0)
            throw new ArgumentOutOfRangeException(nameof(repeat), repeat, $"{inner.Name}: ActionRepeat needs a positive repeat count.");
        Repeat = repeat;
    }

    /// <summary>How many inner steps one step takes (fewer when the episode ends).</summary>
    public int Repeat { get; }

    /// <inheritdoc />
    public override StepResult<TObs> Step(TAct action, TObs? into = default)
    {
        var buffer = into;
        double total = 0;
        StepResult<TObs> r = default;
        for (int i = 0; i < Repeat; i++)
        {
            r = Inner.Step(action, buffer);
            total += r.Reward;
            if (r.Done) break;
            // The fresh array of an inner step is ours until returned, so the next inner step may overwrite it.
            if (ObservationIsArray) buffer = r.Observation;
        }
        return r with { Reward = total };
    }
}
