using Rl.Agents.Optimization;
using Rl.Agents.Evaluation;
using Rl.Agents.PolicyGradient;
using Rl.Agents.Tests.PolicyGradient;
using Rl.Agents.Training;
using Rl.Agents.ValueBased;
using Rl.Core;
using Rl.Environments;
using TorchSharp;

namespace Rl.Agents.Tests.ValueBased;

public class DoubleDqnTargetTests
{
    [Fact]
    public void MatchesHandComputedTargets()
    {
        using var rewards = torch.tensor(new[] { 1f, 2f });
        using var terminated = torch.tensor(new[] { 0f, 1f });
        using var nextTarget = torch.tensor(new[] { 1f, 5f, 3f, 4f }).reshape(2, 2);
        using var nextOnline = torch.tensor(new[] { 2f, 1f, 0f, 9f }).reshape(2, 2);
        // Double DQN: the online network picks a' = 0 in row 0, so y = 1 + 0.5 · Q⁻(s', 0) = 1.5; row 1 is terminal: y = r = 2.
        using var dbl = Dqn.Target(rewards, terminated, nextTarget, nextOnline, 0.5);
        Assert.Equal([1.5f, 2f], dbl.data<float>().ToArray());
        // Plain DQN: y = 1 + 0.5 · max Q⁻(s', ·) = 3.5.
        using var plain = Dqn.Target(rewards, terminated, nextTarget, null, 0.5);
        Assert.Equal([3.5f, 2f], plain.data<float>().ToArray());
    }
}

public class FrameReplayBufferTests
{
    private const int K = 3, FrameSize = 2;

    // The stack FrameStack (reset padding) gives after step t of an episode whose frames are frame(id, 0..t).
    private static float[] StackAt(int id, int t) =>
        [.. Enumerable.Range(0, K).SelectMany(i => Frame(id, Math.Max(0, t - (K - 1 - i))))];

    private static float[] Frame(int id, int t) => [id * 10 + t, 200 - id * 10 - t];

    [Theory]
    [InlineData(1000)] // never full
    [InlineData(20)]   // overwritten many times
    public void RebuildsFrameStacksAndNextObservationsByIndex(int capacity)
    {
        var buffer = new FrameReplayBuffer(capacity, numEnvs: 2, observationSize: K * FrameSize, frameStack: K, asBytes: true);
        // Episodes of 2..6 steps in two environments; episode id in the reward, step index as the action; odd ids truncate.
        for (int id = 0; id < 12; id++)
        {
            int env = id % 2, length = 2 + id % 5;
            for (int t = 0; t < length; t++)
            {
                bool last = t == length - 1;
                buffer.Add(env, StackAt(id, t), t, id, terminated: last && id % 2 == 0, truncated: last && id % 2 == 1,
                    last ? StackAt(id, t + 1) : default);
            }
        }
        var rng = new Rng(1);
        var sample = buffer.Sample(500, rng);
        int size = K * FrameSize;
        for (int b = 0; b < 500; b++)
        {
            int id = (int)sample.Rewards[b], t = (int)sample.Actions[b];
            Assert.Equal(StackAt(id, t), sample.Observations.AsSpan(b * size, size).ToArray());
            Assert.Equal(StackAt(id, t + 1), sample.NextObservations.AsSpan(b * size, size).ToArray());
            bool last = t == 1 + id % 5;
            Assert.Equal(last && id % 2 == 0 ? 1f : 0f, sample.Terminated[b]);
        }
        Assert.True(buffer.FrameBytes == buffer.Capacity * FrameSize, "one frame per entry, one byte per value");
    }

    [Fact]
    public void RejectsAStackThatDoesNotDivideTheObservation()
    {
        var e = Assert.Throws<ArgumentException>(() => new FrameReplayBuffer(100, 1, 10, 3, asBytes: false));
        Assert.Contains("frame stack 3", e.Message);
    }
}

public class DqnAgentTests
{
    public DqnAgentTests() => torch.set_num_threads(1);

