using System.Globalization;
using Rl.Training;
using Spectre.Console;

namespace Rl.Experiments.Training;

/// <summary>A live Spectre.Console progress bar (steps, episodes, recent mean return, steps/s, ETA) for terminals.</summary>
public sealed class LiveProgress(IAnsiConsole console, ProgressTask task) : IProgressSink
{
    /// <inheritdoc />
    public void Report(ProgressReport r)
    {
        var inv = CultureInfo.InvariantCulture;
        task.MaxValue = r.TotalSteps;
        task.Value = Math.Min(r.EnvSteps, r.TotalSteps);
        string recent = r.RecentMeanReturn is double m ? m.ToString("0.0", inv) : "-";
        string eval = r.LastEval is { } e ? string.Create(inv, $" | eval {e.MeanReturn:0.0}") : "";
        // Short enough for an 80-column terminal next to the bar, percentage and ETA columns.
        task.Description = Markup.Escape(
            $"{Compact(r.EnvSteps)}/{Compact(r.TotalSteps)} steps | {Compact(r.Episodes)} ep | return {recent}{eval} | {Compact(r.StepsPerSecond)}/s");
    }

    /// <summary>1234 → 1.2k, 3400000 → 3.4M.</summary>
    public static string Compact(double v) => v switch
    {
        >= 1e9 => (v / 1e9).ToString("0.#", CultureInfo.InvariantCulture) + "G",
        >= 1e6 => (v / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 1e4 => (v / 1e3).ToString("0", CultureInfo.InvariantCulture) + "k",
        >= 1e3 => (v / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ => v.ToString("0", CultureInfo.InvariantCulture),
    };

    /// <inheritdoc />
    public void Message(string line) => console.MarkupLine(Markup.Escape(line));

    /// <inheritdoc />
    public void Finish(ProgressReport report)
    {
        Report(report);
        task.StopTask();
    }
}
