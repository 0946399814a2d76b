using System.Text.Json;
using Rl.Distributed;
using Rl.Experiments.Tests.Distributed;
using Rl.Training.Experiments;

namespace Rl.Experiments.Tests.Experiments;

/// <summary>Real seed groups of ARS on CartPole-v1 (solved in a few thousand steps) through <c>rl train --seeds</c>.</summary>
public class SeedGroupTrainingTests : ConsoleTest
{
    // Short evaluations keep the runs quick; the budget is a cap (ARS solves CartPole well before it).
    private static readonly string[] Small = ["--set", "run.eval_episodes=10", "--set", "run.total_steps=20000", "--set", "run.checkpoint_interval=0"];

    [Fact]
    public void EachSeedOfAGroupEqualsItsSoloRunAndTheGroupIsSummarisedResumedAndCompared()
    {
        using var tmp = new TempDir();
        string group = tmp.Sub("group");
        var (code, output, err) = Rl(["train", "ars", "CartPole-v1", "--seeds", "0-2", "--jobs", "2", "--out", group, .. Small]);
        Assert.True(code == 0, $"exit {code}: {err}\n{output}");
        Assert.Contains($"seeds 0-2 (3), 2 at a time, {Math.Max(1, Environment.ProcessorCount / 2)} thread(s) each", output);
        Assert.Contains("final evaluation: IQM", output);
        foreach (var seed in new[] { 0, 1, 2 })
            Assert.True(File.Exists(Path.Combine(group, $"seed-{seed}", "result.json")), $"seed {seed} has no result: {File.ReadAllText(Path.Combine(group, "logs", $"seed-{seed}.log"))}");

        // Seed 1 alone, in this process with the default thread count: the same metrics, byte for byte.
        string solo = tmp.Sub("solo");
        (code, output, err) = Rl(["train", "ars", "CartPole-v1", "--seed", "1", "--out", solo, "--plain", .. Small]);
        Assert.True(code == 0, $"exit {code}: {err}");
        Assert.Equal(File.ReadAllText(Path.Combine(solo, "metrics.csv")), File.ReadAllText(Path.Combine(group, "seed-1", "metrics.csv")));

        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(group, SeedGroup.SummaryJson))).RootElement;
        Assert.Equal(3, summary.GetProperty("runs").GetArrayLength());
        var finals = summary.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("final_eval").GetDouble()).ToList();
        var iqm = summary.GetProperty("final_eval_iqm");
        Assert.Equal(RobustStatistics.InterquartileMean(finals), iqm.GetProperty("estimate").GetDouble(), 9);
        Assert.True(iqm.GetProperty("lower").GetDouble() <= iqm.GetProperty("estimate").GetDouble());
        Assert.Equal(3, summary.GetProperty("reached_threshold").GetInt32()); // ARS solves CartPole with every seed
        Assert.True(new FileInfo(Path.Combine(group, SeedGroup.PlotFile)).Length > 10_000);
        Assert.Contains("| seed |", File.ReadAllText(Path.Combine(group, SeedGroup.SummaryMarkdown)));

        // Resume: finished seeds are kept, a missing one is trained again (with the same result).
        string seed2Metrics = File.ReadAllText(Path.Combine(group, "seed-2", "metrics.csv"));
        Directory.Delete(Path.Combine(group, "seed-2"), recursive: true);
        (code, output, err) = Rl("train", "--resume", group);
        Assert.True(code == 0, $"exit {code}: {err}\n{output}");
        Assert.Contains("seed 0: already finished (solved), kept", output);
        Assert.Contains("seed 2: started", output);
        Assert.Equal(seed2Metrics, File.ReadAllText(Path.Combine(group, "seed-2", "metrics.csv")));

        // The group and the solo run side by side.
        string fig = tmp.Sub("compare.png"), md = tmp.Sub("compare.md");
        (code, output, err) = Rl("compare", group, solo, "--out", fig, "--markdown", md);
        Assert.True(code == 0, $"exit {code}: {err}");
        Assert.Contains("3/3 (>= 475)", output);
        Assert.Contains("1/1 (>= 475)", output);
        Assert.True(File.Exists(fig) && File.Exists(md));
    }

    [Fact]
    public void SeedOptionsAreCheckedBeforeAnySeedStarts()
    {
        using var tmp = new TempDir();
        var (code, _, err) = Rl("train", "ars", "CartPole-v1", "--seeds", "3-1", "--out", tmp.Sub("g"));
        Assert.Equal(2, code);
        Assert.Contains("--seeds: seed range '3-1'", err);
        (code, _, err) = Rl("train", "ars", "CartPole-v1", "--seeds", "0-1", "--seed", "4", "--out", tmp.Sub("g"));
        Assert.Contains("--seed and --seeds exclude each other", err);
        (code, _, err) = Rl("train", "ars", "CartPole-v1", "--jobs", "2");
        Assert.Contains("--jobs goes with --seeds", err);
        (code, _, err) = Rl("train", "ars", "CartPole-v1", "--seeds", "0-1", "--set", "config.step_size=-1", "--out", tmp.Sub("g"));
        Assert.Equal(2, code);
        Assert.Contains("step_size", err);
        Assert.False(Directory.Exists(tmp.Sub("g")));
        (code, _, err) = Rl("train", "--resume", tmp.Path, "--seeds", "0-1");
        Assert.Contains("is not a seed group", err);
    }
}

/// <summary>A seed group trained whole on a loopback <c>rl worker</c> process (<c>--seeds</c> with <c>--cluster</c>).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class ClusterSeedGroupTests : ConsoleTest
{
    [Fact]
    public void ASeedGroupOnTheClusterTrainsEachSeedAsTheLocalRunDoes()
    {
        using var tmp = new TempDir();
        int port = ClusterMembership.FreePort();
        using var worker = new WorkerProcess(port, threads: 2);
        string[] small = ["--set", "run.eval_episodes=10", "--set", "run.total_steps=20000", "--set", "run.checkpoint_interval=0", "--set", "run.threads=1"];
        var (code, output, err) = Rl(["train", "ars", "CartPole-v1", "--seeds", "3-4", "--out", tmp.Sub("g"), "--cluster", $"localhost:{port}",
            "--credential", TestCredential.File, .. small]);
        Assert.True(code == 0, $"exit {code}: {err}\n{output}");
        Assert.Contains("on the cluster's workers", output);
        Assert.True(worker.WaitFor("run seed 4", TimeSpan.FromSeconds(5)), "the worker trained no seed: " + string.Join("\n", worker.Seen));
        Assert.True(File.Exists(Path.Combine(tmp.Sub("g"), SeedGroup.SummaryJson)));
        (code, _, err) = Rl(["train", "ars", "CartPole-v1", "--seed", "4", "--out", tmp.Sub("solo"), "--plain", .. small]);
        Assert.True(code == 0, err);
        Assert.Equal(File.ReadAllText(Path.Combine(tmp.Sub("solo"), "metrics.csv")), File.ReadAllText(Path.Combine(tmp.Sub("g"), "seed-4", "metrics.csv")));
    }
}
