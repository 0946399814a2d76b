using Rl.Experiments.Commands;
using Rl.Experiments.Training;

namespace Rl.Experiments.Tests;

public class ConfigTests : ConsoleTest
{
    public ConfigTests() => TestAlgorithms.EnsureRegistered();

    private const string Full = """
        algo = "test-hillclimb"
        env = "CartPole-v1"
        seed = 11

        [run]
        total_steps = 5000
        stop_when_solved = false
        reward_threshold = 200
        device = "cpu"

        [config]
        noise_std = 0.25
        episodes_per_candidate = 3
        nan_in = "histogram"
        feature_scale = [1, 0.5, 2, 1.5]
        label = "x"
        max_candidates = 7

        [config.init]
        scale = 0.1

        [env_kwargs]
        sutton_barto_reward = true
        """;

    private static ConfigException Rejects(string text, params string[] overrides) =>
        Assert.Throws<ConfigException>(() => ExperimentConfig.Parse(text, "test.toml", overrides));

    [Fact]
    public void EveryKindOfKeyIsBoundToTheTypedRecords()
    {
        var c = ExperimentConfig.Parse(Full, "test.toml");
        Assert.Equal(("test-hillclimb", "CartPole-v1", 11L), (c.Algo, c.Env, c.Seed));
        Assert.Equal(5000, c.Run.TotalSteps);
        Assert.False(c.Run.StopWhenSolved);
        Assert.Equal(200.0, c.RewardThreshold);
        Assert.Equal(100, c.Run.EvalEpisodes); // default kept
        var h = Assert.IsType<HillClimbConfig>(c.Config);
        Assert.Equal(0.25, h.NoiseStd);
        Assert.Equal(3, h.EpisodesPerCandidate);
        Assert.Equal(NanTarget.Histogram, h.NanIn);
        Assert.Equal([1, 0.5, 2, 1.5], h.FeatureScale);
        Assert.Equal("x", h.Label);
        Assert.Equal(7, h.MaxCandidates);
        Assert.Equal(0.1, h.Init.Scale);
        Assert.Equal(0.01, h.MinNoiseStd); // default kept
        Assert.Equal(true, c.EnvKwargs["sutton_barto_reward"]);
    }

    [Fact]
    public void OverridesAndCommandLineSeedAndDeviceWin()
    {
        var c = ExperimentConfig.Parse(Full, "test.toml",
            ["run.total_steps=1234", "config.noise_std=2", "config.init.scale=0.5", "config.label=plain words", "config.nan_in=scalar",
             "config.feature_scale=[1, 1, 1, 1]", "env_kwargs.sutton_barto_reward=false", "run.reward_threshold=1e2"],
            seed: 99, device: "auto");
        var h = (HillClimbConfig)c.Config;
        Assert.Equal(1234, c.Run.TotalSteps);
        Assert.Equal((2.0, 0.5, "plain words", NanTarget.Scalar), (h.NoiseStd, h.Init.Scale, h.Label, h.NanIn));
        Assert.Equal([1.0, 1, 1, 1], h.FeatureScale);
        Assert.Equal(false, c.EnvKwargs["sutton_barto_reward"]);
        Assert.Equal((99L, "auto", 100.0), (c.Seed, c.Run.Device, c.Run.RewardThreshold));
    }

    [Fact]
    public void DefaultsNeedOnlyAlgoAndEnvAndTheSeedIsDrawnAndRecorded()
    {
        var c = ExperimentConfig.Parse("algo = \"test-hillclimb\"\nenv = \"CartPole-v1\"\n", "short");
        Assert.Equal(new RunConfig(), c.Run);
        Assert.Equal(0.5, ((HillClimbConfig)c.Config).NoiseStd);
        Assert.Equal(475.0, c.RewardThreshold);
        var again = ExperimentConfig.Parse(c.ToToml(), "resolved");
        Assert.Equal(c.Seed, again.Seed);
    }

