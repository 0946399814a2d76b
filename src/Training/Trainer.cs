using System.Diagnostics;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Training.Health;

namespace Rl.Training;

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
/// The training loop around an <see cref="IAlgorithm"/> (SB3's <c>learn()</c>): runs iterations until a stop condition
/// fires, and around each one keeps the running statistics, runs the evaluation schedule, hands an
/// <see cref="IterationRecord"/> to every sink, calls the user's callbacks and writes checkpoints through a
/// <see cref="CheckpointStore"/>. It knows nothing of config files or the command line: the runner (<c>rl train</c>) and
/// library users build it the same way. A run directory is optional; with one, the <see cref="RunDirectory"/> holds its
/// lock and the default sinks (CSV, TensorBoard, learning curve) go there.
/// </summary>
public sealed class Trainer
{
    /// <summary>Checkpoint entries the trainer adds beside the algorithm's own (the algorithm must not use this prefix).</summary>
    public const string RunnerPrefix = "runner/";

    private readonly Func<IEnv> _makeEnv;
    private readonly Rng _evalRng;
    private readonly List<double> _recent = [];
    private readonly Dictionary<string, float[]> _previousHistograms = new(StringComparer.Ordinal);
    private readonly CheckpointStore? _store;
    private TrainerState _state;
    private bool _resumed;
    private bool _finalEvalAfterCheckpoint;

    /// <summary>Creates a trainer for <paramref name="algorithm"/>.</summary>
    /// <param name="algorithm">The algorithm, freshly built (or restored through <see cref="Restore"/>).</param>
    /// <param name="makeEnv">Builds an evaluation environment (the same wrappers and time limit as training).</param>
    /// <param name="options">Budget, schedule and stop rules.</param>
    /// <param name="seed">The run's master seed; the evaluation seeds derive from it.</param>
    /// <param name="runDirectory">Where checkpoints and logs go (locked by the caller); null: nothing is written to disk.</param>
    /// <exception cref="ArgumentException">If an option is out of range.</exception>
    public Trainer(IAlgorithm algorithm, Func<IEnv> makeEnv, TrainerOptions options, long seed, RunDirectory? runDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(makeEnv);
        options.Validate();
        Algorithm = algorithm;
        _makeEnv = makeEnv;
        Options = options;
        Seed = seed;
        Directory = runDirectory;
        _evalRng = new Rng(unchecked(seed ^ 0x5DEECE66DL));
        _state = new TrainerState { NextCheckpointStep = options.CheckpointInterval, NextEvalStep = options.EvalInterval };
        if (runDirectory is not null)
            _store = new CheckpointStore(Path.Combine(runDirectory.Path, RunFiles.Checkpoints), options.KeepCheckpoints, runDirectory.FileSystem);
        if (options.StopWhenSolved) StopConditions.Add(StopWhen.Solved());
        StopConditions.Add(StopWhen.StepBudget(options.TotalSteps));
        if (options.MaxIterations > 0) StopConditions.Add(StopWhen.IterationLimit(options.MaxIterations));
        if (options.MaxWallSeconds > 0) StopConditions.Add(StopWhen.WallTime(options.MaxWallSeconds));
        Health = new HealthMonitor(options.Health, options.TotalSteps, options.RewardThreshold, runDirectory?.Path, runDirectory?.FileSystem)
        {
            Live = line => Progress.Message(line),
            ActionSpace = () =>
            {
                using var env = _makeEnv();
                return env.ActionSpace;
            },
        };
        Sinks.Add(Health);
    }

    /// <summary>
    /// The training-health checks (one of <see cref="Sinks"/>, added by the constructor): warnings printed through
    /// <see cref="Progress"/> when first seen, a summary at the end, and <c>health.json</c>/<c>health.md</c> in the run directory.
    /// </summary>
    public HealthMonitor Health { get; }

    /// <summary>The algorithm being trained.</summary>
    public IAlgorithm Algorithm { get; }

    /// <summary>The settings.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The run's master seed.</summary>
    public long Seed { get; }

