using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rl.Core;
using Rl.Core.Vector;
using Rl.Environments;
using Rl.Environments.Arcade;
using Rl.Environments.Kart;
using Rl.Experiments.Cli;
using Rl.Rendering;

namespace Rl.Experiments.Benchmarks;

/// <summary>
/// <c>rl bench games</c>: environment steps per second of the pixel games (the kart racer and Breakout) with state-vector
/// observations, with pixel observations rendered one frame per step, and as vector environments whose frames are rendered
/// together (one atlas, one readback per step of the batch) or by one renderer per worker thread.
/// </summary>
/// <remarks>
/// Random actions from a seeded generator; episodes reset when they end (the registry's time limits apply). Wall-clock rates
/// count every step of every sub-environment. Process CPU seconds include Mesa's rendering threads, so "steps per CPU second"
/// stays meaningful on a busy machine where the wall clock is not. Bytes are those allocated by the benchmark thread (for the
/// threaded vector environment, by all threads).
/// </remarks>
public static class GamesBenchmark
{

    /// <summary>The benchmark's command: its options and action.</summary>
    public static Command Create()
    {
        var steps = Opt.IntOr("--steps", 100_000, "state-vector steps per measurement", 100, 100_000_000);
        var pixelSteps = Opt.IntOr("--pixel-steps", 5_000, "pixel steps per measurement (summed over sub-environments for vector rows)", 100, 100_000_000);
        var envs = Opt.IntOr("--envs", 16, "sub-environments of the vector rows", 1, 4096);
        var batch = Opt.IntOr("--batch", 4, "frames per batched render (with llvmpipe, larger atlases of the kart's many triangles cost more per frame)", 1, 4096);
        var size = Opt.IntOr("--size", 64, "frame side in pixels", 8, 1024);
        var repeats = Opt.IntOr("--repeats", 3, "repeats (best kept)", 1, 100);
        var seed = Opt.IntOr("--seed", 0, "seed");
        var only = Opt.Text("--only", "TEXT", "measure only the rows whose env id or description contains TEXT (e.g. \"vector of\")");
        var command = new Command("games", "Kart and arcade env steps/s: state vectors, pixels one frame per step, vector envs with batched atlas " +
            "rendering or a renderer per thread") { steps, pixelSteps, envs, batch, size, repeats, seed, only };
        return command.Runs(r => Run(r.GetValue(steps), r.GetValue(pixelSteps), r.GetValue(envs), r.GetValue(batch), r.GetValue(size),
            r.GetValue(repeats), r.GetValue(seed), CommandTree.Line(r), r.GetValue(only)));
    }

