using Rl.Core.Wrappers;

namespace Rl.Core.Tests.Wrappers;

/// <summary>
/// Wrapper stacks step without allocating when given an observation buffer (allocation counts, not timings).
/// Only non-final steps are counted: the end of an episode may allocate (e.g. the episode statistics in info).
/// </summary>
public class AllocationTests
{
    private const int Steps = 10_000;

    private static long AllocatedBytesOverSteps<TAct>(IEnv<float[], TAct> env, TAct action)
    {
        var into = new float[env.ObservationSpace.FlatDim];
        env.Reset(seed: 1, into: into);
        for (int i = 0; i < 200; i++) env.Step(action, into); // warm up (JIT)
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Steps; i++)
        {
            var r = env.Step(action, into);
            if (r.Done) throw new InvalidOperationException("the episode ended during the allocation test");
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void TimeLimitOverRecordEpisodeStatistics() =>
        Assert.Equal(0, AllocatedBytesOverSteps(new CountingEnv<float>().RecordEpisodeStatistics().WithTimeLimit(1_000_000), 1));

    [Fact]
    public void RecordEpisodeStatisticsOverTimeLimit() =>
        Assert.Equal(0, AllocatedBytesOverSteps(new CountingEnv<float>().WithTimeLimit(1_000_000).RecordEpisodeStatistics(), 1));

    [Fact]
    public void ObservationAndRewardWrappers()
    {
        var env = new CountingEnv<float>(shape: [3])
            .WithTimeLimit(1_000_000)
            .RecordEpisodeStatistics()
            .ActionRepeat(2)
            .FrameStack(4)
            .NormalizeObservation()
            .NormalizeReward()
            .TransformReward(r => Math.Clamp(r, -10, 10));
        Assert.Equal(0, AllocatedBytesOverSteps(env, 0));
    }

    [Fact]
    public void FlattenObservationOfArrays() =>
        Assert.Equal(0, AllocatedBytesOverSteps(new CountingEnv<byte>(shape: [4, 4], high: 255).FlattenObservation(), 1));

    [Fact]
    public void ActionWrappers()
    {
        var action = new[] { 0.5f, -3f };
        Assert.Equal(0, AllocatedBytesOverSteps(new ActionEchoEnv([-1f, -1f], [1f, 1f]).ClipAction().WithTimeLimit(1_000_000), action));
        var scaled = new[] { 0.5f, -0.25f };
        Assert.Equal(0, AllocatedBytesOverSteps(new ActionEchoEnv([0f, -2f], [4f, 2f]).RescaleAction().RecordEpisodeStatistics(), scaled));
    }
}
