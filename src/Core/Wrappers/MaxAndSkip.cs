namespace Rl.Core.Wrappers;

/// <summary>
/// Frame skipping with max-pooling, as in the Atari setups of DQN (Mnih et al. 2015; SB3's <c>MaxAndSkipEnv</c>): one step
/// repeats the action <see cref="Skip"/> times, sums the rewards, and returns the element-wise maximum of the last two
/// observations (games that draw objects on alternate frames then show them in every observation). It stops early when an
/// inner step ends the episode; then, or with a skip of 1, the last observation is returned as it is. Terminated, truncated
/// and info are those of the last inner step.
/// </summary>
/// <remarks>Observations must be <c>byte[]</c>, <c>float[]</c> or <c>double[]</c> (checked at construction).</remarks>
/// <typeparam name="TObs">The observation type (an array).</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
public sealed class MaxAndSkip<TObs, TAct> : Wrapper<TObs, TAct> where TObs : class
{
    private TObs? _previous;

    /// <summary>Wraps <paramref name="inner"/>, repeating each action <paramref name="skip"/> times.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="skip"/> is not positive.</exception>
    /// <exception cref="ArgumentException">If the observations are not byte, float or double arrays.</exception>
    public MaxAndSkip(IEnv<TObs, TAct> inner, int skip) : base(inner)
    {
        if (skip <= 0) throw new ArgumentOutOfRangeException(nameof(skip), skip, $"{inner.Name}: MaxAndSkip needs a positive skip (frame_skip).");
        if (typeof(TObs) != typeof(byte[]) && typeof(TObs) != typeof(float[]) && typeof(TObs) != typeof(double[]))
            throw new ArgumentException($"{inner.Name}: MaxAndSkip needs byte[], float[] or double[] observations, not {typeof(TObs).Name}.", nameof(inner));
        Skip = skip;
    }

    /// <summary>Inner steps per step (fewer when the episode ends).</summary>
    public int Skip { get; }

    /// <inheritdoc />
    public override StepResult<TObs> Step(TAct action, TObs? into = default)
    {
        double total = 0;
        StepResult<TObs> r = default;
        for (int i = 0; i < Skip; i++)
        {
            // The second-to-last observation goes into a buffer of ours; the last one into the caller's.
            bool last = i == Skip - 1;
            if (i == Skip - 2) r = Inner.Step(action, _previous ??= (TObs)Inner.ObservationSpace.CopyObject(Inner.ObservationSpace.SampleObject()));
            else r = Inner.Step(action, last ? into : default);
            total += r.Reward;
            if (r.Done) return r with { Reward = total };
            if (i == Skip - 2 && !ReferenceEquals(r.Observation, _previous)) _previous = (TObs)Inner.ObservationSpace.CopyObject(r.Observation);
        }
        if (Skip >= 2) MaxInto(_previous!, r.Observation);
        return r with { Reward = total };
    }

    // newest := max(previous, newest), element-wise.
    private static void MaxInto(TObs previous, TObs newest)
    {
        switch (previous, newest)
        {
            case (byte[] p, byte[] n):
                for (int i = 0; i < n.Length; i++) n[i] = Math.Max(p[i], n[i]);
                break;
            case (float[] p, float[] n):
                for (int i = 0; i < n.Length; i++) n[i] = Math.Max(p[i], n[i]);
                break;
            case (double[] p, double[] n):
                for (int i = 0; i < n.Length; i++) n[i] = Math.Max(p[i], n[i]);
                break;
        }
    }
}
