using System.Text.Json;
using Rl.Core;
using Rl.Environments;
using Rl.Experiments.Cli;
using Rl.Experiments.Training;
using Rl.Tests;

namespace Rl.Experiments.Tests;

/// <summary><c>--env-assembly PATH</c> and <c>env_assemblies</c>: a user's environment assembly in the runner's commands.</summary>
public class EnvAssemblyTests : ConsoleTest
{
    private static string FixturePath() => TestEnvironmentsAssembly.FilePath;

    private static List<JsonElement> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    [Fact]
    public void RolloutRunsAnEnvironmentFromTheUsersAssembly()
    {
        var (code, output, err) = Rl("rollout", "Seek-v0", "--env-assembly", FixturePath(), "--seed", "3", "--actions", "1,1,1");
        Assert.True(code == 0, err);
        var lines = Lines(output);
        Assert.Equal(4, lines.Count);

        // The same environment made from the registry the option filled gives the same trajectory.
        using var env = Envs.Make<float[], int>("Seek-v0");
        Assert.Equal(env.Reset(seed: 3).Observation[0], lines[0].GetProperty("obs")[0].GetSingle());
        for (int t = 1; t < lines.Count; t++)
        {
            var step = env.Step(1);
            Assert.Equal(step.Observation[0], lines[t].GetProperty("obs")[0].GetSingle());
            Assert.Equal(step.Reward, lines[t].GetProperty("reward").GetDouble());
            if (step.Terminated) break;
        }
    }

    [Fact]
    public void TrainingOnTheUsersEnvironmentSolvesItRecordsTheAssemblyAndEvalReloadsIt()
    {
        using var dir = new TempDir();
        string fixture = FixturePath();
        string run = dir.Sub("run");
        var (code, output, err) = Rl("train", "ars", "Seek-v0", "--env-assembly=" + fixture, "--out", run, "--seed", "0", "--plain",
            "--set", "run.total_steps=20000", "--set", "run.eval_episodes=20");
        Assert.True(code == 0, $"rl train exited with {code}: {err}\n{output}");
        Assert.Contains("training ars on Seek-v0", output);
        Assert.Contains("solved after", output);

        // The run's resolved config names the assembly by its full path, so eval and --resume find it from anywhere.
        var stored = ExperimentConfig.Parse(File.ReadAllText(Path.Combine(run, "config.toml")), "config.toml");
        Assert.Equal([fixture], stored.EnvAssemblies);

        // Evaluation with video: the environment draws itself (IRenderable), the runner renders and encodes it.
        string videos = dir.Sub("videos");
        (code, output, err) = Rl("eval", run, "--episodes", "2", "--record-video", videos);
        Assert.True(code == 0, $"rl eval exited with {code}: {err}");
        Assert.Contains("ars on Seek-v0", output);
        Assert.Contains("reward threshold 0.8:", output); // the threshold the user's registration gave
        var files = Directory.GetFiles(videos);
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.True(new FileInfo(f).Length > 0, f));
    }

    [Fact]
    public void AConfigNamesAssembliesRelativeToItsOwnFolder()
    {
        using var dir = new TempDir();
        string fixture = FixturePath();
        string configFile = dir.Sub("seek.toml");
        File.WriteAllText(configFile, $"""
            algo = "ars"
            env = "Seek-v0"
            seed = 1
            env_assemblies = [{JsonSerializer.Serialize(Path.GetRelativePath(dir.Path, fixture))}]
            """);
        UserEnvironments.BeginCommand("train", []);
        try
        {
            var config = ExperimentConfig.Parse(File.ReadAllText(configFile), configFile);
            Assert.Equal([fixture], config.EnvAssemblies);
            Assert.Contains($"env_assemblies = [{JsonSerializer.Serialize(fixture)}]", config.ToToml());

            var e = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse(
                "algo = \"ars\"\nenv = \"CartPole-v1\"\nenv_assemblies = \"one.dll\"\n", "bad.toml"));
            Assert.Contains("'env_assemblies' = \"one.dll\" must be an array of assembly paths", e.Message);

            e = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse(
                "algo = \"ars\"\nenv = \"CartPole-v1\"\nenv_assemblies = [\"missing.dll\"]\n", configFile));
            Assert.Contains($"'env_assemblies': environment assembly '{dir.Sub("missing.dll")}' not found", e.Message);
        }
        finally
        {
            UserEnvironments.EndCommand();
        }
    }

    [Fact]
    public void AWorkerNeverLoadsTheAssembliesOfTheConfigALearnerSends()
    {
        string learnerConfig = "algo = \"ars\"\nenv = \"Unseen-v0\"\nenv_assemblies = [\"/learner/only/Envs.dll\"]\n";
        Assert.False(UserEnvironments.ConfigMayLoadFor("worker"));
        Assert.True(UserEnvironments.ConfigMayLoadFor("train"));
        var (code, _, err) = Rl("worker", "--env-assembly", "/no/such/Envs.dll"); // its own command line: loaded, or an error
        Assert.Equal(2, code);
        Assert.Contains("rl worker: --env-assembly: environment assembly '/no/such/Envs.dll' not found", err);

        UserEnvironments.BeginCommand("worker", []); // as while `rl worker` runs

        var e = Assert.Throws<ConfigException>(() => ClusterRollouts.Resolver(new Rl.Distributed.WorkerPermissions())(learnerConfig));
        Assert.Contains("unknown environment 'Unseen-v0'", e.Message);
        Assert.Contains("a worker loads only the assemblies on its own command line", e.Message);
        Assert.DoesNotContain("/learner/only/Envs.dll", EnvironmentAssemblies.Paths);
        Assert.DoesNotContain("not found", e.Message); // the path was never even looked at
        UserEnvironments.EndCommand();
    }

    [Fact]
    public void BadAssembliesAreRejectedNamingTheOptionAndTheFile()
    {
        using var dir = new TempDir();
        string missing = dir.Sub("nowhere.dll");
        var (code, _, err) = Rl("rollout", "CartPole-v1", "--env-assembly", missing);
        Assert.Equal(2, code);
        Assert.Contains($"rl rollout: --env-assembly: environment assembly '{missing}' not found", err);

        string text = dir.Sub("notes.dll");
        File.WriteAllText(text, "not an assembly");
        (code, _, err) = Rl("train", "ars", "CartPole-v1", "--env-assembly", text);
        Assert.Equal(2, code);
        Assert.Contains($"rl train: --env-assembly: environment assembly '{text}' is not a .NET assembly", err);

        string native = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        Assert.True(File.Exists(native), native);
        (code, _, err) = Rl("eval", "some-run", "--env-assembly", native);
        Assert.Equal(2, code);
        Assert.Contains("is not a .NET assembly", err);

        string noEnvironments = typeof(Tomlyn.Model.TomlTable).Assembly.Location;
        (code, _, err) = Rl("rollout", "CartPole-v1", "--env-assembly", noEnvironments);
        Assert.Equal(2, code);
        Assert.Contains($"environment assembly '{noEnvironments}' registers no environments: add [assembly: Rl.Core.EnvironmentRegistrar(typeof(YourRegistrar))]", err);

        (code, _, err) = Rl("rollout", "CartPole-v1", "--env-assembly");
        Assert.Equal(2, code);
        Assert.Contains("rl rollout: option --env-assembly needs a value", err);

        (code, _, err) = Rl("algos", "--env-assembly", FixturePath());
        Assert.Equal(2, code);
        Assert.Contains("rl algos: unknown option '--env-assembly'", err);
    }

    [Fact]
    public void AFailedLoadLeavesNoAssemblyForALaterConfigToRecord()
    {
        string noEnvironments = typeof(Tomlyn.Model.TomlTable).Assembly.Location;
        Assert.Throws<EnvironmentAssemblyLoadException>(() => UserEnvironments.BeginCommand("rollout", [noEnvironments]));
        Assert.Empty(UserEnvironments.CommandLinePaths);
        Assert.False(UserEnvironments.ConfigMayLoad);
        var config = ExperimentConfig.Parse(ShippedConfigs.For("ars", "CartPole-v1")!.Value.Text, "ars-CartPole-v1");
        Assert.DoesNotContain("Tomlyn", config.ToToml());
    }

    [Fact]
    public async Task ACommandsAssembliesAreNotSeenByACommandRunningBesideIt()
    {
        string fixture = FixturePath();
        using var started = new ManualResetEventSlim();
        using var checkedBeside = new ManualResetEventSlim();
        var command = Task.Run(() =>
        {
            UserEnvironments.BeginCommand("rollout", [fixture]);
            try
            {
                started.Set();
                checkedBeside.Wait(TimeSpan.FromSeconds(30));
                return UserEnvironments.CommandLinePaths.ToList();
            }
            finally
            {
                UserEnvironments.EndCommand();
            }
        });
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        var beside = await Task.Run(() => UserEnvironments.CommandLinePaths.ToList());
        checkedBeside.Set();
        Assert.Empty(beside);
        Assert.Equal([Path.GetFullPath(fixture)], await command);
    }

    [Theory]
    [InlineData("train")]
    [InlineData("eval")]
    [InlineData("rollout")]
    [InlineData("watch")]
    [InlineData("play")]
    [InlineData("worker")]
    public void EveryCommandThatMakesEnvironmentsDocumentsTheOption(string command)
    {
        var (code, output, _) = Rl(command, "--help");
        Assert.Equal(0, code);
        Assert.Contains("--env-assembly <PATH>", output);
    }
}