    /// <summary>The run directory, if any.</summary>
    public RunDirectory? Directory { get; }

    /// <summary>The outputs: <see cref="Health"/> from the start; <see cref="AddRunDirectorySinks"/> adds CSV, TensorBoard and learning curve.</summary>
    public List<ITrainingSink> Sinks { get; } = [];

    /// <summary>Stop rules asked before each iteration, in order (the options' rules are added by the constructor).</summary>
    public List<IStopCondition> StopConditions { get; } = [];

    /// <summary>User code called at the start, after each iteration and evaluation, and at the end.</summary>
    public List<ITrainingCallback> Callbacks { get; } = [];

    /// <summary>Progress reports and messages (console); silent by default.</summary>
    public IProgressSink Progress { get; set; } = NullProgress.Instance;

    /// <summary>Adds further checkpoint entries under <see cref="RunnerPrefix"/> (e.g. the runner's config file).</summary>
    public Action<Checkpoint>? CheckpointExtras { get; set; }

    /// <summary>
    /// Wall seconds this session spent outside the algorithm's iterations, by phase: <c>evaluation</c>, <c>checkpoint</c>,
    /// <c>logs</c> (sinks' per-iteration writes) and <c>close</c> (sinks' ends, e.g. the learning-curve plot), for <c>rl bench train</c>.
    /// </summary>
    public IReadOnlyDictionary<string, double> PhaseSeconds => _phases;

    private readonly Dictionary<string, double> _phases = new(StringComparer.Ordinal) { ["evaluation"] = 0, ["checkpoint"] = 0, ["logs"] = 0, ["close"] = 0 };

