using System.Globalization;
using System.Text.Json;
using Rl.Agents.Training;
using Rl.Experiments.Commands;
using Rl.Experiments.Training;

namespace Rl.Experiments.Tests;

public class TrainingTests : ConsoleTest
{
    public TrainingTests() => TestAlgorithms.EnsureRegistered();

    // Small budget, a checkpoint every 1000 steps, a progress line per iteration, no early stop.
    private const string Config = """
        algo = "test-hillclimb"
        env = "CartPole-v1"
        seed = 5

        [run]
        total_steps = 6000
        stop_when_solved = false
        checkpoint_interval = 1000
        keep_checkpoints = 10
        eval_episodes = 5
        eval_interval = 2500
        progress_seconds = 0
        histogram_interval = 2
        device = "cpu"

        [config]
        noise_std = 0.5
        episodes_per_candidate = 4
        """;

    private static string WriteConfig(TempDir dir, string text = Config)
    {
        string path = dir.Sub("config-in.toml");
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Code, string Out, string Err) Train(TempDir dir, string run, params string[] extra) =>
        Rl(["train", WriteConfig(dir), "--out", dir.Sub(run), .. extra]);

    private static string TrainOk(TempDir dir, string run, params string[] extra)
    {
        var (code, output, err) = Train(dir, run, extra);
        Assert.True(code == 0, $"rl train exited with {code}: {err}");
        return output;
    }

    private static float[] FinalWeights(string runDir) =>
        Checkpoint.Read(CheckpointStore.Files(Path.Combine(runDir, "checkpoints"))[0]).GetArray<float>("hc/weights");