/// <summary><c>rl play</c> of a user's environment: a window, keys from a script, demonstrations recorded.</summary>
[Collection("Display")]
public sealed class EnvAssemblyPlayTests(Rl.Rendering.Tests.XvfbDisplay display)
{
    [Fact]
    public async Task APersonPlaysTheUsersEnvironmentAndItsDemonstrationsAreRecorded()
    {
        Assert.False(string.IsNullOrEmpty(display.Display));
        using var dir = new TempDir();
        string script = dir.Sub("keys.txt");
        File.WriteAllText(script, "RIGHT *40\n");
        string demos = dir.Sub("demos");
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "rl.dll"), "play", "Seek-v0", "--env-assembly", TestEnvironmentsAssembly.FilePath,
                     "--record", demos, "--input-script", script, "--episodes", "1", "--fps", "0", "--seed", "2" })
            psi.ArgumentList.Add(a);
        using var rl = System.Diagnostics.Process.Start(psi)!;
        var stdout = rl.StandardOutput.ReadToEndAsync();
        string err = await rl.StandardError.ReadToEndAsync();
        Assert.True(rl.WaitForExit(90_000), "rl play did not finish");
        Assert.True(rl.ExitCode == 0, $"rl play exited with {rl.ExitCode}: {err}");
        Assert.Contains("step right", await stdout); // the key map of the user's environment, shown to the player

        var manifest = Rl.Core.Demonstrations.DemonstrationManifest.Read(demos);
        var episode = Assert.Single(manifest.Episodes);
        Assert.Equal(2, episode.Seed);
    }
}