    /// <summary>
    /// Runs the benchmark and prints a Markdown table; <paramref name="commandLine"/> is printed with it. With
    /// <paramref name="only"/>, only the rows whose env id or description contain it.
    /// </summary>
    public static int Run(int steps, int pixelSteps, int numEnvs, int batchSize, int size, int repeats, int seed, string commandLine, string? only = null)
    {
        var registry = new EnvRegistry();
        Envs.RegisterBuiltIns(registry);
        PixelEnvironments.EnsureRegistered(registry);
        var pixelKwargs = OptionSet.Of(("width", size), ("height", size));

        Console.WriteLine($"Pixel games: env steps per second with random actions, best of {repeats} (seed {seed}); frames {size}x{size} RGB; renderer: {HeadlessRenderer.ForCurrentThread.Description}.");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} logical cores, .NET {Environment.Version}, load average {PolicyGradientBenchmark.LoadAverage()}. Command: `{commandLine}`");
        Console.WriteLine();
        Console.WriteLine("| Env | observation | how | steps/s (wall) | steps per CPU-second | bytes/step | bytes/step, resets left out | bytes/reset | threaded vs sync (wall / CPU) |");
        Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|");
        int breakoutRound = 0;
        var rows = new List<(string Env, string Obs, string How, Func<Measurement> Run)>
        {
            (KartDiscreteEnv.Id, "16 floats", "one env (defaults: no step info)", () => Single<float[], int>(registry, KartDiscreteEnv.Id, OptionSet.Empty, steps, seed)),
            // Breakout's default infos are shared through a process-wide table of counter combinations: each round plays
            // another seed than the rounds before it (the warm-up included), so its bytes count the combinations new to the table.
            (BreakoutEnv.Id, "54 floats", "one env (defaults: shared infos; a new seed each round)", () => Single<float[], int>(registry, BreakoutEnv.Id, OptionSet.Empty, steps, seed + breakoutRound++)),
            (KartDiscreteEnv.Id, "16 floats", "one env, step_info=true", () => Single<float[], int>(registry, KartDiscreteEnv.Id, OptionSet.Of(("step_info", true)), steps, seed)),
            (BreakoutEnv.Id, "54 floats", "one env, step_info=false", () => Single<float[], int>(registry, BreakoutEnv.Id, NoInfo, steps, seed)),
            (KartDiscreteEnv.Id, "16 floats", $"sync vector of {numEnvs}, step_info=false", () => StateVector(registry, KartDiscreteEnv.Id, VectorizationMode.Sync, numEnvs, steps, seed)),
            (KartDiscreteEnv.Id, "16 floats", $"threaded vector of {numEnvs}, step_info=false", () => StateVector(registry, KartDiscreteEnv.Id, VectorizationMode.Threaded, numEnvs, steps, seed)),
            (BreakoutEnv.Id, "54 floats", $"sync vector of {numEnvs}, step_info=false", () => StateVector(registry, BreakoutEnv.Id, VectorizationMode.Sync, numEnvs, steps, seed)),
            (BreakoutEnv.Id, "54 floats", $"threaded vector of {numEnvs}, step_info=false", () => StateVector(registry, BreakoutEnv.Id, VectorizationMode.Threaded, numEnvs, steps, seed)),
            (KartEnvs.DiscretePixelsId, $"{size}x{size}x3 bytes", "one env, a frame per step", () => Single<byte[], int>(registry, KartEnvs.DiscretePixelsId, pixelKwargs, pixelSteps, seed)),
            (ArcadeEnvs.BreakoutPixelsId, $"{size}x{size}x3 bytes", "one env, a frame per step", () => Single<byte[], int>(registry, ArcadeEnvs.BreakoutPixelsId, pixelKwargs, pixelSteps, seed)),
            (KartEnvs.DiscretePixelsId, $"{size}x{size}x3 bytes", $"sync vector of {numEnvs}, atlases of {batchSize}", () => Batched(registry, KartDiscreteEnv.Id, numEnvs, batchSize, size, pixelSteps, seed)),
            (ArcadeEnvs.BreakoutPixelsId, $"{size}x{size}x3 bytes", $"sync vector of {numEnvs}, atlases of {batchSize}", () => Batched(registry, BreakoutEnv.Id, numEnvs, batchSize, size, pixelSteps, seed)),
            (KartEnvs.DiscretePixelsId, $"{size}x{size}x3 bytes", $"sync vector of {numEnvs}, a frame per step", () => PixelVector(registry, KartEnvs.DiscretePixelsId, pixelKwargs, VectorizationMode.Sync, numEnvs, pixelSteps, seed)),
            (KartEnvs.DiscretePixelsId, $"{size}x{size}x3 bytes", $"threaded vector of {numEnvs}, a renderer per thread", () => PixelVector(registry, KartEnvs.DiscretePixelsId, pixelKwargs, VectorizationMode.Threaded, numEnvs, pixelSteps, seed)),
            (ArcadeEnvs.BreakoutPixelsId, $"{size}x{size}x3 bytes", $"sync vector of {numEnvs}, a frame per step", () => PixelVector(registry, ArcadeEnvs.BreakoutPixelsId, pixelKwargs, VectorizationMode.Sync, numEnvs, pixelSteps, seed)),
            (ArcadeEnvs.BreakoutPixelsId, $"{size}x{size}x3 bytes", $"threaded vector of {numEnvs}, a renderer per thread", () => PixelVector(registry, ArcadeEnvs.BreakoutPixelsId, pixelKwargs, VectorizationMode.Threaded, numEnvs, pixelSteps, seed)),
        };
        if (only is not null) rows.RemoveAll(row => !row.Env.Contains(only, StringComparison.OrdinalIgnoreCase) && !row.How.Contains(only, StringComparison.OrdinalIgnoreCase));
        for (int k = 0; k < rows.Count; k++)
        {
            // A threaded vector row and the sync vector row above it (same env and observation) are measured in alternating
            // rounds, so that a change of the machine's load falls on both; the threaded row gets their ratio.
            bool paired = k > 0 && rows[k].How.StartsWith("threaded vector", StringComparison.Ordinal) && rows[k - 1].How.StartsWith("sync vector", StringComparison.Ordinal)
                && rows[k - 1].Env == rows[k].Env && rows[k - 1].Obs == rows[k].Obs;
            bool pairsWithNext = k + 1 < rows.Count && rows[k + 1].How.StartsWith("threaded vector", StringComparison.Ordinal) && rows[k].How.StartsWith("sync vector", StringComparison.Ordinal)
                && rows[k + 1].Env == rows[k].Env && rows[k + 1].Obs == rows[k].Obs;
            if (paired) continue; // measured with the row above
            var group = pairsWithNext ? new[] { rows[k], rows[k + 1] } : [rows[k]];
            foreach (var row in group) row.Run(); // warm-up: JIT, renderer and contexts
            var best = new Measurement?[group.Length];
            var bestCpu = new double[group.Length];
            for (int r = 0; r < repeats; r++)
            {
                for (int g = 0; g < group.Length; g++)
                {
                    var m = group[g].Run();
                    if (best[g] is null || m.StepsPerSecond > best[g]!.StepsPerSecond) best[g] = m;
                    bestCpu[g] = Math.Max(bestCpu[g], m.StepsPerCpuSecond);
                }
            }
            for (int g = 0; g < group.Length; g++)
            {
                var (env, obs, how, _) = group[g];
                var m = best[g]! with { StepsPerCpuSecond = bestCpu[g] };
                string ratio = g == 1 ? string.Create(CultureInfo.InvariantCulture, $"{m.StepsPerSecond / best[0]!.StepsPerSecond:0.00} / {bestCpu[1] / bestCpu[0]:0.00}") : "-";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {env} | {obs} | {how} | {m.StepsPerSecond:N0} | {m.StepsPerCpuSecond:N0} | {m.BytesPerStep:0.#} | {Split(m.StepOnlyBytesPerStep)} | {Split(m.BytesPerReset)} | {ratio} |"));
            }
        }
        Console.WriteLine();
        Console.WriteLine($"Load average after: {PolicyGradientBenchmark.LoadAverage()}.");
        return 0;
    }

