using Rl.Agents.Optimization;
using Rl.Agents.ActorCritic;
using Rl.Agents.Evaluation;
using Rl.Agents.PolicyGradient;
using Rl.Agents.Tests.PolicyGradient;
using Rl.Agents.Training;
using Rl.Environments;
using TorchSharp;

namespace Rl.Agents.Tests.ActorCritic;

public class GaeTests
{
    [Fact]
    public void MatchesHandComputedAdvantagesWithTerminationAndTruncation()
    {
        // Two environments, three steps, step-major (t·N + e). γ = 0.5, λ = 0.5 (γλ = 0.25).
        // env 0: rewards 1, 2, 3; terminates at t = 1 (no bootstrap), then a new episode whose rollout ends at t = 2 with V(s_3) = 4.
        // env 1: rewards 1, 1, 1; truncated at t = 0 with V(final) = 10, then runs to the end with V(s_3) = 2.
        float[] rewards = [1, 1, 2, 1, 3, 1];
        float[] values = [0.5f, 1, 1, 2, 0, 3];
        float[] nextValues = [1, 10, 0, 3, 4, 2];
        bool[] ends = [false, true, true, false, false, false];
        var a = new float[6];
        Gae.Advantages(rewards, values, nextValues, ends, 2, 0.5, 0.5, a);

        // env 0: δ2 = 3 + 0.5·4 − 0 = 5; Â2 = 5. δ1 = 2 + 0 − 1 = 1; Â1 = 1 (episode ends: nothing from t = 2).
        // δ0 = 1 + 0.5·1 − 0.5 = 1; Â0 = 1 + 0.25·1 = 1.25.
        // env 1: δ2 = 1 + 0.5·2 − 3 = −1; Â2 = −1. δ1 = 1 + 0.5·3 − 2 = 0.5; Â1 = 0.5 + 0.25·(−1) = 0.25.
        // δ0 = 1 + 0.5·10 − 1 = 5; Â0 = 5 (truncated: bootstrapped from V(final), not continued into the next episode).
        Assert.Equal([1.25f, 5f, 1f, 0.25f, 5f, -1f], a);
    }

    [Fact]
    public void LambdaOneGivesMonteCarloReturnsMinusValues()
    {
        float[] rewards = [1, 1, 1];
        float[] values = [0, 0, 0];
        float[] nextValues = [0, 0, 0];
        bool[] ends = [false, false, true];
        var a = new float[3];
        Gae.Advantages(rewards, values, nextValues, ends, 1, 0.9, 1.0, a);
        Assert.Equal(1 + 0.9 + 0.81, a[0], 5);
        Assert.Equal(1 + 0.9, a[1], 5);
        Assert.Equal(1, a[2], 5);
    }

    [Fact]
    public void RejectsMismatchedLengths()
    {
        var e = Assert.Throws<ArgumentException>(() => Gae.Advantages(new float[4], new float[4], new float[4], new bool[3], 2, 0.9, 0.9, new float[4]));
        Assert.Contains("episode ends", e.Message);
    }
}

public class PpoLossTests
{
    [Fact]
    public void ClippedSurrogateMatchesHandComputedValues()
    {
        // ratios 1.5, 0.5, 1.1, 0.7 with advantages 1, 1, −1, −1 and ε = 0.2:
        // min(1.5, 1.2) = 1.2; min(0.5, 0.8) = 0.5; min(−1.1, −1.1) = −1.1; min(−0.7, −0.8) = −0.8;
        // mean (1.2 + 0.5 − 1.1 − 0.8) / 4 = −0.05, and the loss is its negative.
        using var old = torch.zeros(4);
        using var logp = torch.tensor(new[] { MathF.Log(1.5f), MathF.Log(0.5f), MathF.Log(1.1f), MathF.Log(0.7f) });
        using var adv = torch.tensor(new[] { 1f, 1f, -1f, -1f });
        using var loss = Ppo.ClippedSurrogateLoss(logp, old, adv, 0.2);
        Assert.Equal(0.05, loss.item<float>(), 5);
    }

    [Fact]
    public void ClippedValueLossTakesTheLargerError()
    {
        using var v = torch.tensor(new[] { 2f, 0f });
        using var old = torch.tensor(new[] { 0f, 0f });
        using var target = torch.tensor(new[] { 1f, 3f });
        // Unclipped: ½ · ((2−1)² + (0−3)²) / 2 = 2.5.
        using var plain = Ppo.ValueLoss(v, old, target, 0);
        Assert.Equal(2.5, plain.item<float>(), 5);
        // Clip 0.5 around V_old = 0: V = 2 → 0.5, V = −2 → −0.5.
        using var v2 = torch.tensor(new[] { 2f, -2f });
        using var t2 = torch.tensor(new[] { 3f, 1f });
        // first: unclipped (2−3)² = 1, clipped (0.5−3)² = 6.25 → 6.25; second: 9 vs 2.25 → 9. ½ · mean = ½ · 7.625.
        using var clipped = Ppo.ValueLoss(v2, old, t2, 0.5);
        Assert.Equal(0.5 * 7.625, clipped.item<float>(), 5);
    }
}

