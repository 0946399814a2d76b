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

/// <summary>Runs a policy deterministically for a number of episodes (Gymnasium's convention: seed the first reset only).</summary>
public static class Evaluator
{
    /// <summary>Evaluates <paramref name="policy"/> on a fresh environment from <paramref name="makeEnv"/>.</summary>
    /// <param name="policy">The policy (asked for deterministic actions).</param>
    /// <param name="makeEnv">Builds the environment (with the run's wrappers and time limit).</param>
    /// <param name="episodes">Number of episodes.</param>
    /// <param name="seed">Seed of the first reset; later resets continue the environment's stream.</param>
    /// <param name="threshold">The reward threshold to report against.</param>
    public static EvalResult Evaluate(IPolicy policy, Func<IEnv> makeEnv, int episodes, int seed, double? threshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1);
        using var env = makeEnv();
        var rng = new Rng(seed);
        var returns = new double[episodes];
        long totalLength = 0;
        for (int e = 0; e < episodes; e++)
        {
            policy.ResetState();
            object obs = env.ResetObject(e == 0 ? seed : null).Observation;
            double ret = 0;
            while (true)
            {
                var step = env.StepObject(policy.Act(obs, deterministic: true, rng));
                ret += step.Reward;
                totalLength++;
                if (step.Terminated || step.Truncated) break;
                obs = step.Observation;
            }
            returns[e] = ret;
        }
        double mean = returns.Average();
        double std = Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / episodes);
        return new EvalResult(episodes, mean, std, (double)totalLength / episodes, threshold);
    }
}
