using Rl.Core.Spaces;
using Rl.Core.Wrappers;

namespace Rl.Core.Tests.Wrappers;

public class TransformObservationTests
{
    [Fact]
    public void AppliesTheFunctionAndMayChangeTheType()
    {
        // Observation [t + 1, 2(t + 1)] -> (t + 1) mod 3 as a Discrete(3) value.
        var env = new CountingEnv<float>().TransformObservation(o => (int)o[0] % 3, new Discrete(3));
        Assert.Equal(new Discrete(3), env.ObservationSpace);
        Assert.Equal(new Discrete(2), env.ActionSpace);
        Assert.Equal(1, env.Reset().Observation);
        Assert.Equal(2, env.Step(0).Observation);
        Assert.Equal(0, env.Step(0).Observation);
        var r = env.Step(1);
        Assert.Equal(1, r.Observation);
        Assert.Equal(3, r.Reward);
    }

    [Fact]
    public void KeepsArrayTypes()
    {
        var env = new CountingEnv<float>().TransformObservation(o => o.Select(x => (double)x / 2).ToArray(),
            new Box<double>(0.0, 1e6, 2));
        env.Reset();
        Assert.Equal([1.0, 2.0], env.Step(0).Observation);
    }

    [Fact]
    public void AFunctionThatLeavesItsSpaceFailsAtReset()
    {
        var env = new CountingEnv<float>().TransformObservation(o => (int)o[1], new Discrete(2));
        var error = Assert.Throws<InvalidOperationException>(() => env.Reset());
        Assert.Contains("CountingEnv", error.Message);
        Assert.Contains("Discrete(2)", error.Message);
        Assert.Contains("2 is outside {0, ..., 1}", error.Message);
    }

    [Fact]
    public void RejectsNullArguments()
    {
        Assert.Throws<ArgumentNullException>(() => new CountingEnv<float>().TransformObservation<int, int, float[]>(null!, new Discrete(2)));
        Assert.Throws<ArgumentNullException>(() => new CountingEnv<float>().TransformObservation(o => 0, (Space<int>)null!));
    }
}

public class TransformRewardTests
{
    [Fact]
    public void AppliesTheFunctionToEachReward()
    {
        var env = new CountingEnv<float>(terminateAt: 3).TransformReward(r => 2 * r + 1);
        env.Reset();
        Assert.Equal(3, env.Step(0).Reward);
        Assert.Equal(5, env.Step(0).Reward);
        var last = env.Step(0);
        Assert.Equal(7, last.Reward);
        Assert.True(last.Terminated);
    }

    [Fact]
    public void RejectsANullFunction() =>
        Assert.Throws<ArgumentNullException>(() => new CountingEnv<float>().TransformReward(null!));

    [Fact]
    public void ForwardsTheObservationBuffer() =>
        IntoContract.Holds(() => new CountingEnv<float>(terminateAt: 5).TransformReward(r => Math.Clamp(r, -1, 1)), t => t % 2);
}
