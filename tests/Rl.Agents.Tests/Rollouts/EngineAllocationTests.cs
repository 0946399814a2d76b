using Rl.Agents.PolicyGradient;
using Rl.Agents.Rollouts;
using Rl.Agents.Tests.PolicyGradient;
using Rl.Core;
using Rl.Core.Wrappers;
using Rl.Environments;
using TorchSharp;
using Xunit.Abstractions;

namespace Rl.Agents.Tests.Rollouts;

/// <summary>
/// Bytes allocated per environment step while the engine collects on CartPole. The engine and its synchronous vector
/// environment run on the calling thread, so the exact assertions count that thread's allocations
/// (<c>GC.GetAllocatedBytesForCurrentThread</c>); the process-wide <c>GC.GetTotalAllocatedBytes(precise: true)</c>, which
/// also sees the runtime's background threads (tiered JIT), is reported beside it, as <c>rl bench engine</c> reports it.
/// What the actor and the environments' resets allocate is counted separately, so the engine's own share is exact: nothing.
/// </summary>
public class EngineAllocationTests(ITestOutputHelper output)
{
    private const int Steps = 20_000;

    [Fact]
    public void ReinforceCollectionAllocatesNothingPerStepOutsideTheForwardPassAndTheResets()
    {
        torch.set_num_threads(1);
        var resets = new ResetBytes();
        using var agent = new Reinforce(new ReinforceConfig { NumEnvs = 8 }, Contexts.For(() => resets.Wrap(Envs.Make<float[], int>("CartPole-v1")), 3));
        var actor = new MeasuringActor(agent.Learner.Actor(new Rng(4)));
        var (outside, steps, episodes) = Measure(agent.Collector, actor, resets);
        output.WriteLine($"REINFORCE on CartPole-v1, 8 envs: {steps} steps, {episodes} episodes; forward pass {actor.Bytes / (double)steps:F1} B/step " +
            $"({actor.Bytes / (double)actor.Calls:F0} B per call of {steps / (double)actor.Calls:F1} rows); environment resets {resets.Bytes} B " +
            $"({resets.Bytes / (double)episodes:F1} B per episode); everything else {outside} B");
        Assert.True(steps >= Steps);
        Assert.True(actor.Bytes > 0); // the measurement sees allocations where there are some
        Assert.Equal(0, outside);
    }

    [Fact]
    public void CollectionWithAnAllocationFreeActorAllocatesOnlyInTheResets()
    {
        var resets = new ResetBytes();
        using var collector = new LockstepCollector(() => resets.Wrap(Envs.Make<float[], int>("CartPole-v1")), 4, new Rng(5));
        var actor = new MeasuringActor(new LeanActor());
        var (outside, steps, episodes) = Measure(collector, actor, resets);
        output.WriteLine($"lean actor: {steps} steps, {episodes} episodes, resets {resets.Bytes} B, everything else {outside} B");
        Assert.Equal(0, actor.Bytes);
        Assert.Equal(0, outside);
    }

    // One warm-up collection (buffers grow to size), then one measured collection into the same batch. Returns what was
    // allocated outside the actor and the environments' resets.
    private (long Outside, int Steps, int Episodes) Measure(LockstepCollector collector, MeasuringActor actor, ResetBytes resets)
    {
        var batch = new RolloutBatch(collector.ObservationSize, actor.ActionWidth);
        collector.CollectEpisodes(actor, Steps, into: batch);
        collector.CollectEpisodes(actor, Steps, into: batch);
        (actor.Bytes, actor.Calls, resets.Bytes) = (0, 0, 0);
        long processBefore = GC.GetTotalAllocatedBytes(precise: true);
        long before = GC.GetAllocatedBytesForCurrentThread();
        collector.CollectEpisodes(actor, Steps, into: batch);
        long total = GC.GetAllocatedBytesForCurrentThread() - before;
        long process = GC.GetTotalAllocatedBytes(precise: true) - processBefore;
        output.WriteLine($"process-wide (GC.GetTotalAllocatedBytes(precise: true)): {process} B, this thread: {total} B");
        return (total - actor.Bytes - resets.Bytes, batch.Steps, batch.Episodes.Count);
    }

    // Counts what the environments' resets allocate (Core's Env.Reset(seed) makes a generator for the seed).
    private sealed class ResetBytes
    {
        public long Bytes;

        public IEnv<float[], int> Wrap(IEnv<float[], int> env) => new Meter(env, this);

        private sealed class Meter(IEnv<float[], int> inner, ResetBytes owner) : Wrapper<float[], int>(inner)
        {
            public override ResetResult<float[]> Reset(int? seed = null, OptionSet? options = null, float[]? into = null)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                var r = base.Reset(seed, options, into);
                owner.Bytes += GC.GetAllocatedBytesForCurrentThread() - before;
                return r;
            }
        }
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
