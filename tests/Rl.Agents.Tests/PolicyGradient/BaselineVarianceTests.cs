using Rl.Agents.PolicyGradient;
using Rl.Agents.Rollouts;
using Rl.Core;
using Rl.Environments;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.Tests.PolicyGradient;

public class BaselineVarianceTests
{
    public BaselineVarianceTests() => torch.set_num_threads(1);

    [Fact]
    public void BaselinesLowerTheVarianceOfTheGradientEstimateOnFixedBatches()
    {
        const double gamma = 0.99;
        var config = new ReinforceConfig { ValueUpdates = 400, ValueMinibatchSize = 256, ValueLearningRate = 0.01 };
        using var agent = new Reinforce(config, Contexts.For(() => Envs.Make("CartPole-v1"), 21));
        var actor = agent.Learner.Actor(new Rng(1));

        // Fit V(s) to the reward-to-go, and the mean episode return, on separate data from the same (fixed) policy.
        var fitBatch = agent.Collector.CollectEpisodes(actor, 4000);
        var noBootstrap = new float[fitBatch.Episodes.Count];
        using (var scope = torch.NewDisposeScope())
        {
            var obs = agent.Normalizer.Normalize(agent.Learner.ToDevice(fitBatch.Observations, fitBatch.Steps));
            agent.Baseline.Fit(obs, torch.tensor(Returns.ForBatch(fitBatch, gamma, true, noBootstrap)));
        }
        double meanReturn = fitBatch.Episodes.Average(e => Returns.Discounted(fitBatch.Rewards.Slice(e.Start, e.Length), gamma));

        // The same fixed batches through each pair of estimators.
        var wholeNone = new List<float[]>();
        var wholeMean = new List<float[]>();
        var toGoNone = new List<float[]>();
        var toGoValue = new List<float[]>();
        for (int k = 0; k < 40; k++)
        {
            var batch = agent.Collector.CollectEpisodes(actor, minSteps: 0, minEpisodes: 2);
            var bootstrap = new float[batch.Episodes.Count];
            using var scope = torch.NewDisposeScope();
            var obs = agent.Learner.ToDevice(batch.Observations, batch.Steps);
            var actions = agent.Learner.ToDevice(batch.Actions, batch.Steps);
            // R(τ) Σ ∇ log π, with and without b = mean return.
            var whole = torch.tensor(Returns.ForBatch(batch, gamma, false, bootstrap));
            wholeNone.Add(Gradient(agent, obs, actions, whole));
            wholeMean.Add(Gradient(agent, obs, actions, whole - meanReturn));
            // Σ G_t ∇ log π(a_t|s_t), with and without b(s_t) = V(s_t).
            var toGo = torch.tensor(Returns.ForBatch(batch, gamma, true, bootstrap));
            toGoNone.Add(Gradient(agent, obs, actions, toGo));
            toGoValue.Add(Gradient(agent, obs, actions, toGo - agent.Baseline.Values(agent.Normalizer.Normalize(obs))));
        }
        double a = TotalVariance(wholeNone), b = TotalVariance(wholeMean), c = TotalVariance(toGoNone), d = TotalVariance(toGoValue);
        Assert.True(b < 0.5 * a, $"R(τ): mean baseline {b} vs none {a}");
        Assert.True(d < 0.5 * c, $"reward-to-go: value baseline {d} vs none {c}");
        Assert.True(c < a, $"reward-to-go {c} vs R(τ) {a}");
    }

    // The policy-gradient estimate (1/N) Σ Â ∇ log π as a flat vector, without advantage normalization or entropy.
    private static float[] Gradient(Reinforce agent, Tensor obs, Tensor actions, Tensor advantages)
    {
        var net = agent.Learner.Network;
        net.zero_grad();
        var (loss, _) = Reinforce.Loss(agent.Learner, obs, actions, advantages, entropyCoef: 0.0, normalizeAdvantages: false);
        loss.backward();
        return net.parameters().SelectMany(p => p.grad!.flatten().data<float>().ToArray()).Select(x => -x).ToArray();
    }

    // Trace of the covariance: mean squared distance of the estimates from their mean.
    private static double TotalVariance(List<float[]> estimates)
    {
        int d = estimates[0].Length;
        var center = new double[d];
        foreach (var e in estimates)
            for (int i = 0; i < d; i++) center[i] += e[i] / (double)estimates.Count;
        return estimates.Average(e => Enumerable.Range(0, d).Sum(i => (e[i] - center[i]) * (e[i] - center[i])));
    }
}
