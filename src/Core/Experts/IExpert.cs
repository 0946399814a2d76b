namespace Rl.Core.Experts;

/// <summary>
/// A teacher for imitation learning: it labels the current state of an environment with the action it would take there.
/// Behaviour cloning asks it along its own trajectories; DAgger asks it at every state the learner visits. Scripted
/// experts may read hidden state through <see cref="IEnv.Unwrapped"/> (e.g. the cart-pole's exact state, the kart's race);
/// a human expert reads the keys held down while the learner drives. Every expert is just another implementation.
/// </summary>
public interface IExpert
{
    /// <summary>A short name for logs and reports, e.g. <c>cartpole-lqr</c> or <c>human</c>.</summary>
    string Name { get; }

    /// <summary>Called after each reset of <paramref name="env"/>, before the first <see cref="Label"/> of the episode.</summary>
    void EpisodeStarted(IEnv env) { }

    /// <summary>
    /// The expert's action (a value of <paramref name="env"/>'s action space) for the state <paramref name="env"/> is in now,
    /// where the learner sees <paramref name="observation"/>.
    /// </summary>
    object Label(IEnv env, object observation);
}

/// <summary>A typed <see cref="IExpert"/> for environments with observations <typeparamref name="TObs"/> and actions <typeparamref name="TAct"/>.</summary>
/// <typeparam name="TObs">The observation type.</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
public interface IExpert<in TObs, out TAct> : IExpert
{
    /// <summary>The expert's action for the state <paramref name="env"/> is in now (see <see cref="IExpert.Label"/>).</summary>
    TAct Label(IEnv env, TObs observation);

    object IExpert.Label(IEnv env, object observation) => Label(env, (TObs)observation)!;
}

/// <summary>
/// Declares how an environment's actions mirror when its image observation is flipped left-right, so image augmentation may
/// flip frames and mirror the labels with them (e.g. steering negated). Implemented by the unwrapped environment.
/// </summary>
public interface IActionMirror
{
    /// <summary>The action that does in the mirrored world what <paramref name="action"/> does in the original one.</summary>
    object MirrorAction(object action);
}

/// <summary>
/// The experts available for environment ids. Environments register theirs (Rl.Environments registers the built-in
/// scripted experts); the runner asks for the expert of the environment it trains on.
/// </summary>
public sealed class ExpertRegistry
{
    private readonly Dictionary<string, (Func<IEnv, IExpert> Factory, string Description)> _experts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The registry the runner and the built-in environments use.</summary>
    public static ExpertRegistry Default { get; } = new();

    /// <summary>Registers (or replaces) the expert factory for <paramref name="envId"/>.</summary>
    /// <param name="envId">The environment id, e.g. <c>CartPole-v1</c>.</param>
    /// <param name="factory">Builds an expert for an instance of that environment.</param>
    /// <param name="description">One line for listings.</param>
    public void Register(string envId, Func<IEnv, IExpert> factory, string description)
    {
        ArgumentException.ThrowIfNullOrEmpty(envId);
        ArgumentNullException.ThrowIfNull(factory);
        lock (_gate) _experts[envId] = (factory, description ?? "");
    }

    /// <summary>Whether an expert is registered for <paramref name="envId"/>.</summary>
    public bool Contains(string envId)
    {
        lock (_gate) return _experts.ContainsKey(envId);
    }

    /// <summary>The ids with an expert and their descriptions, sorted by id.</summary>
    public IReadOnlyList<(string EnvId, string Description)> List()
    {
        lock (_gate) return _experts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value.Description)).ToList();
    }

    /// <summary>The expert for <paramref name="env"/>, looked up by its spec id (or name).</summary>
    /// <exception cref="KeyNotFoundException">Naming the environment and the ids that have experts.</exception>
    public IExpert For(IEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        return For(env.Spec?.Id ?? env.Unwrapped.Spec?.Id ?? env.Name, env);
    }

    /// <summary>The expert registered for <paramref name="envId"/>, built for <paramref name="env"/>.</summary>
    /// <exception cref="KeyNotFoundException">Naming the environment and the ids that have experts.</exception>
    public IExpert For(string envId, IEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        Func<IEnv, IExpert> factory;
        lock (_gate)
        {
            if (!_experts.TryGetValue(envId, out var e))
                throw new KeyNotFoundException(
                    $"environment '{envId}' has no expert for imitation learning; experts exist for: {string.Join(", ", _experts.Keys.Order(StringComparer.Ordinal))}");
            factory = e.Factory;
        }
        return factory(env);
    }
}
