using System.Collections.Concurrent;
using Rl.Distributed;
using Rl.Experiments.Training;
using Rl.Training.Experiments;

namespace Rl.Experiments.Tests.Distributed;

/// <summary>Worker silos in this process that train whole runs (as <c>rl worker</c> does), for the cluster tests of seeds and sweeps.</summary>
internal static class RunWorkers
{
    /// <summary>Starts a worker silo with <paramref name="threads"/> threads whose runs live under <paramref name="workDir"/>.</summary>
    public static Task<RolloutSilo> StartAsync(ClusterMembership membership, int threads, string workDir, ConcurrentQueue<string> log,
        WorkerPermissions? permissions = null) =>
        RolloutSilo.StartWorkerAsync(membership, TestCredential.Value, new WorkerHostOptions(threads, ClusterRollouts.Resolver(permissions ?? new WorkerPermissions()), log.Enqueue)
        {
            Runs = ClusterRuns.WorkerHost(permissions ?? new WorkerPermissions(), [], [], workDir),
        });

    /// <summary>Waits until <paramref name="condition"/> holds (false after the timeout).</summary>
    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            Thread.Sleep(20);
        }
        return condition();
    }
}

/// <summary>
/// <c>rl train --seeds --cluster</c>: every seed trained whole on a worker, in parallel, its run directory brought back; a
/// worker stopped mid-run has its seed trained again on the other; each seed's metrics are its solo run's.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class ClusterSeedRunTests : ConsoleTest
{
    private static readonly string[] Small = ["--set", "run.eval_episodes=10", "--set", "run.total_steps=20000", "--set", "run.checkpoint_interval=0"];

    [Fact]
    public async Task SeedsTrainWholeOnTheWorkersInParallelAndASeedWhoseWorkerDiesIsTrainedAgainWithTheSameResult()
    {
        using var tmp = new TempDir();
        var membership = ClusterMembership.Parse($"localhost:{ClusterMembership.FreePort()}");
        var log = new ConcurrentQueue<string>();
        string group = tmp.Sub("g");
        (int Code, string Out, string Err) result = default;
        // The learner (rl train) is the primary silo: it starts first, in the background; the workers join it.
        var learner = Task.Run(() => result = Rl(["train", "ars", "CartPole-v1", "--seeds", "3-5", "--out", group, "--cluster", membership.ToString(),
            "--credential", TestCredential.File, "--workers", "2", .. Small]));
        Assert.True(RunWorkers.WaitUntil(() => membership.PrimaryReachable() || learner.IsCompleted, TimeSpan.FromSeconds(30)), "the learner's silo did not start");
        await using var steady = await RunWorkers.StartAsync(membership, 2, tmp.Sub("work-a"), log);
        var victim = await RunWorkers.StartAsync(membership, 1, tmp.Sub("work-b"), log);
        try
        {
            // The victim leaves the cluster while it trains a seed (its training process is killed with it).
            Assert.True(RunWorkers.WaitUntil(() => victim.TrainingRuns.Runs().Any(r => r.State == RunState.Running) || learner.IsCompleted, TimeSpan.FromSeconds(60)),
                "the second worker never trained a seed: " + string.Join("\n", log));
            Assert.False(learner.IsCompleted, "the group ended before the victim was stopped");
            Assert.True(RunWorkers.WaitUntil(() => steady.TrainingRuns.Runs().Count(r => r.State == RunState.Running) == 2, TimeSpan.FromSeconds(30)),
                "the two-thread worker did not train two seeds at once: " + string.Join("\n", log));
        }
        finally
        {
            await victim.DisposeAsync();
        }
        await learner.WaitAsync(TimeSpan.FromMinutes(3));
        var (code, output, err) = (result.Code, result.Out ?? "", result.Err ?? "");
        Assert.True(code == 0, $"exit {code}: {err}\n{output}\n{string.Join("\n", log)}");
        Assert.Contains("on the cluster's workers", output);
        Assert.Contains("(attempt 2: a worker was lost under it)", output);
        Assert.True(File.Exists(Path.Combine(group, SeedGroup.SummaryJson)));
        Assert.False(Directory.Exists(tmp.Sub("work-a")), "the worker kept files of released runs");

        // The seed that was trained twice, and another, against their solo runs here: the same metrics, byte for byte.
        long again = long.Parse(output.Split('\n').First(l => l.Contains("(attempt 2", StringComparison.Ordinal)).Split(':')[0]["seed ".Length..]);
        foreach (long seed in new[] { again, again == 3 ? 4 : 3 })
        {
            string solo = tmp.Sub($"solo-{seed}");
            (code, _, err) = Rl(["train", "ars", "CartPole-v1", "--seed", seed.ToString(), "--out", solo, "--plain", "--set", "run.threads=1", .. Small]);
            Assert.True(code == 0, err);
            Assert.Equal(File.ReadAllText(Path.Combine(solo, "metrics.csv")), File.ReadAllText(Path.Combine(group, $"seed-{seed}", "metrics.csv")));
            foreach (var file in new[] { "result.json", "config.toml", "learning_curve.png" })
                Assert.True(File.Exists(Path.Combine(group, $"seed-{seed}", file)), $"seed {seed} has no {file}");
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(group, $"seed-{seed}", "checkpoints")));
            Assert.Contains("solved", File.ReadAllText(Path.Combine(group, "logs", $"seed-{seed}.log")));
        }
    }
}

