using Rl.Core;

namespace Rl.Agents.Training;

/// <summary>
/// What every algorithm keeps besides its own state, held by composition: its id and config type, the counters (environment
/// steps, iterations) and its named random generators. <see cref="Save"/> writes them as the checkpoint header
/// (<c>algorithm</c>: id and config type), <c>counters</c> and one <c>rng/&lt;name&gt;</c> entry per generator;
/// <see cref="Load"/> checks the header before it restores anything, so a checkpoint of another algorithm is refused with
/// both ids named.
/// </summary>
public sealed class AlgorithmLifecycle
{
    private readonly List<(string Name, Rng Rng)> _generators = [];

    /// <summary>Starts the counters at zero.</summary>
    /// <param name="id">The registered id (<see cref="AlgorithmIds"/>).</param>
    /// <param name="config">The config, whose type name the header records.</param>
    public AlgorithmLifecycle(string id, object config)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(config);
        Id = id;
        ConfigType = config.GetType().Name;
    }

    /// <summary>The registered id.</summary>
    public string Id { get; }

    /// <summary>The config's type name, as the header records it.</summary>
    public string ConfigType { get; }

    /// <summary>Environment steps taken so far.</summary>
    public long EnvSteps { get; set; }

    /// <summary>Iterations completed so far.</summary>
    public int Iteration { get; set; }

    /// <summary>Registers a generator saved as <c>rng/<paramref name="name"/></c> and returns it.</summary>
    /// <exception cref="ArgumentException">If the name is taken.</exception>
    public Rng Generator(string name, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (_generators.Any(g => g.Name == name)) throw new ArgumentException($"{Id}: a generator named '{name}' is registered already", nameof(name));
        _generators.Add((name, rng));
        return rng;
    }

    /// <summary>Ends an iteration that took <paramref name="steps"/> environment steps.</summary>
    public void EndIteration(long steps)
    {
        EnvSteps += steps;
        Iteration++;
    }

    /// <summary>Writes the header, the counters and every registered generator.</summary>
    public void Save(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        checkpoint.PutJson("algorithm", new Header(Id, ConfigType));
        checkpoint.PutArray("counters", [EnvSteps, Iteration]);
        foreach (var (name, rng) in _generators) checkpoint.PutRng($"rng/{name}", rng);
    }

    /// <summary>Checks the header, then restores the counters and every registered generator.</summary>
    /// <exception cref="CheckpointException">If the checkpoint was written by another algorithm, or an entry is missing or damaged.</exception>
    public void Load(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var header = checkpoint.GetJson<Header>("algorithm");
        if (header.Id != Id) throw new CheckpointException($"checkpoint was written by algorithm '{header.Id}', not '{Id}'");
        var counters = checkpoint.GetArray<long>("counters", 2);
        foreach (var (name, rng) in _generators) checkpoint.GetRng($"rng/{name}", rng);
        (EnvSteps, Iteration) = (counters[0], checked((int)counters[1]));
    }

    private sealed record Header(string Id, string Config);
}
