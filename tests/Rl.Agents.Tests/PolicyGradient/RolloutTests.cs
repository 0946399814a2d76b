using Rl.Agents.PolicyGradient;
using Rl.Agents.Rollouts;
using Rl.Core;
using Rl.Environments;
using TorchSharp;

namespace Rl.Agents.Tests.PolicyGradient;

public class RolloutTests
{
    public RolloutTests() => torch.set_num_threads(1);

    private static Reinforce Chain(int limit, long seed = 1) =>
        new(new ReinforceConfig { NumEnvs = 3, Baseline = BaselineKind.Value, NormalizeObservations = false }, Contexts.For(() => ChainEnv.WithLimit(limit), seed));

    [Fact]
    public void CollectsCompleteEpisodesUntilTheStepTarget()
    {
        using var agent = Chain(limit: 6);
        var batch = agent.Collector.CollectEpisodes(agent.Learner.Actor(new Rng(2)), minSteps: 50);
        Assert.True(batch.Steps >= 50);
        int start = 0;
        foreach (var e in batch.Episodes)
        {
            Assert.Equal(start, e.Start);
            Assert.Equal(e.Length, e.Return); // reward 1 per step
            start += e.Length;
        }
        Assert.Equal(batch.Steps, start);
        // Once the target is reached no new episode starts: at most one per environment runs past it.
        Assert.True(batch.Steps - 50 < 3 * 6);
    }

    [Fact]
    public void CollectsExactlyTheEpisodeTarget()
    {
        using var agent = Chain(limit: 6);
        var batch = agent.Collector.CollectEpisodes(agent.Learner.Actor(new Rng(3)), minSteps: 0, minEpisodes: 7);
        Assert.Equal(7, batch.Episodes.Count);
    }

    [Fact]
    public void SameGeneratorStatesGiveTheSameBatch()
    {
        using var a = new Reinforce(new ReinforceConfig(), Contexts.For(() => Envs.Make("CartPole-v1"), 5));
        using var b = new Reinforce(new ReinforceConfig(), Contexts.For(() => Envs.Make("CartPole-v1"), 5));
        var x = a.Collector.CollectEpisodes(a.Learner.Actor(new Rng(9)), 300);
        var y = b.Collector.CollectEpisodes(b.Learner.Actor(new Rng(9)), 300);
        Assert.Equal(x.Observations.ToArray(), y.Observations.ToArray());
        Assert.Equal(x.Actions.ToArray(), y.Actions.ToArray());
        Assert.Equal(x.LogProbs.ToArray(), y.LogProbs.ToArray());
    }

    [Fact]
    public void TruncationIsNotTerminationAndBootstrapsFromTheValueOfTheFinalObservation()
    {
        using var agent = Chain(limit: 4);
        var batch = agent.Collector.CollectEpisodes(agent.Learner.Actor(new Rng(4)), minSteps: 400);
        var truncated = batch.Episodes.Where(e => e.Truncated).ToList();
        var terminated = batch.Episodes.Where(e => !e.Truncated).ToList();
        Assert.NotEmpty(truncated);
        Assert.NotEmpty(terminated);
        foreach (var e in truncated)
        {
            Assert.Equal(4, e.Length);
            Assert.Equal(new[] { 0.4f, 1f }, e.FinalObservation);
            Assert.Equal(0f, batch.Actions[e.Start + 3]); // the last action continued: only the time limit ended it
        }
        // Terminated at the limit (action 1 on step 4) is termination: no bootstrap.
        foreach (var e in terminated)
        {
            Assert.Null(e.FinalObservation);
            Assert.Equal(1f, batch.Actions[e.Start + e.Length - 1]);
        }

        var bootstrap = agent.BootstrapValues(batch);
        float expected;
        using (var scope = torch.NewDisposeScope())
        {
            var v = agent.Baseline.Values(agent.Normalizer.Normalize(torch.tensor(new[] { 0.4f, 1f }).reshape(1, 2)));
            expected = v.item<float>();
        }
        Assert.NotEqual(0f, expected);
        // (Batched and single-row forward passes may differ in the last bit.)
        for (int e = 0; e < batch.Episodes.Count; e++)
            Assert.Equal(batch.Episodes[e].Truncated ? expected : 0f, bootstrap[e], 6);

        // And the returns the algorithm trains on carry it: G_t = Σ γ^k r + γ^{T−t} V(s_T) on truncated episodes only.
        double g = 0.99;
        var returns = Returns.ForBatch(batch, g, rewardToGo: true, bootstrap);
        var tr = truncated[0];
        Assert.Equal(1 + g + g * g + g * g * g + g * g * g * g * expected, returns[tr.Start], 4);
        var te = terminated[0];
        Assert.Equal(Returns.Discounted(Enumerable.Repeat(1f, te.Length).ToArray(), g), returns[te.Start], 4);
    }
}