public class ActorCriticAgentTests
{
    public ActorCriticAgentTests() => torch.set_num_threads(1);

    private static readonly PpoConfig SmallPpo = new() { NumSteps = 32, MinibatchSize = 64, Epochs = 2, Schedule = new() { Kind = LrScheduleKind.Linear, Horizon = 50 }, NormalizeRewards = true };
    private static readonly A2cConfig SmallA2c = new() { NumSteps = 8, NormalizeRewards = true };

    private static ActorCriticAgent Create(string algo, long seed, int threads = 1)
    {
        var context = Contexts.For(() => Envs.Make("CartPole-v1"), seed) with { Threads = threads };
        return algo == "ppo" ? new Ppo(SmallPpo, context) : new A2c(SmallA2c, context);
    }

    public static TheoryData<string> Algorithms => ["ppo", "a2c"];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void ResumeFromACheckpointIsBitExact(string algo)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ac-checkpoint-{algo}-{Environment.ProcessId}.ckpt");
        try
        {
            using var original = Create(algo, seed: 3);
            for (int i = 0; i < 5; i++) original.RunIteration();
            var cp = new Checkpoint();
            original.Save(cp);
            cp.WriteAtomic(path);
            var expected = Enumerable.Range(0, 20).Select(_ => original.RunIteration()).ToList();

            // Another seed: everything that matters (episodes in progress included) must come from the checkpoint.
            using var resumed = Create(algo, seed: 99);
            resumed.Load(Checkpoint.Read(path));
            var actual = Enumerable.Range(0, 20).Select(_ => resumed.RunIteration()).ToList();
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].EpisodeReturns, actual[i].EpisodeReturns);
                Assert.Equal(expected[i].Scalars["loss/policy"], actual[i].Scalars["loss/policy"]);
                Assert.Equal(expected[i].Scalars["loss/value"], actual[i].Scalars["loss/value"]);
                Assert.Equal(expected[i].Scalars["policy/learning_rate"], actual[i].Scalars["policy/learning_rate"]);
            }
            Assert.Contains(expected, r => r.EpisodeReturns.Count > 0);
            Assert.Equal(ModuleState.Save(original.Network), ModuleState.Save(resumed.Network));
            Assert.Equal(original.EnvSteps, resumed.EnvSteps);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void SameSeedGivesTheSameMetricsWithOneAndTwoThreads(string algo)
    {
        using var one = Create(algo, seed: 5, threads: 1);
        using var two = Create(algo, seed: 5, threads: 2);
        for (int i = 0; i < 10; i++)
        {
            var a = one.RunIteration();
            var b = two.RunIteration();
            Assert.Equal(a.EpisodeReturns, b.EpisodeReturns);
            Assert.Equal(a.Scalars.OrderBy(p => p.Key), b.Scalars.OrderBy(p => p.Key));
        }
    }

    [Fact]
    public void InvalidKeysAreRejectedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => new PpoConfig { ClipRange = 1.5 }.Validate());
        Assert.Contains("clip_range", e.Message);
        e = Assert.Throws<ArgumentException>(() => new PpoConfig { NumEnvs = 2, NumSteps = 8, MinibatchSize = 64 }.Validate());
        Assert.Contains("minibatch_size", e.Message);
        e = Assert.Throws<ArgumentException>(() => new A2cConfig { Baseline = BaselineKind.RunningMean }.Validate());
        Assert.Contains("baseline", e.Message);
        e = Assert.Throws<ArgumentException>(() => new A2cConfig { GaeLambda = 1.1 }.Validate());
        Assert.Contains("gae_lambda", e.Message);
    }

    [Fact]
    public void PpoSolvesCartPoleWithSeedZeroWithin50kSteps()
    {
        // The values of experiments/configs/ppo-CartPole-v1.toml.
        var config = new PpoConfig
        {
            NumSteps = 32, MinibatchSize = 256, Epochs = 20, Gamma = 0.98, GaeLambda = 0.8, NormalizeObservations = false,
            Optimizer = new PpoConfig().Optimizer with { LearningRate = 1e-3 }, Schedule = new() { Kind = LrScheduleKind.Linear, Horizon = 3900 },
        };
        using var agent = new Ppo(config, Contexts.For(() => Envs.Make("CartPole-v1"), 0));
        double mean = 0;
        while (agent.EnvSteps < 50_000)
        {
            var r = agent.RunIteration();
            if (r.EpisodeReturns.Count == 0 || r.EpisodeReturns.Max() < 475) continue;
            mean = Evaluator.Evaluate(agent.Policy, () => Envs.Make("CartPole-v1"), new EvaluationOptions { Episodes = 100, Seed = 10_000 }).MeanReturn;
            if (mean >= 475) break;
        }
        Assert.True(mean >= 475, $"mean return {mean} over 100 episodes after {agent.EnvSteps} steps");
    }
}
