using Rl.Agents.PolicyGradient;
using Rl.Agents.Training;
using Rl.Experiments.Training;

namespace Rl.Experiments.Tests;

/// <summary>ppo, a2c and dqn through the runner: shipped configs, the [wrappers] table, the replay buffer in the newest checkpoint only, resume.</summary>
public class PpoDqnTrainingTests : ConsoleTest
{
    private static readonly string[] Short =
    [
        "--set", "run.stop_when_solved=false", "--set", "run.checkpoint_interval=1000", "--set", "run.eval_episodes=2",
        "--set", "run.device=cpu", "--set", "run.progress_seconds=0", "--set", "run.eval_interval=0",
    ];

    [Theory]
    [InlineData("ppo", "config.num_steps=64")]
    [InlineData("a2c", "config.num_steps=16")]
    [InlineData("dqn", "config.steps_per_iteration=512")]
    public void ShippedCartPoleConfigTrainsAndResumesExactly(string algo, string iterationSize)
    {
        using var dir = new TempDir();
        string whole = dir.Sub("whole"), part = dir.Sub("part");
        string[] Args(string run, int steps) => ["train", algo, "CartPole-v1", "--out", run, "--set", $"run.total_steps={steps}", "--set", iterationSize, .. Short];
        var (code, output, err) = Rl(Args(whole, 4096));
        Assert.True(code == 0, err);
        Assert.Contains($"configs/{algo}-CartPole-v1.toml", output);
        Assert.Equal(0, Rl(Args(part, 2048)).Code);
        var resumed = Rl("train", "--resume", part, "--set", "run.total_steps=4096");
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Equal(File.ReadAllText(Path.Combine(whole, "metrics.csv")), File.ReadAllText(Path.Combine(part, "metrics.csv")));
    }

    [Fact]
    public void ShippedBreakoutConvPpoGivesTheSameMetricsWithOneAndTwoThreads()
    {
        // The shipped pixel config (64x64 frames, frame skip, stack, Nature conv net), shrunk to small rollouts: acting runs on
        // one thread and the update on torch_threads, and the thread count must not change a single bit of the results.
        global::Rl.Agents.BuiltInAlgorithms.EnsureRegistered();
        var (name, text) = ShippedConfigs.Find("ppo-Breakout-v0.toml")!.Value;
        var config = ExperimentConfig.Parse(text, name, device: "cpu");
        var small = (global::Rl.Agents.ActorCritic.PpoConfig)config.Config with { NumEnvs = 2, NumSteps = 32, MinibatchSize = 32, Epochs = 2 };
        var context = new TrainingContext { MakeEnv = config.MakeEnv, Seed = 3, Threads = 2, Device = "cpu" };
        using var one = new global::Rl.Agents.ActorCritic.Ppo(small with { TorchThreads = 1 }, context);
        using var two = new global::Rl.Agents.ActorCritic.Ppo(small with { TorchThreads = 2 }, context);
        for (int i = 0; i < 2; i++)
        {
            TorchSharp.torch.set_num_threads(1);
            var a = one.RunIteration();
            TorchSharp.torch.set_num_threads(2);
            var b = two.RunIteration();
            Assert.Equal(a.EpisodeReturns, b.EpisodeReturns);
            Assert.Equal(a.Scalars.OrderBy(p => p.Key), b.Scalars.OrderBy(p => p.Key));
        }
        Assert.Equal(ModuleState.Save(one.Network), ModuleState.Save(two.Network));
    }

    [Fact]
    public void TheReplayBufferGoesIntoTheNewestCheckpointOnly()
    {
        using var dir = new TempDir();
        string run = dir.Sub("dqn");
        var (code, _, err) = Rl(["train", "dqn", "CartPole-v1", "--out", run, "--set", "run.total_steps=3072", "--set", "config.steps_per_iteration=1024", .. Short]);
        Assert.True(code == 0, err);
        var files = CheckpointStore.Files(Path.Combine(run, "checkpoints"));
        Assert.True(files.Count >= 2, $"{files.Count} checkpoints");
        Assert.True(File.Exists(Checkpoint.NewestOnlyPath(files[0])));
        Assert.All(files.Skip(1), f => Assert.False(File.Exists(Checkpoint.NewestOnlyPath(f))));
        Assert.Contains(Checkpoint.Read(files[0]).Keys, k => k.StartsWith(Checkpoint.NewestOnlyPrefix + "replay/frames", StringComparison.Ordinal));
        Assert.DoesNotContain(Checkpoint.Read(files[1]).Keys, k => k.StartsWith(Checkpoint.NewestOnlyPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public void WrappersTableStacksSkipsAndIsValidated()
    {
        global::Rl.Agents.BuiltInAlgorithms.EnsureRegistered();
        var text = "algo = \"ppo\"\nenv = \"BreakoutState-v0\"\n[wrappers]\nframe_skip = 4\nframe_stack = 3\nnoop_max = 5\nsticky_actions = 0.25\n";
        var config = ExperimentConfig.Parse(text, "test.toml");
        using var env = config.MakeEnv();
        Assert.Equal([3, 54], env.ObservationSpace.Shape);
        Assert.Contains("frame_stack = 3", config.ToToml());
        var e = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse(text + "frame_skip = 0\n".Replace("frame_skip", "frames"), "bad.toml"));
        Assert.Contains("frames", e.Message);
        e = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse(text.Replace("frame_skip = 4", "frame_skip = 0"), "bad.toml"));
        Assert.Contains("frame_skip", e.Message);
    }
}
