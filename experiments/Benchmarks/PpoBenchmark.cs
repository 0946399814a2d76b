using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rl.Agents.ActorCritic;
using Rl.Agents.ValueBased;
using Rl.Agents.Networks;
using Rl.Agents.Optimization;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Spaces;
using Rl.Experiments.Cli;
using Rl.Experiments.Commands;
using Rl.Experiments.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Experiments.Benchmarks;

/// <summary>
/// <c>rl bench ppo [--iterations N] [--rounds N]</c>: the shipped <c>ppo-Breakout-v0.toml</c> as it trains (environment steps
/// per second including the updates, resident memory per iteration, where the wall time goes by the agent's phase timers),
/// beside the same config with one torch thread, iterations alternating; the shipped <c>dqn-Breakout-v0.toml</c> the same way;
/// the rollout forward pass with one and with the configured threads; and the conv update (one PPO minibatch step: forward,
/// clipped surrogate + clipped value loss + entropy, backward, gradient clipping, Adam) against the same network, loss and
/// optimizer in Debian's PyTorch (<c>/usr/bin/python3</c>, package python3-torch) in the same run. <c>--iterations 0</c> skips
/// the training parts.
/// <para>
/// <c>rl bench ppo memory [--algo ppo|dqn] [--steps N] [--reports N]</c>: resident memory while the shipped CartPole-v1 config
/// of ppo or dqn trains N steps (default 1M), and whether it stays within 5% (dqn: once its replay buffer is full).
/// </para>
/// </summary>
public static class PpoBenchmark
{
    private const string ConfigName = "ppo-Breakout-v0.toml";

    /// <summary>The benchmark's command: its options and action.</summary>
    public static Command Create()
    {
        var iterations = Opt.IntOr("--iterations", 3, "training iterations measured per setup (0: skip the training parts)", 0, 10_000);
        var rounds = Opt.IntOr("--rounds", 3, "rounds of the forward and update comparisons", 1, 100);
        var command = new Command("ppo", "The shipped ppo-Breakout-v0 and dqn-Breakout-v0 configs: env steps/s with updates, where the time goes, " +
            "torch_threads 1 against the shipped count, RSS per iteration, and the conv update (PPO minibatch step) against the same network " +
            "and loss in PyTorch (/usr/bin/python3)") { iterations, rounds, CreateMemory() };
        return command.Runs(r => Run(r.GetValue(iterations), r.GetValue(rounds)));
    }

    private static Command CreateMemory()
    {
        var algo = Opt.TextOr("--algo", "ppo", "ALGO", "ppo or dqn (the shipped CartPole-v1 config)").Words("ppo", "dqn");
        algo.AcceptOnlyFromAmong("ppo", "dqn");
        var steps = Opt.LongOr("--steps", 1_000_000, "environment steps", 1);
        var reports = Opt.IntOr("--reports", 20, "memory reports", 2, 1000);
        var command = new Command("memory", "Resident memory over N steps of ppo or dqn on CartPole-v1, and whether it stays within 5% " +
            "(dqn: once its replay buffer is full)") { algo, steps, reports };
        return command.Runs(r => Memory(r.GetValue(algo)!, r.GetValue(steps), r.GetValue(reports)));
    }

