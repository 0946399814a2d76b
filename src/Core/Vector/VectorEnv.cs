namespace Rl.Core.Vector;

/// <summary>How <see cref="VectorEnv.MakeVector{TObs, TAct}"/> builds a vector environment.</summary>
public sealed record VectorEnvOptions
{
    /// <summary>What happens to sub-environments whose episode ended. Default: <see cref="AutoresetMode.NextStep"/> (Gymnasium's).</summary>
    public AutoresetMode Autoreset { get; init; } = AutoresetMode.NextStep;

    /// <summary>On which threads the sub-environments run. Default: <see cref="VectorizationMode.Sync"/>.</summary>
    public VectorizationMode Mode { get; init; } = VectorizationMode.Sync;

    /// <summary>Threaded mode only: the number of partitions; 0 (default) means <c>min(NumEnvs, ProcessorCount)</c>.</summary>
    public int Workers { get; init; }

    /// <summary>How each sub-environment is made (keyword options, time limit). Default: the registered defaults.</summary>
    public MakeOptions Make { get; init; } = new();
}

/// <summary>Builds vector environments from registered ids (Gymnasium's <c>gym.make_vec</c>).</summary>
public static class VectorEnv
{
    /// <summary>
    /// Builds <paramref name="numEnvs"/> copies of the environment registered as <paramref name="id"/> (each with the
    /// registry's default wrappers) as one vector environment.
    /// </summary>
    /// <param name="registry">The registry, e.g. <c>Rl.Environments.Envs.Registry</c> (which holds the built-ins).</param>
    /// <param name="id">A versioned id such as <c>CartPole-v1</c>.</param>
    /// <param name="numEnvs">The number of sub-environments.</param>
    /// <param name="options">Autoreset mode, threading and per-environment make options.</param>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="numEnvs"/> is not positive.</exception>
    /// <exception cref="KeyNotFoundException">If the id is unknown.</exception>
    /// <exception cref="InvalidCastException">If the environment's types are not <typeparamref name="TObs"/> and <typeparamref name="TAct"/>.</exception>
    public static IVectorEnv<TObs, TAct> MakeVector<TObs, TAct>(this EnvRegistry registry, string id, int numEnvs, VectorEnvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (numEnvs <= 0) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, $"{id}: a vector environment needs at least one sub-env");
        options ??= new VectorEnvOptions();
        var factories = Enumerable.Repeat<Func<IEnv<TObs, TAct>>>(() => registry.Make<TObs, TAct>(id, options.Make), numEnvs);
        return options.Mode switch
        {
            VectorizationMode.Sync => new SyncVectorEnv<TObs, TAct>(factories, options.Autoreset),
            VectorizationMode.Threaded => new ThreadedVectorEnv<TObs, TAct>(factories, options.Autoreset, options.Workers),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Mode, $"{id}: unknown vectorization mode"),
        };
    }
}
