using Rl.Agents.PolicyGradient;
using Rl.Agents.Rollouts;
using Rl.Agents.Tests.PolicyGradient;
using Rl.Core;
using Rl.Environments;
using TorchSharp;
using Xunit.Abstractions;

namespace Rl.Agents.Tests.Rollouts;

/// <summary>
/// Bytes allocated per environment step while the engine collects on CartPole. The engine and its synchronous vector
/// environment run on the calling thread, so the exact assertions count that thread's allocations
/// (<c>GC.GetAllocatedBytesForCurrentThread</c>); the process-wide <c>GC.GetTotalAllocatedBytes(precise: true)</c>, which
/// also sees the runtime's background threads (tiered JIT), is reported beside it, as <c>rl bench engine</c> reports it.
/// What the actor allocates is counted separately, so the engine's own share is exact: nothing per step; per episode only
/// the generator that Core's <c>Env.Reset(seed)</c> creates for the episode's seed.
/// </summary>
public class EngineAllocationTests(ITestOutputHelper output)
{
    private const int Steps = 20_000;

    [Fact]
    public void ReinforceCollectionAllocatesNothingPerStepOutsideTheForwardPass()
    {
        torch.set_num_threads(1);
        using var agent = new Reinforce(new ReinforceConfig { NumEnvs = 8 }, Contexts.For(() => Envs.Make("CartPole-v1"), 3));
        var actor = new MeasuringActor(agent.Learner.Actor(new Rng(4)));
        var (outside, steps, episodes) = Measure(agent.Collector, actor);
        long perReset = SeededResetBytes();
        output.WriteLine($"REINFORCE on CartPole-v1, 8 envs: {steps} steps, {episodes} episodes; forward pass {actor.Bytes / (double)steps:F1} B/step " +
            $"({actor.Bytes / (double)actor.Calls:F0} B per call of {steps / (double)actor.Calls:F1} rows); engine {outside / (double)steps:F3} B/step " +
            $"= {episodes} seeded resets x {perReset} B");
        Assert.True(steps >= Steps);
        Assert.True(actor.Bytes > 0); // the measurement sees allocations where there are some
        Assert.Equal(episodes * perReset, outside);
    }

    [Fact]
    public void CollectionWithAnAllocationFreeActorAllocatesOnlyTheResetSeeds()
    {
        using var collector = new LockstepCollector(() => Envs.Make("CartPole-v1"), 4, new Rng(5));
        var actor = new MeasuringActor(new LeanActor());
        var (outside, steps, episodes) = Measure(collector, actor);
        output.WriteLine($"lean actor: {steps} steps, {episodes} episodes, engine {outside} B in all");
        Assert.Equal(0, actor.Bytes);
        Assert.Equal(episodes * SeededResetBytes(), outside);
    }

    // One warm-up collection (buffers grow to size), then one measured collection into the same batch.
    private (long Outside, int Steps, int Episodes) Measure(LockstepCollector collector, MeasuringActor actor)
    {
        var batch = new RolloutBatch(collector.ObservationSize, actor.ActionWidth);
        collector.CollectEpisodes(actor, Steps, into: batch);
        collector.CollectEpisodes(actor, Steps, into: batch);
        actor.Bytes = 0;
        actor.Calls = 0;
        long processBefore = GC.GetTotalAllocatedBytes(precise: true);
        long before = GC.GetAllocatedBytesForCurrentThread();
        collector.CollectEpisodes(actor, Steps, into: batch);
        long total = GC.GetAllocatedBytesForCurrentThread() - before;
        long process = GC.GetTotalAllocatedBytes(precise: true) - processBefore;
        output.WriteLine($"process-wide (GC.GetTotalAllocatedBytes(precise: true)): {process} B, this thread: {total} B, in the actor: {actor.Bytes} B");
        return (total - actor.Bytes, batch.Steps, batch.Episodes.Count);
    }

    // What one seeded reset of CartPole allocates (Core's Env.Reset makes a new generator for the seed).
    private static long SeededResetBytes()
    {
        using var env = Envs.Make<float[], int>("CartPole-v1");
        var buffer = new float[4];
        env.Reset(1, null, buffer);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) env.Reset(i, null, buffer);
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, bytes % 100);
        return bytes / 100;
    }

    private sealed class MeasuringActor(IBatchActor inner) : IBatchActor
    {
        public long Bytes;
        public int Calls;

        public int ActionWidth => inner.ActionWidth;

        public void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, Span<float> logProbs)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            inner.Act(observations, count, actions, logProbs);
            Bytes += GC.GetAllocatedBytesForCurrentThread() - before;
            Calls++;
        }
    }

    // Pushes the cart towards the side the pole leans to: a managed policy that allocates nothing.
    private sealed class LeanActor : IBatchActor
    {
        public int ActionWidth => 1;

        public void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, Span<float> logProbs)
        {
            for (int i = 0; i < count; i++)
            {
                actions[i] = observations[i * 4 + 2] > 0 ? 1 : 0;
                logProbs[i] = 0;
            }
        }
    }
}