    /// <summary>Runs the benchmark and prints the tables.</summary>
    public static int Run(int iterations, int rounds)
    {
        var (name, text) = ShippedConfigs.Find(ConfigName) ?? throw new UsageException($"rl bench ppo: the shipped config {ConfigName} is missing");
        var config = ExperimentConfig.Parse(text, name, device: "cpu");
        var ppo = (PpoConfig)config.Config;
        Console.WriteLine($"`rl bench ppo` with {name}: {config.Env} {config.EnvKwargs.GetInt("width", 64)}x{config.EnvKwargs.GetInt("height", 64)} " +
                          $"{(config.EnvKwargs.GetBool("grayscale", false) ? "grayscale" : "RGB")}, frame skip {config.Wrappers.FrameSkip}, " +
                          $"frame stack {config.Wrappers.FrameStack}, conv {Join(ppo.Network.ConvChannels)} / kernels {Join(ppo.Network.ConvKernels)} / strides {Join(ppo.Network.ConvStrides)}, " +
                          $"{ppo.Network.ConvFeatures} features ({(ppo.SharedTrunk ? "shared" : "separate")} trunk), {ppo.NumEnvs} envs x {ppo.NumSteps} steps, " +
                          $"{ppo.Epochs} epochs of minibatch {ppo.MinibatchSize}, torch threads {ppo.TorchThreads}. Load average before: {PolicyGradientBenchmark.LoadAverage()}");
        Console.WriteLine();
        if (iterations > 0)
        {
            Training(config, ppo, iterations);
            DqnTraining(iterations);
        }
        RolloutForward(ppo, rounds);
        Update(ppo, rounds);
        Console.WriteLine($"Load average after: {PolicyGradientBenchmark.LoadAverage()}. {BenchCommand.Machine()}");
        return 0;
    }

    // rl bench ppo memory [--algo ppo|dqn] [--steps N] [--reports N]: resident memory while the shipped CartPole-v1 config of
    // ppo or dqn trains for N steps (default 1M); flat means within 5% from the first report on (ppo) or from the first
    // report with the replay buffer full (dqn).
    private static int Memory(string algo, long steps, int reports)
    {
        string configName = $"{algo}-CartPole-v1.toml";
        var (name, text) = ShippedConfigs.Find(configName) ?? throw new UsageException($"rl bench ppo memory: the shipped config {configName} is missing");
        var config = ExperimentConfig.Parse(text, name, device: "cpu");
        var context = new TrainingContext { MakeEnv = config.MakeEnv, Seed = config.Seed, Threads = 1, Device = "cpu" };
        using IAlgorithm agent = algo == "ppo" ? new Ppo((PpoConfig)config.Config, context) : new Dqn((DqnConfig)config.Config, context);
        long flatFrom = config.Config is DqnConfig dqn ? dqn.BufferSize : 1;
        Console.WriteLine($"Resident memory over {steps:N0} env steps of {algo} with {name} (seed {config.Seed}), flat from " +
                          $"{(algo == "dqn" ? $"{flatFrom:N0} steps on (replay buffer full)" : "the second report on")}. Load average before: {PolicyGradientBenchmark.LoadAverage()}");
        Console.WriteLine();
        var sw = Stopwatch.StartNew();
        double spread = PolicyGradientBenchmark.MemoryTrend(agent, steps, reports, flatFrom);
        Console.WriteLine($"Flat within 5%: {(double.IsNaN(spread) ? "not measured (too few reports in range)" : spread <= 5 ? "yes" : "NO")}. " +
                          $"{sw.Elapsed.TotalSeconds:F0} s. Load average after: {PolicyGradientBenchmark.LoadAverage()}. {BenchCommand.Machine()}");
        return 0;
    }

    private static string Join(int[] values) => "[" + string.Join(", ", values) + "]";

    // The shipped PPO config as it trains, and the same with torch_threads = 1, iterations alternating.
    private static void Training(ExperimentConfig config, PpoConfig ppo, int iterations)
    {
        var context = new TrainingContext { MakeEnv = config.MakeEnv, Seed = config.Seed, Threads = Environment.ProcessorCount, Device = "cpu" };
        using var shipped = new Ppo(ppo, context);
        using var single = new Ppo(ppo with { TorchThreads = 1 }, context);
        Throughput($"PPO on {config.Env}", iterations,
        [
            new Contender($"shipped (torch_threads {ppo.TorchThreads})", shipped, shipped.Times, ppo.TorchThreads),
            new Contender("torch_threads 1", single, single.Times, 1),
        ]);
    }