    private T Timed<T>(string phase, Func<T> action)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            return action();
        }
        finally
        {
            _phases[phase] += Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
    }

    private void Timed(string phase, Action action) => Timed(phase, () =>
    {
        action();
        return 0;
    });

    /// <summary>The latest evaluation, if any.</summary>
    public EvalResult? LastEvaluation => _state.LastEval;

    /// <summary>Training episodes finished so far.</summary>
    public long Episodes => _state.Episodes;

    /// <summary>The CSV sink added by <see cref="AddRunDirectorySinks"/>, if any.</summary>
    public CsvMetricsSink? Csv { get; private set; }

    /// <summary>
    /// Adds the run directory's sinks: <c>metrics.csv</c>/<c>timing.csv</c> (kept through the restored iteration when
    /// resumed), a TensorBoard event file, and the learning curve titled <paramref name="plotTitle"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Without a run directory.</exception>
    public void AddRunDirectorySinks(string plotTitle, bool tensorBoard = true, bool plot = true)
    {
        var dir = Directory ?? throw new InvalidOperationException("the trainer has no run directory");
        Csv = new CsvMetricsSink(dir.Path, _resumed ? _state.Iteration : null, _resumed && _finalEvalAfterCheckpoint, dir.FileSystem);
        Sinks.Add(Csv);
        if (_resumed) Health.Replay(Csv.Metrics.Rows); // the checks see the whole run, not only this session
        if (tensorBoard) Sinks.Add(new TensorBoardSink(Path.Combine(dir.Path, RunFiles.TensorBoard)));
        if (plot)
            Sinks.Add(new LearningCurveSink(Path.Combine(dir.Path, RunFiles.Plot), Csv.Metrics, plotTitle, Options.RewardThreshold, Options.RecentEpisodes));
    }

    /// <summary>
    /// Trains until a stop condition fires, <paramref name="cancel"/> is signalled (a checkpoint is written), or a metric
    /// is not finite. With a run directory, writes a checkpoint at the end unless training diverged. When training ends on
    /// its budget, iteration or time limit, the final evaluation is added to the last iteration's record (metrics row and plot).
    /// </summary>
    public TrainingOutcome Train(CancellationToken cancel = default)
    {
        try
        {
            return TrainLoop(cancel);
        }
        catch (Exception e) when (!_closed)
        {
            // An exception out of an iteration (e.g. a NaN loss the optimizer refuses): the health report still records it.
            try
            {
                Health.Fail(e);
            }
            catch (Exception ignored) when (ignored is IOException or UnauthorizedAccessException)
            {
                // the original exception matters more than a report that could not be written
            }
            throw;
        }
    }

    private bool _closed;

    private TrainingOutcome TrainLoop(CancellationToken cancel)
    {
        _closed = false;
        var clock = Stopwatch.StartNew();
        long startSteps = Algorithm.EnvSteps;
        double lastIterationEnd = 0;
        TrainingStatus status;
        string? problem = null;
        string? checkpoint = null;
        IterationRecord? last = null;
        foreach (var c in Callbacks) c.OnTrainingStart(this);

        while (true)
        {
            if (cancel.IsCancellationRequested) { status = TrainingStatus.Interrupted; break; }
            var context = new StopContext(Algorithm.Iteration, Algorithm.EnvSteps, _state.WallSeconds + clock.Elapsed.TotalSeconds, last);
            if (StopConditions.Select(s => s.Check(context)).FirstOrDefault(s => s is not null) is TrainingStatus stop) { status = stop; break; }

            IterationResult result;
            try
            {
                result = Algorithm.RunIteration();
            }
            catch (OperationCanceledException e)
            {
                // A person labelling for an imitation algorithm pressed ESC: an interruption, checkpointed like Ctrl-C.
                Progress.Message($"stopped: {e.Message}");
                status = TrainingStatus.Interrupted;
                break;
            }
            long steps = Algorithm.EnvSteps;
            problem = Diagnostics.FindNonFinite(result, Algorithm.Iteration, steps);
            if (problem is not null) { status = TrainingStatus.Diverged; break; }

            var record = Record(result, steps);
            if (EvaluationDue(steps, result) && Evaluate() is { } eval)
            {
                record = record with { Evaluation = eval };
                Progress.Message($"evaluation at step {steps:N0}: mean return {eval.MeanReturn:0.00} ± {eval.StdReturn:0.00} over {eval.Episodes} episodes" +
                                 (eval.Solved == true ? $" (threshold {eval.RewardThreshold} reached)" : ""));
            }
            double now = clock.Elapsed.TotalSeconds;
            record = record with
            {
                WallSeconds = _state.WallSeconds + now,
                IterationSeconds = now - lastIterationEnd,
                StepsPerSecond = (steps - startSteps) / Math.Max(now, 1e-9),
            };
            lastIterationEnd = now;
            Timed("logs", () =>
            {
                foreach (var sink in Sinks) sink.Write(record);
            });
            last = record;
            Progress.Report(Report(clock.Elapsed, record.StepsPerSecond));

            if (_store is not null && Options.CheckpointInterval > 0 && steps >= _state.NextCheckpointStep)
            {
                _state = _state with { NextCheckpointStep = (steps / Options.CheckpointInterval + 1) * Options.CheckpointInterval };
                checkpoint = WriteCheckpoint(clock.Elapsed.TotalSeconds);
            }
            bool go = true;
            foreach (var c in Callbacks) go &= c.OnIteration(this, record);
            if (!go) { status = TrainingStatus.Stopped; break; }
        }

        var trained = clock.Elapsed;
        if (_store is not null && status != TrainingStatus.Diverged)
        {
            checkpoint = WriteCheckpoint(trained.TotalSeconds);
            Progress.Message($"checkpoint: {checkpoint}");
        }
        // The final evaluation comes after the final checkpoint, so a run resumed from it with a larger budget continues
        // exactly as an uninterrupted one (same evaluation seeds); it is added to the last iteration's metrics row and plot.
        EvalResult? final = null;
        if (status is TrainingStatus.Solved or TrainingStatus.BudgetReached or TrainingStatus.IterationLimit or TrainingStatus.WallTimeLimit
            && Options.FinalEval && Algorithm.Iteration > 0)
        {
            if (_state.LastEvalStep == Algorithm.EnvSteps && _state.LastEval is { } done && done.Episodes == Options.EvalEpisodes)
            {
                final = done;
            }
            else
            {
                final = Evaluate();
                Timed("logs", () =>
                {
                    foreach (var sink in Sinks) sink.WriteFinalEvaluation(Algorithm.Iteration, Algorithm.EnvSteps, final);
                });
            }
        }
        var outcome = new TrainingOutcome(status, Algorithm.Iteration, Algorithm.EnvSteps, _state.Episodes, _state.WallSeconds + trained.TotalSeconds,
            final, checkpoint, problem);
        _closed = true;
        Timed("close", () =>
        {
            foreach (var sink in Sinks) sink.Close(outcome);
        });
        foreach (var c in Callbacks) c.OnTrainingEnd(this, outcome);
        Progress.Finish(Report(trained, (Algorithm.EnvSteps - startSteps) / Math.Max(trained.TotalSeconds, 1e-9)));
        return outcome;
    }

    private IterationRecord Record(IterationResult result, long steps)
    {
        int window = Math.Max(Options.RecentEpisodes, Options.SolveCheckEpisodes);
        foreach (var r in result.EpisodeReturns)
        {
            _recent.Add(r);
            if (_recent.Count > window) _recent.RemoveAt(0);
        }
        _state = _state with { Episodes = _state.Episodes + result.EpisodeReturns.Count };
        int iteration = Algorithm.Iteration;
        bool histogramsDue = Options.HistogramInterval > 0 && iteration % Options.HistogramInterval == 0;
        var histograms = new List<KeyValuePair<string, float[]>>();
        if (histogramsDue && result.EpisodeReturns.Count > 0)
            histograms.Add(new("rollout/episode_returns", result.EpisodeReturns.Select(x => (float)x).ToArray()));
        var diagnostics = new List<TensorDiagnostic>();
        foreach (var (name, values) in result.Histograms.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            double? ratio = _previousHistograms.TryGetValue(name, out var previous) ? Diagnostics.UpdateRatio(previous, values) : null;
            diagnostics.Add(new TensorDiagnostic(name, Diagnostics.Norm(values), ratio));
            _previousHistograms[name] = (float[])values.Clone();
            if (histogramsDue) histograms.Add(new(name, values));
        }
        return new IterationRecord
        {
            Iteration = iteration,
            EnvSteps = steps,
            Episodes = _state.Episodes,
            EpisodeReturnMean = result.EpisodeReturns.Count > 0 ? result.EpisodeReturns.Average() : null,
            EpisodeLengthMean = result.EpisodeLengths.Count > 0 ? result.EpisodeLengths.Average() : null,
            RecentReturnMean = RecentMean(Options.RecentEpisodes),
            Scalars = [.. result.Scalars.OrderBy(p => p.Key, StringComparer.Ordinal)],
            Diagnostics = diagnostics,
            Histograms = histograms,
        };
    }

    private double? RecentMean(int n)
    {
        if (_recent.Count == 0 || n <= 0) return null;
        int k = Math.Min(n, _recent.Count);
        double sum = 0;
        for (int i = _recent.Count - k; i < _recent.Count; i++) sum += _recent[i];
        return sum / k;
    }

    /// <summary>
    /// The evaluation schedule: every <see cref="TrainerOptions.EvalInterval"/> steps, and the solve check when a reward
    /// threshold is set. The solve check runs an evaluation when, over the last <see cref="TrainerOptions.SolveCheckEpisodes"/>
    /// training episodes (at least that many since the previous check), the mean return reached the threshold; or when one
    /// training episode of the iteration reached it. The second signal matters for population methods (CEM, ES, random
    /// search): their training episodes are exploratory samples whose mean stays far below what the deterministic policy
    /// scores, so the mean alone never fires. A failed check on that signal doubles the episodes before the next one, so
    /// its evaluations cost at most a logarithmic number over a run.
    /// </summary>
    private bool EvaluationDue(long steps, IterationResult result)
    {
        bool periodic = Options.EvalInterval > 0 && steps >= _state.NextEvalStep;
        int n = Options.SolveCheckEpisodes;
        bool byMean = false, byBest = false;
        if (Options.RewardThreshold is double threshold && n > 0)
        {
            byMean = _recent.Count >= n && _state.Episodes - _state.EpisodesAtLastTrigger >= n && RecentMean(n) >= threshold;
            byBest = !byMean && result.EpisodeReturns.Count > 0 && result.EpisodeReturns.Max() >= threshold
                     && _state.Episodes >= _state.NextBestTriggerEpisodes;
        }
        if (periodic) _state = _state with { NextEvalStep = (steps / Options.EvalInterval + 1) * Options.EvalInterval };
        if (byMean) _state = _state with { EpisodesAtLastTrigger = _state.Episodes };
        if (byBest)
        {
            long gap = Math.Max(n, 2 * _state.BestTriggerGap);
            _state = _state with { BestTriggerGap = gap, NextBestTriggerEpisodes = _state.Episodes + gap };
        }
        return periodic || byMean || byBest;
    }

    /// <summary>The one place the trainer evaluates the policy (periodic, triggered and final evaluations).</summary>
    private EvalResult Evaluate()
    {
        var eval = Timed("evaluation", () => Evaluator.Evaluate(Algorithm.Policy, _makeEnv, Options.EvalEpisodes, _evalRng.NextSeed(), Options.RewardThreshold));
        _state = _state with { LastEval = eval, LastEvalStep = Algorithm.EnvSteps };
        foreach (var c in Callbacks) c.OnEvaluation(this, eval, Algorithm.EnvSteps);
        return eval;
    }

    private ProgressReport Report(TimeSpan elapsed, double rate) =>
        new(Algorithm.Iteration, Algorithm.EnvSteps, Options.TotalSteps, _state.Episodes, RecentMean(Options.RecentEpisodes), rate, elapsed, _state.LastEval);

    /// <summary>The checkpoint of the current state: the algorithm's entries, the trainer's and <see cref="CheckpointExtras"/>.</summary>
    public Checkpoint Snapshot(double sessionSeconds = 0)
    {
        var cp = new Checkpoint();
        Algorithm.Save(cp);
        if (cp.Keys.Any(k => k.StartsWith(RunnerPrefix, StringComparison.Ordinal)))
            throw new InvalidOperationException($"algorithm '{Algorithm.Id}' wrote checkpoint entries under '{RunnerPrefix}', which the trainer reserves");
        CheckpointExtras?.Invoke(cp);
        var state = _state with
        {
            Format = TrainerState.CurrentFormat,
            Iteration = Algorithm.Iteration,
            EnvSteps = Algorithm.EnvSteps,
            WallSeconds = _state.WallSeconds + sessionSeconds,
            HistogramNames = [.. _previousHistograms.Keys.Order(StringComparer.Ordinal)],
            MetricsDigest = Csv is null ? null : CsvMetricsSink.Digest(Csv.Metrics.Rows),
        };
        cp.PutJson(RunnerPrefix + "state", state);
        cp.PutArray<double>(RunnerPrefix + "recent_returns", _recent.ToArray());
        cp.PutRng(RunnerPrefix + "eval_rng", _evalRng);
        for (int i = 0; i < state.HistogramNames.Length; i++)
            cp.PutArray<float>($"{RunnerPrefix}histogram/{i}", _previousHistograms[state.HistogramNames[i]]);
        return cp;
    }

    private string WriteCheckpoint(double sessionSeconds) => Timed("checkpoint", () => _store!.Write(Snapshot(sessionSeconds), Algorithm.EnvSteps));

    /// <summary>
    /// Restores the trainer's counters, schedule positions and evaluation RNG from <paramref name="cp"/> (the algorithm's
    /// own state must already be loaded). With a run directory, checks that <c>metrics.csv</c> still holds exactly the rows
    /// the checkpoint saw (later rows, e.g. written after it, are dropped when the sinks open).
    /// </summary>
    /// <exception cref="CheckpointException">If the checkpoint is of another format, does not match the algorithm, or metrics.csv does not match it.</exception>
    public void Restore(Checkpoint cp, string file)
    {
        var state = ReadState(cp, file);
        if (state.Iteration != Algorithm.Iteration || state.EnvSteps != Algorithm.EnvSteps)
            throw new CheckpointException(
                $"checkpoint file '{file}': the algorithm restored iteration {Algorithm.Iteration} / step {Algorithm.EnvSteps} but the trainer saved {state.Iteration} / {state.EnvSteps}");
        // A row at the checkpoint's iteration holds a final evaluation when the schedule ran none there.
        bool finalEval = state.LastEvalStep != state.EnvSteps;
        if (Directory is not null) MetricsCheck.Verify(Path.Combine(Directory.Path, RunFiles.Metrics), state.Iteration, state.MetricsDigest, file, finalEval);
        _recent.Clear();
        _recent.AddRange(cp.GetArray<double>(RunnerPrefix + "recent_returns"));
        cp.GetRng(RunnerPrefix + "eval_rng", _evalRng);
        _previousHistograms.Clear();
        for (int i = 0; i < state.HistogramNames.Length; i++)
            _previousHistograms[state.HistogramNames[i]] = cp.GetArray<float>($"{RunnerPrefix}histogram/{i}");
        _state = state;
        _resumed = true;
        _finalEvalAfterCheckpoint = finalEval;
    }

    /// <summary>
    /// Checks that <paramref name="cp"/> was written by a trainer of a format this version reads, naming the file and the
    /// formats otherwise (an older toolkit's checkpoint, or a zip file from elsewhere).
    /// </summary>
    /// <exception cref="CheckpointException">If it is foreign or of another format.</exception>
    public static void CheckFormat(Checkpoint cp, string file) => ReadState(cp, file);

    private static TrainerState ReadState(Checkpoint cp, string file)
    {
        if (!cp.Contains(RunnerPrefix + "state"))
            throw new CheckpointException(
                $"'{file}' is not a checkpoint of an Rl training run (it has no '{RunnerPrefix}state' entry; entries: {string.Join(", ", cp.Keys.Order().Take(8))})");
        var state = cp.GetJson<TrainerState>(RunnerPrefix + "state");
        if (state.Format is < TrainerState.OldestReadableFormat or > TrainerState.CurrentFormat)
            throw new CheckpointException(
                $"checkpoint file '{file}' has format {state.Format}; this version of the toolkit reads formats {TrainerState.OldestReadableFormat} to {TrainerState.CurrentFormat}" +
                (state.Format > TrainerState.CurrentFormat ? " (it was written by a newer version)" : " (it was written by an older version)"));
        return state;
    }

    /// <summary>The trainer's own state in a checkpoint (counters and schedule positions).</summary>
    private sealed record TrainerState
    {
        // 1: the first runner format; 2: adds the metrics digest.
        public const int CurrentFormat = 2;
        public const int OldestReadableFormat = 1;
        public int Format { get; init; } = CurrentFormat;
        public int Iteration { get; init; }
        public long EnvSteps { get; init; }
        public long Episodes { get; init; }
        public double WallSeconds { get; init; }
        public long NextCheckpointStep { get; init; }
        public long NextEvalStep { get; init; }
        public long EpisodesAtLastTrigger { get; init; } = long.MinValue / 2;
        public long NextBestTriggerEpisodes { get; init; }
        public long BestTriggerGap { get; init; }
        public long LastEvalStep { get; init; } = -1;
        public EvalResult? LastEval { get; init; }
        public string[] HistogramNames { get; init; } = [];
        public string? MetricsDigest { get; init; }
    }
}

/// <summary>A progress sink that shows nothing.</summary>
public sealed class NullProgress : IProgressSink
{
    /// <summary>The instance.</summary>
    public static NullProgress Instance { get; } = new();

    /// <inheritdoc />
    public void Report(ProgressReport report) { }

    /// <inheritdoc />
    public void Message(string line) { }

    /// <inheritdoc />
    public void Finish(ProgressReport report) { }
}
