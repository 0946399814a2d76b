using Rl.Agents.GradientFree;
using Rl.Agents.Policies;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Environments;
using Rl.Environments.Arcade;
using Rl.Environments.Kart;
using Rl.Rendering;

namespace Rl.Experiments.Tests.Games;

/// <summary>
/// A conv policy trained from pixels by a gradient-free agent drives the kart far better than random driving. Small budget:
/// one fixed track, 32 x 32 grayscale egocentric frames, 200-step episodes (the settings of experiments/configs/es-Kart-v0.toml
/// and ars-Kart-v0.toml, with half the budget).
/// </summary>
public class KartPixelLearningTests
{
    private static readonly MakeOptions Settings = new()
    {
        Kwargs = OptionSet.Of(("track_seed", 0), ("width", 32), ("height", 32), ("grayscale", true), ("normalize_reward", true)),
        MaxEpisodeSteps = 200,
    };

    private static EnvRegistry Registry()
    {
        var registry = new EnvRegistry();
        Envs.RegisterBuiltIns(registry);
        KartEnvs.RegisterPixels(registry, RenderingEnvs.MakePixels);
        ArcadeEnvs.RegisterPixels(registry, RenderingEnvs.MakePixels);
        return registry;
    }

    private static double RandomPolicyReturn(EnvRegistry registry)
    {
        using var env = registry.Make<byte[], float[]>(KartEnvs.PixelsId, Settings);
        env.ActionSpace.Seed(123);
        double total = 0;
        for (int episode = 0; episode < 10; episode++)
        {
            env.Reset(10_000 + episode);
            StepResult<byte[]> r;
            do
            {
                r = env.Step(env.ActionSpace.Sample());
                total += r.Reward;
            } while (!r.Done);
        }
        return total / 10;
    }

    // ES with es-Kart-v0.toml's settings learns too, a little more slowly (about 18 after 25.6k steps); one agent keeps the test short.
    [Fact]
    public void ArsConvPolicyFromPixelsBeatsRandomDriving()
    {
        var registry = Registry();
        double random = RandomPolicyReturn(registry);
        var context = new TrainingContext { MakeEnv = () => registry.Make(KartEnvs.PixelsId, Settings), Seed = 0, Threads = 2 };
        using var agent = new Ars(new ArsConfig
        {
            Policy = PolicyKind.Conv, ConvChannels = [8, 16], ConvKernels = [5, 3], ConvStrides = [2, 2], BoxActions = BoxActionMode.Tanh,
            Version = ArsVersion.V1, Directions = 8, TopDirections = 4, StepSize = 0.05, NoiseStd = 0.2,
        }, context);
        double before = agent.Evaluate(5, seed: 10_000).MeanReturn;
        while (agent.EnvSteps < 25_600) agent.RunIteration();
        double after = agent.Evaluate(5, seed: 10_000).MeanReturn;

        // Returns are hundredths of the race (one lap); random driving makes well under one.
        Assert.InRange(random, -1, 1.5);
        Assert.True(after >= 15 && after >= 10 * Math.Max(random, 0.5) && after > before + 10,
            $"ARS: {after:F2} after {agent.EnvSteps} steps (before training {before:F2}, random driving {random:F2})");
    }
}
