using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rl.Agents;
using Evaluator = Rl.Agents.Evaluation.Evaluator;
using Rl.Agents.Evaluation;
using Rl.Agents.GradientFree;
using Rl.Agents.Training;
using Rl.Environments;
using Rl.Experiments.Cli;

namespace Rl.Experiments.Benchmarks;

/// <summary>
/// <c>rl bench solve</c>: wall-clock time and environment steps until each gradient-free agent, with its default config (the
/// shipped <c>experiments/configs/*-CartPole-v1.toml</c>), solves an environment: a deterministic mean return at or above the
/// reward threshold over N evaluation episodes. Median over several seeds, printed as a Markdown table. Evaluation steps are
/// not training steps; training time and time including evaluation are reported separately. Not a test.
/// </summary>
public static class GradientFreeSolveBenchmark
{
    private static readonly string[] DefaultAlgorithms = [Ars.AlgorithmId, Cem.AlgorithmId, EvolutionStrategies.AlgorithmId, IterativeRandomSearch.AlgorithmId, RandomSearch.AlgorithmId];

    /// <summary>The benchmark's command: its options and action.</summary>
    public static Command Create()
    {
        var options = SolveOptions.Create(string.Join(",", DefaultAlgorithms));
        var command = new Command("solve", "Wall-clock time and env steps for the gradient-free agents to solve CartPole-v1 (median over seeds)");
        options.AddTo(command);
        return command.Runs(r => Run(options.Read(r)));
    }

    /// <summary>The options of <c>rl bench solve</c> (and of <c>rl bench pg solve</c>, with other default algorithms).</summary>
    /// <param name="Env"><c>--env ID</c>.</param>
    /// <param name="Algos"><c>--algos a,b</c>.</param>
    /// <param name="Seeds"><c>--seeds N</c>.</param>
    /// <param name="Threads"><c>--threads N</c>.</param>
    /// <param name="EvalEvery"><c>--eval-every N</c>.</param>
    /// <param name="EvalEpisodes"><c>--eval-episodes N</c>.</param>
    /// <param name="MaxSteps"><c>--max-steps N</c>.</param>
    public sealed record SolveOptions(Option<string> Env, Option<string> Algos, Option<int> Seeds, Option<int?> Threads, Option<int> EvalEvery,
        Option<int> EvalEpisodes, Option<long> MaxSteps)
    {
        /// <summary>Declares the options; <paramref name="algos"/> is the default of <c>--algos</c>.</summary>
        public static SolveOptions Create(string algos) => new(
            Opt.TextOr("--env", "CartPole-v1", "ID", "the environment (it needs a reward threshold)").EnvIds(),
            Opt.TextOr("--algos", algos, "A,B,...", "the algorithms, comma-separated").AlgoIds(),
            Opt.IntOr("--seeds", 5, "seeds per algorithm", 1),
            Opt.Int("--threads", "threads (default: the number of cores)", 1),
            Opt.IntOr("--eval-every", 1, "evaluate every N iterations", 1),
            Opt.IntOr("--eval-episodes", 100, "deterministic evaluation episodes", 1),
            Opt.LongOr("--max-steps", 1_000_000, "training steps per run at most", 1));

        /// <summary>Adds the options to <paramref name="command"/>.</summary>
        public void AddTo(Command command)
        {
            ArgumentNullException.ThrowIfNull(command);
            foreach (Option o in new Option[] { Env, Algos, Seeds, Threads, EvalEvery, EvalEpisodes, MaxSteps }) command.Options.Add(o);
        }

        /// <summary>The parsed values.</summary>
        public SolveSettings Read(ParseResult r)
        {
            ArgumentNullException.ThrowIfNull(r);
            return new(r.GetValue(Env)!, r.GetValue(Algos)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                r.GetValue(Seeds), r.GetValue(Threads) ?? Environment.ProcessorCount, r.GetValue(EvalEvery), r.GetValue(EvalEpisodes), r.GetValue(MaxSteps));
        }
    }

