namespace Rl.Agents;

/// <summary>The registered id of every built-in algorithm (what <c>rl train &lt;id&gt;</c> takes and checkpoints record).</summary>
public static class AlgorithmIds
{
    /// <summary>Random search.</summary>
    public const string RandomSearch = "random-search";

    /// <summary>Iterative random search.</summary>
    public const string IterativeRandomSearch = "iterative-random-search";

    /// <summary>The cross-entropy method.</summary>
    public const string Cem = "cem";

    /// <summary>Evolution strategies (Salimans et al. 2017).</summary>
    public const string EvolutionStrategies = "es";

    /// <summary>Augmented random search (Mania et al. 2018).</summary>
    public const string Ars = "ars";

    /// <summary>REINFORCE (Williams 1992).</summary>
    public const string Reinforce = "reinforce";

    /// <summary>Off-policy policy gradient with truncated per-decision importance weights.</summary>
    public const string OffPolicyPg = "offpolicy-pg";

    /// <summary>Behaviour cloning.</summary>
    public const string BehaviorCloning = "bc";

    /// <summary>DAgger (Ross et al. 2011).</summary>
    public const string Dagger = "dagger";

    /// <summary>Proximal policy optimization (Schulman et al. 2017).</summary>
    public const string Ppo = "ppo";

    /// <summary>Synchronous advantage actor-critic.</summary>
    public const string A2c = "a2c";

    /// <summary>Deep Q-learning (Mnih et al. 2015).</summary>
    public const string Dqn = "dqn";
}
