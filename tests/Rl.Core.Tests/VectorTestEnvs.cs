using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Core.Tests;

/// <summary>
/// A small deterministic environment whose outputs are easy to predict by hand: the observation is [start, t] where
/// start is drawn from the seeded generator at reset (or given as the reset option "start") and t counts the steps;
/// the reward is action + 10 t; the episode ends after <c>length</c> steps (terminated, or truncated if asked).
/// </summary>
public sealed class CounterEnv(int length, bool truncate = false) : Env<float[], int>
{
    private static readonly Box<float> Observations = new(0f, 1000f, 2);
    private readonly Discrete _actions = new(3);
    private int _start, _t;

    public override Space<float[]> ObservationSpace => Observations;
    public override Space<int> ActionSpace => _actions;
    protected override IReadOnlyCollection<string> ResetOptionKeys => ["start"];

    public int T => _t;

    protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into)
    {
        _start = options.ContainsKey("start") ? options.GetInt("start", 0) : Random.NextInt(100);
        _t = 0;
        return new(Write(into), Info.Of(("start", _start)));
    }

    protected override StepResult<float[]> StepCore(int action, float[]? into)
    {
        _t++;
        bool end = _t >= length;
        return new(Write(into), action + 10.0 * _t, end && !truncate, end && truncate, Info.Of(("t", _t)));
    }

    private float[] Write(float[]? into)
    {
        var obs = into ?? new float[2];
        obs[0] = _start;
        obs[1] = _t;
        return obs;
    }

    /// <summary>The start values of the first <paramref name="episodes"/> episodes after Reset(seed).</summary>
    public static int[] Starts(int seed, int episodes)
    {
        var env = new CounterEnv(1);
        var starts = new int[episodes];
        starts[0] = (int)env.Reset(seed).Observation[0];
        for (int e = 1; e < episodes; e++) starts[e] = (int)env.Reset().Observation[0];
        return starts;
    }
}
