using System.Globalization;
using System.Text.Json;
using Rl.Agents.Training;
using Rl.Experiments.Commands;
using Rl.Experiments.Training;

namespace Rl.Experiments.Tests;

/// <summary>The policy-gradient agents through the runner: shipped configs, metrics, checkpoints with optimizer state, resume.</summary>
public class PolicyGradientTrainingTests : ConsoleTest
{
    // Short iterations and a linear learning-rate schedule, so the checkpoint must carry the schedule's position.
    private static readonly string[] Short =
    [
        "--set", "run.stop_when_solved=false", "--set", "run.checkpoint_interval=1000", "--set", "run.eval_episodes=2",
        "--set", "run.device=cpu", "--set", "run.progress_seconds=0",
        "--set", "config.steps_per_iteration=500", "--set", "config.schedule.kind=linear", "--set", "config.schedule.horizon=100",
    ];

    private static (int Code, string Out, string Err) Train(string algo, string env, string runDir, long steps) =>
        Rl(["train", algo, env, "--out", runDir, "--set", $"run.total_steps={steps.ToString(CultureInfo.InvariantCulture)}", .. Short]);

    private static List<Dictionary<string, string>> Metrics(string runDir)
    {
        var lines = File.ReadAllLines(Path.Combine(runDir, "metrics.csv"));
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    private static Checkpoint Newest(string runDir) => Checkpoint.Read(CheckpointStore.Files(Path.Combine(runDir, "checkpoints"))[0]);

    // reinforce: the half-budget run's checkpoint and config.toml are rewritten with the flat keys of the versions before the
    // [config.network]/[config.optimizer]/[config.schedule] tables, as a run written by them; it resumes all the same.
    [Theory]
    [InlineData("reinforce", 1, true)]
    [InlineData("offpolicy-pg", 16, false)] // minibatches per iteration in the shipped config
    public void ShippedConfigTrainsCheckpointsOptimizerAndScheduleAndResumesExactly(string algo, int updatesPerIteration, bool storedBeforeTables)
    {
        using var dir = new TempDir();
        string whole = dir.Sub("whole"), part = dir.Sub("part");
        var (code, output, err) = Train(algo, "CartPole-v1", whole, 3000);
        Assert.True(code == 0, err);
        Assert.Contains($"using the shipped config configs/{algo}-CartPole-v1.toml", output);

        var rows = Metrics(whole);
        // Iterations of at least 500 steps (complete episodes) until the budget: the last one crosses it.
        Assert.InRange(rows.Count, 3, 6);
        Assert.True(long.Parse(rows[^1]["env_steps"], CultureInfo.InvariantCulture) >= 3000);
        Assert.True(long.Parse(rows[^2]["env_steps"], CultureInfo.InvariantCulture) < 3000);
        var rates = rows.Select(r => double.Parse(r["policy/learning_rate"], CultureInfo.InvariantCulture)).ToList();
        Assert.True(rates.Zip(rates.Skip(1)).All(p => p.Second < p.First), "the linear schedule lowers the rate every iteration");

        var checkpoint = Newest(whole);
        Assert.Equal(rows.Count * updatesPerIteration, checkpoint.GetArray<long>("policy/updates", 1)[0]);
        Assert.NotEmpty(checkpoint.GetBytes("policy/optimizer"));
        Assert.NotEmpty(checkpoint.GetBytes("baseline/parameters"));

        // Half the budget, then resumed to the full budget: the same metrics and parameters as the uninterrupted run.
        Assert.Equal(0, Train(algo, "CartPole-v1", part, 1500).Code);
        Assert.True(Metrics(part).Count < rows.Count);
        if (storedBeforeTables) StoreAsBeforeTheTables(part);
        var resumed = Rl("train", "--resume", part, "--set", "run.total_steps=3000");
        Assert.True(resumed.Code == 0, resumed.Err);
        if (storedBeforeTables)
        {
            Assert.Contains("old config key name(s) of an earlier version", resumed.Err);
            Assert.Contains("[config.optimizer]", File.ReadAllText(Path.Combine(part, "config.toml")));
        }
        Assert.Equal(File.ReadAllText(Path.Combine(whole, "metrics.csv")), File.ReadAllText(Path.Combine(part, "metrics.csv")));
        Assert.Equal(checkpoint.GetBytes("policy/parameters"), Newest(part).GetBytes("policy/parameters"));
        Assert.Equal(checkpoint.GetBytes("policy/optimizer"), Newest(part).GetBytes("policy/optimizer"));
    }

    // The flat keys of the configs written before the tables (old name per new key), as their resolved config.toml had them.
    private static readonly Dictionary<string, string> FlatKeys = new()
    {
        ["network.kind"] = "network", ["network.hidden_sizes"] = "hidden_sizes", ["network.activation"] = "activation", ["network.init"] = "init",
        ["network.layer_norm"] = "layer_norm", ["network.conv_channels"] = "conv_channels", ["network.conv_kernels"] = "conv_kernels",
        ["network.conv_strides"] = "conv_strides", ["network.conv_norm"] = "conv_norm", ["network.conv_groups"] = "conv_groups",
        ["network.conv_residual_blocks"] = "conv_residual_blocks", ["network.conv_pooling"] = "conv_pooling", ["network.conv_features"] = "conv_features",
        ["optimizer.kind"] = "optimizer", ["optimizer.learning_rate"] = "learning_rate", ["optimizer.momentum"] = "momentum",
        ["optimizer.nesterov"] = "nesterov", ["optimizer.beta1"] = "beta1", ["optimizer.beta2"] = "beta2", ["optimizer.alpha"] = "rmsprop_alpha",
        ["optimizer.epsilon"] = "optimizer_epsilon", ["optimizer.weight_decay"] = "weight_decay", ["optimizer.max_grad_norm"] = "max_grad_norm",
        ["schedule.kind"] = "lr_schedule", ["schedule.step_size"] = "lr_step_size", ["schedule.gamma"] = "lr_gamma", ["schedule.horizon"] = "lr_horizon",
        ["schedule.final_fraction"] = "lr_final_fraction", ["schedule.cycle_length"] = "lr_cycle_length", ["schedule.min_fraction"] = "lr_min_fraction",
    };

    /// <summary>A resolved config.toml with its [config.network|optimizer|schedule] tables turned back into the old flat [config] keys.</summary>
    internal static string BeforeTheTables(string toml)
    {
        var head = new List<string>();
        var flat = new List<string>();
        string? table = null;
        int configEnd = -1;
        foreach (var line in toml.Split('\n'))
        {
            if (line.StartsWith('[')) table = line.Trim('[', ']');
            if (table is "config.network" or "config.optimizer" or "config.schedule")
            {
                int eq = line.IndexOf(" = ", StringComparison.Ordinal);
                if (eq > 0) flat.Add(FlatKeys[$"{table["config.".Length..]}.{line[..eq]}"] + line[eq..]);
                continue;
            }
            if (table == "config" && line.Length == 0 && configEnd < 0) configEnd = head.Count;
            head.Add(line);
        }
        Assert.Equal(FlatKeys.Count, flat.Count);
        head.InsertRange(configEnd, flat);
        return string.Join('\n', head);
    }

    private static void StoreAsBeforeTheTables(string runDir)
    {
        string config = Path.Combine(runDir, "config.toml");
        File.WriteAllText(config, BeforeTheTables(File.ReadAllText(config)));
        foreach (var file in CheckpointStore.Files(Path.Combine(runDir, "checkpoints")))
        {
            var cp = Checkpoint.Read(file);
            string key = TrainingSession.RunnerPrefix + "config.toml";
            cp.PutBytes(key, System.Text.Encoding.UTF8.GetBytes(BeforeTheTables(System.Text.Encoding.UTF8.GetString(cp.GetBytes(key)))));
            cp.WriteAtomic(file);
        }
    }

    [Fact]
    public void ReinforceWithAGaussianPolicyRunsOnHopper()
    {
        using var dir = new TempDir();
        string run = dir.Sub("hopper");
        var (code, output, err) = Train("reinforce", "Hopper-v1", run, 1000);
        Assert.True(code == 0, err);
        Assert.Contains("using the shipped config configs/reinforce-Hopper-v1.toml", output);
        var rows = Metrics(run);
        Assert.True(rows.Count >= 1);
        Assert.All(rows, r => Assert.True(double.IsFinite(double.Parse(r["loss/policy"], CultureInfo.InvariantCulture))));
        var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json"))).RootElement;
        Assert.Equal("budget_reached", result.GetProperty("status").GetString());
        // The first update's entropy is that of a diagonal Gaussian over the 3 motors at init_log_std = -0.5:
        // 3 (0.5 ln(2 pi e) + log std).
        double entropy = double.Parse(rows[0]["policy/entropy"], CultureInfo.InvariantCulture);
        Assert.Equal(3 * (0.5 * Math.Log(2 * Math.PI * Math.E) - 0.5), entropy, 4);
    }

    [Fact]
    public void MemoryBenchmarkShowsAConstantNumberOfLiveTensors()
    {
        // Tensors that earlier tests dropped without disposing are finalized now, not while the count is read.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        string output = RunCommand(BenchCommand.Create, "pg", "memory", "--steps", "12000", "--reports", "4");
        var rows = output.Split('\n').Where(l => l.Length > 2 && l.StartsWith("| ", StringComparison.Ordinal) && char.IsDigit(l[2]))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries)).ToList();
        Assert.True(rows.Count >= 4, output);
        // Columns: env steps, iterations, RSS, peak RSS, managed heap, live tensors. After the first iteration every
        // iteration frees what it allocated, so the count of live tensors no longer changes.
        var tensors = rows.Skip(1).Select(r => long.Parse(r[6], NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).ToList();
        Assert.All(tensors, t => Assert.Equal(tensors[0], t));
        Assert.Contains("`rl bench pg memory --steps 12000 --reports 4`", output);
    }
}
