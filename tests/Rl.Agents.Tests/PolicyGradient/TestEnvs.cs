using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Spaces;
using Rl.Core.Wrappers;

namespace Rl.Agents.Tests.PolicyGradient;

/// <summary>Reward 1 per step; action 1 terminates the episode, action 0 continues. Observation [t / 10, 1].</summary>
internal sealed class ChainEnv : Env<float[], int>
{
    private int _t;

    public override Space<float[]> ObservationSpace { get; } = new Box<float>(0f, 100f, 2);
    public override Space<int> ActionSpace { get; } = new Discrete(2);

    protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into)
    {
        _t = 0;
        return new(Observe(into), Info.Empty);
    }

    protected override StepResult<float[]> StepCore(int action, float[]? into)
    {
        _t++;
        return new(Observe(into), 1.0, action == 1, false, Info.Empty);
    }

    private float[] Observe(float[]? into)
    {
        var o = into ?? new float[2];
        o[0] = _t / 10f;
        o[1] = 1f;
        return o;
    }

    /// <summary>The chain with a time limit: episodes that reach it are truncated, not terminated.</summary>
    public static IEnv WithLimit(int steps) => new TimeLimit<float[], int>(new ChainEnv(), steps);
}

/// <summary>
/// A contextual bandit with a Box action: each step shows a target in [-1, 1]; reward −(a − target)²; 5 steps, then
/// terminated. The optimal Gaussian policy's mean follows the target.
/// </summary>
internal sealed class TargetEnv : Env<float[], float[]>
{
    private int _t;
    private float _target;

    public override Space<float[]> ObservationSpace { get; } = new Box<float>(-1f, 1f, 1);
    public override Space<float[]> ActionSpace { get; } = new Box<float>(-2f, 2f, 1);

    protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into)
    {
        _t = 0;
        return new(Next(into), Info.Empty);
    }

    protected override StepResult<float[]> StepCore(float[] action, float[]? into)
    {
        double reward = -Math.Pow(action[0] - _target, 2);
        _t++;
        return new(Next(into), reward, _t == 5, false, Info.Empty);
    }

    private float[] Next(float[]? into)
    {
        _target = (float)Random.Uniform(-1, 1);
        var o = into ?? new float[1];
        o[0] = _target;
        return o;
    }
}

/// <summary>MultiDiscrete([3, 3]) actions; the observation one-hot codes a target pair; reward = elements matching it; 4 steps.</summary>
internal sealed class MatchEnv : Env<float[], int[]>
{
    private int _t;
    private int _k;

    public override Space<float[]> ObservationSpace { get; } = new Box<float>(0f, 1f, 2);
    public override Space<int[]> ActionSpace { get; } = new MultiDiscrete([3, 3]);

    protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into)
    {
        _t = 0;
        return new(Next(into), Info.Empty);
    }

    protected override StepResult<float[]> StepCore(int[] action, float[]? into)
    {
        // Target (0, 2) when k = 0, (2, 1) when k = 1.
        int[] target = _k == 0 ? [0, 2] : [2, 1];
        double reward = (action[0] == target[0] ? 1 : 0) + (action[1] == target[1] ? 1 : 0);
        _t++;
        return new(Next(into), reward, _t == 4, false, Info.Empty);
    }

    private float[] Next(float[]? into)
    {
        _k = Random.NextInt(2);
        var o = into ?? new float[2];
        o[0] = _k == 0 ? 1 : 0;
        o[1] = _k == 1 ? 1 : 0;
        return o;
    }
}

internal static class Contexts
{
    public static TrainingContext For(Func<IEnv> makeEnv, long seed) => new() { MakeEnv = makeEnv, Seed = seed, Threads = 1, Device = "cpu" };
}
