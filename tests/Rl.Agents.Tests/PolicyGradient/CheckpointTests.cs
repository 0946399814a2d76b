using Rl.Agents.Optimization;
using Rl.Agents.PolicyGradient;
using Rl.Agents.Training;
using Rl.Environments;
using TorchSharp;

namespace Rl.Agents.Tests.PolicyGradient;

public class CheckpointTests
{
    public CheckpointTests() => torch.set_num_threads(1);

    public static TheoryData<string> Algorithms => ["reinforce", "offpolicy-pg"];

    private static PolicyGradientAgent Create(string algo, long seed) => algo == "reinforce"
        ? new Reinforce(new ReinforceConfig { StepsPerIteration = 500, Schedule = new() { Kind = LrScheduleKind.Step, StepSize = 2 } }, Contexts.For(() => Envs.Make("CartPole-v1"), seed))
        : new OffPolicyPg(new OffPolicyPgConfig { Schedule = new() { Kind = LrScheduleKind.Cosine, Horizon = 20 } }, Contexts.For(() => Envs.Make("CartPole-v1"), seed));

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void RoundTripGivesIdenticalContinuedTraining(string algo)
    {
        string path = Path.Combine(Path.GetTempPath(), $"pg-checkpoint-{algo}-{Environment.ProcessId}.ckpt");
        try
        {
            using var original = Create(algo, seed: 3);
            for (int i = 0; i < 3; i++) original.RunIteration();
            var cp = new Checkpoint();
            original.Save(cp);
            cp.WriteAtomic(path);
            var expected = Enumerable.Range(0, 3).Select(_ => original.RunIteration()).ToList();

            // A different seed: everything that matters must come from the checkpoint.
            using var resumed = Create(algo, seed: 99);
            resumed.Load(Checkpoint.Read(path));
            var actual = Enumerable.Range(0, 3).Select(_ => resumed.RunIteration()).ToList();

            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].EpisodeReturns, actual[i].EpisodeReturns);
                Assert.Equal(expected[i].Scalars["loss/policy"], actual[i].Scalars["loss/policy"]);
                Assert.Equal(expected[i].Scalars["policy/learning_rate"], actual[i].Scalars["policy/learning_rate"]);
            }
            Assert.Equal(original.EnvSteps, resumed.EnvSteps);
            Assert.Equal(original.Iteration, resumed.Iteration);
            Assert.Equal(ModuleState.Save(original.Learner.Network), ModuleState.Save(resumed.Learner.Network));
            Assert.Equal(ModuleState.Save(((ValueBaseline)original.Baseline).Network), ModuleState.Save(((ValueBaseline)resumed.Baseline).Network));
            Assert.Equal(original.Normalizer.Statistics!.Mean.ToArray(), resumed.Normalizer.Statistics!.Mean.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CheckpointOfAnotherAlgorithmIsRejected()
    {
        using var reinforce = Create("reinforce", 1);
        using var offPolicy = Create("offpolicy-pg", 1);
        var cp = new Checkpoint();
        reinforce.Save(cp);
        var e = Assert.Throws<CheckpointException>(() => offPolicy.Load(cp));
        Assert.Contains("'reinforce'", e.Message);
    }

    [Fact]
    public void CheckpointOfAnotherNetworkShapeIsRejected()
    {
        using var small = new Reinforce(new ReinforceConfig { Network = new() { HiddenSizes = [8] } }, Contexts.For(() => Envs.Make("CartPole-v1"), 1));
        using var large = new Reinforce(new ReinforceConfig { Network = new() { HiddenSizes = [16] } }, Contexts.For(() => Envs.Make("CartPole-v1"), 1));
        var cp = new Checkpoint();
        small.Save(cp);
        var e = Assert.Throws<CheckpointException>(() => large.Load(cp));
        Assert.Contains("policy/parameters", e.Message);
    }
}
