using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rl.Agents;
using Rl.Agents.Networks;
using Rl.Agents.Optimization;
using Rl.Agents.PolicyGradient;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Spaces;
using Rl.Environments;
using Rl.Experiments.Cli;
using Rl.Experiments.Commands;
using TorchSharp;

namespace Rl.Experiments.Benchmarks;

/// <summary>
/// <c>rl bench pg solve|conv|memory|engine|all</c>: environment steps and wall time for REINFORCE and off-policy PG to solve
/// CartPole-v1 (median over seeds); conv-policy training throughput (64×64×3, batch 256, forward + backward + Adam through
/// the policy-gradient update) against the same network and step in PyTorch; resident memory and live TorchSharp tensors
/// over a long REINFORCE run. Each part prints a Markdown table with the command and the load average. Not a test.
/// </summary>
public static class PolicyGradientBenchmark
{
    private const int ConvBatch = 256;

    /// <summary>The command <c>rl bench pg</c> with its parts as subcommands.</summary>
    public static Command Create()
    {
        var all = new Command("all", "solve, conv and memory with their defaults").Runs(_ =>
        {
            int solved = CommandTree.RunDirect(SolveCommand(), []);
            CommandTree.RunDirect(ConvCommand(), []);
            CommandTree.RunDirect(MemoryCommand(), []);
            return solved;
        });
        return new Command("pg", "Policy-gradient benchmarks: solve, conv, memory, engine, all")
        {
            SolveCommand(), ConvCommand(), MemoryCommand(), EngineBenchmark.Create(), all,
        };
    }

    /// <summary>
    /// Env steps and time to solve CartPole-v1 with the shipped configs (the defaults), through the same measurement as the
    /// gradient-free agents' <c>rl bench solve</c>: 100 deterministic episodes after every iteration, training time only.
    /// Options are those of <c>rl bench solve</c>; <c>--algos</c> defaults to both policy-gradient agents.
    /// </summary>
    private static Command SolveCommand()
    {
        var options = GradientFreeSolveBenchmark.SolveOptions.Create("reinforce,offpolicy-pg");
        var command = new Command("solve", "Env steps and training time for REINFORCE and off-policy PG to solve CartPole-v1 (median of 5 seeds)");
        options.AddTo(command);
        return command.Runs(r =>
        {
            Console.WriteLine($"Load average before: {LoadAverage()}");
            Console.WriteLine();
            int code = GradientFreeSolveBenchmark.Run(options.Read(r));
            Console.WriteLine();
            Console.WriteLine($"Load average after: {LoadAverage()}. {BenchCommand.Machine()}; `{CommandTree.Line(r)}`");
            Console.WriteLine();
            return code;
        });
    }

