using Rl.Agents.GradientFree;
using Rl.Agents.Parameters;
using Rl.Agents.Policies;
using Rl.Agents.Training;
using static Rl.Agents.Tests.GradientFree.GradientFreeTestSupport;

namespace Rl.Agents.Tests.GradientFree;

public class GradientFreeDeterminismTests
{
    public static TheoryData<string> Ids => [.. AllIds];

    /// <summary>Configs that exercise every optional path: stochastic actions, several episodes, Adam, weight decay, top-b, V1.</summary>
    public static TheoryData<string, GradientFreeConfig> Variants => new()
    {
        { "es adam + ranks + decay + stochastic", new EvolutionStrategiesConfig { Optimizer = EsOptimizer.Adam, FitnessShaping = FitnessShaping.CenteredRanks, WeightDecay = 0.01, StochasticActions = true, EpisodesPerCandidate = 2 } },
        { "es unmirrored", new EvolutionStrategiesConfig { Mirrored = false, Population = 7, NormalizeObservations = false } },
        { "es reward shift", new EvolutionStrategiesConfig { RewardShift = 0.5 } },
        { "ars v2 top-b mlp", new ArsConfig { Directions = 6, TopDirections = 2, Policy = PolicyKind.Mlp, HiddenSizes = [8], RewardShift = 1 } },
        { "ars v1", new ArsConfig { Version = ArsVersion.V1 } },
        { "cem mlp", new CemConfig { Policy = PolicyKind.Mlp, HiddenSizes = [6, 6], Population = 12 } },
    };

    [Theory]
    [MemberData(nameof(Ids))]
    public void SameSeedGivesSameParametersWithOneAndTwoThreads(string id) =>
        AssertThreadIndependent(DefaultConfig(id));

    [Theory]
    [MemberData(nameof(Variants))]
    public void VariantsAreThreadIndependentToo(string name, GradientFreeConfig config)
    {
        Assert.NotEmpty(name);
        AssertThreadIndependent(config);
    }

    [Fact]
    public void DifferentSeedsGiveDifferentParameters()
    {
        using var a = Create(new ArsConfig(), Context(seed: 1));
        using var b = Create(new ArsConfig(), Context(seed: 2));
        a.RunIteration();
        b.RunIteration();
        Assert.NotEqual(PolicyParameters(a), PolicyParameters(b));
    }

    private static void AssertThreadIndependent(GradientFreeConfig config)
    {
        var runs = new[] { 1, 2 }.Select(threads =>
        {
            using var algorithm = Create(config, Context(seed: 42, threads: threads));
            var returns = new List<double>();
            for (int i = 0; i < 3; i++) returns.AddRange(algorithm.RunIteration().EpisodeReturns);
            var policy = (FlatPolicy)algorithm.Policy;
            return (Parameters: policy.Parameters.ToArray(), Mean: policy.Filter?.Mean.ToArray(), returns, algorithm.EnvSteps);
        }).ToArray();

        Assert.Equal(runs[0].Parameters, runs[1].Parameters); // exact float equality, element by element
        Assert.Equal(runs[0].Mean, runs[1].Mean);
        Assert.Equal(runs[0].returns, runs[1].returns);
        Assert.Equal(runs[0].EnvSteps, runs[1].EnvSteps);
        Assert.Contains(runs[0].Parameters, p => p != 0); // it did move
    }
}
