using Rl.Agents.GradientFree;
using Rl.Agents.Policies;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Environments;
using Rl.Environments.Arcade;
using Rl.Rendering;
using Xunit.Abstractions;

namespace Rl.Experiments.Tests.Games;

/// <summary>
/// A conv policy trained from pixels by a gradient-free agent scores far more bricks than random play in the arcade game.
/// </summary>
public class BreakoutPixelLearningTests(ITestOutputHelper output)
{
    private static MakeOptions Settings(double hitReward) => new()
    {
        Kwargs = OptionSet.Of(("lives", 1), ("width", 32), ("height", 32), ("grayscale", true), ("hit_reward", hitReward)),
        MaxEpisodeSteps = 500,
    };

    private static EnvRegistry Registry()
    {
        var registry = new EnvRegistry();
        Envs.RegisterBuiltIns(registry);
        ArcadeEnvs.RegisterPixels(registry, RenderingEnvs.MakePixels);
        return registry;
    }

    // Mean bricks (the env's own reward, no shaping) per episode over 10 fixed-seed episodes, acting with `act`.
    private static double MeanBricks(EnvRegistry registry, Func<byte[], int> act)
    {
        using var env = registry.Make<byte[], int>(ArcadeEnvs.BreakoutPixelsId, Settings(0));
        double total = 0;
        for (int episode = 0; episode < 10; episode++)
        {
            var obs = env.Reset(10_000 + episode).Observation;
            StepResult<byte[]> r;
            do
            {
                r = env.Step(act(obs));
                obs = r.Observation;
                total += r.Reward;
            } while (!r.Done);
        }
        return total / 10;
    }

    [Fact]
    public void ArsConvPolicyFromPixelsBeatsRandomPlay()
    {
        var registry = Registry();
        var actions = new Rl.Core.Spaces.Discrete(3);
        actions.Seed(123);
        double random = MeanBricks(registry, _ => actions.Sample());

        int steps = int.Parse(Environment.GetEnvironmentVariable("BO_STEPS") ?? "50000");
        double hit = double.Parse(Environment.GetEnvironmentVariable("BO_HIT") ?? "1");
        var version = (Environment.GetEnvironmentVariable("BO_V") ?? "1") == "2" ? ArsVersion.V2 : ArsVersion.V1;
        int ch = int.Parse(Environment.GetEnvironmentVariable("BO_CH") ?? "8");
        int k = int.Parse(Environment.GetEnvironmentVariable("BO_K") ?? "4");
        double lr = double.Parse(Environment.GetEnvironmentVariable("BO_LR") ?? "0.05");
        double sd = double.Parse(Environment.GetEnvironmentVariable("BO_SD") ?? "0.2");
        int dirs = int.Parse(Environment.GetEnvironmentVariable("BO_DIRS") ?? "8");
        var context = new TrainingContext { MakeEnv = () => registry.Make(ArcadeEnvs.BreakoutPixelsId, Settings(hit)), Seed = 0, Threads = 2 };
        using var agent = new Ars(new ArsConfig
        {
            Policy = PolicyKind.Conv, ConvChannels = [ch], ConvKernels = [k], ConvStrides = [k], ConvPooling = ConvPooling.None,
            Version = version, Directions = dirs, TopDirections = dirs / 2, StepSize = lr, NoiseStd = sd,
        }, context);
        var rng = new Rng(7);
        while (agent.EnvSteps < steps)
        {
            var it = agent.RunIteration();
            if (agent.Iteration % 10 == 0)
                output.WriteLine($"{agent.EnvSteps} {it.EpisodeReturns.Average():F2}");
        }
        var policy = agent.Policy;
        double after = MeanBricks(registry, obs => (int)policy.Act(obs, true, rng));
        output.WriteLine($"random {random:F2} after {after:F2}");
        Assert.True(after >= 2 * random, $"{after} vs {random}");
    }
}
