using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rl.Agents;
using Rl.Distributed;
using Rl.Experiments.Cli;
using Rl.Experiments.Training;
using Rl.Training;

namespace Rl.Experiments.Benchmarks;

/// <summary>
/// <c>rl bench distributed sweep</c>: the per-trial overhead of training sweep trials (or seeds) whole on worker silos
/// against training them in this process, measured in the same run on the same trials (same configs and seeds): each trial
/// first locally, as <c>rl sweep</c> trains it, then through a loopback worker silo (its own <c>rl train</c> process, the
/// upload, the polls and the download of its run directory), one at a time so nothing else shares the cores. From the
/// measured trial time and overhead it projects the speed-up of a sweep on N machines. Not a test.
/// </summary>
public static class DistributedSweepBenchmark
{
    /// <summary>The benchmark's command: its options and action.</summary>
    public static Command Create()
    {
        var trials = Opt.IntOr("--trials", 6, "trials measured each way", 1, 1000);
        var steps = Opt.LongOr("--steps", 20000, "each trial's step budget (ARS on CartPole-v1, no early stop)", 1);
        var command = new Command("sweep", "per-trial overhead of sweep trials trained whole on a loopback worker silo against in this process, " +
            "and the projected speed-up of a sweep on N machines") { trials, steps };
        return command.Runs(r => Run(r.GetValue(trials), r.GetValue(steps)));
    }

    /// <summary>Runs the benchmark and prints the table and the projection.</summary>
    public static int Run(int trials, long steps)
    {
        BuiltInAlgorithms.EnsureRegistered();
        var (text, source) = Commands.TrainCommand.LoadConfigText("ars", "CartPole-v1", quiet: true);
        string[] overrides = [$"run.total_steps={steps}", "run.stop_when_solved=false", "run.eval_episodes=10", "run.eval_interval=0", "run.checkpoint_interval=0",
            "run.keep_checkpoints=1", "run.threads=1", "run.progress_seconds=0"];
        var configs = Enumerable.Range(0, trials).Select(i => ExperimentConfig.Parse(text, source, overrides, 1000 + i)).ToList();
        using var tmp = new TemporaryDirectory();
        var inv = CultureInfo.InvariantCulture;

        Console.Error.WriteLine($"{trials} trials in this process (after one untimed, so the code is compiled as in a running sweep) ...");
        using (var warm = TrainingSession.Create(ExperimentConfig.Parse(text, source, overrides, 999), Path.Combine(tmp.Path, "warm-up")))
            warm.Run(NullProgress.Instance, CancellationToken.None);
        var local = new List<double>();
        for (int i = 0; i < trials; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var session = TrainingSession.Create(configs[i], Path.Combine(tmp.Path, $"local-{i}")))
                session.Run(NullProgress.Instance, CancellationToken.None);
            local.Add(clock.Elapsed.TotalSeconds);
        }

