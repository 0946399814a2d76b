using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rl.Agents.Evaluation;
using Evaluator = Rl.Agents.Evaluation.Evaluator;
using Rl.Agents.PolicyGradient;
using Rl.Agents.Rollouts;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Environments;
using Rl.Experiments.Cli;
using Rl.Experiments.Commands;
using TorchSharp;

namespace Rl.Experiments.Benchmarks;

/// <summary>
/// <c>rl bench pg engine</c>: the rollout engine's two measured goals. (1) Bytes allocated per environment step while
/// REINFORCE collects on CartPole-v1 (<c>GC.GetTotalAllocatedBytes(precise: true)</c> over N steps), split into the forward
/// pass and everything else. (2) A 100-episode evaluation of one fixed, solved CartPole REINFORCE checkpoint, the
/// evaluator before the engine (reconstructed here: one boxed episode after another, one forward pass per step per
/// episode) against the engine's batched evaluator, in the same run. Not a test.
/// </summary>
public static class EngineBenchmark
{
    /// <summary>The benchmark's command: its options and action.</summary>
    public static Command Create()
    {
        var steps = Opt.IntOr("--steps", 200_000, "REINFORCE collection steps measured", 1000, 100_000_000);
        var episodes = Opt.IntOr("--episodes", 100, "evaluation episodes", 1, 100_000);
        var repeats = Opt.IntOr("--repeats", 3, "repeats (best kept)", 1, 100);
        var seed = Opt.IntOr("--seed", 0, "seed");
        var command = new Command("engine", "Bytes allocated per env step while REINFORCE collects, and a 100-episode evaluation of a solved " +
            "REINFORCE checkpoint: old evaluator against the batched one") { steps, episodes, repeats, seed };
        return command.Runs(r => Run(r.GetValue(steps), r.GetValue(episodes), r.GetValue(repeats), r.GetValue(seed), CommandTree.Line(r)));
    }

    /// <summary>Runs the benchmark and prints the tables; <paramref name="commandLine"/> is printed under them.</summary>
    public static int Run(int steps, int episodes, int repeats, int seed, string commandLine)
    {
        torch.set_num_threads(1);
        Console.WriteLine($"Rollout engine on CartPole-v1 (REINFORCE, shipped config, seed {seed}, 1 torch thread); load average before: {PolicyGradientBenchmark.LoadAverage()}");
        Console.WriteLine();
        Allocation(steps, seed);
        Evaluation(episodes, repeats, seed);
        Console.WriteLine($"Load average after: {PolicyGradientBenchmark.LoadAverage()}. {BenchCommand.Machine()}; `{commandLine}`");
        Console.WriteLine();
        return 0;
    }

    private static void Allocation(int steps, int seed)
    {
        using var agent = new Reinforce(new ReinforceConfig(), Context(seed));
        var actor = new MeasuringActor(agent.Learner.Actor(new Rng(seed)));
        var batch = new RolloutBatch(agent.Collector.ObservationSize, agent.Learner.ActionWidth);
        agent.Collector.CollectEpisodes(actor, steps / 10, into: batch); // warm-up: buffers grow, code is compiled
        agent.Collector.CollectEpisodes(actor, steps, into: batch);
        (actor.Bytes, actor.Calls) = (0, 0);
        var sw = Stopwatch.StartNew();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        agent.Collector.CollectEpisodes(actor, steps, into: batch);
        long total = GC.GetTotalAllocatedBytes(precise: true) - before;
        sw.Stop();
        double n = batch.Steps;
        Console.WriteLine($"Bytes allocated per env step while REINFORCE collects ({batch.Steps:N0} steps, {batch.Episodes.Count:N0} episodes, {agent.Collector.NumEnvs} envs in lockstep, {n / sw.Elapsed.TotalSeconds:N0} steps/s):");
        Console.WriteLine();
        Console.WriteLine("| part | bytes / step | bytes in all |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| forward pass (TorchSharp, {actor.Calls:N0} calls) | {F(actor.Bytes / n)} | {actor.Bytes:N0} |");
        Console.WriteLine($"| engine, env and everything else | {F((total - actor.Bytes) / n)} | {total - actor.Bytes:N0} |");
        Console.WriteLine($"| total | {F(total / n)} | {total:N0} |");
        Console.WriteLine();
        Console.WriteLine($"Outside the forward pass the steps allocate nothing; each episode's seeded reset makes one generator in Core's Env.Reset ({F((total - actor.Bytes) / (double)batch.Episodes.Count)} B per episode).");
        Console.WriteLine();
    }

