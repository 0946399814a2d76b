using System.Text;
using System.Text.Json;
using Rl.Agents;
using Rl.Agents.Training;
using Rl.Core;

namespace Rl.Training;

/// <summary>
/// A trained agent, as a C# program uses it (SB3's <c>model = PPO(...); model.learn(); model.predict(obs)</c>): train any
/// registered algorithm (id + typed config record) on any environment (a registered id or a <c>Func&lt;IEnv&gt;</c>),
/// ask it for actions with <see cref="Predict"/>, save it, and load it back with everything it needs to act (the policy's
/// parameters and its observation-normalisation statistics: the algorithm's whole state).
/// <code>
/// var model = Model.Train("ars", new ArsConfig(), "CartPole-v1", new TrainerOptions { TotalSteps = 50_000 }, seed: 1);
/// model.Save("cartpole.model");
/// var action = Model.Load("cartpole.model").Predict(observation, deterministic: true);
/// </code>
/// </summary>
public sealed class Model : IDisposable
{
    /// <summary>The format of model files this version writes and reads.</summary>
    public const int Format = 1;

    private const string Prefix = "model/";
    private readonly Rng _rng;

    private Model(IAlgorithm algorithm, AlgorithmInfo info, object config, string? envId, long seed, TrainingOutcome? outcome)
    {
        Algorithm = algorithm;
        Info = info;
        Config = config;
        EnvId = envId;
        Seed = seed;
        Outcome = outcome;
        _rng = new Rng(unchecked(seed ^ 0x2545F4914F6CDD1DL));
    }

    /// <summary>The trained algorithm (its <see cref="IAlgorithm.Policy"/> acts).</summary>
    public IAlgorithm Algorithm { get; }

    /// <summary>The algorithm's registration.</summary>
    public AlgorithmInfo Info { get; }

    /// <summary>The algorithm's config record.</summary>
    public object Config { get; }

    /// <summary>The registered environment id it was trained on, when it was trained on one.</summary>
    public string? EnvId { get; }

    /// <summary>The master seed of its training.</summary>
    public long Seed { get; }

    /// <summary>How training ended (null for a loaded model).</summary>
    public TrainingOutcome? Outcome { get; }

    /// <summary>Trains <paramref name="algorithmId"/> on the registered environment <paramref name="envId"/>.</summary>
    /// <inheritdoc cref="Train(string, object, Func{IEnv}, TrainerOptions?, long, string?, Action{Trainer}?)"/>
    public static Model Train(string algorithmId, object config, string envId, TrainerOptions? options = null, long seed = 0,
        string? runDirectory = null, Action<Trainer>? configure = null)
    {
        var registry = EnvRegistry.Default;
        if (!registry.Contains(envId))
            throw new ArgumentException($"environment '{envId}' is not registered (reference Rl.Environments and register its environments, or pass a Func<IEnv>)", nameof(envId));
        options ??= new TrainerOptions();
        if (options.RewardThreshold is null && registry.GetSpec(envId).RewardThreshold is double t) options = options with { RewardThreshold = t };
        return Train(algorithmId, config, () => registry.Make(envId), options, seed, runDirectory, configure, envId);
    }

    /// <summary>
    /// Trains <paramref name="algorithmId"/> with <paramref name="config"/> on environments from <paramref name="makeEnv"/>
    /// until the options' budget or stop rules end it.
    /// </summary>
    /// <param name="algorithmId">A registered algorithm (<see cref="AlgorithmRegistry"/>; call <c>BuiltInAlgorithms.EnsureRegistered()</c> for the toolkit's).</param>
    /// <param name="config">Its config record (e.g. <c>new ArsConfig { StepSize = 0.02 }</c>).</param>
    /// <param name="makeEnv">Builds an environment (training and evaluation).</param>
    /// <param name="options">Budget, evaluation and stop rules; null: the defaults.</param>
    /// <param name="seed">The master seed: every random choice follows from it.</param>
    /// <param name="runDirectory">Where logs, checkpoints and the learning curve go (locked while training); null: nothing is written.</param>
    /// <param name="configure">Adds sinks, stop conditions, callbacks or progress to the trainer before it runs.</param>
    /// <exception cref="ArgumentException">If the algorithm is unknown, or it or the trainer rejects a setting.</exception>
    public static Model Train(string algorithmId, object config, Func<IEnv> makeEnv, TrainerOptions? options = null, long seed = 0,
        string? runDirectory = null, Action<Trainer>? configure = null) =>
        Train(algorithmId, config, makeEnv, options ?? new TrainerOptions(), seed, runDirectory, configure, null);

    private static Model Train(string algorithmId, object config, Func<IEnv> makeEnv, TrainerOptions options, long seed, string? runDirectory,
        Action<Trainer>? configure, string? envId)
    {
        var (info, algorithm) = Build(algorithmId, config, makeEnv, seed);
        RunDirectory? dir = null;
        try
        {
            dir = runDirectory is null ? null : RunDirectory.Open(runDirectory);
            if (dir is not null && dir.HasCheckpoints)
                throw new IOException($"'{runDirectory}' already holds a run; choose another run directory");
            var model = new Model(algorithm, info, config, envId, seed, null);
            var trainer = new Trainer(algorithm, makeEnv, options, seed, dir) { CheckpointExtras = model.Describe };
            if (dir is not null) trainer.AddRunDirectorySinks($"{algorithmId} on {envId ?? "a user environment"} (seed {seed})");
            configure?.Invoke(trainer);
            TrainingOutcome outcome;
            try
            {
                outcome = trainer.Train();
            }
            finally
            {
                foreach (var sink in trainer.Sinks) sink.Dispose();
            }
            return new Model(algorithm, info, config, envId, seed, outcome);
        }
        catch
        {
            algorithm.Dispose();
            throw;
        }
        finally
        {
            dir?.Dispose();
        }
    }

