using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rl.Agents;
using Rl.Experiments.Cli;
using Rl.Experiments.Commands;
using Rl.Experiments.Training;

namespace Rl.Experiments.Benchmarks;

/// <summary>
/// <c>rl bench train</c>: where the wall time of one <c>rl train</c> process goes (runtime start, command line, loading,
/// training, evaluation, checkpoint, logs, plot), how much of it the JIT compiler took, how many assemblies were loaded,
/// whether the runner is ReadyToRun-compiled, and whether libtorch's and Orleans' assemblies were loaded.
/// </summary>
public static class TrainBenchmark
{
    /// <summary>The benchmark's command: its options and action.</summary>
    public static Command Create()
    {
        var algo = Opt.Optional("algo", "the algorithm (default ars)").AlgoIds();
        var env = Opt.Optional("env-id", "the environment (default CartPole-v1)").EnvIds();
        var sets = Opt.Set("override a config key, as in rl train");
        var command = new Command("train", "Where one rl train process's wall time goes (runtime start, loading, training, evaluation, checkpoint, " +
            "logs, plot) and whether TorchSharp and Orleans were loaded") { algo, env, sets };
        return command.Runs(r => Run(r.GetValue(algo) ?? "ars", r.GetValue(env) ?? "CartPole-v1", r.GetValue(sets)!));
    }

    /// <summary>Trains once in this process and prints where the wall time went.</summary>
    public static int Run(string algo, string env, IReadOnlyList<string> overrides)
    {
        // Time from the process's start to here: runtime start-up (to Main), then the command line (parsing, dispatch).
        long now = Stopwatch.GetTimestamp();
        double startup = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds;
        double commandLine = Program.MainStarted == 0 ? 0 : Stopwatch.GetElapsedTime(Program.MainStarted, now).TotalSeconds;
        var clock = Stopwatch.StartNew();
        BuiltInAlgorithms.EnsureRegistered();
        var shipped = ShippedConfigs.For(algo, env);
        var config = ExperimentConfig.Parse(shipped?.Text ?? $"algo = \"{algo}\"\nenv = \"{env}\"\n", shipped?.Name ?? "defaults", overrides);
        string dir = Directory.CreateTempSubdirectory("rl-bench-train-").FullName;
        try
        {
            TrainingOutcome outcome;
            IReadOnlyDictionary<string, double> phases;
            double loading, run;
            using (var session = TrainingSession.Create(config, dir))
            {
                loading = clock.Elapsed.TotalSeconds;
                outcome = session.Run(NullProgress.Instance, CancellationToken.None);
                run = clock.Elapsed.TotalSeconds - loading;
                phases = session.Trainer.PhaseSeconds;
            }
            double total = startup + clock.Elapsed.TotalSeconds;
            double outside = phases.Values.Sum();
            var inv = CultureInfo.InvariantCulture;
            var w = Console.Out;
            w.WriteLine($"| phase | seconds | share |");
            w.WriteLine("|---|---:|---:|");
            void Row(string name, double s) => w.WriteLine(string.Create(inv, $"| {name} | {s:0.000} | {100 * s / total:0}% |"));
            Row("runtime start (process start to Main: host, runtime, first assemblies)", startup - commandLine);
            Row("command line (Main to the command: parsing, dispatch)", commandLine);
            Row("loading (config, environment check, algorithm, run directory)", loading);
            Row("training (iterations)", run - outside);
            Row("evaluation", phases["evaluation"]);
            Row("checkpoint", phases["checkpoint"]);
            Row("logs (metrics.csv, timing.csv, TensorBoard)", phases["logs"]);
            Row("plot and closing the logs", phases["close"]);
            Row("total", total);
            w.WriteLine(string.Create(inv, $"| of the total: JIT compiling ({System.Runtime.JitInfo.GetCompiledMethodCount()} methods, all threads) | " +
                $"{System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:0.000} | {100 * System.Runtime.JitInfo.GetCompilationTime().TotalSeconds / total:0}% |"));
            bool Loaded(string prefix) => AppDomain.CurrentDomain.GetAssemblies().Any(x => x.GetName().Name?.StartsWith(prefix, StringComparison.Ordinal) == true);
            w.WriteLine();
            w.WriteLine($"{algo} on {env}: {outcome.Status}, {outcome.Iteration} iterations, {outcome.EnvSteps:N0} steps; " +
                        $"TorchSharp loaded: {(Loaded("TorchSharp") ? "yes" : "no")}; Orleans loaded: {(Loaded("Orleans") ? "yes" : "no")}; " +
                        $"{AppDomain.CurrentDomain.GetAssemblies().Length} assemblies loaded; rl.dll ReadyToRun-compiled: {(IsReadyToRun(typeof(Program).Assembly.Location) ? "yes" : "no (./rl publishes it so)")}");
            w.WriteLine(BenchCommand.Machine() + $"; `rl bench train {algo} {env}`");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Whether the assembly file carries ReadyToRun native code (a managed native header in its CLI header).</summary>
    public static bool IsReadyToRun(string path)
    {
        if (string.IsNullOrEmpty(path) || !File.Exists(path)) return false;
        using var stream = File.OpenRead(path);
        using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
        return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }
}
