using System.Text;
using System.Text.Json;
using Rl.Agents;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Training;

namespace Rl.Experiments.Training;

/// <summary>Builds the rollout backend of a gradient-free run from its config (e.g. on a cluster of worker processes).</summary>
public delegate Rl.Agents.GradientFree.IRolloutBackend RolloutBackendFactory(ExperimentConfig config, Rl.Agents.GradientFree.RolloutJob job);

/// <summary>
/// The runner's side of a training run: turns an <see cref="ExperimentConfig"/> into a library <see cref="Trainer"/> in a
/// locked <see cref="Rl.Training.RunDirectory"/> (new, resumed, or restarted when it was killed before its first
/// checkpoint), stores the config in the directory and in every checkpoint, and writes <c>result.json</c>. The loop,
/// evaluation, sinks and checkpoints are the <see cref="Trainer"/>'s. <c>metrics.csv</c> holds only values that follow from
/// the config and seed, so two runs with the same config and seed write identical files, and so does a resumed run.
/// </summary>
public sealed class TrainingSession : IDisposable
{
    /// <summary>Per-iteration metrics (deterministic for a given config and seed).</summary>
    public const string MetricsFile = RunFiles.Metrics;

    /// <summary>Per-iteration wall-clock times.</summary>
    public const string TimingFile = RunFiles.Timing;

    /// <summary>The resolved config.</summary>
    public const string ConfigFile = RunFiles.Config;

    /// <summary>The learning curve.</summary>
    public const string PlotFile = RunFiles.Plot;

    /// <summary>How the run ended, as JSON.</summary>
    public const string ResultFile = RunFiles.Result;

    /// <summary>Checkpoint entries the runner adds beside the algorithm's own (the algorithm must not use this prefix).</summary>
    public const string RunnerPrefix = Trainer.RunnerPrefix;

    private readonly RunDirectory _directory;

    /// <summary>The run's configuration.</summary>
    public ExperimentConfig Config { get; }

    /// <summary>The run directory (full path).</summary>
    public string RunDirectory => _directory.Path;

    /// <summary>The library trainer that runs the loop.</summary>
    public Trainer Trainer { get; }

    /// <summary>The algorithm being trained.</summary>
    public IAlgorithm Algorithm => Trainer.Algorithm;

    /// <summary>The reward threshold in force (run override or the environment's), if any.</summary>
    public double? RewardThreshold => Config.RewardThreshold;

    /// <summary>What the algorithm loaded as data (e.g. a demonstration directory: episodes, labels, skipped files), or null.</summary>
    public DataReport? Data => (Algorithm as IReportsData)?.Data;

    /// <summary>Whether this session restarts a run that was killed before its first checkpoint.</summary>
    public bool Restarted { get; private init; }

    private TrainingSession(ExperimentConfig config, RunDirectory directory, IAlgorithm algorithm)
    {
        Config = config;
        _directory = directory;
        Trainer = new Trainer(algorithm, config.MakeEvalEnv, Options(config), config.Seed, directory)
        {
            CheckpointExtras = cp => cp.PutBytes(RunnerPrefix + "config.toml", Encoding.UTF8.GetBytes(config.ToToml())),
        };
    }

    /// <summary>The trainer's settings from a config's <c>[run]</c> table.</summary>
    public static TrainerOptions Options(ExperimentConfig config)
    {
        var run = config.Run;
        return new TrainerOptions
        {
            TotalSteps = run.TotalSteps,
            MaxIterations = run.MaxIterations,
            MaxWallSeconds = run.MaxWallSeconds,
            StopWhenSolved = run.StopWhenSolved,
            RewardThreshold = config.RewardThreshold,
            EvalEpisodes = run.EvalEpisodes,
            EvalInterval = run.EvalInterval,
            SolveCheckEpisodes = run.SolveCheckEpisodes,
            FinalEval = run.FinalEval,
            CheckpointInterval = run.CheckpointInterval,
            KeepCheckpoints = run.KeepCheckpoints,
            RecentEpisodes = run.RecentEpisodes,
            HistogramInterval = run.HistogramInterval,
            Health = run.Health,
        };
    }

