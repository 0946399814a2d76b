using System.Text;

namespace Rl.Training;

/// <summary>One algorithm diagnostic of an iteration: a reported tensor's norm and its update/weight ratio.</summary>
/// <param name="Name">The histogram's name (e.g. a layer's weights).</param>
/// <param name="Norm">‖w‖.</param>
/// <param name="UpdateRatio">‖w_t − w_{t−1}‖ / ‖w_{t−1}‖, null at the first report or when the shape changed.</param>
public sealed record TensorDiagnostic(string Name, double Norm, double? UpdateRatio);

/// <summary>
/// What the <see cref="Trainer"/> records after one iteration, handed to every <see cref="ITrainingSink"/> (SB3's logger
/// record): counters, episode statistics, the algorithm's scalars, tensor diagnostics, the histograms due this iteration,
/// the evaluation if one ran, and the wall-clock times (which only <c>timing.csv</c> and TensorBoard keep).
/// </summary>
public sealed record IterationRecord
{
    /// <summary>Iterations completed.</summary>
    public required int Iteration { get; init; }

    /// <summary>Environment steps so far.</summary>
    public required long EnvSteps { get; init; }

    /// <summary>Training episodes finished so far.</summary>
    public required long Episodes { get; init; }

    /// <summary>Mean return of the episodes that finished in this iteration (null: none finished).</summary>
    public double? EpisodeReturnMean { get; init; }

    /// <summary>Mean length of those episodes.</summary>
    public double? EpisodeLengthMean { get; init; }

    /// <summary>Mean return of the recent training episodes (<see cref="TrainerOptions.RecentEpisodes"/>).</summary>
    public double? RecentReturnMean { get; init; }

    /// <summary>The algorithm's scalars (losses, sigma, ...), sorted by name.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Scalars { get; init; } = [];

    /// <summary>Norms and update ratios of the algorithm's tensors, sorted by name.</summary>
    public IReadOnlyList<TensorDiagnostic> Diagnostics { get; init; } = [];

    /// <summary>Histograms due this iteration (<see cref="TrainerOptions.HistogramInterval"/>), by tag.</summary>
    public IReadOnlyList<KeyValuePair<string, float[]>> Histograms { get; init; } = [];

    /// <summary>The evaluation run after this iteration, if any (after training: the final evaluation).</summary>
    public EvalResult? Evaluation { get; init; }

    /// <summary>Training wall time of the whole run so far, in seconds.</summary>
    public double WallSeconds { get; init; }

    /// <summary>Seconds this iteration took.</summary>
    public double IterationSeconds { get; init; }

    /// <summary>Environment steps per second in this session.</summary>
    public double StepsPerSecond { get; init; }
}

/// <summary>
/// Receives the <see cref="Trainer"/>'s records: one after every iteration, one when the final evaluation is added to the
/// last iteration, and the outcome at the end. Implement it for a new output (a database, a dashboard); add it to
/// <see cref="Trainer.Sinks"/>.
/// </summary>
public interface ITrainingSink : IDisposable
{
    /// <summary>Called after every iteration (with its evaluation, if one ran).</summary>
    void Write(IterationRecord record);

    /// <summary>
    /// Called when training ended on its budget (or iteration or time limit) and the final evaluation was run: it belongs
    /// to the last iteration, <paramref name="iteration"/> at <paramref name="envSteps"/>.
    /// </summary>
    void WriteFinalEvaluation(int iteration, long envSteps, EvalResult evaluation) { }

    /// <summary>Called once when training stops, after the final checkpoint.</summary>
    void Close(TrainingOutcome outcome) { }
}

/// <summary>
/// <c>metrics.csv</c> (values that follow from the config and seed only, so identical for identical runs) and
/// <c>timing.csv</c> (wall-clock times) in a run directory, one row per iteration.
/// </summary>
public sealed class CsvMetricsSink : ITrainingSink
{
    /// <summary>The fixed leading columns of <c>metrics.csv</c>.</summary>
    public static readonly IReadOnlyList<string> MetricColumns =
        ["iteration", "env_steps", "episodes", "ep_return_mean", "ep_len_mean", "recent_return_mean", "eval_mean_return", "eval_std_return", "eval_mean_length"];

    /// <summary>The columns of <c>timing.csv</c>.</summary>
    public static readonly IReadOnlyList<string> TimingColumns = ["iteration", "env_steps", "wall_seconds", "iteration_seconds", "steps_per_second"];

