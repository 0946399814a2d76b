using System.Globalization;
using Rl.Agents;
using Rl.Agents.GradientFree;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Distributed;
using Rl.Environments;
using Rl.Experiments.Commands;
using Rl.Experiments.Tests.Distributed;
using Rl.Experiments.Training;
using Rl.Training;
using Rl.Training.Sweeps;

namespace Rl.Experiments.Tests.Sweeps;

/// <summary>The sampler distributions: seeded, inside their bounds, log-uniform in log space, and the coarse-to-fine narrowing.</summary>
public class SweepSamplerTests
{
    [Fact]
    public void EachDistributionIsSeededStaysInItsBoundsAndHasItsShape()
    {
        var space = SearchSpace.Parse(["config.lr=loguniform(1e-4,1e-2)", "config.noise=uniform(0.5,1.5)", "config.n=int(2,5)", "config.act=choice(tanh,\"relu\",3,true)"]);
        var rng = new Rng(7);
        var draws = Enumerable.Range(0, 4000).Select(_ => space.Sample(rng)).ToList();
        var again = new Rng(7);
        Assert.All(draws.Take(50), d => Assert.Equal(d.Select(p => SweepParameter.Format(p.Value)), space.Sample(again).Select(p => SweepParameter.Format(p.Value))));

        var lr = draws.Select(d => (double)d["config.lr"]).ToList();
        Assert.All(lr, v => Assert.InRange(v, 1e-4, 1e-2));
        // Log-uniform: each decade holds half the draws, and log10 has mean -3; a uniform draw would put ~90% above 1e-3.
        double belowMiddle = lr.Count(v => v < 1e-3) / (double)lr.Count;
        Assert.InRange(belowMiddle, 0.46, 0.54);
        Assert.InRange(lr.Average(Math.Log10), -3.05, -2.95);

        var noise = draws.Select(d => (double)d["config.noise"]).ToList();
        Assert.All(noise, v => Assert.InRange(v, 0.5, 1.5));
        Assert.InRange(noise.Average(), 0.97, 1.03);
        Assert.InRange(noise.Count(v => v < 0.75) / (double)noise.Count, 0.22, 0.28);

        var n = draws.Select(d => (long)d["config.n"]).ToList();
        Assert.Equal([2L, 3L, 4L, 5L], n.Distinct().Order());
        Assert.All(n.GroupBy(x => x), g => Assert.InRange(g.Count(), 900, 1100));

        var act = draws.Select(d => SweepParameter.Format(d["config.act"])).ToList();
        Assert.Equal(["\"relu\"", "\"tanh\"", "3", "true"], act.Distinct().Order(StringComparer.Ordinal));
        Assert.All(act.GroupBy(x => x), g => Assert.InRange(g.Count(), 900, 1100));
    }

