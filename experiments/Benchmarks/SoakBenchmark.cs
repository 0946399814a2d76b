using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rl.Agents;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Environments;
using Rl.Experiments.Cli;
using Rl.Experiments.Commands;
using TorchSharp;

namespace Rl.Experiments.Benchmarks;

/// <summary>
/// <c>rl bench soak</c>: an endurance run. Random steps over every registered state-observation environment (a total
/// spread evenly) and over each pixel environment, then training steps of REINFORCE and ARS on CartPole-v1; it counts
/// exceptions and NaN or infinite observations and rewards, and reports resident memory, the managed heap and live
/// TorchSharp tensors at intervals, and how far the resident memory moves within each phase after its first report (which
/// holds the phase's start-up: native libraries, renderer, JIT), flat meaning within 5%.
/// </summary>
public static class SoakBenchmark
{

    /// <summary>The benchmark's command: its options and action.</summary>
    public static Command Create()
    {
        var stateSteps = Opt.LongOr("--state-steps", 10_000_000, "random steps in total over the state-observation environments", 0);
        var pixelSteps = Opt.LongOr("--pixel-steps", 1_000_000, "random steps per pixel environment", 0);
        var trainSteps = Opt.LongOr("--train-steps", 1_000_000, "environment steps of training per algorithm (REINFORCE, ARS)", 0);
        var reports = Opt.IntOr("--reports", 5, "memory reports per phase", 1, 1000);
        var seed = Opt.IntOr("--seed", 0, "seed");
        var command = new Command("soak", "Endurance: random steps over every state env and each pixel env, then training steps of REINFORCE and " +
            "ARS; exceptions, NaNs, RSS, heap and live tensors") { stateSteps, pixelSteps, trainSteps, reports, seed };
        return command.Runs(r => Run(r.GetValue(stateSteps), r.GetValue(pixelSteps), r.GetValue(trainSteps), r.GetValue(reports), r.GetValue(seed),
            CommandTree.Line(r)));
    }