    /// <summary>
    /// Opens the two files of <paramref name="runDirectory"/>. With <paramref name="keepThroughIteration"/> (a resumed run) the
    /// rows up to that iteration are kept and later ones dropped; otherwise the files start empty.
    /// </summary>
    /// <param name="runDirectory">The run directory.</param>
    /// <param name="keepThroughIteration">The restored iteration of a resumed run; null: a new run.</param>
    /// <param name="dropFinalEvaluation">Remove the evaluation cells of the kept last row (a final evaluation, which an uninterrupted longer run would not have run).</param>
    /// <param name="fileSystem">The file operations; null: the real ones.</param>
    public CsvMetricsSink(string runDirectory, int? keepThroughIteration, bool dropFinalEvaluation = false, RunFileSystem? fileSystem = null)
    {
        var fs = fileSystem ?? RunFileSystem.Default;
        string metrics = Path.Combine(runDirectory, RunFiles.Metrics), timing = Path.Combine(runDirectory, RunFiles.Timing);
        if (keepThroughIteration is not int kept)
        {
            File.Delete(metrics);
            File.Delete(timing);
        }
        Metrics = new CsvLog(metrics, MetricColumns, fs);
        Timing = new CsvLog(timing, TimingColumns, fs);
        if (keepThroughIteration is int k)
        {
            Metrics.KeepThrough("iteration", k);
            Timing.KeepThrough("iteration", k);
            if (dropFinalEvaluation && k > 0) Metrics.AmendLast("iteration", CsvLog.Cell(k), EvalCells(null));
        }
    }

    /// <summary>metrics.csv.</summary>
    public CsvLog Metrics { get; }

    /// <summary>timing.csv.</summary>
    public CsvLog Timing { get; }