    [Theory]
    [InlineData("config.lr=loguniform(0,1)", "log-uniform bounds must be positive")]
    [InlineData("config.lr=uniform(2,1)", "must be below the upper bound")]
    [InlineData("config.lr=normal(0,1)", "unknown distribution 'normal'")]
    [InlineData("config.n=int(1.5,4)", "int bounds must be integers")]
    [InlineData("config.a=choice(x,x)", "listed twice")]
    [InlineData("lr", "no key=")]
    [InlineData("config.lr=uniform(0,abc)", "bound 'abc' is not a finite number")]
    public void ABadParameterIsRejectedNamingTheItem(string item, string message)
    {
        var e = Assert.Throws<FormatException>(() => SweepParameter.Parse(item));
        Assert.Contains(item, e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void NarrowingShrinksTheRangeAroundTheBestInLogSpaceAndKeepsTheirChoices()
    {
        var lr = SweepParameter.Parse("config.lr=loguniform(1e-6,1e-1)");
        var narrow = lr.Narrow([1e-4, 1e-3]);
        // Span 1e-4..1e-3 (one decade) widened by half a decade each side, in log space.
        Assert.Equal(Math.Pow(10, -4.5), narrow.Low, 1e-12);
        Assert.Equal(Math.Pow(10, -2.5), narrow.High, 1e-12);
        Assert.Equal(ParameterKind.LogUniform, narrow.Kind);
        // Clipped to the current range, and at least a fifth of its width around a single best value.
        var edge = lr.Narrow([1e-6]);
        Assert.Equal(1e-6, edge.Low, 1e-18);
        Assert.Equal(Math.Pow(10, -5.5), edge.High, 1e-12);
        var n = SweepParameter.Parse("config.n=int(1,100)").Narrow([40L, 50L]);
        Assert.Equal((30.0, 60.0), (n.Low, n.High)); // span 10, widened by a fifth of the width (9.9) each side
        var c = SweepParameter.Parse("config.a=choice(x,y,z)").Narrow(["z", "x", "z"]);
        Assert.Equal(["x", "z"], c.Choices.Cast<string>());
        Assert.True(lr.AtEdge(2e-6));
        Assert.False(lr.AtEdge(1e-4));
    }
}

/// <summary>The sweep engine on fake objectives: successive halving by hand, explosion stops, resuming, parallelism.</summary>
public class SweepEngineTests
{
    /// <summary>Scores by trial and rung from a table; trial 1 explodes at its first rung.</summary>
    private sealed class TableRunner(double[][] scores, CancellationTokenSource? cancelAt = null, int cancelOnCall = -1) : ISweepTrialRunner
    {
        public readonly List<(int Trial, long Budget)> Calls = [];
        private int _calls;

        public string? Check(SweepTrial trial) => null;

        public TrialSegment Run(SweepTrial trial, long budget, IReadOnlyList<ITrainingCallback> callbacks, CancellationToken cancel)
        {
            lock (Calls)
            {
                Calls.Add((trial.Index, budget));
                if (++_calls == cancelOnCall) cancelAt!.Cancel();
            }
            if (cancel.IsCancellationRequested) return new TrialSegment(TrainingStatus.Interrupted, 0, null, 0, null);
            int rung = budget switch { 100 => 0, 300 => 1, _ => 2 };
            if (trial.Index == 1) return new TrialSegment(TrainingStatus.Stopped, budget / 2, null, 0, "loss exploded: test");
            return new TrialSegment(TrainingStatus.BudgetReached, budget, scores[trial.Index][rung], 0, null);
        }
    }

    // Rung 1 ranks t2 (9) > t6 (8) > t4 (7) > t8 (6) > t0 (5) > ...; rung 2 reverses the survivors' order: t6 (20) > t4 (15) > t2 (10).
    private static readonly double[][] Scores =
    [
        [5, 0, 0], [99, 0, 0], [9, 10, 0], [3, 0, 0], [7, 15, 0], [2, 0, 0], [8, 20, 30], [4, 0, 0], [6, 0, 0],
    ];

    private static SweepSettings Settings(int jobs = 1) => new()
    {
        Space = SearchSpace.Parse(["config.x=uniform(0,1)"]), Trials = 9, Seed = 5, TotalSteps = 900, Eta = 3, Jobs = jobs, Rungs = [1.0 / 9, 1.0 / 3, 1],
    };

    [Fact]
    public void SuccessiveHalvingKeepsTheBestThirdAtEachRungAndRecordsWhereEachTrialStopped()
    {
        using var dir = new TempDir();
        var runner = new TableRunner(Scores);
        var sweep = new Sweep(Settings(), runner, dir.Sub("s"), "table");
        Assert.True(sweep.Run());

        Assert.Equal([100L, 300, 900], SuccessiveHalving.Budgets(900, [1.0 / 9, 1.0 / 3, 1]));
        Assert.Equal(9 + 3 + 1, runner.Calls.Count);
        Assert.Equal([2, 4, 6], runner.Calls.Where(c => c.Budget == 300).Select(c => c.Trial).Order());
        Assert.Equal([(6, 900L)], runner.Calls.Where(c => c.Budget == 900));
        var t = sweep.Trials;
        Assert.Equal(TrialState.Completed, t[6].State);
        Assert.Equal([30.0, 20, 8], t[6].Rungs.Select(r => r.Score!.Value).Reverse());
        foreach (int i in new[] { 2, 4 })
        {
            Assert.Equal(TrialState.Pruned, t[i].State);
            Assert.Equal(2, t[i].Rungs.Count);
            Assert.StartsWith("pruned at rung 2 (step 300 of 900)", t[i].Reason);
        }
        Assert.Contains("ranked 3 of 3, the best 1 went on", t[2].Reason);
        foreach (int i in new[] { 0, 3, 5, 7, 8 })
        {
            Assert.Equal(TrialState.Pruned, t[i].State);
            Assert.Single(t[i].Rungs);
            Assert.StartsWith("pruned at rung 1 (step 100 of 900)", t[i].Reason);
        }
        // The exploded trial ranks last at its rung (no evaluation) and keeps its reason.
        Assert.Equal(TrialState.Exploded, t[1].State);
        Assert.Equal("loss exploded: test", t[1].Reason);
        Assert.Contains("ranked 5 of 9", t[0].Reason);
        Assert.Contains("ranked 8 of 9", t[5].Reason);
        Assert.Equal([6, 4, 2, 8, 0], Sweep.Ranking(t).Take(5).Select(r => r.Index));
        Assert.Equal(1, Sweep.Ranking(t)[^1].Index);
        // Trial seeds and values derive from the sweep seed.
        Assert.Equal(Sweep.TrialSeed(5, 3), t[3].Seed);
        Assert.NotEqual(t[3].Seed, t[4].Seed);
    }

    [Fact]
    public void AnInterruptedSweepResumesWithoutRerunningFinishedSegmentsAndEndsAsAnUninterruptedOneWhateverTheJobs()
    {
        using var dir = new TempDir();
        var whole = new Sweep(Settings(jobs: 3), new TableRunner(Scores), dir.Sub("whole"), "table");
        Assert.True(whole.Run());

        using var cancel = new CancellationTokenSource();
        var first = new TableRunner(Scores, cancel, cancelOnCall: 11);
        var interrupted = new Sweep(Settings(), first, dir.Sub("resumed"), "table");
        Assert.False(interrupted.Run(cancel.Token));
        Assert.Equal(11, first.Calls.Count); // rung 1 done (9), one of rung 2 done, the 11th interrupted

        var second = new TableRunner(Scores);
        var resumed = new Sweep(Settings(), second, dir.Sub("resumed"), "table");
        Assert.True(resumed.Resumed);
        Assert.True(resumed.Run());
        Assert.Equal(3, second.Calls.Count); // the interrupted segment, the third of rung 2, and rung 3
        Assert.DoesNotContain(second.Calls, c => first.Calls.Take(10).Contains(c));
        Assert.Equal(File.ReadAllText(dir.Sub("whole/sweep.json")), File.ReadAllText(dir.Sub("resumed/sweep.json")));

        // Another sweep (here another seed) in the same directory is refused.
        var e = Assert.Throws<IOException>(() => new Sweep(Settings() with { Seed = 6 }, second, dir.Sub("resumed"), "table"));
        Assert.Contains("holds a different sweep", e.Message);
    }

    [Fact]
    public void CoarseToFineStagesTrainShorterFirstAndSampleTheNextStageInsideTheNarrowedRange()
    {
        using var dir = new TempDir();
        var settings = Settings() with { Stages = 2, Trials = 6, Space = SearchSpace.Parse(["config.x=loguniform(1e-5,1)"]), Rungs = [1] };
        var runner = new FuncRunner(t => -Math.Abs(Math.Log10((double)t.Values["config.x"]) + 2)); // best near 1e-2
        var sweep = new Sweep(settings, runner, dir.Sub("s"), "f");
        Assert.True(sweep.Run());
        Assert.Equal([300L, 900], sweep.Stages.Select(s => s.Budget));
        var narrowed = SweepParameter.Parse(sweep.Stages[1].Space[0]);
        Assert.True(narrowed.Low > 1e-5 && narrowed.High < 1, sweep.Stages[1].Space[0]);
        var stage1 = sweep.Trials.Where(t => t.Stage == 0).ToList();
        var best = Sweep.Ranking(stage1).Take(2).Select(t => (double)t.ParsedValues()["config.x"]).ToList();
        Assert.InRange(narrowed.Low, 1e-5, best.Min());
        Assert.InRange(narrowed.High, best.Max(), 1);
        Assert.All(sweep.Trials.Where(t => t.Stage == 1), t => Assert.InRange((double)t.ParsedValues()["config.x"], narrowed.Low, narrowed.High));
        Assert.Equal(12, sweep.Trials.Count);
    }

    private sealed class FuncRunner(Func<SweepTrial, double> score) : ISweepTrialRunner
    {
        public string? Check(SweepTrial trial) => null;

        public TrialSegment Run(SweepTrial trial, long budget, IReadOnlyList<ITrainingCallback> callbacks, CancellationToken cancel) =>
            new(TrainingStatus.BudgetReached, budget, score(trial), 0, null);
    }

    /// <summary>An algorithm whose loss grows by half each iteration (1, 1.5, 2.25, 3.375, ...), 100 steps an iteration.</summary>
    private sealed class GrowingLoss : IAlgorithm
    {
        public string Id => "growing-loss";
        public long EnvSteps { get; private set; }
        public int Iteration { get; private set; }
        public IPolicy Policy { get; } = new Zero();

        public IterationResult RunIteration()
        {
            EnvSteps += 100;
            Iteration++;
            return new IterationResult { Scalars = new Dictionary<string, double> { ["loss/value"] = Math.Pow(1.5, Iteration - 1), ["loss/policy"] = -1 } };
        }

        public void Save(Checkpoint checkpoint) => checkpoint.PutArray<long>("g/counters", [EnvSteps, Iteration]);

        public void Load(Checkpoint checkpoint)
        {
            var c = checkpoint.GetArray<long>("g/counters", 2);
            (EnvSteps, Iteration) = (c[0], (int)c[1]);
        }

        public object Act(object observation, bool deterministic, Rng rng) => 0;

        public void Dispose() { }

        private sealed class Zero : IPolicy
        {
            public object Act(object observation, bool deterministic, Rng rng) => 0;
        }
    }

    private static readonly TrainerOptions Options = new() { TotalSteps = 10_000, EvalEpisodes = 1, CheckpointInterval = 0, HistogramInterval = 0 };

    [Fact]
    public void ATrialWhoseLossExceedsThreeTimesItsInitialLossStopsAlsoAfterAResume()
    {
        var stop = new LossExplosionStop();
        var trainer = new Trainer(new GrowingLoss(), () => Envs.Make("CartPole-v1"), Options, seed: 1);
        trainer.Callbacks.Add(stop);
        var outcome = trainer.Train();
        Assert.Equal(TrainingStatus.Stopped, outcome.Status);
        Assert.Equal(400, outcome.EnvSteps); // 3.375 > 3 x 1 at the 4th iteration
        Assert.Equal("loss/value", stop.Key);
        Assert.Equal("loss exploded: loss/value = 3.375 exceeds 3 x its initial value 1 at step 400", stop.Reason);

        // A run resumed after 2 iterations keeps the first session's initial loss (from metrics.csv): it stops at the same step.
        using var dir = new TempDir();
        using (var run = RunDirectory.Open(dir.Sub("run")))
        {
            var first = new Trainer(new GrowingLoss(), () => Envs.Make("CartPole-v1"), Options with { TotalSteps = 200 }, 1, run);
            first.AddRunDirectorySinks("t", tensorBoard: false, plot: false);
            first.Callbacks.Add(new LossExplosionStop());
            Assert.Equal(TrainingStatus.BudgetReached, first.Train().Status);
            foreach (var s in first.Sinks) s.Dispose();
        }
        using (var run = RunDirectory.Open(dir.Sub("run")))
        {
            var resumed = CheckpointStore.LoadNewestUsable(run.CheckpointFolder, (cp, file) =>
            {
                var algorithm = new GrowingLoss();
                algorithm.Load(cp);
                var t = new Trainer(algorithm, () => Envs.Make("CartPole-v1"), Options, 1, run);
                t.Restore(cp, file);
                return t;
            }, _ => { });
            resumed.AddRunDirectorySinks("t", tensorBoard: false, plot: false);
            var again = new LossExplosionStop();
            resumed.Callbacks.Add(again);
            var o = resumed.Train();
            foreach (var s in resumed.Sinks) s.Dispose();
            Assert.Equal((TrainingStatus.Stopped, 400L), (o.Status, o.EnvSteps));
            Assert.Equal(1, again.InitialLoss);
        }

        // Without a loss (gradient-free algorithms) nothing stops; an explicit key is watched even when negative.
        var none = new LossExplosionStop(3, "loss/missing");
        Assert.True(none.OnIteration(trainer, new IterationRecord { Iteration = 1, EnvSteps = 1, Episodes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LossExplosionStop(1));
    }
}

/// <summary>Real sweeps of ARS on CartPole-v1 through <c>rl sweep</c>: results, the disk budget, resuming, and the best config.</summary>
public class SweepCommandTests : ConsoleTest
{
    public SweepCommandTests() => BuiltInAlgorithms.EnsureRegistered();

    internal static SweepCommand.SweepOptions Options(string dir, int? jobs = 1, int trials = 5) => new()
    {
        Config = "ars-CartPole-v1.toml",
        Params = ["config.step_size=loguniform(0.003,0.1)", "config.noise_std=uniform(0.01,0.05)", "config.directions=int(4,8)"],
        Trials = trials, Seed = 3, OutDir = dir, Jobs = jobs,
        Overrides = ["run.total_steps=6000", "run.eval_episodes=5", "run.checkpoint_interval=500", "config.top_directions=4"],
    };

    internal static string WithoutWallTimes(string csv) =>
        string.Join("\n", csv.Split('\n').Select(line => string.Join(",", line.Split(',').Where((_, i) => i != 7))));

    [Fact]
    public void ASmallSweepRanksItsTrialsWritesTheBestAsATrainableConfigAndResumesAfterAnInterruption()
    {
        using var dir = new TempDir();
        var w = new StringWriter();
        Assert.Equal(0, SweepCommand.Execute(Options(dir.Sub("a"), jobs: 2), w));
        string output = w.ToString();
        Assert.Contains("rank  trial", output);
        string csv = File.ReadAllText(dir.Sub("a/results.csv"));
        Assert.StartsWith("rank,trial,stage,state,score,env_steps,rungs,wall_seconds,config.step_size,config.noise_std,config.directions,reason", csv);
        var rows = csv.Trim().Split('\n').Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(5, rows.Count);
        Assert.Contains(rows, r => r[3] == "pruned");
        Assert.Equal("solved", rows[0][3]); // ARS solves CartPole in a few thousand steps
        Assert.True(File.Exists(dir.Sub("a/results.md")));
        foreach (var key in new[] { "config.step_size", "config.noise_std", "config.directions" })
            Assert.True(new FileInfo(dir.Sub($"a/score-vs-{key}.png")).Length > 1000);
        // Every trial is a run directory keeping only its newest checkpoint (the disk budget).
        for (int i = 0; i < 5; i++)
        {
            Assert.True(File.Exists(dir.Sub($"a/trial-{i:000}/metrics.csv")));
            Assert.Single(CheckpointStore.Files(dir.Sub($"a/trial-{i:000}/checkpoints")));
        }

        // The best configuration parses with its values, the full budget and the trial's seed, and rl train runs it.
        string best = dir.Sub("a/best.toml");
        var config = ExperimentConfig.Parse(File.ReadAllText(best), best);
        var winner = rows[0];
        Assert.Equal(double.Parse(winner[8], CultureInfo.InvariantCulture), ((ArsConfig)config.Config).StepSize);
        Assert.Equal(int.Parse(winner[10], CultureInfo.InvariantCulture), ((ArsConfig)config.Config).Directions);
        Assert.Equal(6000, config.Run.TotalSteps);
        Assert.Equal(3, config.Run.KeepCheckpoints);
        string trained = RunCommand(TrainCommand.Create, best, "--out", dir.Sub("best-run"), "--plain", "--set", "run.total_steps=600");
        Assert.Contains("training ars on CartPole-v1", trained);
        Assert.True(File.Exists(dir.Sub("best-run/result.json")));

        // Interrupted during the second trial (as a kill would), then resumed: the same results as the uninterrupted
        // sweep with 2 jobs, and the trial that had finished is not trained again.
        using var cancel = new CancellationTokenSource();
        var runner = new ConfigTrialRunner(ShippedConfigs.Find("ars-CartPole-v1.toml")!.Value.Text, "configs/ars-CartPole-v1.toml",
            Options("").Overrides, null, keepCheckpoints: false, threads: 1) { Space = SearchSpace.Parse(Options("").Params) };
        var settings = new SweepSettings { Space = runner.Space, Trials = 5, Seed = 3, TotalSteps = 6000 };
        var killing = new InterruptingRunner(runner, cancel, atCall: 2);
        Assert.False(new Sweep(settings, killing, dir.Sub("b"), runner.Fingerprint).Run(cancel.Token));
        // As after a kill before the interrupted trial's checkpoint was written: it has a config and logs but no checkpoint.
        foreach (var f in CheckpointStore.Files(dir.Sub("b/trial-001/checkpoints"))) File.Delete(f);
        File.Delete(dir.Sub("b/trial-001/result.json"));
        var resumedOut = new StringWriter();
        Assert.Equal(0, SweepCommand.Execute(Options(dir.Sub("b")), resumedOut));
        Assert.Contains("resuming the sweep in", resumedOut.ToString());
        Assert.DoesNotContain("trial-000 rung 1", resumedOut.ToString());
        Assert.Contains("trial-001 rung 1", resumedOut.ToString());
        Assert.Equal(WithoutWallTimes(csv), WithoutWallTimes(File.ReadAllText(dir.Sub("b/results.csv"))));
        Assert.Equal(File.ReadAllText(dir.Sub("a/best.toml")).Split('\n').Skip(1), File.ReadAllText(dir.Sub("b/best.toml")).Split('\n').Skip(1));
    }

    /// <summary>Stops the sweep inside the <paramref name="atCall"/>-th segment, after its first training iteration.</summary>
    private sealed class InterruptingRunner(ISweepTrialRunner inner, CancellationTokenSource cancel, int atCall) : ISweepTrialRunner
    {
        private int _calls;

        public string? Check(SweepTrial trial) => inner.Check(trial);

        public TrialSegment Run(SweepTrial trial, long budget, IReadOnlyList<ITrainingCallback> callbacks, CancellationToken token) =>
            inner.Run(trial, budget, ++_calls == atCall ? [.. callbacks, new CancelAfterFirstIteration(cancel)] : callbacks, token);

        private sealed class CancelAfterFirstIteration(CancellationTokenSource cancel) : ITrainingCallback
        {
            public bool OnIteration(Trainer trainer, IterationRecord record)
            {
                cancel.Cancel();
                return true;
            }
        }
    }

    [Fact]
    public void BadSweepOptionsAreUsageErrorsNamingTheOption()
    {
        using var dir = new TempDir();
        var (code, _, err) = Rl("sweep", "ars-CartPole-v1.toml", "--param", "config.step_size=loguniform(-1,1)", "--out", dir.Sub("x"));
        Assert.Equal(2, code);
        Assert.Contains("--param 'config.step_size=loguniform(-1,1)': log-uniform bounds must be positive", err);
        (code, _, err) = Rl("sweep", "ars-CartPole-v1.toml", "--param", "config.step_size=uniform(0.01,0.02)", "--rungs", "1/3,1/9,1", "--out", dir.Sub("x"));
        Assert.Equal(2, code);
        Assert.Contains("--rungs '1/3,1/9,1': rungs must increase", err);
        (code, _, err) = Rl("sweep", "ars-CartPole-v1.toml", "--param", "seed=int(1,5)", "--out", dir.Sub("x"));
        Assert.Equal(2, code);
        Assert.Contains("the sweep sets the seed and the budget", err);
        (code, _, err) = Rl("sweep", "ars-CartPole-v1.toml", "--param", "config.stepsize=uniform(0.01,0.02)", "--trials", "2", "--out", dir.Sub("x"));
        Assert.Equal(2, code);
        Assert.Contains("every trial's configuration is rejected", err);
        Assert.Contains("stepsize", err);
        Assert.Equal([1.0 / 9, 1.0 / 3, 1], SweepCommand.ParseRungs("1/9,1/3,1", 3));
        Assert.Equal([0.25, 0.5, 1], SweepCommand.ParseRungs("3", 2));
    }
}

/// <summary>
/// <c>rl sweep --cluster</c>: the trials' segments trained whole on two worker silos, interrupted and resumed, give the local
/// sweep's results (rungs, pruning, scores), and every trial is an ordinary run directory here.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class ClusterSweepTests : ConsoleTest
{
    private static SweepCommand.SweepOptions Options(string dir, int? jobs = null) => SweepCommandTests.Options(dir, jobs, trials: 4);

    private static string WithoutWallTimes(string csv) => SweepCommandTests.WithoutWallTimes(csv);

    [Fact]
    public async Task ASweepOnTheClusterInterruptedAndResumedGivesTheLocalSweepsResults()
    {
        using var dir = new TempDir();
        Assert.Equal(0, Exclusive(() => SweepCommand.Execute(Options(dir.Sub("local"), jobs: 2), new StringWriter())));
        string local = File.ReadAllText(dir.Sub("local/results.csv"));

        var membership = ClusterMembership.Parse($"localhost:{ClusterMembership.FreePort()}");
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var cluster = await ClusterRollouts.StartAsync(membership, TestCredential.Value, new Rl.Distributed.DistributedRolloutOptions(), log.Enqueue);
        try
        {
            await using var a = await RunWorkers.StartAsync(membership, 2, dir.Sub("work-a"), log);
            await using var b = await RunWorkers.StartAsync(membership, 2, dir.Sub("work-b"), log);
            var runs = cluster.Runs(minWorkers: 2);

            // Stopped as soon as the first segment is recorded (as Ctrl-C would): the running trials stop and come back.
            using var cancel = new CancellationTokenSource();
            var runner = new ConfigTrialRunner(ShippedConfigs.Find("ars-CartPole-v1.toml")!.Value.Text, "configs/ars-CartPole-v1.toml",
                Options("").Overrides, null, keepCheckpoints: false, threads: 1) { Space = SearchSpace.Parse(Options("").Params) };
            var settings = new SweepSettings { Space = runner.Space, Trials = 4, Seed = 3, TotalSteps = 6000, Jobs = 4 };
            var first = new List<string>();
            bool finished = Exclusive(() => new Sweep(settings, new ClusterTrialRunner(runner, runs), dir.Sub("cluster"), runner.Fingerprint, line =>
            {
                lock (first) first.Add(line);
                if (line.Contains(" rung 1 ", StringComparison.Ordinal)) cancel.Cancel();
            }).Run(cancel.Token));
            Assert.False(finished);

            var w = new StringWriter();
            Assert.Equal(0, Exclusive(() => SweepCommand.Execute(Options(dir.Sub("cluster")), w, runs)));
            string resumed = w.ToString();
            Assert.Contains("resuming the sweep in", resumed);
            Assert.Contains("on the cluster's workers", resumed);
            foreach (var done in first.Where(l => l.Contains(" rung 1 ", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]))
                Assert.DoesNotContain($"{done} rung 1 ", resumed); // finished segments are not trained again
            Assert.Equal(WithoutWallTimes(local), WithoutWallTimes(File.ReadAllText(dir.Sub("cluster/results.csv"))));
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(File.ReadAllText(dir.Sub($"local/trial-{i:000}/metrics.csv")), File.ReadAllText(dir.Sub($"cluster/trial-{i:000}/metrics.csv")));
                Assert.Single(CheckpointStore.Files(dir.Sub($"cluster/trial-{i:000}/checkpoints")));
            }
            Assert.Contains(log, l => l.Contains("continued,", StringComparison.Ordinal)); // a later rung continued an uploaded run
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task WithNoWorkerLeftATrialTrainsHereWithTheLocalResult()
    {
        using var dir = new TempDir();
        var membership = ClusterMembership.Parse($"localhost:{ClusterMembership.FreePort()}");
        var cluster = await ClusterRollouts.StartAsync(membership, TestCredential.Value, new Rl.Distributed.DistributedRolloutOptions { WorkerWait = TimeSpan.FromSeconds(1) }, _ => { });
        try
        {
            var runner = new ConfigTrialRunner(ShippedConfigs.Find("ars-CartPole-v1.toml")!.Value.Text, "configs/ars-CartPole-v1.toml",
                Options("").Overrides, null, keepCheckpoints: false, threads: 1) { Space = SearchSpace.Parse(Options("").Params) };
            var values = new Dictionary<string, object> { ["config.step_size"] = 0.02, ["config.noise_std"] = 0.03, ["config.directions"] = 6L };
            var here = new SweepTrial(0, 0, 11, values, dir.Sub("here"));
            var fallback = here with { Directory = dir.Sub("fallback") };
            var expected = Exclusive(() => runner.Run(here, 2000, [], CancellationToken.None));
            var got = await Task.Run(() => Exclusive(() => new ClusterTrialRunner(runner, cluster.Runs()).RunAsync(fallback, 2000, [], CancellationToken.None).GetAwaiter().GetResult()));
            Assert.Equal((expected.Status, expected.EnvSteps, expected.Score), (got.Status, got.EnvSteps, got.Score));
            Assert.Equal(File.ReadAllText(dir.Sub("here/metrics.csv")), File.ReadAllText(dir.Sub("fallback/metrics.csv")));
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
