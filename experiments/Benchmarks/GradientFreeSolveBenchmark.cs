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

    /// <summary>
    /// Runs the benchmark. Options: <c>--env</c> (CartPole-v1), <c>--algos</c> (comma list; all five), <c>--seeds</c> (5),
    /// <c>--threads</c> (all cores), <c>--eval-every</c> (1 iteration), <c>--eval-episodes</c> (100),
    /// <c>--max-steps</c> (1,000,000 per run).
    /// </summary>
    /// <returns>0 when every run solved the environment, 1 when some did not, 2 on bad arguments.</returns>
    public static int Run(IReadOnlyList<string> args)
    {
        var reader = new ArgReader(args, "bench solve");
        string envId = reader.Option("--env") ?? "CartPole-v1";
        var algorithms = reader.Option("--algos")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? DefaultAlgorithms;
        int seeds = reader.Int("--seeds", 1) ?? 5;
        int threads = reader.Int("--threads", 1) ?? Environment.ProcessorCount;
        int evalEvery = reader.Int("--eval-every", 1) ?? 1;
        int evalEpisodes = reader.Int("--eval-episodes", 1) ?? 100;
        long maxSteps = reader.Long("--max-steps") ?? 1_000_000;
        reader.EnsureAllConsumed();

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