    private static readonly DqnConfig Small = new()
    {
        NumEnvs = 2, BufferSize = 600, LearningStarts = 100, BatchSize = 32, TrainFrequency = 4, GradientSteps = 2,
        TargetUpdateInterval = 50, ExplorationSteps = 1000, StepsPerIteration = 200, Network = new DqnConfig().Network with { HiddenSizes = [32] }, Schedule = new() { Kind = LrScheduleKind.Linear, Horizon = 500 },
    };

    private static Dqn Create(long seed, int threads = 1, DqnConfig? config = null) =>
        new(config ?? Small, Contexts.For(() => Envs.Make("CartPole-v1"), seed) with { Threads = threads });

    [Fact]
    public void ResumeFromACheckpointIsBitExact()
    {
        string path = Path.Combine(Path.GetTempPath(), $"dqn-checkpoint-{Environment.ProcessId}.ckpt");
        try
        {
            using var original = Create(seed: 3);
            for (int i = 0; i < 4; i++) original.RunIteration();
            var cp = new Checkpoint();
            original.Save(cp);
            cp.WriteAtomic(path);
            var expected = Enumerable.Range(0, 4).Select(_ => original.RunIteration()).ToList();

            using var resumed = Create(seed: 99);
            resumed.Load(Checkpoint.Read(path));
            var actual = Enumerable.Range(0, 4).Select(_ => resumed.RunIteration()).ToList();
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].EpisodeReturns, actual[i].EpisodeReturns);
                // Per-layer diagnostics describe the last diagnosed step, which a checkpoint does not keep.
                Assert.Equal(expected[i].Scalars.Where(p => !p.Key.StartsWith("diag/")).OrderBy(p => p.Key),
                    actual[i].Scalars.Where(p => !p.Key.StartsWith("diag/")).OrderBy(p => p.Key));
            }
            Assert.Contains(expected, r => r.EpisodeReturns.Count > 0);
            Assert.Equal(ModuleState.Save(original.Network), ModuleState.Save(resumed.Network));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SameSeedGivesTheSameMetricsWithOneAndTwoThreads()
    {
        using var one = Create(seed: 5, threads: 1);
        using var two = Create(seed: 5, threads: 2);
        for (int i = 0; i < 5; i++)
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
        var e = Assert.Throws<ArgumentException>(() => new DqnConfig { Tau = 0 }.Validate());
        Assert.Contains("tau", e.Message);
        e = Assert.Throws<ArgumentException>(() => new DqnConfig { EntropyCoef = 0.1 }.Validate());
        Assert.Contains("entropy_coef", e.Message);
        var n = Assert.Throws<NotSupportedException>(() => new Dqn(new DqnConfig(), Contexts.For(() => new TargetEnv(), 0)));
        Assert.Contains("Discrete", n.Message);
    }

    [Fact]
    public void DqnSolvesCartPoleWithSeedZeroWithin50kSteps()
    {
        // The values of experiments/configs/dqn-CartPole-v1.toml.
        var config = new DqnConfig
        {
            NumEnvs = 1, LearningStarts = 1000, BatchSize = 64, TrainFrequency = 256, GradientSteps = 128, TargetUpdateInterval = 10,
            ExplorationFinalEps = 0.04, ExplorationSteps = 8000, StepsPerIteration = 1024, Network = new DqnConfig().Network with { HiddenSizes = [256, 256] }, Optimizer = new DqnConfig().Optimizer with { LearningRate = 2.3e-3 },
        };
        using var agent = Create(0, config: config);
        double mean = 0;
        long nextEval = 5000; // the shipped config's evaluation interval, checked after each iteration as the runner does
        while (agent.EnvSteps < 50_000)
        {
            agent.RunIteration();
            if (agent.EnvSteps < nextEval) continue;
            nextEval = (agent.EnvSteps / 5000 + 1) * 5000;
            mean = Evaluator.Evaluate(agent.Policy, () => Envs.Make("CartPole-v1"), new EvaluationOptions { Episodes = 100, Seed = 10_000 }).MeanReturn;
            if (mean >= 475) break;
        }
        Assert.True(mean >= 475, $"mean return {mean} over 100 episodes after {agent.EnvSteps} steps");
    }
}