    private static Command ConvCommand()
    {
        var iterations = Opt.IntOr("--iterations", 20, "update steps measured per round", 1, 100_000);
        var rounds = Opt.IntOr("--rounds", 3, "rounds (median kept)", 1, 100);
        var threads = Opt.IntList("--threads", "torch thread counts to measure (default: 1 and the number of cores)",
            () => Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1]);
        var command = new Command("conv", "Conv-policy update (64x64x3, batch 256, forward + backward + Adam) against PyTorch (/usr/bin/python3)")
        {
            iterations, rounds, threads,
        };
        return command.Runs(r => Conv(r.GetValue(iterations), r.GetValue(rounds), r.GetValue(threads)!, CommandTree.Line(r)));
    }

    private static Command MemoryCommand()
    {
        var steps = Opt.LongOr("--steps", 1_000_000, "REINFORCE environment steps", 1);
        var reports = Opt.IntOr("--reports", 10, "memory reports", 1, 1000);
        var seed = Opt.IntOr("--seed", 0, "seed");
        var command = new Command("memory", "RSS, managed heap and live TorchSharp tensors over N REINFORCE steps") { steps, reports, seed };
        return command.Runs(r => Memory(r.GetValue(steps), r.GetValue(reports), r.GetValue(seed), CommandTree.Line(r)));
    }

    private static int Conv(int iterations, int rounds, int[] threads, string commandLine)
    {
        string? pyTorch = PyTorchVersion();
        foreach (int n in threads) ConvThroughput(iterations, rounds, n, pyTorch);
        Console.WriteLine($"{BenchCommand.Machine()}; `{commandLine}`");
        Console.WriteLine();
        return 0;
    }

    private static void ConvThroughput(int iterations, int rounds, int threads, string? pyTorch)
    {
        int previousThreads = torch.get_num_threads();
        torch.set_num_threads(threads);
        var observationSpace = new Box<byte>(0, 255, 64, 64, 3);
        var actionSpace = new Discrete(6);
        var rng = new Rng(0);
        var spec = new NetworkSpec { Body = BodyKind.Conv };
        using var normalizer = InputNormalizer.ForSpace(observationSpace, running: false, torch.CPU);
        using var learner = new PolicyLearner(new PolicyNetwork(observationSpace, actionSpace, spec, rng), normalizer,
            new OptimizerSettings { LearningRate = 1e-4 }, new LrSchedule(), torch.CPU);
        long parameters = learner.Network.parameters().Sum(p => p.numel());
        var pixels = new float[ConvBatch * 64 * 64 * 3];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = rng.NextInt(256);
        var actions = new float[ConvBatch];
        var advantages = new float[ConvBatch];
        for (int i = 0; i < ConvBatch; i++)
        {
            actions[i] = rng.NextInt(6);
            advantages[i] = (float)rng.NextGaussian();
        }

        // One update as REINFORCE takes it: rows copied to a tensor, loss, backward, Adam; timed in wall and process CPU
        // time (with other processes competing for the cores, CPU time is the steadier measure of the work done).
        (double Wall, double Cpu) Step()
        {
            using var scope = torch.NewDisposeScope();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var obs = TensorRows.FromSpan(pixels, [ConvBatch, 64 * 64 * 3], torch.CPU);
            var a = TensorRows.FromSpan(actions, [ConvBatch, 1], torch.CPU);
            var adv = TensorRows.FromSpan(advantages, [ConvBatch], torch.CPU);
            learner.Step(() => Reinforce.Loss(learner, obs, a, adv, entropyCoef: 0.01, normalizeAdvantages: true).Loss);
            return (sw.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }

        string loadBefore = LoadAverage();
        for (int i = 0; i < 3; i++) Step();
        // Rounds alternate between the two implementations so that load from other processes hits both alike.
        var (ours, theirs) = AlternateWithReference(rounds, iterations, Step, pyTorch is null ? null : () => PyTorchReference(iterations, threads));
        torch.set_num_threads(previousThreads);

        Console.WriteLine($"Conv-policy training step: 64x64x3 uint8 input, batch {ConvBatch}, forward + backward + Adam, {parameters:N0} parameters, " +
                          $"{threads} thread(s) each; median of {iterations} steps per round, {rounds} round(s). Load average before: {loadBefore}");
        Console.WriteLine();
        Console.WriteLine("| implementation | median wall (ms) | samples/s (wall) | median CPU (ms) | samples per CPU-second | per-round wall medians (ms) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Row($"TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)} (PolicyLearner.GradientStep, REINFORCE's update)", ours);
        if (theirs.Count > 0)
        {
            Row($"PyTorch {pyTorch} (/usr/bin/python3, same network and step)", theirs);
            Console.WriteLine();
            Console.WriteLine($"{RatioLine(ours, theirs)} Load average after: {LoadAverage()}");
        }
        else
        {
            Console.WriteLine();
            Console.WriteLine(pyTorch is null
                ? "PyTorch reference not measured: /usr/bin/python3 cannot import torch (install Debian's python3-torch to compare)."
                : "PyTorch reference not measured: the reference script failed (its error is on standard error).");
        }
        Console.WriteLine();

        void Row(string name, List<(double Wall, double Cpu)> measured)
        {
            double wall = Median(measured.Select(t => t.Wall)), cpu = Median(measured.Select(t => t.Cpu));
            Console.WriteLine($"| {name} | {wall * 1e3:F1} | {ConvBatch / wall:F0} | {cpu * 1e3:F1} | {ConvBatch / cpu:F0} | " +
                              $"{string.Join(", ", measured.Select(t => (t.Wall * 1e3).ToString("F0", CultureInfo.InvariantCulture)))} |");
        }
    }

    // Debian's python3-torch lives under /usr/bin/python3 (another python3 on PATH may lack it); null when it is missing.
    internal static string? PyTorchVersion()
    {
        if (!File.Exists("/usr/bin/python3")) return null;
        var (code, output, _) = Python(["-c", "import torch; print(torch.__version__)"]);
        return code == 0 ? output.Trim() : null;
    }

    // The same conv net, loss and Adam step in PyTorch, timed the same way; null when the script fails.
    private static (double Wall, double Cpu)? PyTorchReference(int iterations, int threads)
    {
        string script = Path.Combine(Path.GetTempPath(), $"rl-pg-bench-{Environment.ProcessId}.py");
        File.WriteAllText(script, PyTorchScript);
        try
        {
            var (code, output, error) = Python([script, iterations.ToString(CultureInfo.InvariantCulture), threads.ToString(CultureInfo.InvariantCulture)]);
            if (code != 0)
            {
                Console.Error.WriteLine($"PyTorch reference failed: {error.Trim()}");
                return null;
            }
            var parts = output.Trim().Split(' ');
            return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        finally
        {
            File.Delete(script);
        }
    }

    internal static (int Code, string Output, string Error) Python(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, error.Result);
    }

    // Mirrors ConvNet with the default ConvNetSpec and PolicyLearner.Loss (on-policy, entropy bonus, normalized advantages).
    private const string PyTorchScript = """
        import sys, time, statistics
        import torch, torch.nn as nn
        iters, threads = int(sys.argv[1]), int(sys.argv[2])
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.convs = nn.Sequential(nn.Conv2d(3, 32, 8, stride=4), nn.ReLU(), nn.Conv2d(32, 64, 4, stride=2), nn.ReLU(),
                                           nn.Conv2d(64, 64, 3, stride=1, padding=1), nn.ReLU())
                self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 256), nn.ReLU())
                self.logits = nn.Linear(256, 6)
            def forward(self, x):
                x = (x * (1.0 / 255.0)).reshape(x.shape[0], 64, 64, 3).permute(0, 3, 1, 2)
                return self.logits(self.head(self.convs(x)))
        net = Net()
        opt = torch.optim.AdamW(net.parameters(), lr=1e-4, weight_decay=0.0)
        pixels = torch.randint(0, 256, (256, 64 * 64 * 3)).float().numpy()
        actions = torch.randint(0, 6, (256,))
        adv = torch.randn(256)
        def step():
            t, c = time.perf_counter(), time.process_time()
            obs = torch.from_numpy(pixels.copy())
            logp = torch.log_softmax(net(obs), -1)
            lp = logp.gather(1, actions.unsqueeze(1)).squeeze(1)
            ent = -(logp.exp() * logp).sum(-1).mean()
            a = (adv - adv.mean()) / (adv.std() + 1e-8)
            loss = -(a * lp).mean() - 0.01 * ent
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), float('inf'))
            opt.step()
            return time.perf_counter() - t, time.process_time() - c
        for _ in range(3): step()
        times = [step() for _ in range(iters)]
        print(statistics.median([w for w, _ in times]), statistics.median([c for _, c in times]))
        """;

    private static int Memory(long steps, int reports, int seed, string commandLine)
    {
        BuiltInAlgorithms.EnsureRegistered();
        var info = AlgorithmRegistry.Get("reinforce");
        Console.WriteLine($"Memory over {steps:N0} environment steps of REINFORCE on CartPole-v1 (shipped config, seed {seed}); " +
                          $"load average before: {LoadAverage()}");
        Console.WriteLine();
        var context = new TrainingContext { MakeEnv = () => Envs.Make("CartPole-v1"), Seed = seed, Threads = 1, Device = "cpu" };
        using var agent = info.Create(Activator.CreateInstance(info.ConfigType)!, context);
        var sw = Stopwatch.StartNew();
        MemoryTrend(agent, steps, reports, flatFrom: 1);
        Console.WriteLine($"{sw.Elapsed.TotalSeconds:F0} s. Load average after: {LoadAverage()}. {BenchCommand.Machine()}; `{commandLine}`");
        Console.WriteLine();
        return 0;
    }

    /// <summary>
    /// Trains <paramref name="agent"/> for <paramref name="steps"/> environment steps and prints, about
    /// <paramref name="reports"/> times, its resident memory, peak, managed heap and live TorchSharp tensors; then the spread
    /// of the resident memory over the reports from <paramref name="flatFrom"/> environment steps on (the first report
    /// includes the one-time start-up: JIT, libtorch's allocator pools), as a percentage of its lowest value.
    /// </summary>
    /// <returns>The spread in percent (NaN with fewer than two reports in the range).</returns>
    internal static double MemoryTrend(IAlgorithm agent, long steps, int reports, long flatFrom)
    {
        Console.WriteLine("| env steps | iterations | RSS (MiB) | peak RSS (MiB) | managed heap (MiB) | live TorchSharp tensors (after a full GC) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        var later = new List<(long Rss, long Tensors)>();
        long nextReport = 0;
        while (agent.EnvSteps < steps)
        {
            agent.RunIteration();
            if (agent.EnvSteps < nextReport && agent.EnvSteps < steps) continue;
            var (rss, peak) = ReadRss();
            long heap = GC.GetTotalMemory(false);
            // Counted after a full collection: tensors dropped without disposal (by earlier work in the same process) are
            // finalized first, so the count is the tensors still reachable, and a leak shows as a rising count.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long tensors = torch.Tensor.TotalCount;
            if (nextReport > 0 && agent.EnvSteps >= flatFrom) later.Add((rss, tensors));
            Console.WriteLine($"| {agent.EnvSteps:N0} | {agent.Iteration} | {Mib(rss)} | {Mib(peak)} | {Mib(heap)} | {tensors:N0} |");
            nextReport += Math.Max(1, steps / reports);
        }
        Console.WriteLine();
        if (later.Count < 2) return double.NaN;
        long low = later.Min(r => r.Rss), high = later.Max(r => r.Rss);
        double spread = 100.0 * (high - low) / low;
        Console.WriteLine($"{(flatFrom > 1 ? $"From {flatFrom:N0} env steps on" : "After the first report")}: RSS between {Mib(low)} and {Mib(high)} MiB " +
                          $"(spread {spread.ToString("F1", CultureInfo.InvariantCulture)}% of the lowest), " +
                          $"live TorchSharp tensors between {later.Min(r => r.Tensors)} and {later.Max(r => r.Tensors)}.");
        return spread;

        static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);
    }

    /// <summary>VmRSS and VmHWM from /proc/self/status (Linux), in bytes; zeros where the file does not exist.</summary>
    internal static (long Rss, long Peak) ReadRss()
    {
        long rss = 0, peak = 0;
        if (!File.Exists("/proc/self/status")) return (0, 0);
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line);
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kb(line);
        }
        return (rss, peak);
        static long Kb(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>
    /// Alternates rounds between our step and a reference so that load from other processes hits both alike: each round
    /// records the median wall and CPU time of <paramref name="iterations"/> calls of <paramref name="step"/>, then one call of
    /// <paramref name="reference"/> (when given and when it succeeds).
    /// </summary>
    internal static (List<(double Wall, double Cpu)> Ours, List<(double Wall, double Cpu)> Theirs) AlternateWithReference(
        int rounds, int iterations, Func<(double Wall, double Cpu)> step, Func<(double Wall, double Cpu)?>? reference)
    {
        var ours = new List<(double Wall, double Cpu)>();
        var theirs = new List<(double Wall, double Cpu)>();
        for (int round = 0; round < rounds; round++)
        {
            var steps = Enumerable.Range(0, iterations).Select(_ => step()).ToList();
            ours.Add((Median(steps.Select(t => t.Wall)), Median(steps.Select(t => t.Cpu))));
            if (reference?.Invoke() is { } measured) theirs.Add(measured);
        }
        return (ours, theirs);
    }

    /// <summary>The TorchSharp / PyTorch samples-per-second ratios (wall and per CPU-second) of rounds measured in the same run.</summary>
    internal static string RatioLine(List<(double Wall, double Cpu)> ours, List<(double Wall, double Cpu)> theirs) =>
        $"TorchSharp / PyTorch samples/s: {Median(theirs.Select(t => t.Wall)) / Median(ours.Select(t => t.Wall)):F2}x (wall), " +
        $"{Median(theirs.Select(t => t.Cpu)) / Median(ours.Select(t => t.Cpu)):F2}x (per CPU-second).";

    /// <summary>The load average (1, 5, 15 minutes) from /proc/loadavg, or <c>unknown</c>.</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";


    internal static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }
}