    /// <summary>The metrics row of a record, in column order of first appearance.</summary>
    public static Dictionary<string, string> Row(IterationRecord r)
    {
        var row = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["iteration"] = CsvLog.Cell(r.Iteration),
            ["env_steps"] = CsvLog.Cell(r.EnvSteps),
            ["episodes"] = CsvLog.Cell(r.Episodes),
        };
        if (r.EpisodeReturnMean is double ret) row["ep_return_mean"] = CsvLog.Cell(ret);
        if (r.EpisodeLengthMean is double len) row["ep_len_mean"] = CsvLog.Cell(len);
        if (r.RecentReturnMean is double recent) row["recent_return_mean"] = CsvLog.Cell(recent);
        foreach (var (name, value) in r.Scalars) row[name] = CsvLog.Cell(value);
        foreach (var d in r.Diagnostics)
        {
            row[$"diag/{d.Name}/norm"] = CsvLog.Cell(d.Norm);
            if (d.UpdateRatio is double ratio) row[$"diag/{d.Name}/update_ratio"] = CsvLog.Cell(ratio);
        }
        if (r.Evaluation is { } e)
        {
            row["eval_mean_return"] = CsvLog.Cell(e.MeanReturn);
            row["eval_std_return"] = CsvLog.Cell(e.StdReturn);
            row["eval_mean_length"] = CsvLog.Cell(e.MeanLength);
        }
        return row;
    }

    /// <inheritdoc />
    public void Write(IterationRecord record)
    {
        Metrics.Append(Row(record));
        Timing.Append(new Dictionary<string, string>
        {
            ["iteration"] = CsvLog.Cell(record.Iteration),
            ["env_steps"] = CsvLog.Cell(record.EnvSteps),
            ["wall_seconds"] = CsvLog.Cell(Math.Round(record.WallSeconds, 3)),
            ["iteration_seconds"] = CsvLog.Cell(Math.Round(record.IterationSeconds, 4)),
            ["steps_per_second"] = CsvLog.Cell(Math.Round(record.StepsPerSecond, 1)),
        });
    }

    /// <inheritdoc />
    public void WriteFinalEvaluation(int iteration, long envSteps, EvalResult e)
    {
        if (Metrics.Rows.Count > 0) Metrics.AmendLast("iteration", CsvLog.Cell(iteration), EvalCells(e));
    }

    /// <summary>The metrics cells of an evaluation (null values: remove them).</summary>
    public static Dictionary<string, string?> EvalCells(EvalResult? e) => new()
    {
        ["eval_mean_return"] = e is null ? null : CsvLog.Cell(e.MeanReturn),
        ["eval_std_return"] = e is null ? null : CsvLog.Cell(e.StdReturn),
        ["eval_mean_length"] = e is null ? null : CsvLog.Cell(e.MeanLength),
    };

    /// <summary>
    /// A digest of metrics rows (cell texts by column name), stored in
    /// checkpoints so a resume can tell whether <c>metrics.csv</c> still holds what the checkpoint saw.
    /// </summary>
    public static string Digest(IEnumerable<IReadOnlyDictionary<string, string>> rows)
    {
        var sb = new StringBuilder();
        foreach (var row in rows)
        {
            foreach (var (k, v) in row.OrderBy(p => p.Key, StringComparer.Ordinal)) sb.Append(k).Append('=').Append(v).Append('\u001f');
            sb.Append('\n');
        }
        return Convert.ToHexString(Sha256.Hash(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <inheritdoc />
    public void Dispose() { }
}

/// <summary>TensorBoard scalars and histograms (x axis: environment steps) through the toolkit's <see cref="EventFileWriter"/>.</summary>
public sealed class TensorBoardSink : ITrainingSink
{
    private readonly EventFileWriter _writer;

    /// <summary>Opens a new event file in <paramref name="directory"/> (a resumed run adds another file to the same folder).</summary>
    public TensorBoardSink(string directory, Func<double>? clock = null) => _writer = new EventFileWriter(directory, clock);

    /// <summary>The event file.</summary>
    public string Path => _writer.Path;

    /// <inheritdoc />
    public void Write(IterationRecord r)
    {
        long s = r.EnvSteps;
        _writer.Scalar("rollout/episodes", r.Episodes, s);
        if (r.EpisodeReturnMean is double ret) _writer.Scalar("rollout/ep_return_mean", ret, s);
        if (r.EpisodeLengthMean is double len) _writer.Scalar("rollout/ep_len_mean", len, s);
        if (r.RecentReturnMean is double recent) _writer.Scalar("rollout/recent_return_mean", recent, s);
        foreach (var (name, value) in r.Scalars) _writer.Scalar("train/" + name, value, s);
        foreach (var d in r.Diagnostics)
        {
            _writer.Scalar($"diag/{d.Name}/norm", d.Norm, s);
            if (d.UpdateRatio is double ratio) _writer.Scalar($"diag/{d.Name}/update_ratio", ratio, s);
        }
        foreach (var (tag, values) in r.Histograms) _writer.Histogram(tag, values, s);
        if (r.Evaluation is { } e) Evaluation(e, s);
        _writer.Scalar("time/steps_per_second", r.StepsPerSecond, s);
        _writer.Flush();
    }

    /// <inheritdoc />
    public void WriteFinalEvaluation(int iteration, long envSteps, EvalResult e)
    {
        Evaluation(e, envSteps);
        _writer.Scalar("eval/final_mean_return", e.MeanReturn, envSteps);
        _writer.Flush();
    }

    private void Evaluation(EvalResult e, long s)
    {
        _writer.Scalar("eval/mean_return", e.MeanReturn, s);
        _writer.Scalar("eval/std_return", e.StdReturn, s);
        _writer.Scalar("eval/mean_length", e.MeanLength, s);
    }

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();
}

/// <summary>The learning-curve PNG, drawn from <c>metrics.csv</c> when training stops.</summary>
public sealed class LearningCurveSink : ITrainingSink
{
    private readonly string _path;
    private readonly CsvLog _metrics;
    private readonly string _title;
    private readonly double? _threshold;
    private readonly int _recentEpisodes;

    /// <summary>Creates the sink and starts loading the plotting library in the background (<see cref="LearningCurve.WarmUp"/>).</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="metrics">The metrics whose rows are plotted.</param>
    /// <param name="title">The plot title.</param>
    /// <param name="threshold">The reward threshold to draw, if any.</param>
    /// <param name="recentEpisodes">The window of the recent mean, for the legend.</param>
    public LearningCurveSink(string path, CsvLog metrics, string title, double? threshold, int recentEpisodes)
    {
        (_path, _metrics, _title, _threshold, _recentEpisodes) = (path, metrics, title, threshold, recentEpisodes);
        LearningCurve.WarmUp();
    }

    /// <inheritdoc />
    public void Write(IterationRecord record) { }

    /// <inheritdoc />
    public void Close(TrainingOutcome outcome) => Draw();

    /// <summary>Draws the plot from the rows so far (also usable after an exception).</summary>
    public void Draw() => LearningCurve.Write(_path, _metrics.Rows, _title, _threshold, _recentEpisodes);

    /// <inheritdoc />
    public void Dispose() { }
}

/// <summary>A run directory's file names.</summary>
public static class RunFiles
{
    /// <summary>Per-iteration metrics (deterministic for a given config and seed).</summary>
    public const string Metrics = "metrics.csv";

    /// <summary>Per-iteration wall-clock times.</summary>
    public const string Timing = "timing.csv";

    /// <summary>The resolved config (written by the runner).</summary>
    public const string Config = "config.toml";

    /// <summary>The learning curve.</summary>
    public const string Plot = "learning_curve.png";

    /// <summary>How the run ended, as JSON.</summary>
    public const string Result = "result.json";

    /// <summary>The TensorBoard log folder.</summary>
    public const string TensorBoard = "tensorboard";

    /// <summary>The checkpoint folder.</summary>
    public const string Checkpoints = "checkpoints";
}
