using System.Globalization;

namespace Rl.Training;

/// <summary>Where training stands after an iteration, for progress displays.</summary>
/// <param name="Iteration">Iterations completed.</param>
/// <param name="EnvSteps">Environment steps so far.</param>
/// <param name="TotalSteps">The step budget.</param>
/// <param name="Episodes">Training episodes finished so far.</param>
/// <param name="RecentMeanReturn">Mean return of the recent training episodes (null before the first one ends).</param>
/// <param name="StepsPerSecond">Environment steps per second since this process started training.</param>
/// <param name="Elapsed">Wall time since this process started training.</param>
/// <param name="LastEval">The latest evaluation, if any.</param>
public sealed record ProgressReport(int Iteration, long EnvSteps, long TotalSteps, long Episodes, double? RecentMeanReturn,
    double StepsPerSecond, TimeSpan Elapsed, EvalResult? LastEval)
{
    /// <summary>Estimated time to the step budget at the current rate.</summary>
    public TimeSpan? Eta => StepsPerSecond > 0 ? TimeSpan.FromSeconds(Math.Max(0, TotalSteps - EnvSteps) / StepsPerSecond) : null;

    /// <summary>The status as one plain line.</summary>
    public string ToLine()
    {
        var inv = CultureInfo.InvariantCulture;
        string recent = RecentMeanReturn is double r ? r.ToString("0.0", inv) : "-";
        string eval = LastEval is { } e ? string.Create(inv, $"  eval {e.MeanReturn:0.0}") : "";
        double pct = 100.0 * Math.Min(EnvSteps, TotalSteps) / TotalSteps;
        return string.Create(inv,
            $"[{Clock(Elapsed)}] iter {Iteration}  steps {EnvSteps:N0}/{TotalSteps:N0} ({pct:0.0}%)  episodes {Episodes:N0}  " +
            $"recent mean return {recent}{eval}  {StepsPerSecond:N0} steps/s  ETA {(Eta is { } t ? Clock(t) : "-")}");
    }

    /// <summary>h:mm:ss (or m:ss).</summary>
    public static string Clock(TimeSpan t) =>
        t.TotalHours >= 1
            ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}"
            : $"{t.Minutes}:{t.Seconds:00}";
}

/// <summary>Receives training progress.</summary>
public interface IProgressSink
{
    /// <summary>Called after every iteration.</summary>
    void Report(ProgressReport report);

    /// <summary>A line of news (evaluation, checkpoint, warning).</summary>
    void Message(string line);

    /// <summary>Called once when training stops.</summary>
    void Finish(ProgressReport report);
}

/// <summary>Plain periodic lines, for output that is not a terminal (CI logs, pipes, files).</summary>
public sealed class PlainProgress(TextWriter output, double seconds) : IProgressSink
{
    private TimeSpan? _last;

    /// <inheritdoc />
    public void Report(ProgressReport report)
    {
        if (_last is { } last && (report.Elapsed - last).TotalSeconds < seconds) return;
        _last = report.Elapsed;
        output.WriteLine(report.ToLine());
    }

    /// <inheritdoc />
    public void Message(string line) => output.WriteLine(line);

    /// <inheritdoc />
    public void Finish(ProgressReport report)
    {
        output.WriteLine(report.ToLine());
        output.Flush();
    }
}