/// <summary>A run on a worker stopped from the learner (Ctrl-C) comes back as an interrupted run with its checkpoint.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class ClusterRunInterruptTests : ConsoleTest
{
    [Fact]
    public async Task ACancelledRunStopsLikeAnInterruptedRunAndItsDirectoryComesBack()
    {
        using var tmp = new TempDir();
        var membership = ClusterMembership.Parse($"localhost:{ClusterMembership.FreePort()}");
        var log = new ConcurrentQueue<string>();
        var cluster = await ClusterRollouts.StartAsync(membership, TestCredential.Value, new DistributedRolloutOptions(), log.Enqueue);
        try
        {
            await using var worker = await RunWorkers.StartAsync(membership, 1, tmp.Sub("work"), log);
            var config = Exclusive(() => ExperimentConfig.Parse(ShippedConfigs.For("ars", "CartPole-v1")!.Value.Text, "ars-CartPole-v1",
                ["run.stop_when_solved=false", "run.total_steps=100000000", "run.threads=1", "run.eval_interval=0"], seed: 5));
            using var cancel = new CancellationTokenSource();
            var running = cluster.Runs().RunAsync(ClusterRuns.NewRun("seed 5", config, tmp.Sub("run"), tmp.Sub("run.log")), cancel.Token);
            Assert.True(RunWorkers.WaitUntil(() => worker.TrainingRuns.Runs().Any(r => r.State == RunState.Running), TimeSpan.FromSeconds(30)), string.Join("\n", log));
            Thread.Sleep(1500); // into its training loop
            cancel.Cancel();
            var outcome = await running.WaitAsync(TimeSpan.FromMinutes(1));
            Assert.Equal(130, outcome.ExitCode);
            Assert.Contains("\"status\": \"interrupted\"", File.ReadAllText(tmp.Sub("run/result.json")));
            Assert.NotEmpty(Directory.GetFiles(tmp.Sub("run/checkpoints")));
            Assert.Contains("continue with: rl train --resume", File.ReadAllText(tmp.Sub("run.log")));
            Assert.True(RunWorkers.WaitUntil(() => worker.TrainingRuns.Runs().Count == 0, TimeSpan.FromSeconds(10)), "the worker kept the released run");
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}

/// <summary>A worker refuses runs it must not train, saying why; a learner never writes outside a run directory.</summary>
public class ClusterRunRefusalTests
{
    [Fact]
    public async Task AWorkerRefusesRunsOfAnotherBuildAPythonEnvironmentOrAPathOutsideItsDirectories()
    {
        using var tmp = new TempDir();
        var membership = ClusterMembership.Parse($"localhost:{ClusterMembership.FreePort()}");
        var log = new ConcurrentQueue<string>();
        await using var learner = await RolloutSilo.StartLearnerAsync(membership, TestCredential.Value, _ => { });
        await using var worker = await RunWorkers.StartAsync(membership, 1, tmp.Sub("work"), log);
        Assert.True(RunWorkers.WaitUntil(() => learner.LiveWorkers().Count == 1, TimeSpan.FromSeconds(20)));
        var grain = learner.Grains.GetGrain<ITrainingWorkerGrain>(learner.LiveWorkers()[0].ToParsableString());
        var good = new RunSpec
        {
            RunId = "r1", Protocol = RolloutProtocol.Version, Build = RolloutProtocol.Build, RunBuild = ClusterRuns.Build, Name = "seed 0",
            ConfigText = "algo = \"ars\"\nenv = \"CartPole-v1\"\nseed = 0\n",
        };
        var build = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Begin(good with { RunBuild = "000000000000" }));
        Assert.Contains("same rl build", build.Message);
        var python = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Begin(good with { RunId = "r2", ConfigText = "algo = \"ars\"\nenv = \"gym:evil.module:Env\"\nseed = 0\n" }));
        Assert.Contains("--allow-env", python.Message);
        var path = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Begin(good with
        {
            RunId = "r3", ConfigText = "algo = \"bc\"\nenv = \"CartPole-v1\"\nseed = 0\n[config]\ndemos_dir = \"/etc\"\n",
        }));
        Assert.Contains("--allow-dir", path.Message);
        var escape = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Begin(good with
        {
            RunId = "r4", Resume = true, Files = [new RunFile { Path = "../../outside", Size = 1, Sha256 = "" }],
        }));
        Assert.Contains("../../outside", escape.Message);
        await grain.Begin(good with { RunId = "r5" });
        Assert.Equal(RunState.Uploading, (await grain.Poll("r5")).State);
        await grain.Release("r5");
        Assert.Equal(RunState.Unknown, (await grain.Poll("r5")).State);
        Assert.False(Directory.Exists(tmp.Sub("work")), "the worker kept the released run's files");

        Assert.False(RunTransfer.SafePath("../x"));
        Assert.False(RunTransfer.SafePath("/etc/passwd"));
        Assert.False(RunTransfer.SafePath("a/./b"));
        Assert.True(RunTransfer.SafePath("checkpoints/ckpt-000001.zip"));
        Assert.False(RunTransfer.Transferable(Rl.Training.RunLock.FileName));
    }
}
