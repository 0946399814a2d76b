using System.Globalization;
using System.Runtime.InteropServices;
using Rl.Experiments.Benchmarks;
using Rl.Experiments.Cli;

namespace Rl.Experiments.Commands;

/// <summary><c>rl bench</c>: throughput benchmarks that print Markdown tables for the README (never timed tests).</summary>
public static class BenchCommand
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        rl bench env [--steps N] [--repeats N]
          Measure environment throughput and print a Markdown table (for the README).
          env           CartPole-v1 steps/s through the public API and bytes allocated per step, with Gymnasium's figure
          --steps N     steps per timed run (default 20000000)
          --repeats N   timed runs per case after a warm-up; the fastest is reported (default 3)
        """;

    /// <summary>Runs the command.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        var a = new ArgReader(args, "rl bench");
        string what = a.RequirePositional("what to benchmark (env)");
        long steps = a.Long("--steps") ?? 20_000_000;
        int repeats = a.Int("--repeats", 1, 100) ?? 3;
        a.EnsureAllConsumed();
        if (steps < 1) throw new UsageException($"rl bench: --steps {steps} must be positive");
        switch (what)
        {
            case "env":
                var results = EnvBenchmark.Run(steps, repeats, name => Console.Error.WriteLine($"measuring: {name}"));
                Console.Out.WriteLine(EnvBenchmark.ToMarkdown(results));
                Console.Out.WriteLine(Machine() + $"; `rl bench env --steps {steps.ToString(CultureInfo.InvariantCulture)} --repeats {repeats}`");
                return 0;
            default:
                throw new UsageException($"rl bench: unknown benchmark '{what}'; available: env");
        }
    }

    /// <summary>A one-line description of the machine and runtime, printed under benchmark tables.</summary>
    public static string Machine() =>
        $"{Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {RuntimeInformation.ProcessArchitecture}";
}