    /// <summary>
    /// Prepares a new run: checks the environment options, builds the algorithm (a config it rejects is reported as a
    /// <see cref="ConfigException"/> before anything is written), then locks the run directory and writes the resolved config.
    /// </summary>
    /// <exception cref="ConfigException">If the environment options or the algorithm's config are rejected.</exception>
    /// <exception cref="IOException">If <paramref name="runDirectory"/> is a file, already holds a run, or is in use by another process.</exception>
    /// <param name="config">The resolved config.</param>
    /// <param name="runDirectory">Where the run's files go.</param>
    /// <param name="expert">The expert imitation algorithms use instead of the environment's registered one (e.g. a person: <c>--human</c>); null: the registered one.</param>
    /// <param name="rollouts">Where gradient-free algorithms run their rollouts (e.g. a cluster); null: this process's threads.</param>
    /// <param name="fileSystem">The file operations of the run's writers (tests inject failures); null: the real ones.</param>
    public static TrainingSession Create(ExperimentConfig config, string runDirectory, Func<IEnv, Rl.Core.Experts.IExpert>? expert = null,
        RolloutBackendFactory? rollouts = null, RunFileSystem? fileSystem = null)
    {
        if (File.Exists(runDirectory)) throw new IOException($"--out '{runDirectory}' is an existing file, not a directory; choose another --out");
        CheckNoRun(runDirectory);
        config.CheckEnvironment();
        var algorithm = Build(config, expert, rollouts);
        RunDirectory? dir = null;
        try
        {
            dir = Rl.Training.RunDirectory.Open(runDirectory, fileSystem);
            CheckNoRun(runDirectory, locked: true); // again, now that the directory is ours
            var session = new TrainingSession(config, dir, algorithm);
            dir.FileSystem.WriteAllTextAtomic(Path.Combine(dir.Path, ConfigFile), config.ToToml());
            session.Trainer.AddRunDirectorySinks(PlotTitle(config));
            return session;
        }
        catch
        {
            dir?.Dispose();
            algorithm.Dispose();
            throw;
        }
    }

    private static void CheckNoRun(string runDirectory, bool locked = false)
    {
        if (!locked) RunLock.ThrowIfHeld(runDirectory);
        if (CheckpointStore.Files(Path.Combine(runDirectory, RunFiles.Checkpoints)).Count > 0)
            throw new IOException($"'{runDirectory}' already holds a run; continue it with --resume {runDirectory}, or choose another --out");
        if (File.Exists(Path.Combine(runDirectory, ConfigFile)))
            throw new IOException(
                $"'{runDirectory}' holds a run that stopped before its first checkpoint; start it again from the beginning (same config and seed) " +
                $"with: rl train --resume {runDirectory}   or choose another --out");
    }

