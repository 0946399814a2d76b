using System.Numerics;
using Rl.Core.Spaces;

namespace Rl.Core.Tests.Wrappers;

/// <summary>
/// A deterministic environment for wrapper tests. After t steps (t = 0 at reset) element i of the observation is
/// <c>low + (t + 1) * (i + 1)</c> (saturated into the element type), the reward of step t is t, and step
/// <see cref="TerminateAt"/> terminates. Observations go into the <c>into</c> buffer when one is given.
/// </summary>
internal sealed class CountingEnv<T> : Env<T[], int> where T : unmanaged, INumber<T>
{
    private readonly Box<T> _observationSpace;
    private readonly double _low;

    public CountingEnv(int[]? shape = null, double low = 0, double high = 1e6, int terminateAt = int.MaxValue, bool stepInfo = false)
    {
        shape ??= [2];
        _low = low;
        _observationSpace = new Box<T>(T.CreateSaturating(low), T.CreateSaturating(high), shape);
        TerminateAt = terminateAt;
        StepInfo = stepInfo;
    }

    /// <summary>The step that terminates an episode (may be changed between episodes).</summary>
    public int TerminateAt { get; set; }

    /// <summary>Whether each step reports info["t"] = t (allocates; off for allocation tests).</summary>
    public bool StepInfo { get; }

    /// <summary>Steps in the current episode.</summary>
    public int Elapsed { get; private set; }

    /// <summary>Steps over all episodes.</summary>
    public int TotalSteps { get; private set; }

    public int Resets { get; private set; }

    public int LastAction { get; private set; }

    public override Space<T[]> ObservationSpace => _observationSpace;

    public override Space<int> ActionSpace { get; } = new Discrete(2);

    /// <summary>The observation after <paramref name="t"/> steps, as doubles.</summary>
    public double[] Expected(int t) => Enumerable.Range(0, _observationSpace.Size).Select(i => _low + (t + 1.0) * (i + 1)).ToArray();

    protected override ResetResult<T[]> ResetCore(OptionSet options, T[]? into)
    {
        Elapsed = 0;
        Resets++;
        return new ResetResult<T[]>(Write(into), Info.Empty);
    }

    protected override StepResult<T[]> StepCore(int action, T[]? into)
    {
        Elapsed++;
        TotalSteps++;
        LastAction = action;
        var info = StepInfo ? Info.Of(("t", Elapsed)) : Info.Empty;
        return new StepResult<T[]>(Write(into), Elapsed, Elapsed >= TerminateAt, false, info);
    }

    private T[] Write(T[]? into)
    {
        var obs = into ?? new T[_observationSpace.Size];
        if (obs.Length != _observationSpace.Size) throw new ArgumentException($"buffer of {obs.Length}, needs {_observationSpace.Size}");
        for (int i = 0; i < obs.Length; i++) obs[i] = T.CreateSaturating(_low + (Elapsed + 1.0) * (i + 1));
        return obs;
    }
}

/// <summary>
/// A continuous-control environment that records the action it receives: the observation is a copy of the last action
/// (zeros clipped into the bounds at reset), the reward is the sum of the action's elements. Allocates nothing per step
/// when given an observation buffer.
/// </summary>
internal sealed class ActionEchoEnv : Env<float[], float[]>
{
    private readonly Box<float> _actionSpace;

    public ActionEchoEnv(float[] low, float[] high)
    {
        _actionSpace = new Box<float>(low, high);
        LastAction = new float[low.Length];
    }

    /// <summary>A copy of the last action received.</summary>
    public float[] LastAction { get; }

    /// <summary>The array object received by the last step (to check the caller's array is not passed on).</summary>
    public float[]? LastActionArray { get; private set; }

    public override Space<float[]> ObservationSpace => _actionSpace;

    public override Space<float[]> ActionSpace => _actionSpace;

    protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into)
    {
        var obs = into ?? new float[_actionSpace.Size];
        Array.Clear(obs);
        _actionSpace.Clip(obs);
        return new ResetResult<float[]>(obs, Info.Empty);
    }

    protected override StepResult<float[]> StepCore(float[] action, float[]? into)
    {
        LastActionArray = action;
        action.CopyTo(LastAction, 0);
        var obs = into ?? new float[_actionSpace.Size];
        action.CopyTo(obs, 0);
        double reward = 0;
        foreach (float a in action) reward += a;
        return new StepResult<float[]>(obs, reward, false, false, Info.Empty);
    }
}

/// <summary>An environment whose observation after t steps is <c>observe(t)</c>, with reward 0; it never ends.</summary>
internal sealed class ScriptedEnv<TObs>(Space<TObs> observationSpace, Func<int, TObs> observe) : Env<TObs, int>
{
    private int _t;

    public override Space<TObs> ObservationSpace => observationSpace;

    public override Space<int> ActionSpace { get; } = new Discrete(2);

    protected override ResetResult<TObs> ResetCore(OptionSet options, TObs? into)
    {
        _t = 0;
        return new ResetResult<TObs>(observe(0), Info.Empty);
    }

    protected override StepResult<TObs> StepCore(int action, TObs? into) =>
        new(observe(++_t), 0, false, false, Info.Empty);
}

/// <summary>A float[] space that is not a Box, to test that wrappers needing a Box reject it.</summary>
internal sealed class AnyFloatsSpace() : Space<float[]>([2])
{
    public override int FlatDim => 2;
    public override float[] Sample() => new float[2];
    public override string? Explain(float[] value) => value.Length == 2 ? null : "needs 2 elements";
    public override void Flatten(float[] value, Span<float> destination) => value.CopyTo(destination);
    public override string ToString() => "AnyFloats(2)";
}
