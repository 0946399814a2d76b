using Rl.Agents.PolicyGradient;
using Rl.Agents.Rollouts;
using Rl.Agents.Training;
using Rl.Core;
using TorchSharp;

namespace Rl.Agents.Tests.PolicyGradient;

public class ReplayBufferTests
{
    // Episodes of one-float observations equal to a running step number, so positions can be read back.
    private static RolloutBatch Episodes(ref int counter, params (int Length, bool Truncated)[] episodes)
    {
        var batch = new RolloutBatch(1, 1);
        foreach (var (length, truncated) in episodes)
        {
            var obs = Enumerable.Range(counter, length).Select(i => (float)i).ToArray();
            counter += length;
            batch.AddEpisode(obs, obs.Select(o => o % 2).ToArray(), Enumerable.Repeat(1f, length).ToArray(), obs.Select(o => -o).ToArray(),
                truncated, truncated ? [1000f + counter] : null);
        }
        return batch;
    }

    [Fact]
    public void OverwritesTheOldestStepsFirstAndKeepsTimeOrder()
    {
        var buffer = new ReplayBuffer(capacity: 5, observationSize: 1, actionWidth: 1);
        int counter = 0;
        buffer.Add(Episodes(ref counter, (2, false), (2, true)));
        Assert.Equal(4, buffer.Count);
        buffer.Add(Episodes(ref counter, (3, false)));
        Assert.Equal(5, buffer.Count);
        using var scope = torch.NewDisposeScope();
        var all = buffer.All(torch.CPU);
        Assert.Equal(new float[] { 2, 3, 4, 5, 6 }, all.Observations.flatten().data<float>().ToArray());
        Assert.Equal(new float[] { -2, -3, -4, -5, -6 }, all.BehaviourLogProbs.data<float>().ToArray());
        Assert.Equal(new[] { StepEnd.Continues, StepEnd.Truncated, StepEnd.Continues, StepEnd.Continues, StepEnd.Terminated }, buffer.Ends());
        Assert.Equal([(1, 1004f)], buffer.FinalObservations().Select(f => (f.Position, f.Observation.Single())).ToList());

        // Overwriting the truncated step drops its final observation.
        buffer.Add(Episodes(ref counter, (2, false)));
        Assert.Empty(buffer.FinalObservations());
        Assert.Equal(new float[] { 4, 5, 6, 7, 8 }, buffer.All(torch.CPU).Observations.flatten().data<float>().ToArray());
    }

    [Fact]
    public void SamplesUniformlyAndGathersTheDrawnSteps()
    {
        var buffer = new ReplayBuffer(10, 1, 1);
        int counter = 0;
        buffer.Add(Episodes(ref counter, (10, false)));
        var idx = buffer.SampleIndices(20000, new Rng(1));
        for (int k = 0; k < 10; k++) Assert.InRange(idx.Count(i => i == k), 1800, 2200);
        using var scope = torch.NewDisposeScope();
        var mb = buffer.Gather([7, 2, 7], torch.CPU);
        Assert.Equal(new float[] { 7, 2, 7 }, mb.Observations.flatten().data<float>().ToArray());
        Assert.Equal(new long[] { 7, 2, 7 }, mb.Index.data<long>().ToArray());
    }

    [Fact]
    public void RoundTripsThroughACheckpoint()
    {
        var buffer = new ReplayBuffer(6, 1, 1);
        int counter = 0;
        buffer.Add(Episodes(ref counter, (4, true), (3, false)));
        var cp = new Checkpoint();
        buffer.Save(cp, "b");
        var restored = new ReplayBuffer(6, 1, 1);
        restored.Load(cp, "b");
        Assert.Equal(buffer.Count, restored.Count);
        Assert.Equal(buffer.Rewards(), restored.Rewards());
        Assert.Equal(buffer.Ends(), restored.Ends());
        Assert.Equal(buffer.BehaviourLogProbs(), restored.BehaviourLogProbs());
        Assert.Equal(buffer.FinalObservations().Select(f => (f.Position, f.Observation[0])), restored.FinalObservations().Select(f => (f.Position, f.Observation[0])));
        // Both continue identically.
        buffer.Add(Episodes(ref counter, (2, false)));
        counter -= 2;
        restored.Add(Episodes(ref counter, (2, false)));
        Assert.Equal(buffer.BehaviourLogProbs(), restored.BehaviourLogProbs());
        Assert.Throws<CheckpointException>(() => new ReplayBuffer(3, 1, 1).Load(cp, "b"));
    }
}
