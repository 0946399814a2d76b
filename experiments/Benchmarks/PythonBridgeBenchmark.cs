using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rl.Core;
using Rl.Environments.Classic;
using Rl.Environments.Python;
using Rl.Experiments.Cli;

namespace Rl.Experiments.Benchmarks;

/// <summary>
/// <c>rl bench python</c>: cart-pole steps per second through the Python bridge (one worker, and a vector environment over
/// several workers) against the native C# <see cref="CartPoleEnv"/> in the same run, as a Markdown table.
/// </summary>
/// <remarks>
/// With gymnasium installed for the chosen interpreter it runs Gymnasium's own <c>CartPole-v1</c>; otherwise the pure-Python
/// cart-pole of the test suite (tests/Rl.Environments.Tests/PythonEnvs), which has the same equations.
/// </remarks>
public static class PythonBridgeBenchmark
{

    /// <summary>The benchmark's command: its options and action.</summary>
    public static Command Create()
    {
        var steps = Opt.IntOr("--steps", 20_000, "steps per round", 100);
        var rounds = Opt.IntOr("--rounds", 5, "rounds (best kept)", 1);
        var workers = Opt.IntList("--workers", "worker process counts", () => [1, 2, 4]);
        var python = Opt.Text("--python", "PATH", "the Python interpreter (default: python3 on the PATH)");
        var module = Opt.Text("--module", "NAME", "the Python module of the environment (default: gymnasium, else the test suite's cart-pole)");
        var id = Opt.TextOr("--id", "CartPole-v1", "ENV-ID", "the Python environment id");
        var command = new Command("python", "Python bridge steps/s (one worker, several) against the native C# cart-pole")
        {
            steps, rounds, workers, python, module, id,
        };
        return command.Runs(r => Run(r.GetValue(steps), r.GetValue(rounds), r.GetValue(workers)!, r.GetValue(python), r.GetValue(module), r.GetValue(id)!));
    }

    /// <summary>Runs the benchmark and prints the table; returns the process exit code.</summary>
    public static int Run(int steps, int rounds, int[] workerCounts, string? python, string? module, string id)
    {

        var bridge = new PythonEnvOptions { Python = python, Module = module };
        string source = ChooseModule(ref bridge);
        var make = new MakeOptions();

        Console.WriteLine($"Python bridge benchmark: {id} from {source}; {rounds} rounds of {steps} steps each, random actions");
        var rows = new List<(string Name, int Workers, Rate Rate)>();

        var native = Rate.Of(rounds, () => Native(Math.Max(steps * 50, 1_000_000)));
        rows.Add(("native C# CartPoleEnv", 1, native));

        using (var env = PythonEnv.Make<float[], int>(id, bridge: bridge, make: make))
        {
            var info = (IPythonEnv)env;
            Console.WriteLine($"worker: {info.PythonExecutable} (Python {info.PythonVersion}, NumPy {info.NumpyVersion ?? "absent"})");
            rows.Add(("bridge, one env (PythonEnv)", 1, Rate.Of(rounds, () => Single(env, steps))));
        }

        foreach (int n in workerCounts)
        {
            using var vec = PythonVectorEnv.Make<float[], int>(id, n, make, bridge: bridge);
            rows.Add(($"bridge, vector env ({n} workers)", n, Rate.Of(rounds, () => Vector(vec, steps))));
        }

        Console.WriteLine();
        Console.WriteLine("| configuration | worker processes | env steps/s (median) | best round | median vs native |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, workers, rate) in rows)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {workers} | {rate.Median:N0} | {rate.Best:N0} | {rate.Median / native.Median:P2} |"));
        Console.WriteLine();
        Console.WriteLine($"{Environment.ProcessorCount} cores. Vector rows count the steps of all sub-environments.");
        return 0;
    }

    // Steps per second over several rounds: the median resists a busy machine, the best shows what the code can do.
    private readonly record struct Rate(double Median, double Best)
    {
        public static Rate Of(int rounds, Func<double> measure)
        {
            var r = Enumerable.Range(0, rounds).Select(_ => measure()).Order().ToArray();
            return new Rate(r[r.Length / 2], r[^1]);
        }
    }

    // Real gymnasium when the interpreter has it, otherwise the test suite's pure-Python cart-pole.
    private static string ChooseModule(ref PythonEnvOptions bridge)
    {
        if (bridge.Module is not null || Environment.GetEnvironmentVariable(PythonEnvOptions.ModuleVariable) is { Length: > 0 })
            return $"module {bridge.ResolveModule()}";
        if (CanImport(bridge.ResolvePython(), "gymnasium")) return "gymnasium";
        string? folder = FindTestModules();
        if (folder is null)
            throw new UsageException("bench python: gymnasium is not installed (pip install gymnasium) and the test environments " +
                "(tests/Rl.Environments.Tests/PythonEnvs) were not found; pass --module");
        string? path = Environment.GetEnvironmentVariable("PYTHONPATH");
        Environment.SetEnvironmentVariable("PYTHONPATH", string.IsNullOrEmpty(path) ? folder : folder + Path.PathSeparator + path);
        bridge = bridge with { Module = "rl_testenvs" };
        return $"the pure-Python test cart-pole in {folder} (gymnasium is not installed)";
    }

    private static bool CanImport(string python, string module)
    {
        try
        {
            var info = new ProcessStartInfo(python) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add($"import {module}");
            using var p = Process.Start(info)!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string? FindTestModules()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Rl.Environments.Tests", "PythonEnvs");
            if (Directory.Exists(Path.Combine(candidate, "rl_testenvs"))) return candidate;
        }
        return null;
    }

    private static double Native(int steps)
    {
        using var env = new CartPoleEnv();
        var rng = new Rng(0);
        var obs = new float[4];
        env.Reset(seed: 0, into: obs);
        var clock = Stopwatch.StartNew();
        for (int t = 0; t < steps; t++)
        {
            if (env.Step(rng.NextInt(2), obs).Done) env.Reset(into: obs);
        }
        return steps / clock.Elapsed.TotalSeconds;
    }

    private static double Single(IEnv<float[], int> env, int steps)
    {
        var rng = new Rng(0);
        var obs = new float[4];
        env.Reset(seed: 0, into: obs);
        for (int t = 0; t < 500; t++) // warm-up
            if (env.Step(rng.NextInt(2), obs).Done) env.Reset(into: obs);
        var clock = Stopwatch.StartNew();
        for (int t = 0; t < steps; t++)
            if (env.Step(rng.NextInt(2), obs).Done) env.Reset(into: obs);
        return steps / clock.Elapsed.TotalSeconds;
    }

    private static double Vector(PythonVectorEnv<float[], int> vec, int steps)
    {
        var rng = new Rng(0);
        var actions = new int[vec.NumEnvs];
        vec.Reset(seed: 0);
        int iterations = Math.Max(1, steps / vec.NumEnvs);
        for (int t = 0; t < 200; t++) Act(vec, rng, actions);
        var clock = Stopwatch.StartNew();
        for (int t = 0; t < iterations; t++) Act(vec, rng, actions);
        return iterations * vec.NumEnvs / clock.Elapsed.TotalSeconds;
    }

    private static void Act(PythonVectorEnv<float[], int> vec, Rng rng, int[] actions)
    {
        for (int i = 0; i < actions.Length; i++) actions[i] = rng.NextInt(2);
        vec.Step(actions);
    }
}
