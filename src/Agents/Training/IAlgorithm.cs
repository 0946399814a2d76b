using Rl.Core;

namespace Rl.Agents.Training;

/// <summary>
/// A training algorithm as the runner (<c>rl train</c>) drives it: it is built from a typed config and a
/// <see cref="TrainingContext"/>, runs one iteration at a time, exposes its current policy, and saves and restores its
/// complete state. The runner knows nothing else about it; adding an algorithm is one class plus one
/// <see cref="AlgorithmRegistry"/> registration.
/// </summary>
public interface IAlgorithm : IDisposable
{
    /// <summary>The registered id, e.g. <c>ars</c>.</summary>
    string Id { get; }

    /// <summary>Environment steps taken so far (all environments and workers together).</summary>
    long EnvSteps { get; }

    /// <summary>Iterations completed so far.</summary>
    int Iteration { get; }

    /// <summary>
    /// Runs one iteration of the algorithm's outer loop (collect rollouts, update) and reports what happened.
    /// </summary>
    IterationResult RunIteration();

    /// <summary>The policy as it stands now, for evaluation, watching and checkpoints.</summary>
    IPolicy Policy { get; }

    /// <summary>Writes everything needed to continue training exactly: parameters, optimizer state, normalizer statistics, RNG states, counters.</summary>
    void Save(Checkpoint checkpoint);

    /// <summary>Restores the state written by <see cref="Save"/> into a freshly constructed instance with the same config.</summary>
    /// <exception cref="CheckpointException">If an entry is missing or has the wrong shape.</exception>
    void Load(Checkpoint checkpoint);
}

/// <summary>A policy that maps observations of an environment to actions of its action space.</summary>
public interface IPolicy
{
    /// <summary>Chooses an action for <paramref name="observation"/> (a value of the environment's observation space).</summary>
    /// <param name="observation">The observation.</param>
    /// <param name="deterministic">Take the most likely action instead of sampling (used for evaluation).</param>
    /// <param name="rng">Generator for sampling; ignored when deterministic.</param>
    /// <returns>A value of the environment's action space.</returns>
    object Act(object observation, bool deterministic, Rng rng);

    /// <summary>Called at the start of each episode (for policies with memory; most ignore it).</summary>
    void ResetState() { }
}

/// <summary>What one iteration produced, for progress, logs and plots.</summary>
public sealed record IterationResult
{
    /// <summary>Returns of the training episodes that finished during this iteration (may be empty).</summary>
    public IReadOnlyList<double> EpisodeReturns { get; init; } = [];

    /// <summary>Lengths of those episodes.</summary>
    public IReadOnlyList<int> EpisodeLengths { get; init; } = [];

    /// <summary>Scalar metrics (losses, entropy, learning rate, gradient norms, sigma, ...), logged under their names.</summary>
    public IReadOnlyDictionary<string, double> Scalars { get; init; } = new Dictionary<string, double>();

    /// <summary>Value distributions to log as histograms (e.g. weights per layer), keyed by name.</summary>
    public IReadOnlyDictionary<string, float[]> Histograms { get; init; } = new Dictionary<string, float[]>();
}

/// <summary>Everything an algorithm receives from the runner besides its config.</summary>
public sealed record TrainingContext
{
    /// <summary>Builds a new environment instance (the runner applies the registry's default wrappers); call once per environment needed.</summary>
    public required Func<IEnv> MakeEnv { get; init; }

    /// <summary>The master seed: every random source of the algorithm derives from it.</summary>
    public required long Seed { get; init; }

    /// <summary>Worker threads for rollouts (results must not depend on it).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Torch device for network-based algorithms: <c>cpu</c> or <c>cuda</c> (resolved from <c>auto</c> by the runner).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>
    /// The expert imitation algorithms (bc, dagger) ask for labels, built for an environment instance; null: the expert
    /// registered for the environment's id in <see cref="Rl.Core.Experts.ExpertRegistry.Default"/>. The hook for a human expert.
    /// </summary>
    public Func<IEnv, Rl.Core.Experts.IExpert>? Expert { get; init; }
}