    // StepOnlyBytesPerStep and BytesPerReset: NaN where the resets happen inside a vector environment (not split).
    private sealed record Measurement(double StepsPerSecond, double StepsPerCpuSecond, double BytesPerStep, double StepOnlyBytesPerStep = double.NaN, double BytesPerReset = double.NaN);

    private static string Split(double bytes) => double.IsNaN(bytes) ? "-" : bytes.ToString("0.#", CultureInfo.InvariantCulture);

    private static readonly OptionSet NoInfo = OptionSet.Of(("step_info", false));

    // A vector environment of a state id without step infos (Sync or Threaded), random actions; steps count every sub-environment.
    private static Measurement StateVector(EnvRegistry registry, string id, VectorizationMode mode, int numEnvs, int steps, int seed)
    {
        using var vec = registry.MakeVector<float[], int>(id, numEnvs, new VectorEnvOptions { Mode = mode, Make = new MakeOptions { Kwargs = NoInfo } });
        var rng = new Rng(seed);
        int actionCount = ((Rl.Core.Spaces.Discrete)vec.SingleActionSpace).N;
        var actions = Enumerable.Range(0, 1024 + numEnvs).Select(_ => rng.NextInt(actionCount)).ToArray();
        vec.Reset(seed);
        int iterations = Math.Max(1, steps / numEnvs);
        var clock = new Clock(allThreads: mode == VectorizationMode.Threaded);
        for (int t = 0; t < iterations; t++) vec.Step(actions.AsSpan(t & 1023, numEnvs));
        return clock.Stop((long)iterations * numEnvs);
    }

    private sealed class Clock
    {
        private readonly Stopwatch _wall = Stopwatch.StartNew();
        private readonly TimeSpan _cpu = Process.GetCurrentProcess().TotalProcessorTime;
        private readonly long _bytes;
        private readonly bool _allThreads;

        public Clock(bool allThreads)
        {
            _allThreads = allThreads;
            _bytes = allThreads ? GC.GetTotalAllocatedBytes(true) : GC.GetAllocatedBytesForCurrentThread();
        }