    [Fact]
    public void ResolvedConfigRoundTripsWithEveryKey()
    {
        var c = ExperimentConfig.Parse(Full, "test.toml");
        string toml = c.ToToml();
        foreach (var key in new[] { "total_steps = 5000", "eval_episodes = 100", "noise_std = 0.25", "nan_in = \"histogram\"", "[config.init]",
                     "scale = 0.1", "feature_scale = [1.0, 0.5, 2.0, 1.5]", "sutton_barto_reward = true", "seed = 11", "[versions]", "torchsharp = " })
            Assert.Contains(key, toml);
        Assert.Contains("# max_episode_steps = (unset)", toml);
        var back = ExperimentConfig.Parse(toml, "resolved");
        Assert.Equal(toml, back.ToToml());
        Assert.Equal(c.Run, back.Run);
    }

    [Fact]
    public void UnknownKeysAreRejectedListingTheValidOnes()
    {
        var e = Rejects(Full, "config.noise_sdt=1");
        Assert.Contains("unknown key 'config.noise_sdt'", e.Message);
        Assert.Contains("noise_std, min_noise_std, noise_decay, episodes_per_candidate", e.Message);

        e = Rejects(Full, "run.totl_steps=5");
        Assert.Contains("unknown key 'run.totl_steps'", e.Message);
        Assert.Contains("total_steps", e.Message);

        e = Rejects(Full.Replace("[run]\n", "[run]\nextra = 1\n"));
        Assert.Contains("unknown key 'run.extra'; valid keys in [run]: total_steps, max_iterations", e.Message);
    }

    [Fact]
    public void UnknownTopLevelKeysNestedKeysAndTablesAreRejected()
    {
        Assert.Contains("unknown top-level key 'sed'; valid keys: algo, env, seed, env_assemblies, run, config, env_kwargs, eval_env_kwargs, wrappers, versions",
            Rejects(Full, "sed=1").Message);
        Assert.Contains("unknown key 'config.init.scael'", Rejects(Full, "config.init.scael=1").Message);
        Assert.Contains("must be a table", Rejects(Full.Replace("[config.init]\nscale = 0.1", "init = 3")).Message);
        Assert.Contains("'run' must be a table", Rejects("algo = \"test-hillclimb\"\nenv = \"CartPole-v1\"\nrun = 5\n").Message);
    }

    [Theory]
    [InlineData("config.noise_std=\"big\"", "'config.noise_std' = \"big\" has the wrong type: expected float")]
    [InlineData("config.episodes_per_candidate=2.5", "'config.episodes_per_candidate' = 2.5 has the wrong type: expected int")]
    [InlineData("run.stop_when_solved=1", "'run.stop_when_solved' = 1 has the wrong type: expected bool")]
    [InlineData("config.nan_in=sideways", "expected one of: scalar, histogram")]
    [InlineData("config.feature_scale=[1, \"a\"]", "'config.feature_scale'")]
    [InlineData("seed=1.5", "'seed' = 1.5 has the wrong type: expected int")]
    [InlineData("algo=3", "'algo' = 3 must be a non-empty string")]
    [InlineData("run.max_episode_steps=3000000000", "expected int")]
    public void WrongTypesAreRejected(string set, string message) => Assert.Contains(message, Rejects(Full, set).Message);

    [Theory]
    [InlineData("run.total_steps=0", "'run.total_steps' = 0 is out of range: must be >= 1")]
    [InlineData("config.noise_std=-1", "'config.noise_std' = -1.0 is out of range: must be in [1E-06, 100]")]
    [InlineData("config.episodes_per_candidate=0", "must be in [1, 100]")]
    [InlineData("config.init.scale=11", "'config.init.scale' = 11.0 is out of range")]
    [InlineData("config.max_candidates=0", "'config.max_candidates' = 0 is out of range")]
    [InlineData("run.device=tpu", "device 'tpu' is not one of auto, cpu, cuda")]
    [InlineData("config.min_noise_std=0.9", "'config.min_noise_std', 'config.noise_std': min_noise_std 0.9 exceeds noise_std 0.25")]
    public void OutOfRangeValuesAreRejected(string set, string message) => Assert.Contains(message, Rejects(Full, set).Message);

