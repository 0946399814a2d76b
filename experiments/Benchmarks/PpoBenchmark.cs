using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rl.Agents.ActorCritic;
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
/// per second including the updates, resident memory per iteration), and its conv update (one PPO minibatch step: forward,
/// clipped surrogate + clipped value loss + entropy, backward, gradient clipping, Adam) against the same network, loss and
/// optimizer in Debian's PyTorch (<c>/usr/bin/python3</c>, package python3-torch) in the same run.
/// </summary>
public static class PpoBenchmark
{
    private const string ConfigName = "ppo-Breakout-v0.toml";

    /// <summary>The benchmark's command: its options and action.</summary>
    public static Command Create()
    {
        var iterations = Opt.IntOr("--iterations", 3, "training iterations measured", 1, 10_000);
        var rounds = Opt.IntOr("--rounds", 3, "rounds of the update comparison", 1, 100);
        var command = new Command("ppo", "The shipped ppo-Breakout-v0 config: env steps/s with updates, RSS per iteration, and its conv update " +
            "(PPO minibatch step) against the same network and loss in PyTorch (/usr/bin/python3)") { iterations, rounds };
        return command.Runs(r => Run(r.GetValue(iterations), r.GetValue(rounds)));
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
        Training(config, ppo, iterations);
        Update(ppo, rounds);
        Console.WriteLine($"Load average after: {PolicyGradientBenchmark.LoadAverage()}. {BenchCommand.Machine()}");
        return 0;
    }

    private static string Join(int[] values) => "[" + string.Join(", ", values) + "]";

    // Env steps per second of whole iterations (collection and update), after one warm-up iteration; RSS after each.
    private static void Training(ExperimentConfig config, PpoConfig ppo, int iterations)
    {
        using var agent = new Ppo(ppo, new TrainingContext { MakeEnv = config.MakeEnv, Seed = config.Seed, Threads = Environment.ProcessorCount, Device = "cpu" });
        agent.RunIteration();
        Console.WriteLine("| iteration | env steps | wall (s) | env steps/s (wall) | CPU (s) | env steps per CPU-second | RSS (MiB) |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        double totalWall = 0, totalCpu = 0;
        long steps = 0;
        for (int i = 0; i < iterations; i++)
        {
            long before = agent.EnvSteps;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            agent.RunIteration();
            double wall = sw.Elapsed.TotalSeconds, used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            long n = agent.EnvSteps - before;
            (totalWall, totalCpu, steps) = (totalWall + wall, totalCpu + used, steps + n);
            var (rss, _) = PolicyGradientBenchmark.ReadRss();
            Console.WriteLine($"| {agent.Iteration} | {n:N0} | {wall:F1} | {n / wall:F0} | {used:F1} | {n / used:F0} | {rss / 1048576.0:F0} |");
        }
        Console.WriteLine();
        Console.WriteLine($"Training throughput: {steps / totalWall:F0} env steps/s (wall), {steps / totalCpu:F0} per CPU-second, updates included.");
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
        var ours = new List<(double Wall, double Cpu)>();
        var theirs = new List<(double Wall, double Cpu)>();
        const int Iterations = 10;
        for (int round = 0; round < rounds; round++)
        {
            var steps = Enumerable.Range(0, Iterations).Select(_ => Step()).ToList();
            ours.Add((PolicyGradientBenchmark.Median(steps.Select(t => t.Wall)), PolicyGradientBenchmark.Median(steps.Select(t => t.Cpu))));
            if (pyTorch is not null && Reference(Iterations, ppo) is { } py) theirs.Add(py);
        }
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
            Console.WriteLine($"TorchSharp / PyTorch samples/s: {PolicyGradientBenchmark.Median(theirs.Select(t => t.Wall)) / PolicyGradientBenchmark.Median(ours.Select(t => t.Wall)):F2}x (wall), " +
                              $"{PolicyGradientBenchmark.Median(theirs.Select(t => t.Cpu)) / PolicyGradientBenchmark.Median(ours.Select(t => t.Cpu)):F2}x (per CPU-second).");
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