    /// <summary>
    /// Continues the run in <paramref name="runDirectory"/> from its newest usable checkpoint (older ones are tried when the
    /// newest is truncated or corrupted, or when <c>metrics.csv</c> does not match it). A run killed before its first
    /// checkpoint starts again from its <c>config.toml</c>. Only <c>run.*</c> settings may be changed.
    /// </summary>
    /// <exception cref="ConfigException">If an override is not a <c>run.*</c> key or is invalid.</exception>
    /// <exception cref="CheckpointException">If no checkpoint is usable (each reason listed).</exception>
    /// <exception cref="RunDirectoryInUseException">If another process is training in it.</exception>
    public static TrainingSession Resume(string runDirectory, IReadOnlyList<string> overrides, string? device, Action<string> warn,
        RolloutBackendFactory? rollouts = null, RunFileSystem? fileSystem = null)
    {
        if (!Directory.Exists(runDirectory)) throw new DirectoryNotFoundException($"run directory '{runDirectory}' does not exist");
        foreach (var o in overrides.Where(o => !o.TrimStart().StartsWith("run.", StringComparison.Ordinal)))
            throw new ConfigException($"--set {o}: a resumed run keeps its algorithm, environment and seed; only run.* settings can change");
        var dir = Rl.Training.RunDirectory.Open(runDirectory, fileSystem);
        try
        {
            foreach (var f in dir.RemovedTemporaries) warn($"removed an unfinished write: {f}");
            TrainingSession session;
            if (!dir.HasCheckpoints && File.Exists(Path.Combine(dir.Path, ConfigFile)))
            {
                var config = ExperimentConfig.Parse(File.ReadAllText(Path.Combine(dir.Path, ConfigFile)), Path.Combine(runDirectory, ConfigFile), overrides, device: device,
                    oldKeys: OldKeyNotices.Summary);
                config.CheckEnvironment();
                session = new TrainingSession(config, dir, Build(config, rollouts: rollouts)) { Restarted = true };
                warn($"'{runDirectory}' has no checkpoint yet (stopped before the first one): starting it again from the beginning");
            }
            else
            {
                session = CheckpointStore.LoadNewestUsable(dir.CheckpointFolder, (cp, file) =>
                {
                    var (config, algorithm) = LoadAlgorithm(cp, file, overrides, device, rollouts);
                    var s = new TrainingSession(config, dir, algorithm);
                    try
                    {
                        s.Trainer.Restore(cp, file);
                    }
                    catch
                    {
                        algorithm.Dispose();
                        throw;
                    }
                    return s;
                }, warn);
            }
            dir.FileSystem.WriteAllTextAtomic(Path.Combine(dir.Path, ConfigFile), session.Config.ToToml());
            session.Trainer.AddRunDirectorySinks(PlotTitle(session.Config));
            return session;
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    private static string PlotTitle(ExperimentConfig c) => $"{c.Algo} on {c.Env} (seed {c.Seed})";

    /// <summary>
    /// Rebuilds the algorithm a checkpoint was written by, from the config stored in it (with <c>run.*</c>
    /// <paramref name="overrides"/> and <paramref name="device"/> applied), and loads its state.
    /// </summary>
    /// <exception cref="CheckpointException">If the checkpoint is foreign or of another format, an entry is missing, or the algorithm cannot restore it.</exception>
    public static (ExperimentConfig Config, IAlgorithm Algorithm) LoadAlgorithm(Checkpoint cp, string file, IReadOnlyList<string>? overrides, string? device,
        RolloutBackendFactory? rollouts = null)
    {
        Trainer.CheckFormat(cp, file);
        string text = Encoding.UTF8.GetString(cp.GetBytes(RunnerPrefix + "config.toml"));
        var config = ExperimentConfig.Parse(text, $"{file} (stored config)", overrides, device: device, oldKeys: OldKeyNotices.Summary);
        var algorithm = Build(config, rollouts: rollouts);
        try
        {
            algorithm.Load(cp);
        }
        catch (Exception e)
        {
            algorithm.Dispose();
            if (e is CheckpointException) throw;
            throw new CheckpointException($"checkpoint file '{file}' could not be restored: {Program.Describe(e)}", e);
        }
        return (config, algorithm);
    }

    /// <summary>Builds the algorithm of a config with the runner's context (device resolved, threads, environment factory).</summary>
    /// <exception cref="ConfigException">If the algorithm rejects its config (an <see cref="ArgumentException"/> from its constructor).</exception>
    /// <param name="config">The resolved config.</param>
    /// <param name="expert">The expert for imitation algorithms (<see cref="TrainingContext.Expert"/>); null: the environment's registered one.</param>
    /// <param name="rollouts">Where gradient-free algorithms run their rollouts (e.g. a cluster); null: this process's threads.</param>
    public static IAlgorithm Build(ExperimentConfig config, Func<IEnv, Rl.Core.Experts.IExpert>? expert = null, RolloutBackendFactory? rollouts = null)
    {
        string device;
        try
        {
            device = ResolveDevice(config.Run.Device, config.Config);
        }
        catch (ArgumentException e)
        {
            throw new ConfigException($"run.device: {e.Message}", e);
        }
        var context = new TrainingContext
        {
            MakeEnv = config.MakeEnv,
            Seed = config.Seed,
            Threads = config.Run.Threads > 0 ? config.Run.Threads : Environment.ProcessorCount,
            Device = device,
            RolloutBackend = rollouts is null ? null : job => rollouts(config, job),
            Expert = expert,
        };
        try
        {
            return config.Algorithm.Create(config.Config, context);
        }
        catch (ArgumentException e)
        {
            throw new ConfigException($"config for algorithm '{config.Algo}' rejected: {e.Message}", e);
        }
    }

    /// <summary>
    /// The torch device for an algorithm. Gradient-free configs never touch libtorch, so for them libtorch is not loaded
    /// (a start-up cost of a good part of a second) and the device is reported as <c>cpu</c>; the others initialise torch.
    /// </summary>
    private static string ResolveDevice(string device, object algorithmConfig)
    {
        if (algorithmConfig is Rl.Agents.GradientFree.GradientFreeConfig)
        {
            string d = device.Trim().ToLowerInvariant();
            if (d is "auto" or "cpu") return "cpu";
        }
        return TorchDevice(device);
    }

    // Kept out of ResolveDevice so that the JIT does not load TorchSharp for gradient-free runs.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static string TorchDevice(string device)
    {
        TorchSetup.EnsureInitialized();
        return TorchSetup.ResolveDevice(device);
    }

    /// <summary>
    /// Trains until the budget, the iteration or time limit, a solved evaluation, an interruption (<paramref name="cancel"/>)
    /// or a non-finite metric. Always leaves the logs, the learning curve and <c>result.json</c>.
    /// </summary>
    public TrainingOutcome Run(IProgressSink progress, CancellationToken cancel)
    {
        Trainer.Progress = progress;
        var outcome = Trainer.Train(cancel);
        // A run stopped by a callback says why when the callback does (the loss-explosion stop of sweeps).
        if (outcome.Status == TrainingStatus.Stopped && outcome.Problem is null)
            outcome = outcome with { Problem = Trainer.Callbacks.OfType<Rl.Training.Sweeps.LossExplosionStop>().Select(c => c.Reason).FirstOrDefault(r => r is not null) };
        WriteResult(outcome);
        return outcome;
    }

    /// <summary>Writes the learning curve from the metrics so far (also usable after an exception).</summary>
    public void WritePlot() => Trainer.Sinks.OfType<LearningCurveSink>().FirstOrDefault()?.Draw();

    private void WriteResult(TrainingOutcome o)
    {
        var json = new Dictionary<string, object?>
        {
            ["status"] = ConfigBinder.Snake(o.Status.ToString()),
            ["algo"] = Config.Algo,
            ["env"] = Config.Env,
            ["seed"] = Config.Seed,
            ["iteration"] = o.Iteration,
            ["env_steps"] = o.EnvSteps,
            ["episodes"] = o.Episodes,
            ["wall_seconds"] = Math.Round(o.WallSeconds, 3),
            ["reward_threshold"] = RewardThreshold,
            ["final_eval"] = o.FinalEval is { } e ? EvalJson(e) : null,
            ["checkpoint"] = o.Checkpoint is null ? null : Path.GetRelativePath(RunDirectory, o.Checkpoint),
            ["problem"] = o.Problem,
        };
        if (Data is { } d)
        {
            json["data"] = new Dictionary<string, object?>
            {
                ["source"] = d.Source,
                ["episodes"] = d.Episodes,
                ["labels"] = d.Labels,
                ["skipped"] = d.Skipped.Select(s => new Dictionary<string, string> { ["file"] = s.File, ["reason"] = s.Reason }).ToList(),
                ["warnings"] = d.Warnings,
            };
        }
        _directory.FileSystem.WriteAllTextAtomic(Path.Combine(RunDirectory, ResultFile),
            JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>An evaluation as the JSON object <c>rl eval --json</c> prints.</summary>
    public static Dictionary<string, object?> EvalJson(EvalResult e) => new()
    {
        ["mean_return"] = e.MeanReturn,
        ["std_return"] = e.StdReturn,
        ["episodes"] = e.Episodes,
        ["mean_length"] = e.MeanLength,
        ["reward_threshold"] = e.RewardThreshold,
        ["solved"] = e.Solved,
    };

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var sink in Trainer.Sinks) sink.Dispose();
        Algorithm.Dispose();
        _directory.Dispose();
    }
}