    // The shipped DQN config on the same frames (learning from the first step, 500 steps per iteration so that every
    // iteration has its gradient steps), and the same with torch_threads = 1, iterations alternating.
    private static void DqnTraining(int iterations)
    {
        const string DqnConfigName = "dqn-Breakout-v0.toml";
        var (name, text) = ShippedConfigs.Find(DqnConfigName) ?? throw new UsageException($"rl bench ppo: the shipped config {DqnConfigName} is missing");
        var config = ExperimentConfig.Parse(text, name, device: "cpu");
        var dqn = (DqnConfig)config.Config with { LearningStarts = 0, StepsPerIteration = 500 };
        var context = new TrainingContext { MakeEnv = config.MakeEnv, Seed = config.Seed, Threads = Environment.ProcessorCount, Device = "cpu" };
        using var shipped = new Dqn(dqn, context);
        using var single = new Dqn(dqn with { TorchThreads = 1 }, context);
        Throughput($"DQN ({name}: {dqn.NumEnvs} env(s), a gradient step on {dqn.BatchSize} transitions every {dqn.TrainFrequency} steps; " +
                   "here learning_starts 0 and 500 steps per iteration)", iterations,
        [
            new Contender($"shipped (torch_threads {dqn.TorchThreads})", shipped, shipped.Times, dqn.TorchThreads),
            new Contender("torch_threads 1", single, single.Times, 1),
        ]);
    }

    private sealed record Contender(string Label, IAlgorithm Agent, PhaseTimes Times, int Threads);

