using Rl.Agents.PolicyGradient;
using Rl.Agents.Rollouts;
using Rl.Core;
using Rl.Environments;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.Tests.PolicyGradient;

public class ImportanceWeightTests
{
    public ImportanceWeightTests() => torch.set_num_threads(1);

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(10.0)]
    public void WeightsAreExactlyOneWhenBehaviourIsTarget(double c)
    {
        using var scope = torch.NewDisposeScope();
        var logp = torch.randn(1000) - 2;
        var w = ImportanceWeights.PerDecision(logp, logp.clone(), c);
        Assert.True(w.eq(1f).all().item<bool>());
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void WeightsAreTruncatedAtC(double c)
    {
        using var scope = torch.NewDisposeScope();
        var logPi = torch.randn(1000);
        var logMu = torch.randn(1000);
        var w = ImportanceWeights.PerDecision(logPi, logMu, c).data<float>().ToArray();
        var ratio = (logPi - logMu).exp().data<float>().ToArray();
        Assert.All(w, x => Assert.True(x <= c));
        for (int i = 0; i < w.Length; i++) Assert.Equal(Math.Min(c, ratio[i]), w[i], 6);
        Assert.Contains(w, x => x == (float)c); // some were cut
        Assert.Contains(w, x => x < c);         // some were not
        Assert.Throws<ArgumentOutOfRangeException>(() => ImportanceWeights.PerDecision(logPi, logMu, 0));
    }

    [Fact]
    public void WeightsOnFreshBufferDataAreExactlyOne()
    {
        // Data collected by the current policy and not yet learned from: π is μ, so every stored log μ(a|s) must equal
        // log π(a|s) recomputed on the buffer, and every weight must be 1 (exactly, up to the last bit a batched matrix
        // product of another size may round differently).
        var config = new OffPolicyPgConfig { NumEnvs = 4, StepsPerIteration = 300 };
        using var agent = new OffPolicyPg(config, Contexts.For(() => Envs.Make("CartPole-v1"), 11));
        var batch = agent.Collector.CollectEpisodes(agent.Learner.Actor(new Rng(1)), config.StepsPerIteration);
        agent.Buffer.Add(batch);
        using var scope = torch.NewDisposeScope();
        var all = agent.Buffer.All(agent.Device);
        using var _ = torch.no_grad();
        var logPi = agent.Learner.Distribution(all.Observations).LogProb(all.Actions);
        var w = ImportanceWeights.PerDecision(logPi, all.BehaviourLogProbs, config.ImportanceTruncation);
        Assert.Equal(batch.Steps, (int)w.shape[0]);
        Assert.True((w - 1).abs().max().item<float>() <= 1e-6f, $"weights range from {w.min().item<float>():R} to {w.max().item<float>():R}");
    }

    [Fact]
    public void OffPolicyEstimateEqualsOnPolicyEstimateWhenBehaviourIsTarget()
    {
        using var agent = new OffPolicyPg(new OffPolicyPgConfig(), Contexts.For(() => Envs.Make("CartPole-v1"), 12));
        var batch = agent.Collector.CollectEpisodes(agent.Learner.Actor(new Rng(2)), 200);
        using var scope = torch.NewDisposeScope();
        var obs = agent.Learner.ToDevice(batch.Observations, batch.Steps);
        var actions = agent.Learner.ToDevice(batch.Actions, batch.Steps);
        var logMu = torch.tensor(batch.LogProbs.ToArray());
        var advantages = torch.randn(batch.Steps);
        var onPolicy = Reinforce.Loss(agent.Learner, obs, actions, advantages, 0.01, true);
        var offPolicy = OffPolicyPg.Loss(agent.Learner, obs, actions, advantages, logMu, 1.0, 0.01, true);
        Assert.Equal(onPolicy.Loss.item<float>(), offPolicy.Loss.item<float>());
        Assert.Equal(1.0, offPolicy.MeanWeight);
        Assert.Equal(0.0, offPolicy.TruncatedFraction);
    }
}
