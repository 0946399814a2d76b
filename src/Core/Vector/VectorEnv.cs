namespace Rl.Core.Vector;

/// <summary>How <see cref="VectorEnv.MakeVector{TObs, TAct}"/> builds a vector environment.</summary>
public sealed record VectorEnvOptions
{
    /// <summary>What happens to sub-environments whose episode ended. Default: <see cref="AutoresetMode.NextStep"/> (Gymnasium's).</summary>
    public AutoresetMode Autoreset { get; init; } = AutoresetMode.NextStep;

    /// <summary>On which threads the sub-environments run. Default: <see cref="VectorizationMode.Auto"/> (see <see cref="VectorEnv.Choose"/>).</summary>
    public VectorizationMode Mode { get; init; } = VectorizationMode.Auto;

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
        // The first sub-environment is made here, so Auto can look at its observation space.
        var first = registry.Make<TObs, TAct>(id, options.Make);
        bool handedOver = false;
        var factories = new Func<IEnv<TObs, TAct>>[numEnvs];
        factories[0] = () =>
        {
            if (handedOver) return registry.Make<TObs, TAct>(id, options.Make);
            handedOver = true;
            return first;
        };
        for (int i = 1; i < numEnvs; i++) factories[i] = () => registry.Make<TObs, TAct>(id, options.Make);
        try
        {
            return Choose(options.Mode, first.ObservationSpace, numEnvs) switch
            {
                VectorizationMode.Threaded => new ThreadedVectorEnv<TObs, TAct>(factories, options.Autoreset, options.Workers),
                _ => new SyncVectorEnv<TObs, TAct>(factories, options.Autoreset),
            };
        }
        catch
        {
            if (!handedOver) first.Dispose();
            throw;
        }
    }

    /// <summary>
    /// What <paramref name="mode"/> resolves to: itself unless it is <see cref="VectorizationMode.Auto"/>, which picks
    /// <see cref="VectorizationMode.Threaded"/> for rendered images (a byte Box of rank 3, H×W×C) when there is more than one
    /// core and more than one sub-environment, and <see cref="VectorizationMode.Sync"/> otherwise. Measured with
    /// <c>rl bench games</c> on 2 cores (docs/vector-envs.md): a rendered frame costs tens of microseconds, which workers with a
    /// renderer each overlap (threaded 1.9x and 5.7x the synchronous vector of Breakout and kart frames); a state-vector step
    /// costs less than handing it to a worker (threaded 0.19x on BreakoutState, even with the kart's slower steps).
    /// </summary>
    /// <param name="mode">The requested mode.</param>
    /// <param name="observationSpace">The observation space of one sub-environment.</param>
    /// <param name="numEnvs">The number of sub-environments.</param>
    /// <exception cref="ArgumentOutOfRangeException">For an unknown mode.</exception>
    public static VectorizationMode Choose(VectorizationMode mode, Spaces.Space observationSpace, int numEnvs)
    {
        ArgumentNullException.ThrowIfNull(observationSpace);
        return mode switch
        {
            VectorizationMode.Sync or VectorizationMode.Threaded => mode,
            VectorizationMode.Auto => observationSpace is Spaces.Box<byte> && observationSpace.Shape.Count == 3 && numEnvs > 1 && Environment.ProcessorCount > 1
                ? VectorizationMode.Threaded : VectorizationMode.Sync,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown vectorization mode"),
        };
    }

}