    private static JsonElement Result(string runDir) => JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "result.json"))).RootElement;

    [Fact]
    public void ARunWritesConfigMetricsTimingEventsPlotCheckpointsAndResult()
    {
        using var dir = new TempDir();
        string output = TrainOk(dir, "a");
        string run = dir.Sub("a");
        string resolved = File.ReadAllText(Path.Combine(run, "config.toml"));
        Assert.Contains("seed = 5", resolved);
        Assert.Contains("[versions]", resolved);

        var metrics = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        var header = metrics[0].Split(',');
        foreach (var col in new[] { "iteration", "env_steps", "episodes", "ep_return_mean", "ep_len_mean", "recent_return_mean",
                     "eval_mean_return", "best_return", "noise_std", "diag/policy/weights/norm", "diag/policy/weights/update_ratio" })
            Assert.Contains(col, header);
        Assert.DoesNotContain(header, c => c.Contains("second", StringComparison.Ordinal) || c.Contains("wall", StringComparison.Ordinal));
        var rows = metrics.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
        Assert.Equal(Enumerable.Range(1, rows.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)), rows.Select(r => r["iteration"]));
        long lastSteps = long.Parse(rows[^1]["env_steps"], CultureInfo.InvariantCulture);
        Assert.True(lastSteps >= 6000 && long.Parse(rows[^2]["env_steps"], CultureInfo.InvariantCulture) < 6000);
        Assert.Contains(rows, r => r["eval_mean_return"].Length > 0);
        Assert.Equal(rows.Count, File.ReadAllLines(Path.Combine(run, "timing.csv")).Length - 1);

        var png = File.ReadAllBytes(Path.Combine(run, "learning_curve.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.True(png.Length > 10_000);

        Assert.True(CheckpointStore.Files(Path.Combine(run, "checkpoints")).Count >= 6);
        var result = Result(run);
        Assert.Equal("budget_reached", result.GetProperty("status").GetString());
        Assert.Equal(lastSteps, result.GetProperty("env_steps").GetInt64());
        Assert.Equal(5, result.GetProperty("final_eval").GetProperty("episodes").GetInt32());
        Assert.Contains("final evaluation: mean return", output);
    }

    [Fact]
    public void OutputWithoutATerminalIsPlainPeriodicLines()
    {
        using var dir = new TempDir();
        string output = TrainOk(dir, "plain");
        Assert.False(TrainCommand.Interactive()); // the test host's output is redirected
        Assert.DoesNotContain('\u001b', output);   // no ANSI escapes, no live redraw
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var progress = lines.Where(l => l.Contains(" steps/s ", StringComparison.Ordinal)).ToList();
        int iterations = File.ReadAllLines(dir.Sub("plain/metrics.csv")).Length - 1;
        Assert.Equal(iterations + 1, progress.Count); // progress_seconds = 0: one line per iteration, and a final one
        Assert.Matches(@"^\[\d+:\d\d\] iter 1  steps [\d,]+/6,000 \(\d+\.\d%\)  episodes 4  recent mean return \d+\.\d", progress[0]);
        Assert.Contains(lines, l => l.StartsWith("evaluation at step", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("step budget reached after", StringComparison.Ordinal));
    }

    [Fact]
    public void SameConfigAndSeedGiveIdenticalMetricsAndADifferentSeedDoesNot()
    {
        using var dir = new TempDir();
        TrainOk(dir, "a");
        TrainOk(dir, "b");
        TrainOk(dir, "c", "--seed", "6");
        string a = File.ReadAllText(dir.Sub("a/metrics.csv")), b = File.ReadAllText(dir.Sub("b/metrics.csv"));
        Assert.Equal(a, b);
        Assert.NotEqual(a, File.ReadAllText(dir.Sub("c/metrics.csv")));
        Assert.Equal(FinalWeights(dir.Sub("a")), FinalWeights(dir.Sub("b")));
    }

    private sealed class StopWhen(Func<ProgressReport, bool> condition, CancellationTokenSource stop) : IProgressSink
    {
        public void Report(ProgressReport report)
        {
            if (condition(report)) stop.Cancel();
        }

        public void Message(string line) { }

        public void Finish(ProgressReport report) { }
    }

    /// <summary>Trains in <paramref name="runDir"/> and interrupts (as Ctrl-C does) once <paramref name="condition"/> holds.</summary>
    private static TrainingOutcome Interrupt(string runDir, Func<ProgressReport, bool> condition) => Exclusive(() =>
    {
        var config = ExperimentConfig.Parse(Config, "test");
        using var session = TrainingSession.Create(config, runDir);
        using var stop = new CancellationTokenSource();
        return session.Run(new StopWhen(condition, stop), stop.Token);
    });

    [Fact]
    public void AnInterruptedRunCheckpointsPlotsAndResumesToTheSameParametersAsAnUninterruptedOne()
    {
        using var dir = new TempDir();
        TrainOk(dir, "whole");

        string run = dir.Sub("resumed");
        var outcome = Interrupt(run, r => r.Iteration >= 4);
        Assert.Equal(TrainingStatus.Interrupted, outcome.Status);
        Assert.Equal(4, outcome.Iteration);
        Assert.Null(outcome.FinalEval);
        Assert.True(File.Exists(Path.Combine(run, "learning_curve.png")));
        Assert.Equal("interrupted", Result(run).GetProperty("status").GetString());
        var newest = Checkpoint.Read(CheckpointStore.Files(Path.Combine(run, "checkpoints"))[0]);
        Assert.Equal([outcome.EnvSteps, 4L], newest.GetArray<long>("hc/counters"));

        var (code, output, _) = Rl("train", "--resume", run);
        Assert.Equal(0, code);
        Assert.Contains("resuming", output);
        Assert.Equal(FinalWeights(dir.Sub("whole")), FinalWeights(run));
        Assert.Equal(File.ReadAllText(dir.Sub("whole/metrics.csv")), File.ReadAllText(Path.Combine(run, "metrics.csv")));
        Assert.Equal(Result(dir.Sub("whole")).GetProperty("final_eval").GetRawText(), Result(run).GetProperty("final_eval").GetRawText());
    }

    [Fact]
    public void ResumeCanExtendTheBudgetButNotChangeTheAlgorithm()
    {
        using var dir = new TempDir();
        string run = dir.Sub("r");
        Interrupt(run, r => r.Iteration >= 2);
        var (code, _, err) = Rl("train", "--resume", run, "--set", "config.noise_std=1");
        Assert.Equal(2, code);
        Assert.Contains("only run.* settings can change", err);
        Assert.Equal(2, Rl("train", "--resume", run, "--seed", "3").Code);
        Assert.Equal(0, Rl("train", "--resume", run, "--set", "run.total_steps=8000").Code);
        Assert.True(Result(run).GetProperty("env_steps").GetInt64() >= 8000);
        Assert.Contains("total_steps = 8000", File.ReadAllText(Path.Combine(run, "config.toml")));
    }

    [Fact]
    public void NewRunsRefuseADirectoryThatHoldsARun()
    {
        using var dir = new TempDir();
        TrainOk(dir, "a");
        var (code, _, err) = Train(dir, "a");
        Assert.Equal(1, code);
        Assert.Contains("already holds a run; continue it with --resume", err);
    }

    [Theory]
    [InlineData("scalar", "scalar 'loss' is NaN")]
    [InlineData("histogram", "tensor 'policy/weights' has +Inf at element 1 (1 of 5 elements not finite)")]
    public void ANonFiniteMetricStopsTrainingNamingTheIterationAndTheTensor(string where, string what)
    {
        using var dir = new TempDir();
        var (code, _, err) = Train(dir, "nan", "--set", "config.nan_at_iteration=3", "--set", $"config.nan_in={where}");
        Assert.Equal(1, code);
        Assert.Contains("training stopped at iteration 3 (environment step ", err);
        Assert.Contains(what, err);
        string run = dir.Sub("nan");
        var result = Result(run);
        Assert.Equal("diverged", result.GetProperty("status").GetString());
        Assert.Contains(what, result.GetProperty("problem").GetString());
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length); // header + iterations 1 and 2
        Assert.True(File.Exists(Path.Combine(run, "learning_curve.png")));
        // No checkpoint holds the diverged state (the interval checkpoints before it are fine).
        foreach (var f in CheckpointStore.Files(Path.Combine(run, "checkpoints")))
            Assert.True(Checkpoint.Read(f).GetArray<long>("hc/counters")[1] < 3);
    }

    [Fact]
    public void TensorBoardEventsHoldTheMetricsAndHistograms()
    {
        using var dir = new TempDir();
        TrainOk(dir, "tb");
        string run = dir.Sub("tb");
        var files = Directory.GetFiles(Path.Combine(run, "tensorboard"), "events.out.tfevents.*");
        var file = Assert.Single(files);
        var events = EventFileReader.Read(file);
        Assert.Equal("brain.Event:2", events.FileVersion);

        var header = File.ReadAllLines(Path.Combine(run, "metrics.csv"))[0].Split(',');
        var rows = File.ReadAllLines(Path.Combine(run, "metrics.csv")).Skip(1)
            .Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
        var returns = events.Scalars.Where(s => s.Tag == "rollout/ep_return_mean").ToList();
        Assert.Equal(rows.Select(r => long.Parse(r["env_steps"], CultureInfo.InvariantCulture)), returns.Select(s => s.Step));
        Assert.Equal(rows.Select(r => (float)double.Parse(r["ep_return_mean"], CultureInfo.InvariantCulture)), returns.Select(s => s.Value));
        Assert.Contains(events.Scalars, s => s.Tag == "train/best_return");
        Assert.Contains(events.Scalars, s => s.Tag == "eval/mean_return");
        Assert.Contains(events.Scalars, s => s.Tag == "diag/policy/weights/update_ratio");

        var weights = events.Histograms.Where(h => h.Tag == "policy/weights").ToList();
        Assert.Equal(rows.Count / 2, weights.Count); // histogram_interval = 2
        Assert.All(weights, h => Assert.Equal(5, h.Count));
        Assert.Equal(rows.Count / 2, events.Histograms.Count(h => h.Tag == "rollout/episode_returns"));
        var first = events.Histograms.First(h => h.Tag == "rollout/episode_returns");
        Assert.Equal(4, first.Count); // episodes_per_candidate = 4
        Assert.InRange(first.Min, 8, 500);
    }

    [Fact]
    public void EvalEnvKwargsApplyToEvaluationsOnlyAndTravelWithTheRun()
    {
        // Training episodes earn 1 per step; with sutton_barto_reward the evaluation episodes earn 0 per step and -1 at the end.
        using var dir = new TempDir();
        TrainOk(dir, "ev", "--set", "run.total_steps=2000", "--set", "eval_env_kwargs.sutton_barto_reward=true");
        string run = dir.Sub("ev");
        Assert.Contains("[eval_env_kwargs]\nsutton_barto_reward = true\n", File.ReadAllText(Path.Combine(run, "config.toml")));
        var metrics = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        var header = metrics[0].Split(',');
        var rows = metrics.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
        Assert.All(rows, r => Assert.True(double.Parse(r["ep_return_mean"], CultureInfo.InvariantCulture) >= 8));
        var evals = rows.Where(r => r["eval_mean_return"].Length > 0).Select(r => double.Parse(r["eval_mean_return"], CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(evals);
        Assert.All(evals, e => Assert.InRange(e, -1, 0));

        var (code, json, err) = Rl("eval", run, "--episodes", "3", "--seed", "3", "--json");
        Assert.True(code == 0, err);
        var o = JsonDocument.Parse(json).RootElement;
        Assert.InRange(o.GetProperty("mean_return").GetDouble(), -1, 0);
        Assert.True(o.GetProperty("mean_length").GetDouble() >= 8);
    }

    [Fact]
    public void BadEvalEnvKwargsAreReportedWithTheirTable()
    {
        using var dir = new TempDir();
        var (code, _, err) = Train(dir, "bad", "--set", "eval_env_kwargs.sutton_barto_rewrd=true");
        Assert.NotEqual(0, code);
        Assert.Contains("eval_env_kwargs for 'CartPole-v1'", err);
        Assert.Contains("sutton_barto_rewrd", err);
        (code, _, err) = Train(dir, "bad2", "--set", "eval_env_kwargs.sutton_barto_reward=[1]");
        Assert.NotEqual(0, code);
        Assert.Contains("'eval_env_kwargs.sutton_barto_reward' = [1] must be a number, bool or string", err);
    }

    [Fact]
    public void EvalReportsMeanStdLengthAndThresholdAsTextAndJson()
    {
        using var dir = new TempDir();
        TrainOk(dir, "e");
        string run = dir.Sub("e");
        var (code, json, _) = Rl("eval", run, "--episodes", "7", "--seed", "3", "--json");
        Assert.Equal(0, code);
        var o = JsonDocument.Parse(json).RootElement;
        Assert.Equal(["mean_return", "std_return", "episodes", "mean_length", "reward_threshold", "solved"], o.EnumerateObject().Select(p => p.Name));
        Assert.Equal(7, o.GetProperty("episodes").GetInt32());
        Assert.Equal(475.0, o.GetProperty("reward_threshold").GetDouble());
        Assert.Equal(o.GetProperty("mean_return").GetDouble() >= 475, o.GetProperty("solved").GetBoolean());
        Assert.Equal(o.GetProperty("mean_return").GetDouble(), o.GetProperty("mean_length").GetDouble()); // CartPole: reward 1 per step
        Assert.Equal(json, Rl("eval", run, "--episodes", "7", "--seed", "3", "--json").Out); // deterministic

        var text = Rl("eval", CheckpointStore.Files(Path.Combine(run, "checkpoints"))[0], "--episodes", "7", "--seed", "3");
        Assert.Equal(0, text.Code);
        Assert.Contains($"mean return {o.GetProperty("mean_return").GetDouble():0.00} ± ", text.Out);
        Assert.Contains("reward threshold 475: ", text.Out);
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("flip")]
    public void ADamagedCheckpointIsReportedAndThePreviousOneIsUsed(string damage)
    {
        using var dir = new TempDir();
        TrainOk(dir, "whole");
        string run = dir.Sub("d");
        Interrupt(run, r => r.EnvSteps >= 2500); // after the checkpoints at 1000 and 2000 steps
        var files = CheckpointStore.Files(Path.Combine(run, "checkpoints"));
        Assert.True(files.Count >= 2);
        string newest = files[0];
        byte[] bytes = File.ReadAllBytes(newest);
        if (damage == "truncate") File.WriteAllBytes(newest, bytes[..(bytes.Length / 2)]);
        else
        {
            // A damaged byte in the middle of the weights' compressed data: the file still opens as a zip.
            var (offset, length) = EntryData(bytes, "hc/weights");
            bytes[offset + length / 2] ^= 0xFF;
            File.WriteAllBytes(newest, bytes);
        }

        var direct = Rl("eval", newest);
        Assert.Equal(1, direct.Code);
        Assert.Contains(newest, direct.Err);
        Assert.Contains("corrupted", direct.Err);

        var viaDir = Rl("eval", run, "--episodes", "2");
        Assert.Equal(0, viaDir.Code);
        Assert.Contains("trying the previous checkpoint", viaDir.Err);
        Assert.Contains(files[1], viaDir.Out);

        // Resuming falls back to the previous checkpoint and still ends exactly where the uninterrupted run ended.
        var resumed = Rl("train", "--resume", run);
        Assert.Equal(0, resumed.Code);
        Assert.Contains("trying the previous checkpoint", resumed.Err);
        Assert.Equal(FinalWeights(dir.Sub("whole")), FinalWeights(run));
        Assert.Equal(File.ReadAllText(dir.Sub("whole/metrics.csv")), File.ReadAllText(Path.Combine(run, "metrics.csv")));
    }

    /// <summary>Where an entry's compressed data lies in a zip file (after its local header: 30 bytes, name, extra field).</summary>
    private static (int Offset, int Length) EntryData(byte[] zip, string name)
    {
        byte[] signature = [0x50, 0x4B, 0x03, 0x04];
        byte[] nameBytes = System.Text.Encoding.ASCII.GetBytes(name);
        for (int i = 0; i + 30 < zip.Length; i++)
        {
            if (!zip.AsSpan(i, 4).SequenceEqual(signature)) continue;
            int nameLength = BitConverter.ToUInt16(zip, i + 26), extraLength = BitConverter.ToUInt16(zip, i + 28);
            if (zip.AsSpan(i + 30, nameLength).SequenceEqual(nameBytes))
                return (i + 30 + nameLength + extraLength, (int)BitConverter.ToUInt32(zip, i + 18));
        }
        throw new InvalidDataException($"entry {name} not found");
    }

    [Fact]
    public void WhenNoCheckpointIsUsableEveryProblemIsListed()
    {
        using var dir = new TempDir();
        string run = dir.Sub("bad");
        Interrupt(run, r => r.EnvSteps >= 1500);
        var files = CheckpointStore.Files(Path.Combine(run, "checkpoints"));
        foreach (var f in files) File.WriteAllBytes(f, [1, 2, 3]);
        var (code, _, err) = Rl("train", "--resume", run);
        Assert.Equal(1, code);
        Assert.Contains("no usable checkpoint", err);
        Assert.All(files, f => Assert.Contains(f, err));
    }

    [Fact]
    public void ShortFormUsesTheAlgorithmDefaultsAndStopsWhenSolved()
    {
        using var dir = new TempDir();
        var (code, output, err) = Rl("train", HillClimb.Id, "CartPole-v1", "--seed", "1", "--out", dir.Sub("s"),
            "--set", "run.total_steps=200000", "--set", "run.eval_episodes=20", "--set", "run.device=cpu");
        Assert.True(code == 0, err);
        var result = Result(dir.Sub("s"));
        Assert.Equal("solved", result.GetProperty("status").GetString());
        Assert.True(result.GetProperty("final_eval").GetProperty("mean_return").GetDouble() >= 475);
        Assert.True(result.GetProperty("env_steps").GetInt64() < 200000);
        Assert.Contains("solved after", output);
        string resolved = File.ReadAllText(dir.Sub("s/config.toml"));
        Assert.Contains("noise_std = 0.5", resolved); // the default
        Assert.Contains("seed = 1", resolved);
    }
}

public class CheckpointIntegrityTests
{
    [Fact]
    public void EveryDamagedByteOfAnEntryIsDetectedOrHarmless()
    {
        using var dir = new TempDir();
        var cp = new Checkpoint();
        float[] weights = [0.1f, -0.3f, 0.7f, 1.1f, 0.05f, 2.5f, -1.25f];
        cp.PutArray<float>("w", weights);
        string file = dir.Sub("c.ckpt");
        cp.WriteAtomic(file);
        byte[] bytes = File.ReadAllBytes(file);
        int detected = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[i] ^= 0xFF;
            File.WriteAllBytes(file, damaged);
            try
            {
                // A damaged byte either fails the read with a clear error, or does not change what is read
                // (e.g. a timestamp in a header); silently wrong weights are never returned.
                Assert.Equal(weights, Checkpoint.Read(file).GetArray<float>("w"));
            }
            catch (CheckpointException e)
            {
                Assert.NotEmpty(e.Message);
                detected++;
            }
        }
        Assert.True(detected > bytes.Length / 2, $"{detected} of {bytes.Length} damaged bytes detected");
    }
}
