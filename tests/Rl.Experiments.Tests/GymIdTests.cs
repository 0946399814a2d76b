using Rl.Experiments.Cli;
using Rl.Experiments.Commands;
using Rl.Experiments.Training;

namespace Rl.Experiments.Tests;

/// <summary>
/// <c>gym:</c> ids keep Gymnasium's metadata (the spec's reward threshold; the shipped config of the native id) and can be
/// filmed (frames from Python), with a render failure reported before anything runs. The Python side is the Gymnasium
/// stand-in of the environment tests (PythonEnvs/rl_testenvs), selected with <c>python_module</c>.
/// </summary>
public sealed class GymIdTests
{
    private const string Kwargs = "\n[env_kwargs]\npython_module = \"rl_testenvs\"\n";

    public GymIdTests()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "PythonEnvs");
        string? path = Environment.GetEnvironmentVariable("PYTHONPATH");
        if (path is null || !path.Split(Path.PathSeparator).Contains(folder))
            Environment.SetEnvironmentVariable("PYTHONPATH", string.IsNullOrEmpty(path) ? folder : folder + Path.PathSeparator + path);
    }

    [Fact]
    public void TheSpecsRewardThresholdIsInForce()
    {
        var config = ExperimentConfig.Parse("algo = \"ars\"\nenv = \"gym:CartPole-v1\"\n" + Kwargs, "test");
        Assert.Equal(475.0, config.RewardThreshold);
        var own = ExperimentConfig.Parse("algo = \"ars\"\nenv = \"gym:CartPole-v1\"\n[run]\nreward_threshold = 100.0\n" + Kwargs, "test");
        Assert.Equal(100.0, own.RewardThreshold);
    }

    [Fact]
    public void TheShippedConfigOfTheNativeIdIsUsed()
    {
        var (name, text) = ShippedConfigs.For("ars", "gym:CartPole-v1")!.Value;
        Assert.Equal("ars-CartPole-v1.toml", name);
        var config = ExperimentConfig.Parse(text + Kwargs, name);
        Assert.Equal("gym:CartPole-v1", config.Env);
        var native = ExperimentConfig.Parse(ShippedConfigs.Find("ars-CartPole-v1.toml")!.Value.Text, name);
        Assert.Equal(native.Config.ToString(), config.Config.ToString());
        Assert.Equal(native.Run.TotalSteps, config.Run.TotalSteps);
        Assert.Null(ShippedConfigs.For("ars", "gym:NoSuchEnv-v0"));
    }

    [Fact]
    public void APythonEnvironmentIsFilmedFromItsFramesAndAFailureIsReportedFirst()
    {
        var config = ExperimentConfig.Parse("algo = \"ars\"\nenv = \"gym:CartPole-v1\"\n" + Kwargs, "test");
        VideoRecording.EnsureFilmable(VideoRecording.Filmable(config), "rl eval");
        using (var env = VideoRecording.Filmable(config)())
            Assert.Equal("rgb_array", ((Rl.Environments.Python.IPythonEnv)env).RenderMode);
        // A render mode that gives no frames is caught before training or evaluation starts.
        var human = ExperimentConfig.Parse("algo = \"ars\"\nenv = \"gym:CartPole-v1\"\n" + Kwargs + "render_mode = \"ansi\"\n", "test");
        var e = Assert.Throws<UsageException>(() => VideoRecording.EnsureFilmable(VideoRecording.Filmable(human), "rl train"));
        Assert.StartsWith("rl train --record-video: cannot film gym:CartPole-v1: ", e.Message);
        Assert.Contains("render_mode=rgb_array", e.Message);
    }
}
