using Rl.Core.Wrappers;

namespace Rl.Core.Tests.Wrappers;

public class ActionRepeatTests
{
    [Fact]
    public void SumsTheRewardsOfTheRepeatedSteps()
    {
        var inner = new CountingEnv<float>(stepInfo: true);
        var env = inner.ActionRepeat(3);
        env.Reset();
        var r = env.Step(1);
        Assert.Equal(1 + 2 + 3, r.Reward);
        Assert.Equal([4f, 8f], r.Observation); // the observation after 3 inner steps
        Assert.Equal(3, r.Info.Get<int>("t")); // the info of the last inner step
        Assert.Equal(3, inner.TotalSteps);
        Assert.Equal(1, inner.LastAction);
        r = env.Step(0);
        Assert.Equal(4 + 5 + 6, r.Reward);
        Assert.Equal(0, inner.LastAction);
    }

    [Fact]
    public void StopsEarlyWhenTheEpisodeTerminates()
    {
        var inner = new CountingEnv<float>(terminateAt: 5, stepInfo: true);
        var env = inner.ActionRepeat(3);
        env.Reset();
        env.Step(0);
        var r = env.Step(0);
        Assert.True(r.Terminated);
        Assert.Equal(4 + 5, r.Reward);
        Assert.Equal(5, inner.TotalSteps); // not 6: no step after the end
        Assert.Equal(5, r.Info.Get<int>("t"));
    }

    [Fact]
    public void StopsEarlyWhenAnInnerTimeLimitTruncates()
    {
        var inner = new CountingEnv<float>();
        var env = inner.WithTimeLimit(4).ActionRepeat(3);
        env.Reset();
        env.Step(0);
        var r = env.Step(0);
        Assert.True(r.Truncated);
        Assert.False(r.Terminated);
        Assert.Equal(4, r.Reward);
        Assert.Equal(4, inner.TotalSteps);
    }

    [Fact]
    public void RejectsANonPositiveRepeat()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CountingEnv<float>().ActionRepeat(0));
        Assert.Contains("CountingEnv", error.Message);
        Assert.Contains("positive repeat", error.Message);
    }

    [Fact]
    public void ForwardsTheObservationBuffer() =>
        IntoContract.Holds(() => new CountingEnv<float>(terminateAt: 7).ActionRepeat(3), t => t % 2);
}
