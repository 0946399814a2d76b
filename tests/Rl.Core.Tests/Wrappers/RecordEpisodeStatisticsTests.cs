using Rl.Core.Wrappers;

namespace Rl.Core.Tests.Wrappers;

public class RecordEpisodeStatisticsTests
{
    [Fact]
    public void ReportsReturnLengthAndTimeOnTheLastStepOnly()
    {
        var env = new RecordEpisodeStatistics<float[], int>(new CountingEnv<float>(terminateAt: 4));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        env.Reset(seed: 0);
        for (int t = 1; t <= 3; t++)
        {
            var r = env.Step(0);
            Assert.False(r.Info.ContainsKey("episode"));
            Assert.Equal(t * (t + 1) / 2.0, env.EpisodeReturn);
            Assert.Equal(t, env.EpisodeLength);
        }
        var last = env.Step(1);
        double outside = clock.Elapsed.TotalSeconds;
        Assert.True(last.Terminated);
        var stats = last.Info.Get<EpisodeStatistics>("episode");
        Assert.Equal(1 + 2 + 3 + 4, stats.Return);
        Assert.Equal(4, stats.Length);
        Assert.InRange(stats.Time, 0, outside); // measured from the reset to the last step, inside the test's own clock
        Assert.Equal(4, last.Reward); // the reward itself is untouched
        Assert.Equal(1, env.EpisodeCount);
    }

    [Fact]
    public void CountsEpisodesCutByAnInnerTimeLimit()
    {
        var env = new CountingEnv<float>().WithTimeLimit(3).RecordEpisodeStatistics();
        env.Reset();
        env.Step(0);
        env.Step(0);
        var last = env.Step(0);
        Assert.True(last.Truncated);
        Assert.Equal(new EpisodeStatistics(6, 3, last.Info.Get<EpisodeStatistics>("episode").Time), last.Info.Get<EpisodeStatistics>("episode"));
    }

    [Fact]
    public void QueuesKeepTheLastEpisodes()
    {
        var inner = new CountingEnv<float>();
        var env = new RecordEpisodeStatistics<float[], int>(inner, bufferLength: 2);
        foreach (int length in new[] { 4, 2, 3 })
        {
            inner.TerminateAt = length;
            env.Reset();
            while (!env.Step(0).Done) { }
        }
        Assert.Equal(3, env.EpisodeCount);
        Assert.Equal([2, 3], env.LengthQueue);
        Assert.Equal([3.0, 6.0], env.ReturnQueue);
        Assert.Equal(2, env.TimeQueue.Count);
        Assert.All(env.TimeQueue, t => Assert.True(t >= 0));
    }

    [Fact]
    public void ResetInTheMiddleOfAnEpisodeStartsFromZero()
    {
        var env = new CountingEnv<float>(terminateAt: 3).RecordEpisodeStatistics();
        env.Reset();
        env.Step(0);
        env.Step(0);
        env.Reset();
        env.Step(0);
        env.Step(0);
        var stats = env.Step(0).Info.Get<EpisodeStatistics>("episode");
        Assert.Equal((6.0, 3), (stats.Return, stats.Length));
        Assert.Equal(1, env.EpisodeCount);
    }

    [Fact]
    public void AppliedTwiceIsAClearError()
    {
        var env = new CountingEnv<float>(terminateAt: 1).RecordEpisodeStatistics().RecordEpisodeStatistics();
        env.Reset();
        var error = Assert.Throws<InvalidOperationException>(() => env.Step(0));
        Assert.Contains("CountingEnv", error.Message);
        Assert.Contains("'episode'", error.Message);
    }

    [Fact]
    public void RejectsANonPositiveBufferLength() =>
        Assert.Contains("buffer length",
            Assert.Throws<ArgumentOutOfRangeException>(() => new CountingEnv<float>().RecordEpisodeStatistics(0)).Message);

    [Fact]
    public void ForwardsTheObservationBuffer() =>
        IntoContract.Holds(() => new CountingEnv<float>(terminateAt: 7).RecordEpisodeStatistics(), t => t % 2);
}