    [Fact]
    public void AllProblemsAreReportedAtOnce()
    {
        var e = Rejects(Full, "run.total_steps=0", "config.noise_std=x", "config.bogus=1", "nope=2");
        Assert.Equal(4, e.Message.Split('\n').Count(l => l.TrimStart().StartsWith("- ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("reinforce", "config.gamma=2", "config.num_envs=0", "config.baseline=bogus", "run.total_steps=0", "gamma = 2 must be in [0, 1]")]
    [InlineData("ars", "config.step_size=-2", "config.noise_std=-1", "config.episodes_per_candidate=0", "run.total_steps=0", "step_size = -2")]
    [InlineData("bc", "config.patience=-2", "config.minibatch_size=0", "config.learning_rate=-1", "run.total_steps=0", "learning_rate = -1")]
    public void EveryErrorOfAnAlgorithmConfigAndItsOverridesIsReportedInOneMessage(string algo, string a, string b, string c, string d, string expected)
    {
        global::Rl.Agents.BuiltInAlgorithms.EnsureRegistered();
        var e = Rejects($"algo = \"{algo}\"\nenv = \"CartPole-v1\"\n", a, b, c, d);
        Assert.Equal(4, e.Message.Split('\n').Count(l => l.TrimStart().StartsWith("- ", StringComparison.Ordinal)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void UnknownAlgorithmEnvironmentAndMissingKeys()
    {
        Assert.Contains("unknown algorithm 'nope'; registered: ", Rejects(Full, "algo=nope").Message);
        Assert.Contains("test-hillclimb", Rejects(Full, "algo=nope").Message);
        var env = Rejects(Full, "env=CartPole-v7").Message;
        Assert.Contains("unknown environment 'CartPole-v7'; registered: ", env);
        Assert.Contains("CartPole-v1", env);
        var missing = Rejects("[run]\ntotal_steps = 5\n");
        Assert.Contains("missing 'algo'", missing.Message);
        Assert.Contains("missing 'env'", missing.Message);
    }

    [Fact]
    public void MalformedTomlNamesTheSourceAndPosition()
    {
        var e = Rejects("algo = \"test-hillclimb\"\nenv = \n");
        Assert.Contains("test.toml is not valid TOML", e.Message);
        Assert.Contains("(2,", e.Message);
        Assert.Contains("not valid TOML", Rejects("algo = \"a\"\nalgo = \"b\"\nenv = \"CartPole-v1\"\n").Message);
        Assert.Contains("not of the form key=value", Rejects(Full, "run.total_steps").Message);
    }

    [Fact]
    public void BadEnvironmentOptionsAndConfigsTheAlgorithmRejectsFailBeforeAnythingRuns()
    {
        using var dir = new TempDir();
        var kw = ExperimentConfig.Parse(Full, "test.toml", ["env_kwargs.gravity=3"]);
        var e = Assert.Throws<ConfigException>(() => TrainingSession.Create(kw, dir.Path));
        Assert.Contains("gravity", e.Message);
        Assert.False(File.Exists(Path.Combine(dir.Path, "config.toml")));

        var bad = ExperimentConfig.Parse(Full, "test.toml", ["config.feature_scale=[1, 2]"]);
        e = Assert.Throws<ConfigException>(() => TrainingSession.Create(bad, dir.Path));
        Assert.Contains("feature_scale has 2 entries but the observation has 4", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void TrainReportsConfigErrorsWithExitCode2()
    {
        var (code, _, err) = Rl("train", HillClimb.Id, "CartPole-v1", "--set", "config.noise_std=0", "--set", "run.bogus=1");
        Assert.Equal(2, code);
        Assert.Contains("'config.noise_std' = 0.0 is out of range", err);
        Assert.Contains("unknown key 'run.bogus'", err);
        (code, _, err) = Rl("train", "missing-file.toml");
        Assert.Equal(2, code);
        Assert.Contains("config file 'missing-file.toml' not found", err);
    }

    [Theory]
    [InlineData("StepSize", "step_size")]
    [InlineData("NumDirections", "num_directions")]
    [InlineData("MLPHidden", "mlp_hidden")]
    [InlineData("TopB", "top_b")]
    [InlineData("Gamma", "gamma")]
    [InlineData("Layer2Size", "layer2_size")]
    public void SnakeCaseKeys(string property, string key) => Assert.Equal(key, ConfigBinder.Snake(property));

    [Fact]
    public void AlgosListsKeysTypesDefaultsRangesAndDescriptions()
    {
        string output = RunCommand(AlgosCommand.Create, HillClimb.Id);
        Assert.Contains("test-hillclimb: Hill climbing on a linear policy", output);
        var line = output.Split('\n').Single(l => l.TrimStart().StartsWith("noise_std ", StringComparison.Ordinal));
        Assert.Contains("float", line);
        Assert.Contains("= 0.5", line);
        Assert.Contains("Std of the Gaussian perturbation", line);
        Assert.Contains("in [1E-06, 100]", line);
        Assert.Contains("init.scale", output);
        Assert.Contains("one of: scalar, histogram", output);
        string all = RunCommand(AlgosCommand.Create);
        Assert.Contains("total_steps", all);
        Assert.Contains("checkpoint_interval", all);
    }

    [Fact]
    public void EveryShippedConfigIsValid()
    {
        global::Rl.Agents.BuiltInAlgorithms.EnsureRegistered();
        foreach (var (name, text) in ShippedConfigs.All())
        {
            var c = ExperimentConfig.Parse(text, name);
            c.CheckEnvironment();
            Assert.NotNull(ShippedConfigs.For(c.Algo, c.Env));
        }
    }
}

/// <summary>A temporary directory removed at the end of a test.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Path = Directory.CreateTempSubdirectory("rl-test-").FullName;

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}

public class ReadmeTests
{
    private static string Readme() => Page("README.md");

    /// <summary>A documentation page of the repository (README.md, docs/...).</summary>
    private static string Page(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, relative)) && File.Exists(Path.Combine(dir.FullName, "Rl.sln")))
                return File.ReadAllText(Path.Combine(dir.FullName, relative));
        throw new FileNotFoundException($"{relative} above the test binaries");
    }

    [Fact]
    public void TheRunTableListsEveryRunKeyWithItsDefault()
    {
        string readme = Page("docs/runner.md"); // the [run] table of the config-file reference
        foreach (var key in ConfigBinder.Describe(typeof(RunConfig)))
        {
            if (key.Key.StartsWith("health.", StringComparison.Ordinal)) continue; // [run.health]: docs/training-health.md (HealthTests)
            var row = readme.Split('\n').FirstOrDefault(l => l.StartsWith($"| `{key.Key}` |", StringComparison.Ordinal));
            Assert.True(row is not null, $"docs/runner.md's [run] table lacks {key.Key}");
            string expected = key.Default.Length == 0 ? "(env's)" : key.Default.Replace(".0", "", StringComparison.Ordinal);
            Assert.Contains($"| {expected} |", row);
        }
    }

    [Fact]
    public void TheReadmeHasExactlyTwoSetUpCommands()
    {
        string setup = Readme().Split("## Set up and run")[1].Split("\n## ")[0];
        var blocks = setup.Split("```bash").Skip(1).Select(b => b.Split("```")[0].Trim()).ToList();
        Assert.Equal(["./rl train ars CartPole-v1", "./test.sh"], blocks);
    }
}
