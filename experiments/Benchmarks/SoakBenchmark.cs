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
        var interleaved = Opt.Flag("--interleaved", "keep every phase's environment or agent alive and advance them all in rounds (a report " +
            "row each per round), so that a run stopped early has covered every phase in proportion");
        var command = new Command("soak", "Endurance: random steps over every state env and each pixel env, then training steps of REINFORCE and " +
            "ARS; exceptions, NaNs, RSS, heap and live tensors") { stateSteps, pixelSteps, trainSteps, reports, seed, interleaved };
        return command.Runs(r => Run(r.GetValue(stateSteps), r.GetValue(pixelSteps), r.GetValue(trainSteps), r.GetValue(reports), r.GetValue(seed),
            CommandTree.Line(r), r.GetValue(interleaved)));
    }

    /// <summary>Runs the soak and prints Markdown tables; <paramref name="commandLine"/> is printed under them.</summary>
    /// <param name="stateSteps">Random steps in total over the state-observation environments.</param>
    /// <param name="pixelSteps">Random steps per pixel environment.</param>
    /// <param name="trainSteps">Environment steps of training per algorithm.</param>
    /// <param name="reports">Report rows per phase.</param>
    /// <param name="seed">The seed of every environment, action sequence and agent.</param>
    /// <param name="commandLine">The command, printed under the table.</param>
    /// <param name="interleaved">Whether the phases advance together in rounds (all alive at once) instead of one after another.</param>
    /// <returns>0 when nothing failed, 1 when an exception or a non-finite value was seen.</returns>
    public static int Run(long stateSteps, long pixelSteps, long trainSteps, int reports, int seed, string commandLine, bool interleaved = false)
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
        BuiltInAlgorithms.EnsureRegistered();
        // Made when first advanced (one after another: one phase's environment alive at a time; interleaved: all of them).
        var phases = new List<(string Name, long Target, Func<SoakPhase> Make)>();
        foreach (string id in state) phases.Add((id, stateSteps / Math.Max(1, state.Count), () => RandomPhase(registry, id, seed)));
        foreach (string id in pixel) phases.Add((id, pixelSteps, () => RandomPhase(registry, id, seed)));
        foreach (string algo in new[] { "reinforce", "ars" }) phases.Add(($"train {algo} CartPole-v1", trainSteps, () => new TrainPhase(algo, seed)));
        phases.RemoveAll(p => p.Target <= 0);
        var live = new SoakPhase?[phases.Count];
        try
        {
            // One after another: each phase's rounds, then the next; interleaved: round r of every phase, then round r + 1.
            var order = interleaved
                ? Enumerable.Range(1, reports).SelectMany(r => Enumerable.Range(0, phases.Count).Select(k => (k, r)))
                : Enumerable.Range(0, phases.Count).SelectMany(k => Enumerable.Range(1, reports).Select(r => (k, r)));
            foreach (var (k, r) in order)
            {
                var phase = live[k] ??= phases[k].Make();
                phase.RunUntil(phases[k].Target * r / reports);
                Report(phases[k].Name, phase.Done, phase.Exceptions, phase.NonFinite, r == 1, phase.Rss);
                if (r < reports) continue;
                failures += phase.Exceptions + phase.NonFinite;
                if (phase.Rss.Count > 1) spreads.Add((phases[k].Name, (phase.Rss.Max() - phase.Rss.Min()) / (double)phase.Rss.Min()));
                phase.Dispose();
                live[k] = null;
            }
        }
        finally
        {
            foreach (var phase in live) phase?.Dispose();
        }
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

    // A phase of the soak: an environment stepped with random actions or an agent trained, advanced in rounds.
    private abstract class SoakPhase : IDisposable
    {
        public long Exceptions, NonFinite;
        public readonly List<long> Rss = [];

        public abstract long Done { get; }

        public abstract void RunUntil(long steps);

        public abstract void Dispose();
    }

    private static SoakPhase RandomPhase(EnvRegistry registry, string id, int seed)
    {
        var env = registry.Make(id);
        try
        {
            var (o, act) = EnvRegistry.TypeArguments(env);
            return (SoakPhase)Activator.CreateInstance(typeof(RandomStepsPhase<,>).MakeGenericType(o, act), env, id, seed)!;
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    private sealed class RandomStepsPhase<TObs, TAct> : SoakPhase
    {
        private readonly IEnv<TObs, TAct> _env;
        private readonly string _id;
        private readonly TAct[] _actions;
        private TObs _obs;
        private long _done;

        public RandomStepsPhase(IEnv env, string id, int seed)
        {
            _env = (IEnv<TObs, TAct>)env;
            _id = id;
            _env.ActionSpace.Seed(seed);
            _actions = Enumerable.Range(0, 1024).Select(_ => _env.ActionSpace.Sample()).ToArray();
            _obs = _env.Reset(seed).Observation;
        }

        public override long Done => _done;

        public override void RunUntil(long steps)
        {
            for (; _done < steps; _done++)
            {
                try
                {
                    var r = _env.Step(_actions[_done & 1023], _obs);
                    if (!double.IsFinite(r.Reward) || !Finite(r.Observation)) NonFinite++;
                    if (r.Done) _env.Reset(into: _obs);
                }
                catch (Exception e)
                {
                    if (Exceptions++ == 0) Console.Error.WriteLine($"{_id}: step {_done}: {e.GetType().Name}: {e.Message}");
                    _obs = _env.Reset().Observation;
                }
            }
        }

        public override void Dispose() => _env.Dispose();
    }

    private static bool Finite<TObs>(TObs observation) => observation switch
    {
        float[] f => f.All(float.IsFinite),
        double[] d => d.All(double.IsFinite),
        _ => true,
    };

    private sealed class TrainPhase : SoakPhase
    {
        private readonly string _algo;
        private readonly IAlgorithm _agent;
        private bool _stopped;

        public TrainPhase(string algo, int seed)
        {
            _algo = algo;
            var info = AlgorithmRegistry.Get(algo);
            var context = new TrainingContext { MakeEnv = () => Envs.Make("CartPole-v1"), Seed = seed, Threads = 1, Device = "cpu" };
            _agent = info.Create(Activator.CreateInstance(info.ConfigType)!, context);
        }

        public override long Done => _agent.EnvSteps;

        public override void RunUntil(long steps)
        {
            while (!_stopped && _agent.EnvSteps < steps)
            {
                try
                {
                    var result = _agent.RunIteration();
                    NonFinite += result.EpisodeReturns.Count(r => !double.IsFinite(r)) + result.Scalars.Values.Count(v => double.IsNaN(v));
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine($"{_algo}: at step {_agent.EnvSteps}: {e.GetType().Name}: {e.Message}");
                    Exceptions++;
                    _stopped = true; // a training failure leaves the agent in no state to go on
                }
            }
        }

        public override void Dispose() => _agent.Dispose();
    }
}
