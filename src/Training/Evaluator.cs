using Rl.Agents.Training;
using Rl.Core;

namespace Rl.Training;

/// <summary>What an evaluation measured.</summary>
/// <param name="Episodes">Episodes run.</param>
/// <param name="MeanReturn">Mean episode return.</param>
/// <param name="StdReturn">Standard deviation of the returns (population, as numpy's default).</param>
/// <param name="MeanLength">Mean episode length.</param>
/// <param name="RewardThreshold">The threshold in force, or null when the environment has none.</param>
public sealed record EvalResult(int Episodes, double MeanReturn, double StdReturn, double MeanLength, double? RewardThreshold)
{
    /// <summary>Whether the mean return reached the threshold (null without a threshold).</summary>
    public bool? Solved => RewardThreshold is double t ? MeanReturn >= t : null;
}

/// <summary>
/// The runner's entry to <see cref="Rl.Agents.Evaluation.Evaluator"/> (kept so call sites compile until they call it directly):
/// deterministic actions, episode i reset with <c>seed + i</c>, every episode run to its end.
/// </summary>
public static class Evaluator
{
    /// <summary>Evaluates <paramref name="policy"/> on environments from <paramref name="makeEnv"/>.</summary>
    /// <param name="policy">The policy (asked for deterministic actions).</param>
    /// <param name="makeEnv">Builds an environment (with the run's wrappers and time limit).</param>
    /// <param name="episodes">Number of episodes.</param>
    /// <param name="seed">The base seed: episode i resets with seed + i.</param>
    /// <param name="threshold">The reward threshold to report against.</param>
    public static EvalResult Evaluate(IPolicy policy, Func<IEnv> makeEnv, int episodes, int seed, double? threshold)
    {
        var r = Rl.Agents.Evaluation.Evaluator.Evaluate(policy, makeEnv, new Rl.Agents.Evaluation.EvaluationOptions { Episodes = episodes, Seed = seed });
        return new EvalResult(episodes, r.MeanReturn, r.StdReturn, r.MeanLength, threshold);
    }
}