        public Measurement Stop(long steps)
        {
            double wall = _wall.Elapsed.TotalSeconds;
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - _cpu).TotalSeconds;
            long bytes = (_allThreads ? GC.GetTotalAllocatedBytes(true) : GC.GetAllocatedBytesForCurrentThread()) - _bytes;
            return new Measurement(steps / wall, steps / Math.Max(cpu, 1e-9), bytes / (double)steps);
        }
    }

    private static Measurement Single<TObs, TAct>(EnvRegistry registry, string id, OptionSet kwargs, int steps, int seed)
    {
        using var env = registry.Make<TObs, TAct>(id, new MakeOptions { Kwargs = kwargs });
        env.ActionSpace.Seed(seed);
        var actions = Enumerable.Range(0, 1024).Select(_ => env.ActionSpace.Sample()).ToArray();
        TObs obs = env.Reset(seed).Observation;
        var clock = new Clock(allThreads: false);
        long resetBytes = 0;
        int resets = 0;
        for (int t = 0; t < steps; t++)
        {
            var r = env.Step(actions[t & 1023], obs);
            if (!r.Done) continue;
            long before = GC.GetAllocatedBytesForCurrentThread();
            env.Reset(into: obs);
            resetBytes += GC.GetAllocatedBytesForCurrentThread() - before;
            resets++;
        }
        var m = clock.Stop(steps);
        return m with { StepOnlyBytesPerStep = m.BytesPerStep - resetBytes / (double)steps, BytesPerReset = resets > 0 ? resetBytes / (double)resets : double.NaN };
    }

    // A synchronous vector environment of the state ids; after each step its frames are rendered by BatchPixelRenderers of
    // `batchSize` sub-environments each (one atlas and one readback per renderer).
    private static Measurement Batched(EnvRegistry registry, string stateId, int numEnvs, int batchSize, int size, int steps, int seed)
    {
        using var vec = registry.MakeVector<float[], int>(stateId, numEnvs);
        var options = new PixelObservationOptions { Width = size, Height = size };
        var batches = vec.Envs.Chunk(batchSize).Select(group => BatchPixelRenderer.ForEnvs(group, options)).ToList();
        var frames = new byte[numEnvs * size * size * 3];
        void RenderAll()
        {
            int offset = 0;
            foreach (var batch in batches)
            {
                int bytes = batch.Count * batch.FrameBytes;
                batch.Render(frames.AsSpan(offset, bytes));
                offset += bytes;
            }
        }
        var rng = new Rng(seed);
        int actionCount = ((Rl.Core.Spaces.Discrete)vec.SingleActionSpace).N;
        var actions = new int[numEnvs];
        vec.Reset(seed);
        RenderAll();
        int iterations = Math.Max(1, steps / numEnvs);
        var clock = new Clock(allThreads: false);
        for (int t = 0; t < iterations; t++)
        {
            for (int i = 0; i < numEnvs; i++) actions[i] = rng.NextInt(actionCount);
            vec.Step(actions);
            RenderAll();
        }
        return clock.Stop((long)iterations * numEnvs);
    }

    // A vector environment of the pixel ids: threaded, each worker thread renders its sub-environments' frames itself;
    // sync, the calling thread renders every frame, one per sub-environment step.
    private static Measurement PixelVector(EnvRegistry registry, string pixelId, OptionSet kwargs, VectorizationMode mode, int numEnvs, int steps, int seed)
    {
        using var vec = registry.MakeVector<byte[], int>(pixelId, numEnvs, new VectorEnvOptions
        {
            Mode = mode,
            Make = new MakeOptions { Kwargs = kwargs },
        });
        var rng = new Rng(seed);
        int actionCount = ((Rl.Core.Spaces.Discrete)vec.SingleActionSpace).N;
        var actions = new int[numEnvs];
        vec.Reset(seed);
        int iterations = Math.Max(1, steps / numEnvs);
        var clock = new Clock(allThreads: mode == VectorizationMode.Threaded);
        for (int t = 0; t < iterations; t++)
        {
            for (int i = 0; i < numEnvs; i++) actions[i] = rng.NextInt(actionCount);
            vec.Step(actions);
        }
        return clock.Stop((long)iterations * numEnvs);
    }
}
