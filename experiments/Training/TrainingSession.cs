using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Rl.Agents;
using Rl.Agents.Training;
using Rl.Core;

namespace Rl.Experiments.Training;

/// <summary>Why training stopped.</summary>
public enum TrainingStatus
{
    /// <summary>An evaluation reached the reward threshold (<c>run.stop_when_solved</c>).</summary>
    Solved,

    /// <summary>The step budget (<c>run.total_steps</c>) was reached.</summary>
    BudgetReached,

    /// <summary>The iteration limit (<c>run.max_iterations</c>) was reached.</summary>
    IterationLimit,

    /// <summary>Interrupted (Ctrl-C, SIGTERM): a checkpoint was written; <c>rl train --resume</c> continues.</summary>
    Interrupted,

    /// <summary>A reported scalar or histogram was NaN or infinite; training stopped without a checkpoint of that state.</summary>
    Diverged,
}

/// <summary>How a training run ended.</summary>
/// <param name="Status">Why it stopped.</param>
/// <param name="Iteration">Iterations completed.</param>
/// <param name="EnvSteps">Environment steps taken.</param>
/// <param name="Episodes">Training episodes finished.</param>
/// <param name="WallSeconds">Training wall time, over all sessions of the run.</param>
/// <param name="FinalEval">The final evaluation (null when interrupted, diverged, or disabled).</param>
/// <param name="Checkpoint">The last checkpoint written, if any.</param>
/// <param name="Problem">For <see cref="TrainingStatus.Diverged"/>: what was not finite, where.</param>
public sealed record TrainingOutcome(TrainingStatus Status, int Iteration, long EnvSteps, long Episodes, double WallSeconds,
    EvalResult? FinalEval, string? Checkpoint, string? Problem);

/// <summary>
/// One training run in its run directory: drives an <see cref="IAlgorithm"/> iteration by iteration and around it keeps
/// the logs (<c>metrics.csv</c>, <c>timing.csv</c>, TensorBoard events), evaluations, checkpoints, the learning curve and
/// the divergence checks. <c>metrics.csv</c> holds only values that follow from the config and seed (no wall-clock
/// times; those go to <c>timing.csv</c>), so two runs with the same config and seed write identical files, and so does a
/// run that was interrupted and resumed.
/// </summary>
public sealed class TrainingSession : IDisposable
{
    /// <summary>Per-iteration metrics (deterministic for a given config and seed).</summary>
    public const string MetricsFile = "metrics.csv";

    /// <summary>Per-iteration wall-clock times.</summary>
    public const string TimingFile = "timing.csv";

    /// <summary>The resolved config.</summary>
    public const string ConfigFile = "config.toml";

    /// <summary>The learning curve.</summary>
    public const string PlotFile = "learning_curve.png";

    /// <summary>How the run ended, as JSON.</summary>
    public const string ResultFile = "result.json";

    /// <summary>The TensorBoard log folder.</summary>
    public const string TensorBoardFolder = "tensorboard";

    /// <summary>The checkpoint folder.</summary>
    public const string CheckpointFolder = "checkpoints";

    /// <summary>Checkpoint entries the runner adds beside the algorithm's own (the algorithm must not use this prefix).</summary>
    public const string RunnerPrefix = "runner/";

    private static readonly string[] MetricColumns =
        ["iteration", "env_steps", "episodes", "ep_return_mean", "ep_len_mean", "recent_return_mean", "eval_mean_return", "eval_std_return", "eval_mean_length"];

    private static readonly string[] TimingColumns = ["iteration", "env_steps", "wall_seconds", "iteration_seconds", "steps_per_second"];

    private readonly CheckpointStore _store;
    private readonly Rng _evalRng;
    private readonly List<double> _recent = [];
    private readonly Dictionary<string, float[]> _previousHistograms = new(StringComparer.Ordinal);
    private RunnerState _state;
    private CsvLog? _metrics;
    private CsvLog? _timing;

    /// <summary>The run's configuration.</summary>
    public ExperimentConfig Config { get; private set; }

    /// <summary>The run directory.</summary>
    public string RunDirectory { get; }

    /// <summary>The algorithm being trained.</summary>
    public IAlgorithm Algorithm { get; }

    /// <summary>The reward threshold in force (run override or the environment's), if any.</summary>
    public double? RewardThreshold => Config.RewardThreshold;

