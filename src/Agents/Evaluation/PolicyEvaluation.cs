using Rl.Agents.Parameters;
using Rl.Agents.Policies;
using Rl.Agents.Rollouts;
using Rl.Agents.Training;
using Rl.Core;

namespace Rl.Agents.Evaluation;

/// <summary>Returns and lengths of a set of evaluation episodes, with their summary statistics.</summary>
/// <param name="Returns">Return of each episode, in episode order.</param>
/// <param name="Lengths">Length of each episode.</param>
public sealed record EvaluationResult(IReadOnlyList<double> Returns, IReadOnlyList<int> Lengths)
{
    /// <summary>Number of episodes.</summary>
    public int Episodes => Returns.Count;

    /// <summary>Mean return.</summary>
    public double MeanReturn => ParameterMath.Mean([.. Returns]);

    /// <summary>Population standard deviation of the returns.</summary>
    public double StdReturn => ParameterMath.Std([.. Returns]);

    /// <summary>Mean episode length.</summary>
    public double MeanLength => Lengths.Count == 0 ? 0 : Lengths.Average();

    /// <summary>Whether the mean return reaches <paramref name="threshold"/> (e.g. the environment's reward threshold).</summary>
    public bool Reaches(double threshold) => MeanReturn >= threshold;
}

/// <summary>
/// Evaluates a policy over N episodes of a seeded environment. Episode i starts with <c>Reset(seed + i)</c> and, when
/// actions are sampled, uses its own generator seeded from (seed, i); so the result does not depend on the number of
/// threads, and a <see cref="FlatPolicy"/> scores the same through the fast parallel path as through the generic one.
/// </summary>
public static class PolicyEvaluation
{
    /// <summary>Evaluates any <see cref="IPolicy"/>; a <see cref="FlatPolicy"/> runs on <paramref name="threads"/> threads.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="makeEnv">Builds the environment (with its default wrappers, e.g. the time limit).</param>
    /// <param name="episodes">Number of episodes (at least 1).</param>
    /// <param name="seed">Seed of the first episode; episode i uses seed + i.</param>
    /// <param name="deterministic">Act deterministically (the usual evaluation) or sample.</param>
    /// <param name="threads">Threads for a <see cref="FlatPolicy"/> (other policies run on the calling thread).</param>
    /// <param name="maxSteps">Stop an episode after this many steps (0: only when the environment ends it).</param>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="episodes"/> or <paramref name="threads"/> is below 1.</exception>
    public static EvaluationResult Evaluate(IPolicy policy, Func<IEnv> makeEnv, int episodes = 100, int seed = 0,
        bool deterministic = true, int threads = 1, int maxSteps = 0)
    {
        if (episodes < 1) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "evaluation needs at least one episode");
        if (policy is FlatPolicy flat)
        {
            using var pool = new RolloutPool(makeEnv, Math.Min(threads, episodes), _ => flat.Architecture);
            return Evaluate(pool, flat.Parameters, flat.Filter, episodes, seed, deterministic, maxSteps);
        }
        using var env = makeEnv();
        var returns = new double[episodes];
        var lengths = new int[episodes];
        for (int i = 0; i < episodes; i++)
        {
            var rng = new Rng(ActionSeed(seed, i));
            policy.ResetState();
            object observation = env.ResetObject(EpisodeSeed(seed, i)).Observation;
            while (true)
            {
                var step = env.StepObject(policy.Act(observation, deterministic, rng));
                returns[i] += step.Reward;
                lengths[i]++;
                if (step.Done || lengths[i] == maxSteps) break;
                observation = step.Observation;
            }
        }
        return new EvaluationResult(returns, lengths);
    }

    /// <summary>Evaluates flat parameters on the workers of <paramref name="pool"/> (no environment is created).</summary>
    public static EvaluationResult Evaluate(RolloutPool pool, ReadOnlySpan<float> parameters, ObservationFilter? filter,
        int episodes = 100, int seed = 0, bool deterministic = true, int maxSteps = 0)
    {
        if (episodes < 1) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "evaluation needs at least one episode");
        var theta = parameters.ToArray();
        var returns = new double[episodes];
        var lengths = new int[episodes];
        pool.Run(episodes, (worker, i) =>
        {
            var rng = deterministic ? null : new Rng(ActionSeed(seed, i));
            var episode = worker.RunEpisode(theta, filter, EpisodeSeed(seed, i), deterministic, rng, null, maxSteps);
            (returns[i], lengths[i]) = (episode.Return, episode.Length);
        });
        return new EvaluationResult(returns, lengths);
    }

    /// <summary>The reset seed of evaluation episode <paramref name="episode"/>.</summary>
    public static int EpisodeSeed(int seed, int episode) => unchecked(seed + episode);

    /// <summary>The seed of the action generator of evaluation episode <paramref name="episode"/>.</summary>
    public static long ActionSeed(int seed, int episode) => unchecked(((long)seed << 32) ^ (uint)episode ^ 0x5DEECE66DL);
}
