using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Experts;

namespace Rl.Agents.Imitation;

/// <summary>What a labelled rollout produced.</summary>
/// <param name="Steps">Environment steps taken (= states labelled).</param>
/// <param name="Returns">Returns of the episodes that ended (an episode cut by the step budget is not included).</param>
/// <param name="Lengths">Lengths of those episodes.</param>
/// <param name="ExpertActed">Steps where the expert's action was executed (the rest were the learner's).</param>
public sealed record RolloutReport(int Steps, IReadOnlyList<double> Returns, IReadOnlyList<int> Lengths, int ExpertActed);

/// <summary>
/// Runs episodes in which every visited state is labelled by the expert, and at each step executes the expert's label
/// with probability β or else the learner's action: β = 1 is behaviour cloning's data collection, β &lt; 1 DAgger's
/// mixture policy π_i = β π* + (1 − β) π̂_i.
/// </summary>
public static class ExpertRollout
{
    /// <summary>The expert for <paramref name="env"/>: the context's, or the one registered for the environment's id.</summary>
    /// <exception cref="KeyNotFoundException">Naming the environment when it has no expert.</exception>
    public static IExpert Resolve(TrainingContext context, IEnv env)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Expert?.Invoke(env) ?? ExpertRegistry.Default.For(env);
    }

    /// <summary>Runs labelled episodes until <paramref name="maxEpisodes"/> have ended or <paramref name="maxSteps"/> states were labelled.</summary>
    /// <param name="env">The environment (reset here with seeds from <paramref name="rng"/>).</param>
    /// <param name="expert">Labels every visited state.</param>
    /// <param name="learner">The learner's policy (deterministic); may be null when <paramref name="beta"/> is 1.</param>
    /// <param name="beta">Probability of executing the expert's label rather than the learner's action.</param>
    /// <param name="maxEpisodes">Episodes to run at most.</param>
    /// <param name="maxSteps">Labelled states at most (0: no limit); the episode in progress is cut there.</param>
    /// <param name="rng">Reset seeds and the β coin.</param>
    /// <param name="label">Receives each (observation, expert action).</param>
    /// <exception cref="ArgumentException">If <paramref name="learner"/> is null while <paramref name="beta"/> is below 1.</exception>
    public static RolloutReport Run(IEnv env, IExpert expert, IPolicy? learner, double beta, int maxEpisodes, int maxSteps, Rng rng,
        Action<object, object> label)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(expert);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(label);
        if (learner is null && beta < 1) throw new ArgumentException($"a rollout with beta = {beta} needs the learner's policy", nameof(learner));
        var returns = new List<double>();
        var lengths = new List<int>();
        int steps = 0, expertActed = 0;
        while (returns.Count < maxEpisodes && (maxSteps == 0 || steps < maxSteps))
        {
            var (obs, _) = env.ResetObject(rng.NextSeed());
            learner?.ResetState();
            expert.EpisodeStarted(env);
            double ret = 0;
            int length = 0;
            while (maxSteps == 0 || steps < maxSteps)
            {
                var expertAction = expert.Label(env, obs);
                label(obs, expertAction);
                bool expertActs = beta >= 1 || rng.NextDouble() < beta;
                var action = expertActs ? expertAction : learner!.Act(obs, deterministic: true, rng);
                if (expertActs) expertActed++;
                var step = env.StepObject(action);
                steps++;
                length++;
                ret += step.Reward;
                obs = step.Observation;
                if (step.Terminated || step.Truncated)
                {
                    returns.Add(ret);
                    lengths.Add(length);
                    break;
                }
            }
        }
        return new RolloutReport(steps, returns, lengths, expertActed);
    }
}