    /// <summary>The settings of one solve benchmark.</summary>
    /// <param name="EnvId">The environment.</param>
    /// <param name="Algorithms">The algorithm ids.</param>
    /// <param name="Seeds">Seeds per algorithm.</param>
    /// <param name="Threads">Threads.</param>
    /// <param name="EvalEvery">Evaluate every N iterations.</param>
    /// <param name="EvalEpisodes">Evaluation episodes.</param>
    /// <param name="MaxSteps">Training steps per run at most.</param>
    public sealed record SolveSettings(string EnvId, string[] Algorithms, int Seeds, int Threads, int EvalEvery, int EvalEpisodes, long MaxSteps);

    /// <summary>Runs the benchmark and prints a Markdown table.</summary>
    public static int Run(SolveSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (envId, algorithms, seeds, threads, evalEvery, evalEpisodes, maxSteps) = settings;

        BuiltInAlgorithms.EnsureRegistered();
        var spec = Envs.Registry.GetSpec(envId);
        double threshold = spec.RewardThreshold
            ?? throw new UsageException($"bench solve: environment '{envId}' has no reward threshold to reach");

        Console.WriteLine($"Solving {envId}: mean return >= {threshold.ToString(CultureInfo.InvariantCulture)} over {evalEpisodes} deterministic episodes, " +
                          $"evaluated every {evalEvery} iteration(s); {seeds} seeds, {threads} thread(s), at most {maxSteps:N0} training steps per run.");
        Console.WriteLine();
        Console.WriteLine("| algorithm | solved | median env steps | median training time (s) | median time incl. evaluation (s) | median iterations |");
        Console.WriteLine("|---|---|---|---|---|---|");
        bool allSolved = true;
        foreach (var id in algorithms)
        {
            var info = AlgorithmRegistry.Get(id);
            var runs = Enumerable.Range(0, seeds).Select(seed => Solve(info, envId, seed, threads, threshold, evalEvery, evalEpisodes, maxSteps)).ToList();
            var solved = runs.Where(r => r.Solved).ToList();
            allSolved &= solved.Count == runs.Count;
            // Unsolved runs count as "more than the budget", so the median is honest when a few runs fail.
            string Median(Func<RunResult, double> select, string format) =>
                solved.Count * 2 > runs.Count ? MedianOf(runs.Select(r => r.Solved ? select(r) : double.PositiveInfinity)).ToString(format, CultureInfo.InvariantCulture) : "—";
            Console.WriteLine($"| {id} | {solved.Count}/{runs.Count} | {Median(r => r.Steps, "N0")} | {Median(r => r.TrainingSeconds, "F2")} | " +
                              $"{Median(r => r.TotalSeconds, "F2")} | {Median(r => r.Iterations, "N0")} |");
        }
        return allSolved ? 0 : 1;
    }

    private sealed record RunResult(bool Solved, long Steps, double TrainingSeconds, double TotalSeconds, int Iterations);

    private static RunResult Solve(AlgorithmInfo info, string envId, int seed, int threads, double threshold, int evalEvery, int evalEpisodes, long maxSteps)
    {
        var total = Stopwatch.StartNew();
        var training = new Stopwatch();
        var context = new TrainingContext { MakeEnv = () => Envs.Make(envId), Seed = seed, Threads = threads };
        training.Start();
        using var algorithm = info.Create(Activator.CreateInstance(info.ConfigType)!, context);
        training.Stop();
        while (algorithm.EnvSteps < maxSteps)
        {
            training.Start();
            algorithm.RunIteration();
            training.Stop();
            if (algorithm.Iteration % evalEvery != 0) continue;
            // Evaluation seeds differ from every training seed's stream but are the same for all algorithms.
            var evaluation = algorithm is GradientFreeAlgorithm gf
                ? gf.Evaluate(evalEpisodes, seed: 1_000_000)
                : Evaluator.Evaluate(algorithm.Policy, context.MakeEnv, new EvaluationOptions { Episodes = evalEpisodes, Seed = 1_000_000, Threads = threads });
            if (evaluation.Reaches(threshold))
                return new RunResult(true, algorithm.EnvSteps, training.Elapsed.TotalSeconds, total.Elapsed.TotalSeconds, algorithm.Iteration);
        }
        return new RunResult(false, algorithm.EnvSteps, training.Elapsed.TotalSeconds, total.Elapsed.TotalSeconds, algorithm.Iteration);
    }

    private static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
