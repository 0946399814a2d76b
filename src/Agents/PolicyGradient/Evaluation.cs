using Rl.Core;

namespace Rl.Agents.PolicyGradient;

/// <summary>Evaluates a policy over whole episodes with batched inference across environments in lockstep.</summary>
public static class Evaluation
{
    /// <summary>
    /// Runs exactly <paramref name="episodes"/> episodes with fresh environments seeded from <paramref name="seed"/> and
    /// returns their undiscounted returns (in the order they finished). Evaluation steps are not training steps.
    /// </summary>
    /// <param name="learner">The policy.</param>
    /// <param name="makeEnv">Builds an environment.</param>
    /// <param name="episodes">Episodes to run.</param>
    /// <param name="seed">Seeds the episodes (and the action sampling when stochastic).</param>
    /// <param name="deterministic">Take the most likely action (the default) instead of sampling.</param>
    /// <param name="numEnvs">Environments in lockstep.</param>
    public static double[] Run(PolicyLearner learner, Func<IEnv> makeEnv, int episodes, long seed, bool deterministic = true, int numEnvs = 16)
    {
        if (episodes < 1) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "evaluate at least one episode");
        var rng = new Rng(seed);
        using var collector = new Rollouts.LockstepCollector(makeEnv, Math.Min(numEnvs, episodes), rng.Spawn());
        var batch = collector.CollectEpisodes(learner.Actor(rng.Spawn(), deterministic), minSteps: 0, minEpisodes: episodes);
        return batch.Episodes.Select(e => e.Return).ToArray();
    }
}
