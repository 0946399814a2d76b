using System.Diagnostics;
using System.Globalization;
using Rl.Agents.Networks;
using Rl.Agents.PolicyGradient;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Spaces;
using Rl.Environments;
using TorchSharp;

namespace Rl.Experiments.Benchmarks;

/// <summary>
/// <c>rl bench pg [solve|conv|memory|all] [--seeds N] [--max-steps N] [--iterations N] [--memory-steps N] [--algo ID]</c>:
/// environment steps and wall time to solve CartPole-v1 (REINFORCE vs off-policy PG, median over seeds); conv-policy
/// training throughput (64×64×3, batch 256, forward + backward + Adam through the policy-gradient update); resident
/// memory over a long REINFORCE run. Results go to standard output as Markdown tables.
/// </summary>
public static class PolicyGradientBenchmark
{
    private const double Threshold = 475.0;
    private static bool Verbose;
    private static List<string> ReinforceSets = [];
    private static List<string> OffPolicySets = [];

    /// <summary>Runs the benchmark; returns the process exit code.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        string mode = args.Count > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
        int seeds = IntOption(args, "--seeds", 5);
        long maxSteps = IntOption(args, "--max-steps", 2_000_000);
        int iterations = IntOption(args, "--iterations", 20);
        long memorySteps = IntOption(args, "--memory-steps", 1_000_000);
        string? algo = StringOption(args, "--algo");
        Verbose = args.Contains("--verbose");
        ReinforceSets = Options(args, "--set-reinforce");
        OffPolicySets = Options(args, "--set-offpolicy");
        switch (mode)
        {
            case "solve":
                Solve(seeds, maxSteps, algo);
                break;
            case "conv":
                foreach (int threads in ThreadCounts()) ConvThroughput(iterations, threads);
                break;
            case "memory":
                Memory(memorySteps);
                break;
            case "all":
                Solve(seeds, maxSteps, algo);
                foreach (int threads in ThreadCounts()) ConvThroughput(iterations, threads);
                Memory(memorySteps);
                break;
            default:
                Console.Error.WriteLine($"unknown mode '{mode}'; use solve, conv, memory or all");
                return 2;
        }
        return 0;
    }

    /// <summary>Builds an agent with the default config, overridden by <c>--set key=value</c> pairs (snake_case keys).</summary>
    public static IAlgorithm Create(string algo, long seed, Func<IEnv> makeEnv, IReadOnlyList<string>? overrides = null) => algo switch
    {
        "reinforce" => new Reinforce(Override(new ReinforceConfig(), overrides), Context(seed, makeEnv)),
        "offpolicy-pg" => new OffPolicyPg(Override(new OffPolicyPgConfig(), overrides), Context(seed, makeEnv)),
        _ => throw new ArgumentException($"unknown algorithm '{algo}'; use reinforce or offpolicy-pg"),
    };

    // Sets init properties by their snake_case names (the config files' keys) for quick sweeps from the command line.
    private static T Override<T>(T config, IReadOnlyList<string>? overrides) where T : PolicyGradientConfig
    {
        foreach (var kv in overrides ?? [])
        {
            int eq = kv.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"--set expects key=value, got '{kv}'");
            string key = kv[..eq], value = kv[(eq + 1)..];
            string pascal = string.Concat(key.Split('_').Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..]));
            var prop = typeof(T).GetProperty(pascal) ?? throw new ArgumentException($"unknown key '{key}' for {typeof(T).Name}");
            object parsed = prop.PropertyType switch
            {
                var t when t == typeof(int) => int.Parse(value, CultureInfo.InvariantCulture),
                var t when t == typeof(double) => double.Parse(value, CultureInfo.InvariantCulture),
                var t when t == typeof(bool) => bool.Parse(value),
                var t when t == typeof(int[]) => value.Trim('[', ']').Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray(),
                _ => value,
            };
            prop.SetValue(config, parsed);
        }
        return config;
    }

    private static TrainingContext Context(long seed, Func<IEnv> makeEnv) => new() { MakeEnv = makeEnv, Seed = seed, Threads = 1, Device = "cpu" };

    // Trains until a 100-episode deterministic evaluation reaches the threshold. The policy is evaluated after every
    // iteration, first on 10 episodes and, when those reach the threshold, on 100; evaluation steps are not training steps.
    private static (bool Solved, long Steps, double Seconds, int Iterations) TrainToSolve(IAlgorithm agent, PolicyLearner learner, long maxSteps, long seed)
    {
        var sw = new Stopwatch(); // training time only: evaluations are not timed
        while (agent.EnvSteps < maxSteps)
        {
            sw.Start();
            var r = agent.RunIteration();
            sw.Stop();
            if (Verbose)
                Console.Error.WriteLine($"  it {agent.Iteration} steps {agent.EnvSteps} mean {(r.EpisodeReturns.Count > 0 ? r.EpisodeReturns.Average() : double.NaN):F1} " +
                    string.Join(" ", r.Scalars.Where(p => !p.Key.StartsWith("diag/", StringComparison.Ordinal)).Select(p => $"{p.Key}={p.Value:G3}")));
            if (Evaluation.Run(learner, () => Envs.Make("CartPole-v1"), 10, seed + 1_000_003).Average() < Threshold) continue;
            double mean = Evaluation.Run(learner, () => Envs.Make("CartPole-v1"), 100, seed + 2_000_003).Average();
            if (Verbose) Console.Error.WriteLine($"  evaluation at {agent.EnvSteps} steps: mean {mean:F1} over 100 episodes");
            if (mean >= Threshold) return (true, agent.EnvSteps, sw.Elapsed.TotalSeconds, agent.Iteration);
        }
        return (false, agent.EnvSteps, sw.Elapsed.TotalSeconds, agent.Iteration);
    }

    private static void Solve(int seeds, long maxSteps, string? only)
    {
        Console.WriteLine($"## Solving CartPole-v1 (mean return >= {Threshold} over 100 deterministic evaluation episodes), {seeds} seeds, default configs");
        Console.WriteLine();
        Console.WriteLine("| algorithm | solved | median env steps | median training wall time (s) | per-seed steps |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var algo in new[] { "reinforce", "offpolicy-pg" })
        {
            if (only is not null && only != algo) continue;
            var results = new List<(bool Solved, long Steps, double Seconds, int Iterations)>();
            for (int s = 0; s < seeds; s++)
            {
                using var agent = Create(algo, s, () => Envs.Make("CartPole-v1"), algo == "reinforce" ? ReinforceSets : OffPolicySets);
                results.Add(TrainToSolve(agent, ((PolicyGradientAgent)agent).Learner, maxSteps, s));
                Console.Error.WriteLine($"{algo} seed {s}: solved={results[^1].Solved} steps={results[^1].Steps} time={results[^1].Seconds:F1}s iterations={results[^1].Iterations}");
            }
            Console.WriteLine($"| {algo} | {results.Count(r => r.Solved)}/{seeds} | {Median(results.Select(r => (double)r.Steps)):F0} | " +
                $"{Median(results.Select(r => r.Seconds)):F1} | {string.Join(", ", results.Select(r => r.Solved ? r.Steps.ToString(CultureInfo.InvariantCulture) : $">{r.Steps}"))} |");
        }
        Console.WriteLine();
    }

    private static int[] ThreadCounts() => Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1];

    private static void ConvThroughput(int iterations, int threads)
    {
        const int batch = 256;
        torch.set_num_threads(threads);
        var observationSpace = new Box<byte>(0, 255, 64, 64, 3);
        var actionSpace = new Discrete(6);
        var rng = new Rng(0);
        var spec = new NetworkSpec { Body = BodyKind.Conv };
        using var normalizer = InputNormalizer.ForSpace(observationSpace, running: false, torch.CPU);
        using var learner = new PolicyLearner(new PolicyNetwork(observationSpace, actionSpace, spec, rng), normalizer,
            new Rl.Agents.Optimization.OptimizerSettings { LearningRate = 1e-4 }, new Rl.Agents.Optimization.LrSchedule(), torch.CPU);
        long parameters = learner.Network.parameters().Sum(p => p.numel());
        var pixels = new float[batch * 64 * 64 * 3];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = rng.NextInt(256);
        var actions = new float[batch];
        var advantages = new float[batch];
        for (int i = 0; i < batch; i++)
        {
            actions[i] = rng.NextInt(6);
            advantages[i] = (float)rng.NextGaussian();
        }
        // Wall time and process CPU time of one step: with other processes competing for the cores, CPU time is the
        // steadier measure of the work each implementation does.
        (double Wall, double Cpu) Step()
        {
            using var scope = torch.NewDisposeScope();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var obs = TensorRows.FromSpan(pixels, [batch, 64 * 64 * 3], torch.CPU);
            learner.GradientStep(obs, torch.tensor(actions, [batch, 1]), torch.tensor(advantages), null, 1.0, 0.01, true);
            return (sw.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }
        for (int i = 0; i < 3; i++) Step();
        // Rounds alternate between the two implementations so that load from other processes hits both alike.
        var ours = new List<(double Wall, double Cpu)>();
        var theirs = new List<(double Wall, double Cpu)>();
        for (int round = 0; round < 3; round++)
        {
            var steps = Enumerable.Range(0, iterations).Select(_ => Step()).ToList();
            ours.Add((Median(steps.Select(t => t.Wall)), Median(steps.Select(t => t.Cpu))));
            if (PyTorchReference(iterations, threads) is { } py) theirs.Add(py);
        }
        Console.WriteLine($"## Conv-policy training step (64x64x3 uint8 input, batch {batch}, forward + backward + Adam, {parameters:N0} parameters, {torch.get_num_threads()} threads each)");
        Console.WriteLine();
        Console.WriteLine($"Load average before: {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| implementation | median wall (ms) | samples/s (wall) | median CPU (ms) | samples per CPU-second | per-round wall medians (ms) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Row($"TorchSharp {typeof(torch).Assembly.GetName().Version} (PolicyLearner.GradientStep)", ours);
        if (theirs.Count > 0)
        {
            Row($"PyTorch {PyTorchVersion()} (/usr/bin/python3, same network and step)", theirs);
            Console.WriteLine();
            Console.WriteLine($"Ratio TorchSharp / PyTorch: {Median(theirs.Select(t => t.Wall)) / Median(ours.Select(t => t.Wall)):F2}x samples/s (wall), " +
                $"{Median(theirs.Select(t => t.Cpu)) / Median(ours.Select(t => t.Cpu)):F2}x samples per CPU-second");
        }
        else
        {
            Console.WriteLine();
            Console.WriteLine("PyTorch reference skipped: /usr/bin/python3 with the torch module (Debian's python3-torch) is not available.");
        }
        Console.WriteLine($"Load average after: {LoadAverage()}");
        Console.WriteLine();

        void Row(string name, List<(double Wall, double Cpu)> rounds)
        {
            double wall = Median(rounds.Select(t => t.Wall)), cpu = Median(rounds.Select(t => t.Cpu));
            Console.WriteLine($"| {name} | {wall * 1e3:F1} | {batch / wall:F0} | {cpu * 1e3:F1} | {batch / cpu:F0} | " +
                $"{string.Join(", ", rounds.Select(t => (t.Wall * 1e3).ToString("F0", CultureInfo.InvariantCulture)))} |");
        }
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string PyTorchVersion()
    {
        try
        {
            var psi = new ProcessStartInfo("/usr/bin/python3", ["-c", "import torch; print(torch.__version__)"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            string v = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return v;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }

    // The same conv net, loss and Adam step in PyTorch, timed the same way; null when Debian's python3-torch is missing.
    private static (double Wall, double Cpu)? PyTorchReference(int iterations, int threads)
    {
        if (!File.Exists("/usr/bin/python3")) return null;
        string script = Path.Combine(Path.GetTempPath(), $"rl-pg-bench-{Environment.ProcessId}.py");
        File.WriteAllText(script, PyTorchScript);
        try
        {
            var psi = new ProcessStartInfo("/usr/bin/python3", [script, iterations.ToString(CultureInfo.InvariantCulture), threads.ToString(CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd();
            string error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
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
        pixels = torch.randint(0, 256, (256, 64 * 64 * 3)).float()
        actions = torch.randint(0, 6, (256,))
        adv = torch.randn(256)
        def step():
            t, c = time.perf_counter(), time.process_time()
            obs = pixels.clone()
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

    private static void Memory(long steps)
    {
        Console.WriteLine($"## Resident memory over {steps:N0} environment steps of REINFORCE on CartPole-v1");
        Console.WriteLine();
        Console.WriteLine("| env steps | iterations | RSS (MiB) | peak RSS (MiB) | managed heap (MiB) |");
        Console.WriteLine("|---|---|---|---|---|");
        using var agent = Create("reinforce", 0, () => Envs.Make("CartPole-v1"));
        long nextReport = 0;
        var sw = Stopwatch.StartNew();
        while (agent.EnvSteps < steps)
        {
            agent.RunIteration();
            if (agent.EnvSteps >= nextReport || agent.EnvSteps >= steps)
            {
                var (rss, peak) = ReadRss();
                Console.WriteLine($"| {agent.EnvSteps:N0} | {agent.Iteration} | {rss / 1048576.0:F1} | {peak / 1048576.0:F1} | {GC.GetTotalMemory(false) / 1048576.0:F1} |");
                nextReport += steps / 10;
            }
        }
        Console.WriteLine();
        Console.WriteLine($"({sw.Elapsed.TotalSeconds:F0} s)");
        Console.WriteLine();
    }

    // VmRSS and VmHWM from /proc/self/status (Linux), in bytes.
    private static (long Rss, long Peak) ReadRss()
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line);
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kb(line);
        }
        return (rss, peak);
        static long Kb(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }

    private static int IntOption(IReadOnlyList<string> args, string name, int fallback)
    {
        string? s = StringOption(args, name);
        if (s is null) return fallback;
        return int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v
            : throw new ArgumentException($"{name} = {s} must be a positive integer");
    }

    private static List<string> Options(IReadOnlyList<string> args, string name)
    {
        var list = new List<string>();
        for (int i = 0; i < args.Count - 1; i++)
            if (args[i] == name) list.Add(args[i + 1]);
        return list;
    }

    private static string? StringOption(IReadOnlyList<string> args, string name)
    {
        for (int i = 0; i < args.Count - 1; i++)
            if (args[i] == name) return args[i + 1];
        return null;
    }
}
