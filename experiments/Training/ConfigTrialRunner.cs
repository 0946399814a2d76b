using System.Text.Json;
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

    private IReadOnlyList<string> RunOverrides(long budget)
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
        var run = RunOverrides(budget);
        TrainingSession session;
        bool started = Directory.Exists(trial.Directory) &&
                       (File.Exists(Path.Combine(trial.Directory, TrainingSession.ConfigFile)) || Rl.Training.CheckpointStore.Files(Path.Combine(trial.Directory, Rl.Training.RunFiles.Checkpoints)).Count > 0);
        if (started)
        {
            session = TrainingSession.Resume(trial.Directory, [.. run.Where(o => o.StartsWith("run.total_steps=", StringComparison.Ordinal))], _device, _ => { });
        }
        else
        {
            var config = ExperimentConfig.Parse(_text, _source, [.. _overrides, .. trial.Overrides(Space), .. run], trial.Seed, _device);
            session = TrainingSession.Create(config, trial.Directory);
        }
        using (session)
        {
            session.Trainer.Callbacks.AddRange(callbacks);
            var outcome = session.Run(Rl.Training.NullProgress.Instance, cancel);
            return new TrialSegment(outcome.Status, outcome.EnvSteps, outcome.FinalEval?.MeanReturn, outcome.WallSeconds, outcome.Problem);
        }
    }

    /// <summary>
    /// A trial that already ended for good before the sweep was killed (solved, stopped, diverged, as its
    /// <c>result.json</c> says): its recorded outcome, so that it is not trained on.
    /// </summary>
    private static TrialSegment? Finished(string directory, long budget)
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
