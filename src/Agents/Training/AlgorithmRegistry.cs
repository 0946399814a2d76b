namespace Rl.Agents.Training;

/// <summary>How to build one algorithm: its id, its config record type and a factory.</summary>
/// <param name="Id">The id used on the command line, e.g. <c>cem</c>.</param>
/// <param name="ConfigType">The <c>sealed record</c> with <c>init</c> properties that holds its hyperparameters (every property has a default).</param>
/// <param name="Create">Builds the algorithm from a config instance of <paramref name="ConfigType"/> and the context.</param>
/// <param name="Description">One line for <c>rl algos</c>.</param>
public sealed record AlgorithmInfo(string Id, Type ConfigType, Func<object, TrainingContext, IAlgorithm> Create, string Description);

/// <summary>The algorithms the runner can train, by id.</summary>
public static class AlgorithmRegistry
{
    private static readonly Dictionary<string, AlgorithmInfo> Algorithms = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <summary>Registers an algorithm with a typed config.</summary>
    /// <exception cref="ArgumentException">If the id is taken.</exception>
    public static void Register<TConfig>(string id, Func<TConfig, TrainingContext, IAlgorithm> create, string description) where TConfig : class
    {
        lock (Gate)
        {
            if (!Algorithms.TryAdd(id, new AlgorithmInfo(id, typeof(TConfig), (c, ctx) => create((TConfig)c, ctx), description)))
                throw new ArgumentException($"algorithm '{id}' is already registered", nameof(id));
        }
    }

    /// <summary>All registered algorithms, sorted by id.</summary>
    public static IReadOnlyList<AlgorithmInfo> All
    {
        get
        {
            lock (Gate) return Algorithms.Values.OrderBy(a => a.Id, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>The algorithm registered as <paramref name="id"/>.</summary>
    /// <exception cref="KeyNotFoundException">Naming the id and the registered ids.</exception>
    public static AlgorithmInfo Get(string id)
    {
        lock (Gate)
        {
            return Algorithms.TryGetValue(id, out var a)
                ? a
                : throw new KeyNotFoundException($"unknown algorithm '{id}'; registered: {string.Join(", ", Algorithms.Keys.Order())}");
        }
    }
}