    private TrainingSession(ExperimentConfig config, string runDirectory, IAlgorithm algorithm)
    {
        Config = config;
        RunDirectory = Path.GetFullPath(runDirectory);
        _store = new CheckpointStore(Path.Combine(RunDirectory, CheckpointFolder), config.Run.KeepCheckpoints);
        _evalRng = new Rng(unchecked(config.Seed ^ 0x5DEECE66DL));
        _state = new RunnerState { NextCheckpointStep = config.Run.CheckpointInterval, NextEvalStep = config.Run.EvalInterval };
        Algorithm = algorithm;
    }

    /// <summary>
    /// Prepares a new run: checks the environment options, builds the algorithm (a config it rejects is reported as a
    /// <see cref="ConfigException"/>), then creates the run directory and writes the resolved config.
    /// </summary>
    /// <exception cref="ConfigException">If the environment options or the algorithm's config are rejected.</exception>
    /// <exception cref="IOException">If <paramref name="runDirectory"/> already holds a run.</exception>
    /// <param name="config">The resolved config.</param>
    /// <param name="runDirectory">Where the run's files go.</param>
    /// <param name="expert">The expert imitation algorithms use instead of the environment's registered one (e.g. a person: <c>--human</c>); null: the registered one.</param>
    public static TrainingSession Create(ExperimentConfig config, string runDirectory, Func<IEnv, Rl.Core.Experts.IExpert>? expert = null)
    {
        if (File.Exists(Path.Combine(runDirectory, ConfigFile)) || CheckpointStore.Files(Path.Combine(runDirectory, CheckpointFolder)).Count > 0)
            throw new IOException($"'{runDirectory}' already holds a run; continue it with --resume {runDirectory}, or choose another --out");
        config.CheckEnvironment();
        var session = new TrainingSession(config, runDirectory, Build(config, expert));
        Directory.CreateDirectory(session.RunDirectory);
        File.WriteAllText(Path.Combine(session.RunDirectory, ConfigFile), config.ToToml());
        foreach (var stale in new[] { MetricsFile, TimingFile }) File.Delete(Path.Combine(session.RunDirectory, stale));
        return session;
    }

    /// <summary>
    /// Continues the run in <paramref name="runDirectory"/> from its newest usable checkpoint (older ones are tried when the
    /// newest is truncated or corrupted). Only <c>run.*</c> settings may be changed, e.g. a larger <c>run.total_steps</c>.
    /// </summary>
    /// <exception cref="ConfigException">If an override is not a <c>run.*</c> key or is invalid.</exception>
    /// <exception cref="CheckpointException">If no checkpoint is usable (each reason listed).</exception>
    public static TrainingSession Resume(string runDirectory, IReadOnlyList<string> overrides, string? device, Action<string> warn)
    {
        if (!Directory.Exists(runDirectory)) throw new DirectoryNotFoundException($"run directory '{runDirectory}' does not exist");
        foreach (var o in overrides.Where(o => !o.TrimStart().StartsWith("run.", StringComparison.Ordinal)))
            throw new ConfigException($"--set {o}: a resumed run keeps its algorithm, environment and seed; only run.* settings can change");
        var session = CheckpointStore.LoadNewestUsable(Path.Combine(runDirectory, CheckpointFolder), (cp, file) =>
        {
            var (config, algorithm) = LoadAlgorithm(cp, file, overrides, device);
            var s = new TrainingSession(config, runDirectory, algorithm);
            try
            {
                s.RestoreRunner(cp, file);
            }
            catch
            {
                s.Dispose();
                throw;
            }
            return s;
        }, warn);
        File.WriteAllText(Path.Combine(session.RunDirectory, ConfigFile), session.Config.ToToml());
        return session;
    }

