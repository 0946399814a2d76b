using System.Text.Json;
using Rl.Distributed;
using Rl.Training.Sweeps;

namespace Rl.Experiments.Training;

/// <summary>
/// The trials of <c>rl sweep</c>: each is an ordinary <c>rl train</c> run of the base config with the trial's values as
/// <c>--set</c> overrides, its own seed, the rung's step budget, and (unless checkpoints are kept) only its newest checkpoint.
/// A trial's next rung continues its run from that checkpoint (<see cref="TrainingSession.Resume"/>), which trains exactly as
/// an uninterrupted run would.
/// </summary>
public sealed class ConfigTrialRunner : ISweepTrialRunner
{
    private readonly string _text;
    private readonly string _source;
    private readonly IReadOnlyList<string> _overrides;
    private readonly string? _device;
    private readonly bool _keepCheckpoints;
    private readonly int _threads;

    /// <summary>A runner for the config <paramref name="text"/> (from <paramref name="source"/>) with <paramref name="overrides"/>.</summary>
    /// <param name="text">The base config document.</param>
    /// <param name="source">Its file or shipped name, for messages.</param>
    /// <param name="overrides">The <c>--set</c> items applied before each trial's values.</param>
    /// <param name="device">The <c>--device</c> override, if any.</param>
    /// <param name="keepCheckpoints">Keep the config's <c>run.keep_checkpoints</c> (else trials keep only their newest checkpoint).</param>
    /// <param name="threads">Worker threads per trial when the config leaves <c>run.threads</c> at 0 (the cores shared by the parallel trials).</param>
    /// <exception cref="ConfigException">If the base config is invalid.</exception>
    public ConfigTrialRunner(string text, string source, IReadOnlyList<string> overrides, string? device, bool keepCheckpoints, int threads)
    {
        (_text, _source, _overrides, _device, _keepCheckpoints, _threads) = (text, source, overrides, device, keepCheckpoints, Math.Max(1, threads));
        BaseConfig = ExperimentConfig.Parse(text, source, overrides, seed: 0, device: device);
    }

    /// <summary>The base config (seed 0), with the overrides.</summary>
    public ExperimentConfig BaseConfig { get; }

    /// <summary>What identifies the base configuration of the sweep (config text and overrides).</summary>
    public string Fingerprint => $"config={_source}\n{_text}\nset={string.Join("\n", _overrides)}\ndevice={_device}";

    /// <summary>The trial's config as <c>rl train</c> would resolve it, with the full budget of the base config.</summary>
    /// <exception cref="ConfigException">If the trial's values make the config invalid.</exception>
    public ExperimentConfig Config(SweepTrial trial, SearchSpace space) =>
        ExperimentConfig.Parse(_text, _source, [.. _overrides, .. trial.Overrides(space)], trial.Seed, _device);

    private SearchSpace? _space;

    /// <summary>The search space whose keys the trials set (needed to order the overrides); set by the command before the sweep runs.</summary>
    public SearchSpace Space
    {
        get => _space ?? throw new InvalidOperationException("the runner's search space is not set");
        set => _space = value;
    }

    /// <summary>The <c>run.*</c> settings of a trial trained to <paramref name="budget"/> steps.</summary>
    internal IReadOnlyList<string> RunOverrides(long budget)
    {
        var list = new List<string> { $"run.total_steps={budget}" };
        if (!_keepCheckpoints) list.Add("run.keep_checkpoints=1");
        if (BaseConfig.Run.Threads == 0) list.Add($"run.threads={_threads}");
        return list;
    }

    /// <inheritdoc />
    public string? Check(SweepTrial trial)
    {
        try
        {
            var config = ExperimentConfig.Parse(_text, _source, [.. _overrides, .. trial.Overrides(Space), .. RunOverrides(1)], trial.Seed, _device);
            TrainingSession.Build(config).Dispose();
            return null;
        }
        catch (ConfigException e)
        {
            return e.Message.Replace("\n", " ");
        }
    }

    /// <inheritdoc />
    public TrialSegment Run(SweepTrial trial, long budget, IReadOnlyList<Rl.Training.ITrainingCallback> callbacks, CancellationToken cancel)
    {
        if (Finished(trial.Directory, budget) is { } done) return done;
        TrainingSession session;
        if (Started(trial))
            session = TrainingSession.Resume(trial.Directory, ContinueOverrides(budget), _device, _ => { });
        else
            session = TrainingSession.Create(NewConfig(trial, budget), trial.Directory);
        using (session)
        {
            session.Trainer.Callbacks.AddRange(callbacks);
            var outcome = session.Run(Rl.Training.NullProgress.Instance, cancel);
            return new TrialSegment(outcome.Status, outcome.EnvSteps, outcome.FinalEval?.MeanReturn, outcome.WallSeconds, outcome.Problem);
        }
    }

    /// <summary>Whether the trial's run directory holds a run (a config or checkpoints): its next segment continues it.</summary>
    internal static bool Started(SweepTrial trial) =>
        Directory.Exists(trial.Directory) &&
        (File.Exists(Path.Combine(trial.Directory, TrainingSession.ConfigFile)) || Rl.Training.CheckpointStore.Files(Path.Combine(trial.Directory, Rl.Training.RunFiles.Checkpoints)).Count > 0);

    /// <summary>The <c>--set</c> items of a continued segment to <paramref name="budget"/> steps.</summary>
    internal IReadOnlyList<string> ContinueOverrides(long budget) => [.. RunOverrides(budget).Where(o => o.StartsWith("run.total_steps=", StringComparison.Ordinal))];

