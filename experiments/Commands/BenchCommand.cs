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
        rl bench <benchmark> [options]
          Run a benchmark and print a Markdown table (for the README). Benchmarks:
          env [--steps N] [--repeats N]
                        CartPole-v1 steps/s through the public API (single env, vector env) and bytes allocated per step,
                        vector rows against the single env and every row against a Python reference (gym.make, or a
                        numpy transcription of Gymnasium's step) measured in the same run (default 20000000 steps, fastest of 3)
          solve [--algos a,b] [--seeds N] [--threads N] [--eval-every N] [--eval-episodes N] [--max-steps N]
                        wall-clock time and env steps for the gradient-free agents to solve CartPole-v1 (median over seeds)
          mujoco [--steps N] [--repeats N] [--env ID]... [--seed N]
                        locomotion env steps/s per core against raw mj_step in the same run
          distributed [--workers 1,2,4] [--iterations N] [--directions N]
                        ARS rollouts/s on 1, 2, 4 rl worker processes (loopback) against the local pool; coordination
                        overhead per iteration and the projected speed-up on N machines
          render [options]      pixel observations per second at 64x64 (single env, batched atlas for a vector)
          python [options]      Python bridge steps/s (one worker, several) against the native C# cart-pole
          pg solve [rl bench solve's options]
                        env steps and training time for REINFORCE and off-policy PG to solve CartPole-v1 (median of 5 seeds)
          pg conv [--iterations N] [--rounds N] [--threads 1,2]
                        conv-policy update (64x64x3, batch 256, forward + backward + Adam) against PyTorch (/usr/bin/python3)
          pg memory [--steps N] [--reports N] [--seed N]
                        RSS, managed heap and live TorchSharp tensors over N REINFORCE steps (default 1,000,000)
          pg engine [--steps N] [--episodes N] [--repeats N] [--seed N]
                        bytes allocated per env step while REINFORCE collects (forward pass and the rest), and a
                        100-episode evaluation of a solved REINFORCE checkpoint: old evaluator against the batched one
          pg all                solve, conv and memory with their defaults
          ppo [--iterations N] [--rounds N]
                                the shipped ppo-Breakout-v0 config: env steps/s with updates, RSS per iteration, and its
                                conv update (PPO minibatch step) against the same network and loss in PyTorch (/usr/bin/python3)
          train [<algo> <env-id>] [--set key=value]...
                        where one rl train process's wall time goes (runtime start, loading, training, evaluation,
                        checkpoint, logs, plot) and whether TorchSharp and Orleans were loaded (default: ars CartPole-v1)
          games [options]       kart and arcade env steps/s: state vectors, pixels one frame per step, vector envs
                                with batched atlas rendering or a renderer per thread
          soak [--state-steps N] [--pixel-steps N] [--train-steps N] [--reports N] [--seed N]
                        endurance: random steps over every state env (10M in all) and each pixel env (1M each), then
                        1M training steps each of REINFORCE and ARS; exceptions, NaNs, RSS, heap and live tensors
        """;

    /// <summary>The benchmarks by name: each takes the arguments after its name.</summary>
    private static readonly Dictionary<string, Func<IReadOnlyList<string>, int>> Benchmarks = new(StringComparer.Ordinal)
    {
        ["env"] = RunEnv,
        ["solve"] = GradientFreeSolveBenchmark.Run,
        ["distributed"] = DistributedBenchmark.Run,
        ["mujoco"] = MuJoCoBenchmark.Run,
        ["python"] = PythonBridgeBenchmark.Run,
        ["render"] = RenderBenchmark.Run,
        ["pg"] = PolicyGradientBenchmark.Run,
        ["ppo"] = PpoBenchmark.Run,
        ["games"] = GamesBenchmark.Run,
        ["soak"] = SoakBenchmark.Run,
        ["train"] = TrainBenchmark.Run,
    };

    /// <summary>Runs the command.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
            throw new UsageException($"rl bench: name a benchmark first; available: {string.Join(", ", Benchmarks.Keys)}");
        if (!Benchmarks.TryGetValue(args[0], out var run))
            throw new UsageException($"rl bench: unknown benchmark '{args[0]}'; available: {string.Join(", ", Benchmarks.Keys)}");
        return run(args.Skip(1).ToList());
    }

    private static int RunEnv(IReadOnlyList<string> args)
    {
        var a = new ArgReader(args, "rl bench env");
        long steps = a.Long("--steps") ?? 20_000_000;
        int repeats = a.Int("--repeats", 1, 100) ?? 3;
        a.EnsureAllConsumed();
        if (steps < 1) throw new UsageException($"rl bench env: --steps {steps} must be positive");
        var results = EnvBenchmark.Run(steps, repeats, name => Console.Error.WriteLine($"measuring: {name}"));
        // Python is ~100x slower: a hundredth of the steps (at least 20,000) gives it a comparable measuring time.
        Console.Error.WriteLine("measuring: the Python reference");
        var python = EnvBenchmark.MeasurePython(Math.Max(20_000, steps / 100), repeats, out string? why);
        Console.Out.WriteLine(EnvBenchmark.ToMarkdown(results, python, why));
        Console.Out.WriteLine(Machine() + $"; `rl bench env --steps {steps.ToString(CultureInfo.InvariantCulture)} --repeats {repeats}`");
        return 0;
    }

    /// <summary>A one-line description of the machine and runtime, printed under benchmark tables.</summary>
    public static string Machine() =>
        $"{Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {RuntimeInformation.ProcessArchitecture}";
}
