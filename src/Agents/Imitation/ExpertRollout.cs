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

/// <summary>What a labelled rollout executes at a state: the expert's label or another action.</summary>
/// <param name="observation">The observation.</param>
/// <param name="expertAction">The expert's label for it.</param>
/// <returns>The action to execute and whether it is the expert's.</returns>
public delegate (object Action, bool ExpertActed) RolloutChoice(object observation, object expertAction);

/// <summary>
/// Runs episodes in which every visited state is labelled by the expert and the action the caller chooses is executed:
/// behaviour cloning executes the label; DAgger its mixture policy (<see cref="Dagger"/>).
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

    /// <summary>Executes the expert's label at every state (behaviour cloning's data collection).</summary>
    public static readonly RolloutChoice ExpertOnly = (_, expertAction) => (expertAction, true);

    /// <summary>Runs labelled episodes until <paramref name="maxEpisodes"/> have ended or <paramref name="maxSteps"/> states were labelled.</summary>
    /// <param name="env">The environment (reset here with seeds from <paramref name="rng"/>).</param>
    /// <param name="expert">Labels every visited state.</param>
    /// <param name="choose">What to execute at each state, after it was labelled.</param>
    /// <param name="maxEpisodes">Episodes to run at most.</param>
    /// <param name="maxSteps">Labelled states at most (0: no limit); the episode in progress is cut there.</param>
    /// <param name="rng">Reset seeds.</param>
    /// <param name="label">Receives each (observation, expert action).</param>
    public static RolloutReport Run(IEnv env, IExpert expert, RolloutChoice choose, int maxEpisodes, int maxSteps, Rng rng,
        Action<object, object> label)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(expert);
        ArgumentNullException.ThrowIfNull(choose);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(label);
        var returns = new List<double>();
        var lengths = new List<int>();
        int steps = 0, expertActed = 0;
        while (returns.Count < maxEpisodes && (maxSteps == 0 || steps < maxSteps))
        {
            var (obs, _) = env.ResetObject(rng.NextSeed());
            expert.EpisodeStarted(env);
            double ret = 0;
            int length = 0;
            while (maxSteps == 0 || steps < maxSteps)
            {
                var expertAction = expert.Label(env, obs);
                label(obs, expertAction);
                var (action, expertActs) = choose(obs, expertAction);
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