    /// <summary>Runs the soak and prints Markdown tables; <paramref name="commandLine"/> is printed under them.</summary>
    /// <returns>0 when nothing failed, 1 when an exception or a non-finite value was seen.</returns>
    public static int Run(long stateSteps, long pixelSteps, long trainSteps, int reports, int seed, string commandLine)
    {
        if (stateSteps < 0 || pixelSteps < 0 || trainSteps < 0) throw new UsageException("rl bench soak: step counts must not be negative");

        var registry = PixelEnvironments.EnsureRegistered();
        var ids = registry.Specs.Select(s => s.Id).ToList();
        var pixel = new List<string>();
        var state = new List<string>();
        foreach (string id in ids)
        {
            using var env = registry.Make(id);
            (env.ObservationSpace.ValueType == typeof(byte[]) ? pixel : state).Add(id);
        }
        Console.WriteLine($"Soak: {stateSteps:N0} random steps over {state.Count} state-observation environments, {pixelSteps:N0} per pixel " +
                          $"environment ({pixel.Count}), {trainSteps:N0} training steps each of REINFORCE and ARS on CartPole-v1; seed {seed}; " +
                          $"load average before: {PolicyGradientBenchmark.LoadAverage()}.");
        Console.WriteLine();
        // Rows are printed as they are measured (Console.Out flushes each line), so a run stopped early still reports its
        // figures: elapsed time, and the RSS spread of the phase so far.
        Console.WriteLine("| phase | steps | exceptions | non-finite values | RSS (MiB) | RSS spread in the phase so far | managed heap (MiB) | live TorchSharp tensors | elapsed (s) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var sw = Stopwatch.StartNew();
        s_clock = sw;
        var spreads = new List<(string Phase, double Spread)>();
        long failures = 0;
        void Phase(string name, Func<List<long>, long> run)
        {
            var rss = new List<long>();
            failures += run(rss);
            if (rss.Count > 1) spreads.Add((name, (rss.Max() - rss.Min()) / (double)rss.Min()));
        }
        foreach (string id in state) Phase(id, rss => RandomSteps(registry, id, stateSteps / Math.Max(1, state.Count), reports, seed, rss));
        foreach (string id in pixel) Phase(id, rss => RandomSteps(registry, id, pixelSteps, reports, seed, rss));
        BuiltInAlgorithms.EnsureRegistered();
        foreach (string algo in new[] { "reinforce", "ars" }) Phase(algo, rss => Train(algo, trainSteps, reports, seed, rss));
        Console.WriteLine();
        if (spreads.Count > 0)
        {
            var worst = spreads.MaxBy(p => p.Spread);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RSS within each phase after its first report: flat within 5% in {spreads.Count(p => p.Spread <= 0.05)} of {spreads.Count} " +
                $"phases; the largest spread is {worst.Spread:P1} ({worst.Phase}). {failures} failure(s)."));
        }
        Console.WriteLine($"{sw.Elapsed.TotalSeconds:F0} s. Load average after: {PolicyGradientBenchmark.LoadAverage()}. {BenchCommand.Machine()}; " +
                          $"`{commandLine}`");
        return failures == 0 ? 0 : 1;
    }

    private static Stopwatch s_clock = Stopwatch.StartNew();

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);

    // One report row; the RSS of every report but the phase's first joins the flatness check (the first holds start-up).
    private static void Report(string phase, long steps, long exceptions, long nonFinite, bool first, List<long> rss)
    {
        var (now, _) = PolicyGradientBenchmark.ReadRss();
        long heap = GC.GetTotalMemory(false);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        if (!first) rss.Add(now);
        string spread = rss.Count > 1 ? ((rss.Max() - rss.Min()) / (double)rss.Min()).ToString("P1", CultureInfo.InvariantCulture) : "-";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {phase} | {steps:N0} | {exceptions} | {nonFinite} | {Mib(now)} | {spread} | {Mib(heap)} | {torch.Tensor.TotalCount:N0} | {s_clock.Elapsed.TotalSeconds:F0} |"));
    }

    private static long RandomSteps(EnvRegistry registry, string id, long steps, int reports, int seed, List<long> rss)
    {
        if (steps <= 0) return 0;
        using var env = registry.Make(id);
        var (o, act) = EnvRegistry.TypeArguments(env);
        var method = typeof(SoakBenchmark).GetMethod(nameof(TypedRandomSteps), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(o, act);
        return (long)method.Invoke(null, [env, id, steps, reports, seed, rss])!;
    }

    private static long TypedRandomSteps<TObs, TAct>(IEnv<TObs, TAct> env, string id, long steps, int reports, int seed, List<long> rss)
    {
        long exceptions = 0, nonFinite = 0, done = 0, every = Math.Max(1, steps / reports);
        env.ActionSpace.Seed(seed);
        var actions = Enumerable.Range(0, 1024).Select(_ => env.ActionSpace.Sample()).ToArray();
        TObs obs = env.Reset(seed).Observation;
        bool first = true;
        while (done < steps)
        {
            try
            {
                var r = env.Step(actions[done & 1023], obs);
                if (!double.IsFinite(r.Reward) || !Finite(r.Observation)) nonFinite++;
                if (r.Done) env.Reset(into: obs);
            }
            catch (Exception e)
            {
                if (exceptions++ == 0) Console.Error.WriteLine($"{id}: step {done}: {e.GetType().Name}: {e.Message}");
                obs = env.Reset().Observation;
            }
            if (++done % every == 0 || done == steps)
            {
                Report(id, done, exceptions, nonFinite, first, rss);
                first = false;
            }
        }
        return exceptions + nonFinite;
    }

    private static bool Finite<TObs>(TObs observation) => observation switch
    {
        float[] f => f.All(float.IsFinite),
        double[] d => d.All(double.IsFinite),
        _ => true,
    };

    private static long Train(string algo, long steps, int reports, int seed, List<long> rss)
    {
        if (steps <= 0) return 0;
        var info = AlgorithmRegistry.Get(algo);
        var context = new TrainingContext { MakeEnv = () => Envs.Make("CartPole-v1"), Seed = seed, Threads = 1, Device = "cpu" };
        using var agent = info.Create(Activator.CreateInstance(info.ConfigType)!, context);
        long exceptions = 0, nonFinite = 0, every = Math.Max(1, steps / reports), next = every;
        bool first = true;
        while (agent.EnvSteps < steps)
        {
            try
            {
                var result = agent.RunIteration();
                nonFinite += result.EpisodeReturns.Count(r => !double.IsFinite(r)) + result.Scalars.Values.Count(v => double.IsNaN(v));
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"{algo}: at step {agent.EnvSteps}: {e.GetType().Name}: {e.Message}");
                exceptions++;
                break; // a training failure leaves the agent in no state to go on
            }
            if (agent.EnvSteps < next && agent.EnvSteps < steps) continue;
            Report($"train {algo} CartPole-v1", agent.EnvSteps, exceptions, nonFinite, first, rss);
            first = false;
            next += every;
        }
        if (exceptions > 0) Report($"train {algo} CartPole-v1", agent.EnvSteps, exceptions, nonFinite, first, rss);
        return exceptions + nonFinite;
    }
}
