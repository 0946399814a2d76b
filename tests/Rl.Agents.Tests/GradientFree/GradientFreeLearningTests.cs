using Rl.Agents.Evaluation;
using Rl.Agents.GradientFree;
using Rl.Agents.Policies;
using Rl.Environments;
using static Rl.Agents.Tests.GradientFree.GradientFreeTestSupport;

namespace Rl.Agents.Tests.GradientFree;

public class GradientFreeLearningTests
{
    private const long StepBudget = 100_000;

    [Theory]
    [InlineData("cem")]
    [InlineData("es")]
    [InlineData("ars")]
    public void DefaultConfigSolvesCartPole(string id)
    {
        using var algorithm = Create(DefaultConfig(id), Context(seed: 0));
        EvaluationResult evaluation;
        do
        {
            algorithm.RunIteration();
            evaluation = algorithm.Evaluate(episodes: 100, seed: 1_000_000);
        } while (!evaluation.Reaches(475) && algorithm.EnvSteps < StepBudget);

        Assert.True(evaluation.Reaches(475),
            $"{id}: mean return {evaluation.MeanReturn:F1} ± {evaluation.StdReturn:F1} after {algorithm.EnvSteps} steps ({algorithm.Iteration} iterations)");
        Assert.True(algorithm.EnvSteps <= StepBudget);
        // The policy the runner gets scores the same on fresh episodes through the generic evaluation path.
        var fresh = Evaluator.Evaluate(algorithm.Policy, () => Envs.Make("CartPole-v1"), new EvaluationOptions { Episodes = 100, Seed = 7_000_000 });
        Assert.True(fresh.Reaches(475), $"{id}: {fresh.MeanReturn:F1} on fresh episodes");
    }

    [Theory]
    [InlineData("random-search")]
    [InlineData("iterative-random-search")]
    public void RandomSearchesImproveClearlyOnARandomPolicy(string id)
    {
        double random = RandomPolicyMeanReturn();
        using var algorithm = Create(DefaultConfig(id), Context(seed: 0));
        for (int i = 0; i < 5; i++) algorithm.RunIteration();
        double mean = algorithm.Evaluate(episodes: 100, seed: 1_000_000).MeanReturn;

        Assert.InRange(random, 10, 40); // the baseline is what a random policy gets on CartPole
        Assert.True(mean >= 200 && mean >= 5 * random, $"{id}: {mean:F1} after 5 iterations vs {random:F1} for a random policy");
    }

    [Fact]
    public void ConvPolicyLearnsAPixelTask()
    {
        var config = new CemConfig { Policy = PolicyKind.Conv, ConvChannels = [8], ConvKernels = [3], ConvStrides = [1], Population = 30, InitialSigma = 0.5 };
        using var algorithm = new Cem(config, Context(seed: 1, makeEnv: () => new StripesEnv()));
        double before = algorithm.Evaluate(50, seed: 10).MeanReturn;
        for (int i = 0; i < 10; i++) algorithm.RunIteration();
        double after = algorithm.Evaluate(50, seed: 10).MeanReturn;

        Assert.True(after >= 9.5 && before < 7, $"conv CEM scored {after:F2} of 10 (before training: {before:F2})");
    }

    [Theory]
    [InlineData(BoxActionMode.Clip)]
    [InlineData(BoxActionMode.Tanh)]
    public void ArsLearnsContinuousActions(BoxActionMode mode)
    {
        var config = new ArsConfig { BoxActions = mode, Version = ArsVersion.V1, Directions = 8, TopDirections = 4, StepSize = 0.05, NoiseStd = 0.05 };
        using var algorithm = new Ars(config, Context(seed: 2, makeEnv: () => new ReachTargetEnv()));
        double before = algorithm.Evaluate(50, seed: 10).MeanReturn;
        for (int i = 0; i < 60; i++) algorithm.RunIteration();
        double after = algorithm.Evaluate(50, seed: 10).MeanReturn;

        // A zero policy loses about 5 · 2 · 0.8²/3 ≈ 2.1 per episode; a good one almost nothing.
        Assert.True(after > -0.1 && before < -1.5, $"ARS ({mode}) return {before:F3} -> {after:F3}");
    }
}