    private static void Evaluation(int episodes, int repeats, int seed)
    {
        string path = Path.Combine(Path.GetTempPath(), $"rl-bench-engine-{Environment.ProcessId}.ckpt");
        try
        {
            var (iterations, envSteps) = TrainUntilSolved(seed, path);
            using var agent = new Reinforce(new ReinforceConfig(), Context(seed));
            agent.Load(Checkpoint.Read(path));
            Func<IEnv> make = () => Envs.Make("CartPole-v1");
            double oldBest = double.MaxValue, newBest = double.MaxValue;
            double oldMean = 0, newMean = 0;
            for (int r = 0; r < repeats; r++)
            {
                var sw = Stopwatch.StartNew();
                oldMean = OldEvaluate(agent.Policy, make, episodes, 1_000_000);
                oldBest = Math.Min(oldBest, sw.Elapsed.TotalSeconds);
                sw.Restart();
                newMean = Evaluator.Evaluate(agent.Policy, make, new EvaluationOptions { Episodes = episodes, Seed = 1_000_000 }).MeanReturn;
                newBest = Math.Min(newBest, sw.Elapsed.TotalSeconds);
            }
            Console.WriteLine($"{episodes}-episode evaluation of one solved REINFORCE checkpoint ({iterations} iterations, {envSteps:N0} env steps, seed {seed}), fastest of {repeats}:");
            Console.WriteLine();
            Console.WriteLine("| evaluator | seconds | mean return | speed-up |");
            Console.WriteLine("|---|---|---|---|");
            Console.WriteLine($"| before the engine: boxed, one episode after another, a forward pass per step per episode | {F(oldBest)} | {F(oldMean)} | 1 |");
            Console.WriteLine($"| Evaluator: {episodes} envs in lockstep, one forward pass per step for all | {F(newBest)} | {F(newMean)} | {F(oldBest / newBest)}x |");
            Console.WriteLine();
            Console.WriteLine("(The old evaluator seeded only the first reset, the new one seeds episode i with base + i: the episodes differ, the policy is the same.)");
            Console.WriteLine();
        }
        finally
        {
            File.Delete(path);
        }
    }

    // Trains REINFORCE until a 100-episode evaluation reaches CartPole's threshold (475) and writes that checkpoint.
    private static (int Iterations, long EnvSteps) TrainUntilSolved(int seed, string path)
    {
        using var agent = new Reinforce(new ReinforceConfig(), Context(seed));
        while (agent.EnvSteps < 2_000_000)
        {
            agent.RunIteration();
            var eval = Evaluator.Evaluate(agent.Policy, () => Envs.Make("CartPole-v1"), new EvaluationOptions { Episodes = 100, Seed = 1_000_000 });
            if (!eval.Reaches(475)) continue;
            var checkpoint = new Checkpoint();
            agent.Save(checkpoint);
            checkpoint.WriteAtomic(path);
            return (agent.Iteration, agent.EnvSteps);
        }
        throw new InvalidOperationException($"REINFORCE (seed {seed}) did not solve CartPole-v1 within 2,000,000 steps; try another --seed");
    }

    // The runner's evaluator before the engine: one boxed environment, episodes one after another, the first reset seeded.
    private static double OldEvaluate(IPolicy policy, Func<IEnv> makeEnv, int episodes, int seed)
    {
        using var env = makeEnv();
        var rng = new Rng(seed);
        double sum = 0;
        for (int e = 0; e < episodes; e++)
        {
            object obs = env.ResetObject(e == 0 ? seed : null).Observation;
            while (true)
            {
                var step = env.StepObject(policy.Act(obs, deterministic: true, rng));
                sum += step.Reward;
                if (step.Terminated || step.Truncated) break;
                obs = step.Observation;
            }
        }
        return sum / episodes;
    }

    private static TrainingContext Context(int seed) =>
        new() { MakeEnv = () => Envs.Make("CartPole-v1"), Seed = seed, Threads = 1, Device = "cpu" };

    private static string F(double x) => x.ToString(x >= 100 ? "N0" : "0.###", CultureInfo.InvariantCulture);

    private sealed class MeasuringActor(IBatchActor inner) : IBatchActor
    {
        public long Bytes;
        public int Calls;

        public int ActionWidth => inner.ActionWidth;

        public void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, Span<float> logProbs)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            inner.Act(observations, count, actions, logProbs);
            Bytes += GC.GetTotalAllocatedBytes(precise: true) - before;
            Calls++;
        }
    }
}