    // Env steps per second of whole iterations (collection and update) after one warm-up iteration each, the contenders'
    // iterations alternating (same load); RSS of the process after each; then where each one's wall time went.
    private static void Throughput(string title, int iterations, IReadOnlyList<Contender> contenders)
    {
        foreach (var c in contenders)
        {
            torch.set_num_threads(c.Threads);
            c.Agent.RunIteration();
            c.Times.Clear();
        }
        Console.WriteLine($"{title}: {iterations} iteration(s) each after a warm-up one, alternating.");
        Console.WriteLine();
        Console.WriteLine("| setup | iteration | env steps | wall (s) | env steps/s (wall) | CPU (s) | env steps per CPU-second | RSS of the process (MiB) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        var totals = contenders.ToDictionary(c => c, _ => (Wall: 0.0, Cpu: 0.0, Steps: 0L));
        for (int i = 0; i < iterations; i++)
            foreach (var c in contenders)
            {
                torch.set_num_threads(c.Threads);
                long before = c.Agent.EnvSteps;
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                c.Agent.RunIteration();
                double wall = sw.Elapsed.TotalSeconds, used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                long n = c.Agent.EnvSteps - before;
                var t = totals[c];
                totals[c] = (t.Wall + wall, t.Cpu + used, t.Steps + n);
                var (rss, _) = PolicyGradientBenchmark.ReadRss();
                Console.WriteLine($"| {c.Label} | {c.Agent.Iteration} | {n:N0} | {wall:F1} | {n / wall:F0} | {used:F1} | {n / used:F0} | {rss / 1048576.0:F0} |");
            }
        Console.WriteLine();
        foreach (var c in contenders)
        {
            var t = totals[c];
            Console.WriteLine($"Training throughput, {c.Label}: {t.Steps / t.Wall:F0} env steps/s (wall), {t.Steps / t.Cpu:F0} per CPU-second, updates included.");
        }
        Console.WriteLine();
        Console.WriteLine("Where the wall time went (the agents' own phase timers), ms per env step:");
        Console.WriteLine();
        Console.WriteLine("| phase | " + string.Join(" | ", contenders.Select(c => c.Label)) + " |");
        Console.WriteLine("|---|" + string.Concat(contenders.Select(_ => "---|")));
        var phases = contenders.SelectMany(c => c.Times.Seconds.Select(p => p.Phase)).Distinct().ToList();
        foreach (string phase in phases)
            Console.WriteLine($"| {phase} | " + string.Join(" | ", contenders.Select(c =>
            {
                double seconds = c.Times.Seconds.Where(p => p.Phase == phase).Sum(p => p.Seconds);
                return $"{seconds * 1e3 / totals[c].Steps:F3} ({seconds / totals[c].Wall:P0})";
            })) + " |");
        Console.WriteLine("| other (bookkeeping, reports) | " + string.Join(" | ", contenders.Select(c =>
        {
            double other = totals[c].Wall - c.Times.Seconds.Sum(p => p.Seconds);
            return $"{other * 1e3 / totals[c].Steps:F3} ({other / totals[c].Wall:P0})";
        })) + " |");
        Console.WriteLine();
        torch.set_num_threads(contenders[0].Threads);
    }

    // The forward pass that picks the actions during collection (one batch of NumEnvs observations, no gradient) with one
    // intra-op thread and with the config's torch_threads, alternating rounds; and whether both give the same bits.
    private static void RolloutForward(PpoConfig ppo, int rounds)
    {
        const int Size = 64, Stack = 4, Actions = 3;
        int batch = ppo.NumEnvs, threads = ppo.TorchThreads > 0 ? ppo.TorchThreads : Environment.ProcessorCount;
        torch.manual_seed(0);
        var observationSpace = new Box<byte>(0, 255, Stack, Size, Size, 1);
        var rng = new Rng(0);
        using var network = new ActorCriticNetwork(observationSpace, new Discrete(Actions), ppo.Network.ToSpec(), ppo.SharedTrunk, rng, ppo.InitLogStd);
        network.eval();
        using var normalizer = InputNormalizer.ForSpace(observationSpace, running: false, torch.CPU);
        var pixels = new float[batch * Stack * Size * Size];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = rng.NextInt(256);
        var outputs = new Dictionary<int, float[]>();

        // n > 0: n threads throughout; n = 0: the agents' way, one thread switched on around the call from the configured count.
        (double Wall, double Cpu) Forward(int n)
        {
            torch.set_num_threads(n > 0 ? n : threads);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            using var acting = IntraOpThreads.Use(n > 0 ? n : IntraOpThreads.Acting);
            using var scope = torch.NewDisposeScope();
            using var _ = torch.no_grad();
            var (dist, value) = network.PolicyAndValue(normalizer.Normalize(TensorRows.FromSpan(pixels, [batch, pixels.Length / batch], torch.CPU)));
            var result = torch.cat([dist.Mode(), value.reshape(batch, 1)], 1);
            outputs[n] = TensorRows.ToArray(result);
            acting.Dispose();
            return (sw.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }

        var measured = new Dictionary<int, List<(double Wall, double Cpu)>> { [threads] = [], [1] = [], [0] = [] };
        for (int i = 0; i < 3; i++)
            foreach (int n in measured.Keys) Forward(n);
        const int Calls = 20;
        for (int round = 0; round < Math.Max(rounds, 2); round++)
            foreach (int n in measured.Keys)
            {
                var calls = Enumerable.Range(0, Calls).Select(_ => Forward(n)).ToList();
                measured[n].Add((PolicyGradientBenchmark.Median(calls.Select(t => t.Wall)), PolicyGradientBenchmark.Median(calls.Select(t => t.Cpu))));
            }
        torch.set_num_threads(ppo.TorchThreads > 0 ? ppo.TorchThreads : threads);
        Console.WriteLine($"Rollout forward pass: batch {batch} (one observation per environment), policy and value, no gradient; median of {Calls} calls per round, " +
                          $"{Math.Max(rounds, 2)} alternating rounds. Same output bits with 1 and {threads} thread(s): {(outputs[1].AsSpan().SequenceEqual(outputs[threads]) ? "yes" : "NO")}.");
        Console.WriteLine();
        Console.WriteLine("| intra-op threads | median wall (ms) | median CPU (ms) |");
        Console.WriteLine("|---|---|---|");
        foreach (var (n, list) in measured)
            Console.WriteLine($"| {(n > 0 ? n.ToString(CultureInfo.InvariantCulture) : $"1, switched from {threads} around each call (as the agents act)")} | {PolicyGradientBenchmark.Median(list.Select(t => t.Wall)) * 1e3:F2} | {PolicyGradientBenchmark.Median(list.Select(t => t.Cpu)) * 1e3:F2} |");
        Console.WriteLine();
    }

    // One PPO minibatch step of the shipped network on random frames, TorchSharp against PyTorch, alternating rounds.
    private static void Update(PpoConfig ppo, int rounds)
    {
        const int Batch = 256, Size = 64, Stack = 4, Actions = 3;
        torch.set_num_threads(ppo.TorchThreads);
        torch.manual_seed(0);
        var observationSpace = new Box<byte>(0, 255, Stack, Size, Size, 1);
        var rng = new Rng(0);
        using var network = new ActorCriticNetwork(observationSpace, new Discrete(Actions), ppo.Network.ToSpec(), ppo.SharedTrunk, rng, ppo.InitLogStd);
        using var normalizer = InputNormalizer.ForSpace(observationSpace, running: false, torch.CPU);
        using var optimizer = new TrainingOptimizer("ppo", network, ppo.Optimizer, new LrSchedule());
        long parameters = network.parameters().Sum(p => p.numel());
        var pixels = new float[Batch * Stack * Size * Size];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = rng.NextInt(256);
        var actions = Enumerable.Range(0, Batch).Select(_ => (float)rng.NextInt(Actions)).ToArray();
        var noise = Enumerable.Range(0, 4 * Batch).Select(_ => (float)rng.NextGaussian()).ToArray();

        (double Wall, double Cpu) Step()
        {
            using var scope = torch.NewDisposeScope();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var obs = normalizer.Normalize(TensorRows.FromSpan(pixels, [Batch, pixels.Length / Batch], torch.CPU));
            var a = TensorRows.FromSpan(actions, [Batch, 1], torch.CPU);
            var oldLogProbs = TensorRows.FromSpan(noise.AsSpan(0, Batch), [Batch], torch.CPU) * 0.1 - 1.1;
            var oldValues = TensorRows.FromSpan(noise.AsSpan(Batch, Batch), [Batch], torch.CPU);
            var returns = TensorRows.FromSpan(noise.AsSpan(2 * Batch, Batch), [Batch], torch.CPU);
            var adv = TensorRows.FromSpan(noise.AsSpan(3 * Batch, Batch), [Batch], torch.CPU);
            adv = (adv - adv.mean()) / (adv.std() + 1e-8);
            network.train();
            var (dist, values) = network.PolicyAndValue(obs);
            var loss = Ppo.ClippedSurrogateLoss(dist.LogProb(a), oldLogProbs, adv, ppo.ClipRange)
                       + ppo.ValueCoef * Ppo.ValueLoss(values, oldValues, returns, ppo.ValueClipRange) - ppo.EntropyCoef * dist.Entropy().mean();
            optimizer.Step(loss);
            network.eval();
            return (sw.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }

        for (int i = 0; i < 3; i++) Step();
        string? pyTorch = PolicyGradientBenchmark.PyTorchVersion();
        const int Iterations = 10;
        var (ours, theirs) = PolicyGradientBenchmark.AlternateWithReference(rounds, Iterations, Step, pyTorch is null ? null : () => Reference(Iterations, ppo));
        Console.WriteLine($"PPO conv update: {Stack}x{Size}x{Size}x1 uint8 input, batch {Batch}, {parameters:N0} parameters, forward + clipped losses + " +
                          $"backward + clip {ppo.Optimizer.MaxGradNorm} + Adam, {ppo.TorchThreads} thread(s); median of {Iterations} steps per round, {rounds} round(s).");
        Console.WriteLine();
        Console.WriteLine("| implementation | median wall (ms) | samples/s (wall) | median CPU (ms) | samples per CPU-second |");
        Console.WriteLine("|---|---|---|---|---|");
        Row($"TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)}", ours);
        if (theirs.Count > 0)
        {
            Row($"PyTorch {pyTorch} (/usr/bin/python3)", theirs);
            Console.WriteLine();
            Console.WriteLine(PolicyGradientBenchmark.RatioLine(ours, theirs));
        }
        else Console.WriteLine(pyTorch is null ? "\nPyTorch reference not measured: /usr/bin/python3 cannot import torch (apt-get install python3-torch)." : "\nPyTorch reference failed (see standard error).");
        Console.WriteLine();

        void Row(string name, List<(double Wall, double Cpu)> measured)
        {
            double wall = PolicyGradientBenchmark.Median(measured.Select(t => t.Wall)), cpu = PolicyGradientBenchmark.Median(measured.Select(t => t.Cpu));
            Console.WriteLine($"| {name} | {wall * 1e3:F1} | {Batch / wall:F0} | {cpu * 1e3:F1} | {Batch / cpu:F0} |");
        }
    }

    private static (double Wall, double Cpu)? Reference(int iterations, PpoConfig ppo)
    {
        string script = Path.Combine(Path.GetTempPath(), $"rl-ppo-bench-{Environment.ProcessId}.py");
        File.WriteAllText(script, Script);
        try
        {
            var inv = CultureInfo.InvariantCulture;
            var (code, output, error) = PolicyGradientBenchmark.Python([script, iterations.ToString(inv), ppo.TorchThreads.ToString(inv),
                ppo.ClipRange.ToString(inv), ppo.ValueClipRange.ToString(inv), ppo.ValueCoef.ToString(inv), ppo.EntropyCoef.ToString(inv),
                ppo.Optimizer.LearningRate.ToString(inv), ppo.Optimizer.Epsilon.ToString(inv), ppo.Optimizer.MaxGradNorm.ToString(inv)]);
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

    // Mirrors ActorCriticNetwork with the shipped conv spec (shared trunk, flattened map, 512 features) and Ppo's minibatch loss.
    private const string Script = """
        import sys, time, statistics
        import torch, torch.nn as nn
        iters, threads = int(sys.argv[1]), int(sys.argv[2])
        clip, vclip, vcoef, ecoef, lr, eps, maxnorm = (float(x) for x in sys.argv[3:10])
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        B, K, S, A = 256, 4, 64, 3
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.convs = nn.Sequential(nn.Conv2d(K, 32, 8, stride=4), nn.ReLU(), nn.Conv2d(32, 64, 4, stride=2), nn.ReLU(),
                                           nn.Conv2d(64, 64, 3, stride=1, padding=1), nn.ReLU())
                self.head = nn.Sequential(nn.Flatten(), nn.Linear(64 * 6 * 6, 512), nn.ReLU())
                self.pi = nn.Linear(512, A)
                self.v = nn.Linear(512, 1)
            def forward(self, x):
                x = (x * (1.0 / 255.0)).reshape(x.shape[0], K, S, S, 1).permute(0, 1, 4, 2, 3).reshape(x.shape[0], K, S, S)
                f = self.head(self.convs(x))
                return self.pi(f), self.v(f).squeeze(-1)
        net = Net()
        opt = torch.optim.AdamW(net.parameters(), lr=lr, eps=eps, weight_decay=0.0)
        pixels = torch.randint(0, 256, (B, K * S * S)).float().numpy()
        actions = torch.randint(0, A, (B,))
        old_logp, old_v, ret, adv = torch.randn(B) * 0.1 - 1.1, torch.randn(B), torch.randn(B), torch.randn(B)
        def step():
            t, c = time.perf_counter(), time.process_time()
            obs = torch.from_numpy(pixels.copy())
            a = (adv - adv.mean()) / (adv.std() + 1e-8)
            logits, v = net(obs)
            logp_all = torch.log_softmax(logits, -1)
            logp = logp_all.gather(1, actions.unsqueeze(1)).squeeze(1)
            ratio = (logp - old_logp).exp()
            pg = -torch.minimum(ratio * a, ratio.clamp(1 - clip, 1 + clip) * a).mean()
            sq = (v - ret) ** 2
            vl = 0.5 * (torch.maximum(sq, (old_v + (v - old_v).clamp(-vclip, vclip) - ret) ** 2).mean() if vclip > 0 else sq.mean())
            ent = -(logp_all.exp() * logp_all).sum(-1).mean()
            loss = pg + vcoef * vl - ecoef * ent
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), maxnorm)
            opt.step()
            return time.perf_counter() - t, time.process_time() - c
        for _ in range(3): step()
        times = [step() for _ in range(iters)]
        print(statistics.median([w for w, _ in times]), statistics.median([c for _, c in times]))
        """;
}
