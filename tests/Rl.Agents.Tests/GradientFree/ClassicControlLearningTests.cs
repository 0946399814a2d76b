using Rl.Agents.GradientFree;
using Rl.Environments;
using static Rl.Agents.Tests.GradientFree.GradientFreeTestSupport;

namespace Rl.Agents.Tests.GradientFree;

public class ClassicControlLearningTests
{
    [Fact]
    public void ArsReachesMountainCarContinuousThreshold()
    {
        // experiments/configs/ars-MountainCarContinuous-v0.toml: the engine's cost pulls towards doing nothing; parameter
        // noise finds rocking policies that reach the flag (+100). Gymnasium's threshold is 90.
        var config = new ArsConfig { Version = ArsVersion.V2, Directions = 8, TopDirections = 2, StepSize = 0.02, NoiseStd = 0.1 };
        using var algorithm = new Ars(config, Context(seed: 0, makeEnv: () => Envs.Make("MountainCarContinuous-v0")));
        double before = algorithm.Evaluate(episodes: 20, seed: 1000).MeanReturn;
        double after;
        do
        {
            for (int i = 0; i < 5; i++) algorithm.RunIteration();
            after = algorithm.Evaluate(episodes: 100, seed: 1000).MeanReturn;
        } while (after < 90 && algorithm.EnvSteps < 500_000);

        Assert.True(before < 10, $"the untrained policy already scores {before:F1}");
        Assert.True(after >= 90, $"ARS: {after:F1} over 100 episodes after {algorithm.EnvSteps} steps");
    }
}