    private static (AlgorithmInfo, IAlgorithm) Build(string algorithmId, object config, Func<IEnv> makeEnv, long seed)
    {
        AlgorithmInfo info;
        try
        {
            info = AlgorithmRegistry.Get(algorithmId);
        }
        catch (KeyNotFoundException e)
        {
            throw new ArgumentException(e.Message, nameof(algorithmId), e);
        }
        if (!info.ConfigType.IsInstanceOfType(config))
            throw new ArgumentException($"algorithm '{algorithmId}' takes a {info.ConfigType.Name}, not a {config.GetType().Name}", nameof(config));
        if (config is not Rl.Agents.GradientFree.GradientFreeConfig) InitializeTorch();
        var context = new TrainingContext { MakeEnv = makeEnv, Seed = seed, Threads = 1, Device = "cpu" };
        return (info, info.Create(config, context));
    }

    // Kept apart so that gradient-free models never load TorchSharp.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void InitializeTorch() => TorchSetup.EnsureInitialized();

    /// <summary>The action for <paramref name="observation"/> (a value of the environment's observation space).</summary>
    /// <param name="observation">The observation.</param>
    /// <param name="deterministic">The most likely action (true, as for evaluation) or a sampled one.</param>
    public object Predict(object observation, bool deterministic = true) => Algorithm.Policy.Act(observation, deterministic, _rng);

    /// <summary>Tells a policy with memory that a new episode starts.</summary>
    public void ResetState() => Algorithm.Policy.ResetState();

    private void Describe(Checkpoint cp)
    {
        cp.PutJson(Prefix + "format", Format);
        cp.PutBytes(Prefix + "algorithm", Encoding.UTF8.GetBytes(Info.Id));
        cp.PutBytes(Prefix + "config", JsonSerializer.SerializeToUtf8Bytes(Config, Info.ConfigType));
        cp.PutJson(Prefix + "seed", Seed);
        if (EnvId is not null) cp.PutBytes(Prefix + "env", Encoding.UTF8.GetBytes(EnvId));
    }

    /// <summary>Writes the model (the algorithm's whole state, its id, config and environment id) to <paramref name="path"/> atomically.</summary>
    public void Save(string path)
    {
        var cp = new Checkpoint();
        Algorithm.Save(cp);
        Describe(cp);
        RunFileSystem.Default.WriteAtomic(path, cp.WriteTo);
    }

    /// <summary>
    /// Loads a model written by <see cref="Save"/> (or a checkpoint of a run trained through <see cref="Train(string, object, Func{IEnv}, TrainerOptions?, long, string?, Action{Trainer}?)"/>).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="makeEnv">Builds the environment (needed for its spaces); null: the registered environment the model was trained on.</param>
    /// <exception cref="CheckpointException">If the file is not a model, is of another format, or cannot be restored; the message names the file.</exception>
    public static Model Load(string path, Func<IEnv>? makeEnv = null)
    {
        var cp = Checkpoint.Read(path);
        if (!cp.Contains(Prefix + "format"))
            throw new CheckpointException($"'{path}' is not a model file (no '{Prefix}format' entry); runs of `rl train` are loaded with `rl eval`/`rl watch`");
        int format = cp.GetJson<int>(Prefix + "format");
        if (format != Format) throw new CheckpointException($"model file '{path}' has format {format}; this version reads format {Format}");
        string id = Encoding.UTF8.GetString(cp.GetBytes(Prefix + "algorithm"));
        string? envId = cp.Contains(Prefix + "env") ? Encoding.UTF8.GetString(cp.GetBytes(Prefix + "env")) : null;
        long seed = cp.GetJson<long>(Prefix + "seed");
        var info = AlgorithmRegistry.Get(id);
        object config = JsonSerializer.Deserialize(cp.GetBytes(Prefix + "config"), info.ConfigType)
                        ?? throw new CheckpointException($"model file '{path}': its config is empty");
        makeEnv ??= envId is not null
            ? () => EnvRegistry.Default.Make(envId)
            : throw new ArgumentException($"model file '{path}' was trained on a user environment: pass makeEnv", nameof(makeEnv));
        var (_, algorithm) = Build(id, config, makeEnv, seed);
        try
        {
            algorithm.Load(cp);
        }
        catch (Exception e)
        {
            algorithm.Dispose();
            if (e is CheckpointException) throw;
            throw new CheckpointException($"model file '{path}' could not be restored: {e.Message}", e);
        }
        return new Model(algorithm, info, config, envId, seed, null);
    }

    /// <inheritdoc />
    public void Dispose() => Algorithm.Dispose();
}
