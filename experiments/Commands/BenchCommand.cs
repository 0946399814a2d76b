using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Rl.Experiments.Benchmarks;
using Rl.Experiments.Cli;

namespace Rl.Experiments.Commands;

/// <summary><c>rl bench</c>: throughput benchmarks that print Markdown tables for the README (never timed tests).</summary>
public static class BenchCommand
{
    /// <summary>The command: every benchmark is a subcommand with its own options (<c>rl bench BENCHMARK --help</c>).</summary>
    public static Command Create()
    {
        var command = new Command("bench", "Throughput benchmarks that print Markdown tables for the docs (rl bench BENCHMARK --help)")
        {
            EnvCommand(), GradientFreeSolveBenchmark.Create(), MuJoCoBenchmark.Create(), DistributedBenchmark.Create(), RenderBenchmark.Create(),
            PythonBridgeBenchmark.Create(), PolicyGradientBenchmark.Create(), PpoBenchmark.Create(), TrainBenchmark.Create(), GamesBenchmark.Create(),
            SoakBenchmark.Create(),
        };
        command.Notes("Benchmarks measure; they are never timed tests. Each table names the command that produced it and the machine.");
        return command;
    }

    private static Command EnvCommand()
    {
        var steps = Opt.LongOr("--steps", 20_000_000, "CartPole-v1 steps per measurement", 1);
        var repeats = Opt.IntOr("--repeats", 3, "repeats (fastest kept)", 1, 100);
        var only = Opt.Text("--only", "TEXT", "measure only the cases whose name contains TEXT (e.g. \"of 8\"); no Python reference then");
        var command = new Command("env", "CartPole-v1 steps/s through the public API (single env, vector env) and bytes allocated per step, " +
            "against a Python reference (gym.make, or a numpy transcription of Gymnasium's step) measured in the same run") { steps, repeats, only };
        return command.Runs(r => RunEnv(r.GetValue(steps), r.GetValue(repeats), r.GetValue(only)));
    }

    private static int RunEnv(long steps, int repeats, string? only)
    {
        var results = EnvBenchmark.Run(steps, repeats, name => Console.Error.WriteLine($"measuring: {name}"), only);
        if (results.Count == 0) throw new UsageException($"rl bench env: no case's name contains '{only}'");
        PythonReference? python = null;
        string? why = "not run with --only";
        if (only is null)
        {
            // Python is ~100x slower: a hundredth of the steps (at least 20,000) gives it a comparable measuring time.
            Console.Error.WriteLine("measuring: the Python reference");
            python = EnvBenchmark.MeasurePython(Math.Max(20_000, steps / 100), repeats, out why);
        }
        Console.Out.WriteLine(EnvBenchmark.ToMarkdown(results, python, why));
        string filter = only is null ? "" : $" --only {only}";
        Console.Out.WriteLine(Machine() + $"; `rl bench env --steps {steps.ToString(CultureInfo.InvariantCulture)} --repeats {repeats}{filter}`; " +
                              $"load average {PolicyGradientBenchmark.LoadAverage()}");
        return 0;
    }

    /// <summary>A one-line description of the machine and runtime, printed under benchmark tables.</summary>
    public static string Machine() =>
        $"{Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {RuntimeInformation.ProcessArchitecture}";
}
