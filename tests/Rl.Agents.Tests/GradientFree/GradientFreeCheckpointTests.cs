using Rl.Agents.GradientFree;
using Rl.Agents.Parameters;
using Rl.Agents.Policies;
using Rl.Agents.Training;
using static Rl.Agents.Tests.GradientFree.GradientFreeTestSupport;

namespace Rl.Agents.Tests.GradientFree;

public class GradientFreeCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gradfree-checkpoint-").FullName;

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    public static TheoryData<string, GradientFreeConfig> Configs => new()
    {
        { "random-search", new RandomSearchConfig() },
        { "iterative-random-search", new IterativeRandomSearchConfig() },
        { "cem", new CemConfig() },
        { "es", new EvolutionStrategiesConfig() },
        { "es adam stochastic", new EvolutionStrategiesConfig { Optimizer = EsOptimizer.Adam, StochasticActions = true, FitnessShaping = FitnessShaping.CenteredRanks } },
        { "ars", new ArsConfig { TopDirections = 2 } },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void ResumingFromACheckpointEqualsNotStopping(string name, GradientFreeConfig config)
    {
        float[] straight;
        double[] straightLastReturns;
        using (var algorithm = Create(config, Context(seed: 5)))
        {
            for (int i = 0; i < 3; i++) algorithm.RunIteration();
            straightLastReturns = [.. algorithm.RunIteration().EpisodeReturns];
            straight = PolicyParameters(algorithm);
        }

        string path = Path.Combine(_dir, name + ".ckpt");
        long steps;
        using (var first = Create(config, Context(seed: 5)))
        {
            first.RunIteration();
            first.RunIteration();
            var checkpoint = new Checkpoint();
            first.Save(checkpoint);
            checkpoint.WriteAtomic(path);
            steps = first.EnvSteps;
        }
        // A different seed in the context proves the state comes from the checkpoint, not the constructor.
        using var resumed = Create(config, Context(seed: 999));
        resumed.Load(Checkpoint.Read(path));
        Assert.Equal(2, resumed.Iteration);
        Assert.Equal(steps, resumed.EnvSteps);
        resumed.RunIteration();
        var lastReturns = resumed.RunIteration().EpisodeReturns;

        Assert.Equal(straight, PolicyParameters(resumed)); // bit for bit
        Assert.Equal(straightLastReturns, lastReturns);
        Assert.Equal(4, resumed.Iteration);
    }

    [Fact]
    public void LoadRejectsACheckpointOfAnotherAlgorithm()
    {
        var checkpoint = new Checkpoint();
        using (var es = Create(new EvolutionStrategiesConfig(), Context())) es.Save(checkpoint);
        using var ars = Create(new ArsConfig(), Context());
        var e = Assert.Throws<CheckpointException>(() => ars.Load(checkpoint));
        Assert.Contains("'es'", e.Message);
    }

    [Fact]
    public void LoadRejectsACheckpointWithAnotherPolicyShape()
    {
        var checkpoint = new Checkpoint();
        using (var small = Create(new ArsConfig(), Context())) small.Save(checkpoint);
        using var mlp = Create(new ArsConfig { Policy = PolicyKind.Mlp }, Context());
        var e = Assert.Throws<CheckpointException>(() => mlp.Load(checkpoint));
        Assert.Contains("10 parameters", e.Message);
    }
}
