using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Rl.Agents.Training;
using Rl.Experiments.Training;

namespace Rl.Experiments.Tests.Training;

/// <summary>
/// Run directories under faults: a child <c>rl train</c> killed with SIGKILL at several points, two writers on one directory,
/// truncated and damaged metrics.csv, a checkpoint write that fails (full disk), <c>--out</c> naming a file.
/// </summary>
public class RunDirectoryFaultTests : ConsoleTest
{
    public RunDirectoryFaultTests() => TestAlgorithms.EnsureRegistered();

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
        device = "cpu"

        [config]
        noise_std = 0.5
        episodes_per_candidate = 4
        """;

    // A real algorithm for child processes (the test algorithm is registered only in this process).
    private static readonly string[] ChildArgs = ["train", "ars", "CartPole-v1", "--plain", "--set", "run.stop_when_solved=false",
        "--set", "run.total_steps=120000", "--set", "run.checkpoint_interval=15000", "--set", "run.progress_seconds=0",
        "--set", "run.threads=1", "--set", "run.eval_interval=30000", "--set", "run.eval_episodes=3", "--set", "run.keep_checkpoints=2"];

    private static string ConfigFile(TempDir dir)
    {
        string path = dir.Sub("in.toml");
        File.WriteAllText(path, Config);
        return path;
    }

    private static Process StartChild(params string[] args)
    {
        string host = Path.Combine(AppContext.BaseDirectory, "rl");
        var info = new ProcessStartInfo(File.Exists(host) ? host : "dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (!File.Exists(host)) info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rl.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        var p = Process.Start(info)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static int MetricRows(string run)
    {
        try
        {
            return Math.Max(0, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length - 1);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static void WaitFor(Func<bool> condition, Process child, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.False(child.HasExited, $"the child exited before {what}");
            Assert.True(clock.Elapsed.TotalSeconds < 60, $"timed out waiting for {what}");
            Thread.Sleep(2);
        }
    }

    [Fact]
    public void AChildKilledWithSigkillAtSeveralPointsResumesToTheSameMetricsAsAnUninterruptedRun()
    {
        using var dir = new TempDir();
        string whole = dir.Sub("whole");
        var (code, _, err) = Rl([.. ChildArgs, "--out", whole]);
        Assert.True(code == 0, err);
        string expected = File.ReadAllText(Path.Combine(whole, "metrics.csv"));
        int rows = expected.Split('\n').Length - 2;

        // 0: before any metrics row (no checkpoint: the run restarts from config.toml); then before the first checkpoint,
        // and twice after checkpoints, mid-iteration or mid-write.
        foreach (int killAfterRows in new[] { 0, 1, rows / 3, 2 * rows / 3 })
        {
            string run = dir.Sub($"killed-{killAfterRows}");
            using (var child = StartChild([.. ChildArgs, "--out", run]))
            {
                WaitFor(() => File.Exists(Path.Combine(run, "config.toml")) && MetricRows(run) >= killAfterRows, child, $"{killAfterRows} rows");
                child.Kill();
                child.WaitForExit();
            }
            var resumed = Rl("train", "--resume", run);
            Assert.True(resumed.Code == 0, $"after a kill at {killAfterRows} rows: {resumed.Err}");
            Assert.Equal(expected, File.ReadAllText(Path.Combine(run, "metrics.csv")));
            Assert.Empty(Directory.EnumerateFiles(run, "*.tmp*", SearchOption.AllDirectories));
        }
    }

    [Fact]
    public void ASecondWriterIsRefusedNamingTheProcessAndAKilledOwnerLeavesNoStuckLock()
    {
        using var dir = new TempDir();
        string run = dir.Sub("busy");
        using var child = StartChild([.. ChildArgs, "--set", "run.total_steps=100000000", "--out", run]);
        WaitFor(() => MetricRows(run) >= 1, child, "the first row");

        var resume = Rl("train", "--resume", run);
        Assert.NotEqual(0, resume.Code);
        Assert.Contains($"is in use by process {child.Id}", resume.Err);
        var fresh = Rl("train", ConfigFile(dir), "--out", run);
        Assert.NotEqual(0, fresh.Code);
        Assert.Contains($"in use by process {child.Id}", fresh.Err);
        Assert.False(child.HasExited);

        child.Kill();
        child.WaitForExit();
        var after = Rl("train", "--resume", run, "--set", "run.total_steps=40000");
        Assert.True(after.Code == 0, after.Err);
    }

    private static (string Run, string Whole) InterruptedRun(TempDir dir)
    {
        string whole = dir.Sub("whole");
        Assert.Equal(0, Rl("train", ConfigFile(dir), "--out", whole).Code);
        string run = dir.Sub("run");
        Exclusive(() =>
        {
            var config = ExperimentConfig.Parse(Config, "test");
            using var session = TrainingSession.Create(config, run);
            using var stop = new CancellationTokenSource();
            return session.Run(new StopAt(4, stop), stop.Token);
        });
        return (run, File.ReadAllText(Path.Combine(whole, "metrics.csv")));
    }

    private sealed class StopAt(int iteration, CancellationTokenSource stop) : IProgressSink
    {
        public void Report(ProgressReport report)
        {
            if (report.Iteration >= iteration) stop.Cancel();
        }

        public void Message(string line) { }

        public void Finish(ProgressReport report) { }
    }

    [Fact]
    public void ATornLastLineIsDroppedOnResume()
    {
        using var dir = new TempDir();
        var (run, whole) = InterruptedRun(dir);
        File.AppendAllText(Path.Combine(run, "metrics.csv"), "5,50"); // a row cut short by a kill
        var (code, _, err) = Rl("train", "--resume", run);
        Assert.True(code == 0, err);
        Assert.Equal(whole, File.ReadAllText(Path.Combine(run, "metrics.csv")));
    }

    [Theory]
    [InlineData("truncated", "holds 1 of the checkpoint's 4 rows")]
    [InlineData("value", "differ from the ones the checkpoint was written after")]
    [InlineData("cells", "line 3 has")]
    [InlineData("header", "damaged header")]
    [InlineData("missing", "is missing")]
    public void ADamagedMetricsFileRefusesTheResumeAndIsLeftAsItWas(string damage, string message)
    {
        using var dir = new TempDir();
        var (run, _) = InterruptedRun(dir);
        string path = Path.Combine(run, "metrics.csv");
        string text = File.ReadAllText(path);
        var lines = text.Split('\n');
        string damaged = damage switch
        {
            "truncated" => text[..(text.IndexOf(lines[2], StringComparison.Ordinal) + lines[2].Length / 2)],
            "value" => text.Replace(lines[2], lines[2].Replace(lines[2].Split(',')[3], "12345.5")),
            "cells" => text.Replace(lines[2], lines[2] + ",7"),
            "header" => "x" + text,
            _ => "",
        };
        if (damage == "missing") File.Delete(path);
        else File.WriteAllText(path, damaged);

        var (code, _, err) = Rl("train", "--resume", run);
        Assert.NotEqual(0, code);
        Assert.Contains("cannot resume", err);
        Assert.Contains(message, err);
        if (damage != "missing") Assert.Equal(damaged, File.ReadAllText(path));
    }

    private sealed class FullDisk(int failAtCheckpoint) : RunFileSystem
    {
        private int _checkpoints;

        public override Stream OpenWrite(string path)
        {
            if (path.Contains(".ckpt", StringComparison.Ordinal) && ++_checkpoints >= failAtCheckpoint)
            {
                // The temporary file exists, as after a real partial write, then the write fails.
                var s = base.OpenWrite(path);
                s.Write(new byte[100]);
                s.Dispose();
                throw new IOException("No space left on device");
            }
            return base.OpenWrite(path);
        }
    }

    [Fact]
    public void AFailedFirstCheckpointWriteLeavesNoTemporaryFileAndTheRunStartsAgainWithTheCommandTheMessageGives()
    {
        using var dir = new TempDir();
        string run = dir.Sub("full");
        Exclusive(() =>
        {
            var config = ExperimentConfig.Parse(Config, "test");
            using var session = TrainingSession.Create(config, run, fileSystem: new FullDisk(1));
            return Assert.Throws<IOException>(() => session.Run(NullProgress.Instance, CancellationToken.None));
        });
        Assert.Empty(Directory.EnumerateFiles(run, "*.tmp*", SearchOption.AllDirectories));
        Assert.Empty(CheckpointStore.Files(Path.Combine(run, "checkpoints")));

        var again = Rl("train", ConfigFile(dir), "--out", run);
        Assert.NotEqual(0, again.Code);
        Assert.Contains($"rl train --resume {run}", again.Err);
        var resumed = Rl("train", "--resume", run);
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains("restarting", resumed.Out);
        Assert.Equal(0, Rl("train", ConfigFile(dir), "--out", dir.Sub("whole")).Code);
        Assert.Equal(File.ReadAllText(dir.Sub("whole/metrics.csv")), File.ReadAllText(Path.Combine(run, "metrics.csv")));
    }

    [Fact]
    public void AFailedLaterCheckpointWriteKeepsTheEarlierOnesAndResumeUsesThem()
    {
        using var dir = new TempDir();
        string run = dir.Sub("full");
        Exclusive(() =>
        {
            var config = ExperimentConfig.Parse(Config, "test");
            using var session = TrainingSession.Create(config, run, fileSystem: new FullDisk(3));
            return Assert.Throws<IOException>(() => session.Run(NullProgress.Instance, CancellationToken.None));
        });
        Assert.Equal(2, CheckpointStore.Files(Path.Combine(run, "checkpoints")).Count);
        Assert.Empty(Directory.EnumerateFiles(run, "*.tmp*", SearchOption.AllDirectories));
        var resumed = Rl("train", "--resume", run);
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Equal(0, Rl("train", ConfigFile(dir), "--out", dir.Sub("whole")).Code);
        Assert.Equal(File.ReadAllText(dir.Sub("whole/metrics.csv")), File.ReadAllText(Path.Combine(run, "metrics.csv")));
    }

    [Fact]
    public void OnlyTheNewestCheckpointsAreKept()
    {
        using var dir = new TempDir();
        Assert.Equal(0, Rl("train", ConfigFile(dir), "--out", dir.Sub("k"), "--set", "run.keep_checkpoints=2").Code);
        var files = CheckpointStore.Files(dir.Sub("k/checkpoints"));
        Assert.Equal(2, files.Count);
        Assert.EndsWith(JsonDocument.Parse(File.ReadAllText(dir.Sub("k/result.json"))).RootElement.GetProperty("checkpoint").GetString()!, files[0]);
    }

    [Fact]
    public void OutNamingAnExistingFileGivesAClearMessage()
    {
        using var dir = new TempDir();
        string file = dir.Sub("a-file");
        File.WriteAllText(file, "x");
        var (code, _, err) = Rl("train", ConfigFile(dir), "--out", file);
        Assert.Equal(2, code);
        Assert.Contains($"--out '{file}' is an existing file, not a directory", err);
        Assert.Equal("x", File.ReadAllText(file));
    }

    [Fact]
    public void AnOldOrForeignCheckpointGivesAClearMessage()
    {
        using var dir = new TempDir();
        string foreign = dir.Sub("foreign.ckpt");
        var cp = new Checkpoint();
        cp.PutBytes("weights", [1, 2, 3]);
        cp.WriteAtomic(foreign);
        var (code, _, err) = Rl("eval", foreign);
        Assert.NotEqual(0, code);
        Assert.Contains("is not a checkpoint of an Rl training run", err);

        string old = dir.Sub("old.ckpt");
        cp.PutJson("runner/state", new { Format = 0 });
        cp.WriteAtomic(old);
        (code, _, err) = Rl("eval", old);
        Assert.NotEqual(0, code);
        Assert.Contains("has format 0; this version of the toolkit reads formats 1 to 2", err);
    }

    [Fact]
    public void TheFinalEvaluationOfARunThatEndsOnItsBudgetIsInTheLastMetricsRow()
    {
        using var dir = new TempDir();
        string run = dir.Sub("f");
        Assert.Equal(0, Rl("train", ConfigFile(dir), "--out", run).Code);
        var lines = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        var header = lines[0].Split(',');
        var last = header.Zip(lines[^1].Split(',')).ToDictionary(p => p.First, p => p.Second);
        var final = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json"))).RootElement.GetProperty("final_eval");
        Assert.Equal(final.GetProperty("mean_return").GetDouble(), double.Parse(last["eval_mean_return"], CultureInfo.InvariantCulture));
        Assert.Equal(final.GetProperty("mean_length").GetDouble(), double.Parse(last["eval_mean_length"], CultureInfo.InvariantCulture));
        var events = EventFileReader.Read(Directory.GetFiles(Path.Combine(run, "tensorboard"))[0]);
        Assert.Contains(events.Scalars, s => s.Tag == "eval/mean_return" && s.Step == long.Parse(last["env_steps"], CultureInfo.InvariantCulture));
    }
}