        Console.Error.WriteLine($"{trials} trials on one loopback worker silo (mutual TLS) ...");
        var membership = ClusterMembership.Parse($"localhost:{ClusterMembership.FreePort()}");
        using var credential = ClusterCredential.Create(Path.Combine(tmp.Path, "cluster.pem"));
        var outcomes = new List<RunOutcome>();
        var cluster = ClusterRollouts.StartAsync(membership, credential, new DistributedRolloutOptions(), _ => { }).GetAwaiter().GetResult();
        try
        {
            var worker = RolloutSilo.StartWorkerAsync(membership, credential, new WorkerHostOptions(1, ClusterRollouts.Resolver(new WorkerPermissions()), _ => { })
            {
                Runs = ClusterRuns.WorkerHost(new WorkerPermissions(), [], [], Path.Combine(tmp.Path, "work")),
            }).GetAwaiter().GetResult();
            try
            {
                var runs = cluster.Runs();
                for (int i = 0; i < trials; i++)
                {
                    var order = ClusterRuns.NewRun($"trial {i}", configs[i], Path.Combine(tmp.Path, $"cluster-{i}"), null);
                    var outcome = runs.RunAsync(order).GetAwaiter().GetResult();
                    if (outcome.ExitCode != 0) throw new InvalidOperationException($"trial {i} failed on the worker (exit code {outcome.ExitCode}): {outcome.Error}");
                    outcomes.Add(outcome);
                }
                // One continuation as a later rung does: the run directory goes up, trains on to twice the budget, comes back.
                var next = ClusterRuns.Continue("trial 0, next rung", Path.Combine(tmp.Path, "cluster-0"), [$"run.total_steps={2 * steps}"], null);
                var continued = runs.RunAsync(next).GetAwaiter().GetResult();
                Print(trials, steps, local, outcomes, continued, inv);
            }
            finally
            {
                worker.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        finally
        {
            cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return 0;
    }

    private static void Print(int trials, long steps, List<double> local, List<RunOutcome> outcomes, RunOutcome continued, CultureInfo inv)
    {
        double d = local.Average();
        double roundTrip = outcomes.Average(o => o.Seconds), compute = outcomes.Average(o => o.ComputeSeconds);
        double messaging = outcomes.Average(o => o.Seconds - o.ComputeSeconds), overhead = roundTrip - d;
        Console.WriteLine($"ARS on CartPole-v1, {steps:N0} steps per trial (no early stop, 10 evaluation episodes), {trials} trials each way, one at a time, 1 thread each:");
        Console.WriteLine();
        Console.WriteLine("| trial trained | mean s/trial | min | max |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine(string.Create(inv, $"| in this process (rl sweep's local trials) | {d:0.00} | {local.Min():0.00} | {local.Max():0.00} |"));
        Console.WriteLine(string.Create(inv, $"| on a loopback worker: learner's round trip | {roundTrip:0.00} | {outcomes.Min(o => o.Seconds):0.00} | {outcomes.Max(o => o.Seconds):0.00} |"));
        Console.WriteLine(string.Create(inv, $"| of which the worker's rl train process | {compute:0.00} | {outcomes.Min(o => o.ComputeSeconds):0.00} | {outcomes.Max(o => o.ComputeSeconds):0.00} |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(inv,
            $"Per-trial overhead o = round trip − local trial = {overhead:0.00} s: {compute - d:0.00} s of process start-up and set-up (worker process − local trial), " +
            $"{messaging:0.00} s of placement, polling (every 0.5 s) and transfer ({outcomes.Average(o => o.BytesDown) / 1024:N0} KiB down per trial). " +
            $"A next-rung continuation moved {continued.BytesUp / 1024:N0} KiB up and {continued.BytesDown / 1024:N0} KiB down in {continued.Seconds - continued.ComputeSeconds:0.00} s besides its training."));
        Console.WriteLine();
        Console.WriteLine(string.Create(inv,
            $"Projection: a rung of T trials of d seconds each on one machine of m cores takes ceil(T/m)·d; on N such machines as workers ceil(T/(N·m))·(d + o). " +
            $"Speed-up over the one machine's local sweep (o = {overhead:0.00} s as measured):"));
        Console.WriteLine();
        Console.WriteLine(string.Create(inv, $"| machines N | T = 27, m = 2, d = {d:0.0} s | T = 27, m = 8, d = 60 s | T = 81, m = 8, d = 600 s |"));
        Console.WriteLine("|---|---|---|---|");
        foreach (int n in new[] { 1, 2, 4, 8, 16 })
        {
            string S(int t, int m, double trial) =>
                (Math.Ceiling((double)t / m) * trial / (Math.Ceiling((double)t / (n * m)) * (trial + Math.Max(0, overhead)))).ToString("0.0", inv);
            Console.WriteLine($"| {n} | {S(27, 2, d)} | {S(27, 8, 60)} | {S(81, 8, 600)} |");
        }
        Console.WriteLine();
        Console.WriteLine(Commands.BenchCommand.Machine() + string.Create(inv,
            $"; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; `rl bench distributed sweep --trials {trials} --steps {steps}`"));
    }

    private sealed class TemporaryDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("rl-bench-sweep-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
