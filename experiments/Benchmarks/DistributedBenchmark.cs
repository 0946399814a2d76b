using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rl.Agents;
using Rl.Agents.Training;
using Rl.Distributed;
using Rl.Experiments.Cli;
using Rl.Experiments.Training;

namespace Rl.Experiments.Benchmarks;

/// <summary>
/// <c>rl bench distributed</c>: rollouts per second of the same ARS iterations (same seed, so the same episodes) on the local
/// thread pool and on 1, 2, 4 <c>rl worker</c> processes over loopback, the per-iteration coordination overhead (iteration
/// wall time minus the busiest worker's compute time), and the speed-up on N machines that overhead implies. On one small
/// machine the workers share its cores, so this measures the cost of distribution, not a speed-up. Also the cost of the
/// cluster's mutual TLS on the rollout path: the same iterations on one worker silo with and without TLS, alternated and
/// repeated in the same run (workers in this process, so only the transport differs). Not a test.
/// </summary>
public static class DistributedBenchmark
{
    /// <summary>The benchmark's command: its options and action.</summary>
    public static Command Create()
    {
        var workers = Opt.IntList("--workers", "rl worker process counts to measure", () => [1, 2, 4]);
        var iterations = Opt.IntOr("--iterations", 30, "ARS iterations per measurement", 2, 100000);
        var directions = Opt.IntOr("--directions", 8, "ARS directions per iteration", 1, 100000);
        var env = Opt.TextOr("--env", "CartPole-v1", "ID", "the environment").EnvIds();
        var threads = Opt.Int("--threads", "rollout threads per worker (default: the number of cores)", 1, 1024);
        var tlsRepeats = Opt.IntOr("--tls-repeats", 3, "repeats of the TLS handshake measurement", 0, 100);
        var command = new Command("distributed", "ARS rollouts/s on 1, 2, 4 rl worker processes (loopback) against the local pool; coordination " +
            "overhead per iteration and the projected speed-up on N machines; rl bench distributed sweep: the same for whole sweep trials")
        {
            workers, iterations, directions, env, threads, tlsRepeats, DistributedSweepBenchmark.Create(),
        };
        return command.Runs(r => Run([.. r.GetValue(workers)!], r.GetValue(iterations), r.GetValue(directions), r.GetValue(env)!,
            r.GetValue(threads) ?? Environment.ProcessorCount, r.GetValue(tlsRepeats)));
    }