    /// <summary>The resolved config of a trial's first segment, to <paramref name="budget"/> steps.</summary>
    internal ExperimentConfig NewConfig(SweepTrial trial, long budget) =>
        ExperimentConfig.Parse(_text, _source, [.. _overrides, .. trial.Overrides(Space), .. RunOverrides(budget)], trial.Seed, _device);

    /// <summary>How the run in <paramref name="directory"/> ended, as its <c>result.json</c> says; null without one.</summary>
    internal static TrialSegment? Result(string directory)
    {
        var r = ReadResult(directory);
        if (r is null) return null;
        var (status, steps, wall, score, problem) = r.Value;
        string name = string.Concat(status.Split('_').Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..]));
        if (!Enum.TryParse<Rl.Training.TrainingStatus>(name, out var parsed))
            throw new InvalidOperationException($"{Path.Combine(directory, TrainingSession.ResultFile)}: unknown status '{status}'");
        return new TrialSegment(parsed, steps, score, wall, problem);
    }

    private static (string Status, long Steps, double Wall, double? Score, string? Problem)? ReadResult(string directory)
    {
        string file = Path.Combine(directory, TrainingSession.ResultFile);
        if (!File.Exists(file)) return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        var root = doc.RootElement;
        string status = root.GetProperty("status").GetString() ?? "";
        long steps = root.GetProperty("env_steps").GetInt64();
        double wall = root.GetProperty("wall_seconds").GetDouble();
        double? score = root.TryGetProperty("final_eval", out var e) && e.ValueKind == JsonValueKind.Object ? e.GetProperty("mean_return").GetDouble() : null;
        string? problem = root.TryGetProperty("problem", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        return (status, steps, wall, score, problem);
    }

    /// <summary>
    /// A trial that already ended for good before the sweep was killed (solved, stopped, diverged, as its
    /// <c>result.json</c> says): its recorded outcome, so that it is not trained on.
    /// </summary>
    internal static TrialSegment? Finished(string directory, long budget)
    {
        if (ReadResult(directory) is not var (status, steps, wall, score, problem)) return null;
        return status switch
        {
            "solved" when steps <= budget => new TrialSegment(Rl.Training.TrainingStatus.Solved, steps, score, wall, null),
            "stopped" => new TrialSegment(Rl.Training.TrainingStatus.Stopped, steps, null, wall,
                problem ?? "loss exploded (recorded before the sweep was interrupted; see its metrics.csv)"),
            "diverged" => new TrialSegment(Rl.Training.TrainingStatus.Diverged, steps, null, wall, problem),
            _ => null,
        };
    }
}

/// <summary>
/// The trials of <c>rl sweep --cluster</c>: each segment is trained whole on a worker (<see cref="DistributedRuns"/>): a
/// trial's first segment from its resolved config, a later rung's by continuing its run directory (uploaded), with the
/// sweep's loss-explosion stop applied on the worker. The run directory comes back here after every segment, so pruning,
/// the results and a resumed sweep see exactly what a local sweep would. When no worker is left for the cluster's wait
/// (every one died), the segment trains in this process.
/// </summary>
/// <param name="local">The local runner (configs, checks, budgets); its trials get one thread each unless run.threads is set.</param>
/// <param name="cluster">The cluster's runs.</param>
public sealed class ClusterTrialRunner(ConfigTrialRunner local, Rl.Distributed.DistributedRuns cluster) : IAsyncSweepTrialRunner
{
    /// <inheritdoc />
    public string? Check(SweepTrial trial) => local.Check(trial);

    /// <inheritdoc />
    public TrialSegment Run(SweepTrial trial, long budget, IReadOnlyList<Rl.Training.ITrainingCallback> callbacks, CancellationToken cancel) =>
        RunAsync(trial, budget, callbacks, cancel).GetAwaiter().GetResult();

    /// <inheritdoc />
    public async Task<TrialSegment> RunAsync(SweepTrial trial, long budget, IReadOnlyList<Rl.Training.ITrainingCallback> callbacks, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (ConfigTrialRunner.Finished(trial.Directory, budget) is { } done) return done;
        var explosion = callbacks.OfType<LossExplosionStop>().FirstOrDefault();
        double factor = explosion?.Factor ?? 0;
        string name = $"{trial.Name} to {budget:N0} steps";
        var order = ConfigTrialRunner.Started(trial)
            ? ClusterRuns.Continue(name, trial.Directory, local.ContinueOverrides(budget), null, factor, explosion?.Key)
            : ClusterRuns.NewRun(name, local.NewConfig(trial, budget), trial.Directory, null, factor, explosion?.Key);
        RunOutcome outcome;
        try
        {
            outcome = await cluster.RunAsync(order, cancel).ConfigureAwait(false);
        }
        catch (NoWorkerException)
        {
            // No worker left (or none came): the segment trains here, as a local sweep would train it.
            return local.Run(trial, budget, callbacks, cancel);
        }
        if (outcome.ExitCode == 130) return new TrialSegment(Rl.Training.TrainingStatus.Interrupted, 0, null, 0, null);
        var segment = ConfigTrialRunner.Result(trial.Directory);
        // A failed process (exit code 1) is a trial outcome only when it diverged; anything else is an error, as it is locally.
        if (segment is null || (outcome.ExitCode != 0 && segment.Status != Rl.Training.TrainingStatus.Diverged))
            throw new InvalidOperationException($"{trial.Name} failed on worker {outcome.Worker} (exit code {outcome.ExitCode}{(outcome.Error is null ? "" : ": " + outcome.Error)}); " +
                                                $"its run directory: {trial.Directory}");
        return segment;
    }
}