    /// <summary>
    /// Rebuilds the algorithm a checkpoint was written by, from the config stored in it (with <c>run.*</c>
    /// <paramref name="overrides"/> and <paramref name="device"/> applied), and loads its state.
    /// </summary>
    /// <exception cref="CheckpointException">If an entry is missing or the algorithm cannot restore it.</exception>
    public static (ExperimentConfig Config, IAlgorithm Algorithm) LoadAlgorithm(Checkpoint cp, string file, IReadOnlyList<string>? overrides, string? device)
    {
        string text = Encoding.UTF8.GetString(cp.GetBytes(RunnerPrefix + "config.toml"));
        var config = ExperimentConfig.Parse(text, $"{file} (stored config)", overrides, device: device);
        var algorithm = Build(config);
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
    public static IAlgorithm Build(ExperimentConfig config, Func<IEnv, Rl.Core.Experts.IExpert>? expert = null)
    {
        TorchSetup.EnsureInitialized();
        string device;
        try
        {
            device = TorchSetup.ResolveDevice(config.Run.Device);
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
    /// Trains until the budget, the iteration limit, a solved evaluation, an interruption (<paramref name="cancel"/>) or a
    /// non-finite metric. Always leaves the logs, the learning curve and <c>result.json</c>; writes a checkpoint at the end
    /// unless training diverged.
    /// </summary>
    public TrainingOutcome Run(IProgressSink progress, CancellationToken cancel)
    {
        var run = Config.Run;
        _metrics = new CsvLog(Path.Combine(RunDirectory, MetricsFile), MetricColumns);
        _timing = new CsvLog(Path.Combine(RunDirectory, TimingFile), TimingColumns);
        if (_state.Iteration > 0)
        {
            _metrics.KeepThrough("iteration", _state.Iteration);
            _timing.KeepThrough("iteration", _state.Iteration);
        }
        var tensorBoard = new TensorBoardLog(Path.Combine(RunDirectory, TensorBoardFolder));
        var clock = Stopwatch.StartNew();
        long startSteps = Algorithm.EnvSteps;
        double lastIterationEnd = 0;
        TrainingStatus status;
        string? problem = null;
        string? checkpoint = null;

        while (true)
        {
            if (cancel.IsCancellationRequested) { status = TrainingStatus.Interrupted; break; }
            if (Algorithm.EnvSteps >= run.TotalSteps) { status = TrainingStatus.BudgetReached; break; }
            if (run.MaxIterations > 0 && Algorithm.Iteration >= run.MaxIterations) { status = TrainingStatus.IterationLimit; break; }

            IterationResult result;
            try
            {
                result = Algorithm.RunIteration();
            }
            catch (OperationCanceledException e)
            {
                // A person labelling for an imitation algorithm pressed ESC: an interruption, checkpointed like Ctrl-C
                // (the states labelled in this iteration stay in the algorithm's dataset).
                progress.Message($"stopped: {e.Message}");
                status = TrainingStatus.Interrupted;
                break;
            }
            long steps = Algorithm.EnvSteps;
            problem = Diagnostics.FindNonFinite(result, Algorithm.Iteration, steps);
            if (problem is not null) { status = TrainingStatus.Diverged; break; }

            var row = Record(result, steps, tensorBoard);
            EvalResult? eval = MaybeEvaluate(steps);
            if (eval is not null)
            {
                row["eval_mean_return"] = CsvLog.Cell(eval.MeanReturn);
                row["eval_std_return"] = CsvLog.Cell(eval.StdReturn);
                row["eval_mean_length"] = CsvLog.Cell(eval.MeanLength);
                tensorBoard.Scalar("eval/mean_return", eval.MeanReturn, steps);
                tensorBoard.Scalar("eval/std_return", eval.StdReturn, steps);
                tensorBoard.Scalar("eval/mean_length", eval.MeanLength, steps);
                progress.Message($"evaluation at step {steps:N0}: mean return {eval.MeanReturn:0.00} ± {eval.StdReturn:0.00} over {eval.Episodes} episodes" +
                                 (eval.Solved == true ? $" (threshold {eval.RewardThreshold} reached)" : ""));
            }
            _metrics.Append(row);

            double now = clock.Elapsed.TotalSeconds;
            double rate = (steps - startSteps) / Math.Max(now, 1e-9);
            _timing.Append(new Dictionary<string, string>
            {
                ["iteration"] = CsvLog.Cell(Algorithm.Iteration),
                ["env_steps"] = CsvLog.Cell(steps),
                ["wall_seconds"] = CsvLog.Cell(Math.Round(_state.WallSeconds + now, 3)),
                ["iteration_seconds"] = CsvLog.Cell(Math.Round(now - lastIterationEnd, 4)),
                ["steps_per_second"] = CsvLog.Cell(Math.Round(rate, 1)),
            });
            lastIterationEnd = now;
            tensorBoard.Scalar("time/steps_per_second", rate, steps);
            progress.Report(Report(clock.Elapsed, rate));

            if (run.CheckpointInterval > 0 && steps >= _state.NextCheckpointStep)
            {
                _state = _state with { NextCheckpointStep = (steps / run.CheckpointInterval + 1) * run.CheckpointInterval };
                checkpoint = WriteCheckpoint(clock.Elapsed.TotalSeconds);
            }
            if (run.StopWhenSolved && eval?.Solved == true) { status = TrainingStatus.Solved; break; }
        }

        // Training time: up to here, before the final checkpoint, evaluation and plot.
        var trained = clock.Elapsed;
        double wall = _state.WallSeconds + trained.TotalSeconds;
        if (status != TrainingStatus.Diverged)
        {
            checkpoint = WriteCheckpoint(clock.Elapsed.TotalSeconds);
            progress.Message($"checkpoint: {checkpoint}");
        }
        EvalResult? final = null;
        if (status is TrainingStatus.Solved or TrainingStatus.BudgetReached or TrainingStatus.IterationLimit && run.FinalEval && Algorithm.Iteration > 0)
        {
            final = _state.LastEvalStep == Algorithm.EnvSteps && _state.LastEval is { } last && last.Episodes == run.EvalEpisodes
                ? last
                : Evaluate();
            tensorBoard.Scalar("eval/final_mean_return", final.MeanReturn, Algorithm.EnvSteps);
        }
        var outcome = new TrainingOutcome(status, Algorithm.Iteration, Algorithm.EnvSteps, _state.Episodes, wall, final, checkpoint, problem);
        WritePlot();
        WriteResult(outcome);
        progress.Finish(Report(trained, (Algorithm.EnvSteps - startSteps) / Math.Max(trained.TotalSeconds, 1e-9)));
        return outcome;
    }

    /// <summary>Writes the learning curve from the metrics so far (also usable after an exception).</summary>
    public void WritePlot()
    {
        var rows = (_metrics ?? new CsvLog(Path.Combine(RunDirectory, MetricsFile), MetricColumns)).Rows;
        LearningCurve.Write(Path.Combine(RunDirectory, PlotFile), rows, $"{Config.Algo} on {Config.Env} (seed {Config.Seed})",
            RewardThreshold, Config.Run.RecentEpisodes);
    }

    private Dictionary<string, string> Record(IterationResult result, long steps, TensorBoardLog tb)
    {
        var run = Config.Run;
        int window = Math.Max(run.RecentEpisodes, run.SolveCheckEpisodes);
        foreach (var r in result.EpisodeReturns)
        {
            _recent.Add(r);
            if (_recent.Count > window) _recent.RemoveAt(0);
        }
        _state = _state with { Episodes = _state.Episodes + result.EpisodeReturns.Count };
        int iteration = Algorithm.Iteration;
        var row = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["iteration"] = CsvLog.Cell(iteration),
            ["env_steps"] = CsvLog.Cell(steps),
            ["episodes"] = CsvLog.Cell(_state.Episodes),
        };
        tb.Scalar("rollout/episodes", _state.Episodes, steps);
        if (result.EpisodeReturns.Count > 0)
        {
            double mean = result.EpisodeReturns.Average();
            row["ep_return_mean"] = CsvLog.Cell(mean);
            tb.Scalar("rollout/ep_return_mean", mean, steps);
        }
        if (result.EpisodeLengths.Count > 0)
        {
            double len = result.EpisodeLengths.Average();
            row["ep_len_mean"] = CsvLog.Cell(len);
            tb.Scalar("rollout/ep_len_mean", len, steps);
        }
        if (RecentMean(run.RecentEpisodes) is double recent)
        {
            row["recent_return_mean"] = CsvLog.Cell(recent);
            tb.Scalar("rollout/recent_return_mean", recent, steps);
        }
        foreach (var (name, value) in result.Scalars.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            row[name] = CsvLog.Cell(value);
            tb.Scalar("train/" + name, value, steps);
        }
        // Histograms cost far more than scalars (binning, one event each), so they are logged every histogram_interval iterations.
        bool histogramsDue = run.HistogramInterval > 0 && iteration % run.HistogramInterval == 0;
        if (histogramsDue && result.EpisodeReturns.Count > 0)
            tb.Histogram("rollout/episode_returns", result.EpisodeReturns.Select(x => (float)x).ToArray(), steps);
        foreach (var (name, values) in result.Histograms.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            double norm = Diagnostics.Norm(values);
            row[$"diag/{name}/norm"] = CsvLog.Cell(norm);
            tb.Scalar($"diag/{name}/norm", norm, steps);
            if (_previousHistograms.TryGetValue(name, out var previous) && Diagnostics.UpdateRatio(previous, values) is double ratio)
            {
                row[$"diag/{name}/update_ratio"] = CsvLog.Cell(ratio);
                tb.Scalar($"diag/{name}/update_ratio", ratio, steps);
            }
            _previousHistograms[name] = (float[])values.Clone();
            if (histogramsDue) tb.Histogram(name, values, steps);
        }
        return row;
    }

    private double? RecentMean(int n)
    {
        if (_recent.Count == 0 || n <= 0) return null;
        int k = Math.Min(n, _recent.Count);
        double sum = 0;
        for (int i = _recent.Count - k; i < _recent.Count; i++) sum += _recent[i];
        return sum / k;
    }

    private EvalResult? MaybeEvaluate(long steps)
    {
        var run = Config.Run;
        bool periodic = run.EvalInterval > 0 && steps >= _state.NextEvalStep;
        bool triggered = RewardThreshold is double threshold && run.SolveCheckEpisodes > 0
            && _recent.Count >= run.SolveCheckEpisodes
            && _state.Episodes - _state.EpisodesAtLastTrigger >= run.SolveCheckEpisodes
            && RecentMean(run.SolveCheckEpisodes) >= threshold;
        if (!periodic && !triggered) return null;
        if (periodic) _state = _state with { NextEvalStep = (steps / run.EvalInterval + 1) * run.EvalInterval };
        if (triggered) _state = _state with { EpisodesAtLastTrigger = _state.Episodes };
        return Evaluate();
    }

    private EvalResult Evaluate()
    {
        var eval = Evaluator.Evaluate(Algorithm.Policy, Config.MakeEnv, Config.Run.EvalEpisodes, _evalRng.NextSeed(), RewardThreshold);
        _state = _state with { LastEval = eval, LastEvalStep = Algorithm.EnvSteps };
        return eval;
    }

    private ProgressReport Report(TimeSpan elapsed, double rate) =>
        new(Algorithm.Iteration, Algorithm.EnvSteps, Config.Run.TotalSteps, _state.Episodes, RecentMean(Config.Run.RecentEpisodes), rate,
            elapsed, _state.LastEval);

    private string WriteCheckpoint(double sessionSeconds)
    {
        var cp = new Checkpoint();
        Algorithm.Save(cp);
        if (cp.Keys.Any(k => k.StartsWith(RunnerPrefix, StringComparison.Ordinal)))
            throw new InvalidOperationException($"algorithm '{Config.Algo}' wrote checkpoint entries under '{RunnerPrefix}', which the runner reserves");
        cp.PutBytes(RunnerPrefix + "config.toml", Encoding.UTF8.GetBytes(Config.ToToml()));
        var state = _state with
        {
            Iteration = Algorithm.Iteration,
            EnvSteps = Algorithm.EnvSteps,
            WallSeconds = _state.WallSeconds + sessionSeconds,
            HistogramNames = [.. _previousHistograms.Keys.Order(StringComparer.Ordinal)],
        };
        cp.PutJson(RunnerPrefix + "state", state);
        cp.PutArray<double>(RunnerPrefix + "recent_returns", _recent.ToArray());
        cp.PutRng(RunnerPrefix + "eval_rng", _evalRng);
        for (int i = 0; i < state.HistogramNames.Length; i++)
            cp.PutArray<float>($"{RunnerPrefix}histogram/{i}", _previousHistograms[state.HistogramNames[i]]);
        return _store.Write(cp, Algorithm.EnvSteps);
    }

    private void RestoreRunner(Checkpoint cp, string file)
    {
        var state = cp.GetJson<RunnerState>(RunnerPrefix + "state");
        if (state.Format != RunnerState.CurrentFormat)
            throw new CheckpointException($"checkpoint file '{file}' has runner format {state.Format}; this runner reads {RunnerState.CurrentFormat}");
        if (state.Iteration != Algorithm.Iteration || state.EnvSteps != Algorithm.EnvSteps)
            throw new CheckpointException(
                $"checkpoint file '{file}': the algorithm restored iteration {Algorithm.Iteration} / step {Algorithm.EnvSteps} but the runner saved {state.Iteration} / {state.EnvSteps}");
        _recent.Clear();
        _recent.AddRange(cp.GetArray<double>(RunnerPrefix + "recent_returns"));
        cp.GetRng(RunnerPrefix + "eval_rng", _evalRng);
        _previousHistograms.Clear();
        for (int i = 0; i < state.HistogramNames.Length; i++)
            _previousHistograms[state.HistogramNames[i]] = cp.GetArray<float>($"{RunnerPrefix}histogram/{i}");
        _state = state;
    }

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
        File.WriteAllText(Path.Combine(RunDirectory, ResultFile), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }) + "\n");
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
    public void Dispose() => Algorithm.Dispose();

    /// <summary>The runner's own state in a checkpoint (counters and schedule positions).</summary>
    private sealed record RunnerState
    {
        public const int CurrentFormat = 1;
        public int Format { get; init; } = CurrentFormat;
        public int Iteration { get; init; }
        public long EnvSteps { get; init; }
        public long Episodes { get; init; }
        public double WallSeconds { get; init; }
        public long NextCheckpointStep { get; init; }
        public long NextEvalStep { get; init; }
        public long EpisodesAtLastTrigger { get; init; } = long.MinValue / 2;
        public long LastEvalStep { get; init; } = -1;
        public EvalResult? LastEval { get; init; }
        public string[] HistogramNames { get; init; } = [];
    }
}