    /// <summary>Runs the benchmark and prints the tables.</summary>
    public static int Run(List<int> workerCounts, int iterations, int directions, string env, int threads, int tlsRepeats)
    {
        BuiltInAlgorithms.EnsureRegistered();
        var config = ExperimentConfig.Parse(
            $"algo = \"ars\"\nenv = {TomlText.Value(env)}\nseed = 0\n[run]\nthreads = {threads}\n[config]\ndirections = {directions}\ntop_directions = {directions}\n",
            "bench distributed");

        Console.Error.WriteLine($"local pool, 1 thread and {threads} threads ...");
        var rows = new List<Row> { Local(config with { Run = config.Run with { Threads = 1 } }, iterations) };
        if (threads > 1) rows.Add(Local(config, iterations));
        using var temporary = new TemporaryCredential();
        var (credential, credentialFile) = (temporary.Credential, temporary.File);
        foreach (int w in workerCounts)
        {
            Console.Error.WriteLine($"{w} worker process(es) ...");
            rows.Add(Cluster(config, iterations, w, credential, credentialFile));
        }
        Row? plain = null, tls = null;
        for (int i = 0; i < tlsRepeats; i++)
        {
            Console.Error.WriteLine($"TLS cost, repeat {i + 1} of {tlsRepeats}: one in-process worker silo without and with TLS ...");
            var p = InProcess(config, iterations, null);
            var t = InProcess(config, iterations, credential);
            if (plain is null || p.Seconds < plain.Seconds) plain = p;
            if (tls is null || t.Seconds < tls.Seconds) tls = t;
        }
        if (plain is not null && tls is not null) rows.AddRange([plain, tls]);

        Console.WriteLine($"ARS ({directions} directions, {2 * directions} rollouts per iteration) on {env}, iterations 2..{iterations} of the same seeded run:");
        Console.WriteLine();
        Console.WriteLine("| rollouts on | rollouts/s | env steps/s | ms/iteration | coordination ms/iteration | ms per chunk call (round trip − compute) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var r in rows)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.Rollouts / r.Seconds:N0} | {r.Steps / r.Seconds:N0} | {1000 * r.Seconds / r.Iterations:0.0} | {(r.Overhead is double o ? (1000 * o).ToString("0.0", CultureInfo.InvariantCulture) : "—")} | {(r.CallOverhead is double c ? (1000 * c).ToString("0.00", CultureInfo.InvariantCulture) : "—")} |"));
        Console.WriteLine();
        Console.WriteLine(Projection(rows));
        if (plain is not null && tls is not null)
        {
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"TLS on the rollout path (fastest of {tlsRepeats} alternated runs each): {1000 * tls.Seconds / tls.Iterations:0.0} ms/iteration with TLS, " +
                $"{1000 * plain.Seconds / plain.Iterations:0.0} without: overhead {100 * (tls.Seconds / plain.Seconds - 1):+0.0;-0.0}% (goal: under 10%)"));
        }
        Console.WriteLine();
        Console.WriteLine(Commands.BenchCommand.Machine() + string.Create(CultureInfo.InvariantCulture,
            $"; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; `rl bench distributed --workers {string.Join(',', workerCounts)} --iterations {iterations} --directions {directions} --tls-repeats {tlsRepeats}`"));
        return 0;
    }

    /// <summary>A throwaway cluster credential in a temporary directory, deleted with it.</summary>
    private sealed class TemporaryCredential : IDisposable
    {
        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("rl-bench-cluster-");

        public TemporaryCredential()
        {
            File = Path.Combine(_dir.FullName, "cluster.pem");
            Credential = ClusterCredential.Create(File);
        }

        public string File { get; }

        public ClusterCredential Credential { get; }

        public void Dispose()
        {
            Credential.Dispose();
            _dir.Delete(recursive: true);
        }
    }

    private sealed record Row(string Name, int Iterations, double Seconds, long Rollouts, long Steps, double? Overhead, double? CallOverhead, int Workers);

    private static Row Local(ExperimentConfig config, int iterations)
    {
        using var algorithm = TrainingSession.Build(config);
        var (seconds, rollouts, steps) = Measure(algorithm, iterations);
        return new Row($"local pool, {config.Run.Threads} thread{(config.Run.Threads == 1 ? "" : "s")}", iterations - 1, seconds, rollouts, steps, null, null, 0);
    }

    /// <summary>One worker silo in this process, with the cluster's TLS (a credential) or without (null).</summary>
    private static Row InProcess(ExperimentConfig config, int iterations, ClusterCredential? credential)
    {
        var membership = ClusterMembership.Parse($"localhost:{ClusterMembership.FreePort()}");
        var cluster = ClusterRollouts.StartAsync(membership, credential, new DistributedRolloutOptions(), _ => { }).GetAwaiter().GetResult();
        var worker = RolloutSilo.StartWorkerAsync(membership, credential,
            new WorkerHostOptions(1, ClusterRollouts.Resolver(new WorkerPermissions()), _ => { })).GetAwaiter().GetResult();
        try
        {
            using var algorithm = TrainingSession.Build(config, rollouts: cluster.Create);
            var (seconds, rollouts, steps) = Measure(algorithm, iterations);
            var timed = cluster.Backend!.History.Skip(1).ToList();
            return new Row($"1 worker silo in this process × 1 thread, {(credential is null ? "no TLS" : "mutual TLS")}", iterations - 1, seconds, rollouts, steps,
                timed.Average(h => h.OverheadSeconds), timed.Average(h => h.CallOverheadSeconds), 0);
        }
        finally
        {
            worker.DisposeAsync().AsTask().GetAwaiter().GetResult();
            cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static Row Cluster(ExperimentConfig config, int iterations, int workers, ClusterCredential credential, string credentialFile)
    {
        int port = ClusterMembership.FreePort();
        var membership = ClusterMembership.Parse($"localhost:{port}");
        var processes = new List<Process>();
        var cluster = ClusterRollouts.StartAsync(membership, credential, new DistributedRolloutOptions { MinWorkers = workers }, _ => { }).GetAwaiter().GetResult();
        try
        {
            for (int i = 0; i < workers; i++) processes.Add(StartWorker(port, credentialFile));
            using var algorithm = TrainingSession.Build(config, rollouts: cluster.Create);
            var (seconds, rollouts, steps) = Measure(algorithm, iterations);
            var timed = cluster.Backend!.History.Skip(1).ToList();
            double overhead = timed.Average(h => h.OverheadSeconds);
            double perCall = timed.Average(h => h.CallOverheadSeconds);
            return new Row($"{workers} worker process{(workers == 1 ? "" : "es")} × 1 thread", iterations - 1, seconds, rollouts, steps, overhead, perCall, workers);
        }
        finally
        {
            cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
            foreach (var p in processes)
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                p.WaitForExit(5000);
                p.Dispose();
            }
        }
    }

    /// <summary>Runs the iterations; times all but the first (environment and worker setup).</summary>
    private static (double Seconds, long Rollouts, long Steps) Measure(IAlgorithm algorithm, int iterations)
    {
        algorithm.RunIteration();
        long steps0 = algorithm.EnvSteps, rollouts = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 1; i < iterations; i++) rollouts += algorithm.RunIteration().EpisodeReturns.Count;
        return (clock.Elapsed.TotalSeconds, rollouts, algorithm.EnvSteps - steps0);
    }

    private static Process StartWorker(int port, string credentialFile)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which executable to start workers with");
        var info = new ProcessStartInfo(self) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") info.ArgumentList.Add(typeof(DistributedBenchmark).Assembly.Location);
        foreach (var arg in new[] { "worker", "--cluster", $"localhost:{port}", "--threads", "1", "--credential", credentialFile }) info.ArgumentList.Add(arg);
        var p = Process.Start(info) ?? throw new InvalidOperationException("could not start rl worker");
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>
    /// Speed-up on N machines with m cores each: one iteration's rollouts take C seconds on one core; spread over N·m cores
    /// they take C/(N·m), plus the coordination overhead o(N), fitted as a + b·N from the measured worker counts.
    /// </summary>
    private static string Projection(IReadOnlyList<Row> rows)
    {
        var single = rows[0];
        double c = single.Seconds / single.Iterations;
        var cluster = rows.Where(r => r.Overhead is not null && r.Workers > 0).ToList();
        if (cluster.Count == 0) return "";
        double a, b;
        if (cluster.Count == 1) (a, b) = (cluster[0].Overhead!.Value, 0);
        else
        {
            double mx = cluster.Average(r => (double)r.Workers), my = cluster.Average(r => r.Overhead!.Value);
            double sxx = cluster.Sum(r => (r.Workers - mx) * (r.Workers - mx));
            b = sxx > 0 ? Math.Max(0, cluster.Sum(r => (r.Workers - mx) * (r.Overhead!.Value - my)) / sxx) : 0;
            a = Math.Max(0, my - b * mx);
        }
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(inv, $"Projection: one iteration's rollouts take C = {1000 * c:0.0} ms on one core here; coordination o(N) ≈ {1000 * a:0.0} + {1000 * b:0.00}·N ms (fitted to the rows above); speed-up over one core on N machines of m cores = C / (C/(N·m) + o(N)), for this C and for heavier iterations:"),
            "",
            string.Create(inv, $"| machines N | C = {1000 * c:0} ms, m = 1 | C = {1000 * c:0} ms, m = 8 | C = 1 s, m = 8 | C = 10 s, m = 48 |"),
            "|---|---|---|---|---|",
        };
        foreach (int n in new[] { 1, 2, 4, 8, 16, 48 })
        {
            string S(double cost, int m) => (cost / (cost / (n * m) + a + b * n)).ToString("0.0", inv);
            lines.Add($"| {n} | {S(c, 1)} | {S(c, 8)} | {S(1, 8)} | {S(10, 48)} |");
        }
        return string.Join("\n", lines);
    }
}
