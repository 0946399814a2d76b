using System.Globalization;
using System.Text;
using Rl.Training.Plotting;

namespace Rl.Training.Sweeps;

/// <summary>
/// The results of a <see cref="Sweep"/>: the trials ranked best first as a text table, <c>results.csv</c> and
/// <c>results.md</c>, and one plot of score against each hyperparameter (<c>score-vs-&lt;key&gt;.png</c>).
/// </summary>
public static class SweepReport
{
    /// <summary>The CSV results file.</summary>
    public const string CsvFile = "results.csv";

    /// <summary>The Markdown results file.</summary>
    public const string MarkdownFile = "results.md";

    /// <summary>The columns before the parameters.</summary>
    public static readonly IReadOnlyList<string> LeadingColumns = ["rank", "trial", "stage", "state", "score", "env_steps", "rungs", "wall_seconds"];

    /// <summary>The table: a header and one row per trial, best first (values as displayed; empty cells for none).</summary>
    public static (IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) Table(Sweep sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var keys = sweep.Settings.Space.Parameters.Select(p => p.Key).ToList();
        var header = LeadingColumns.Concat(keys).Append("reason").ToList();
        var rows = new List<IReadOnlyList<string>>();
        int rank = 0;
        foreach (var t in Sweep.Ranking(sweep.Trials))
        {
            var values = t.ParsedValues();
            var row = new List<string>
            {
                (++rank).ToString(CultureInfo.InvariantCulture), t.Name, (t.Stage + 1).ToString(CultureInfo.InvariantCulture),
                t.State.ToString().ToLowerInvariant(),
                t.Score is double s ? s.ToString("0.##", CultureInfo.InvariantCulture) : "",
                t.EnvSteps.ToString(CultureInfo.InvariantCulture), t.Rungs.Count.ToString(CultureInfo.InvariantCulture),
                t.WallSeconds.ToString("0.0", CultureInfo.InvariantCulture),
            };
            row.AddRange(keys.Select(k => SweepParameter.Display(values[k])));
            row.Add(t.Reason ?? "");
            rows.Add(row);
        }
        return (header, rows);
    }

    /// <summary>The table as aligned text columns (the reason column last, unpadded).</summary>
    public static string Text(Sweep sweep)
    {
        var (header, rows) = Table(sweep);
        var all = rows.Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Count - 1).Select(c => all.Max(r => r[c].Length)).ToList();
        var sb = new StringBuilder();
        foreach (var r in all)
        {
            for (int c = 0; c < header.Count - 1; c++) sb.Append(r[c].PadRight(widths[c])).Append("  ");
            sb.Append(r[^1]).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The table as Markdown.</summary>
    public static string Markdown(Sweep sweep)
    {
        var (header, rows) = Table(sweep);
        static string Cell(string s) => s.Replace("|", "\\|");
        var sb = new StringBuilder();
        sb.Append("| ").Append(string.Join(" | ", header.Select(Cell))).Append(" |\n");
        sb.Append('|').Append(string.Concat(header.Select(_ => "---|"))).Append('\n');
        foreach (var r in rows) sb.Append("| ").Append(string.Join(" | ", r.Select(Cell))).Append(" |\n");
        return sb.ToString();
    }

    /// <summary>The table as CSV (full-precision values: TOML literals, unquoted strings).</summary>
    public static string Csv(Sweep sweep)
    {
        var (header, _) = Table(sweep);
        var keys = sweep.Settings.Space.Parameters.Select(p => p.Key).ToList();
        static string Quote(string s) => s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
        var sb = new StringBuilder();
        sb.Append(string.Join(",", header.Select(Quote))).Append('\n');
        int rank = 0;
        foreach (var t in Sweep.Ranking(sweep.Trials))
        {
            var values = t.ParsedValues();
            var cells = new List<string>
            {
                (++rank).ToString(CultureInfo.InvariantCulture), t.Name, (t.Stage + 1).ToString(CultureInfo.InvariantCulture),
                t.State.ToString().ToLowerInvariant(), t.Score is double s ? s.ToString("R", CultureInfo.InvariantCulture) : "",
                t.EnvSteps.ToString(CultureInfo.InvariantCulture), t.Rungs.Count.ToString(CultureInfo.InvariantCulture),
                t.WallSeconds.ToString("R", CultureInfo.InvariantCulture),
            };
            cells.AddRange(keys.Select(k => values[k] is string str ? str : SweepParameter.Format(values[k])));
            cells.Add(t.Reason ?? "");
            sb.Append(string.Join(",", cells.Select(Quote))).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The plot file of parameter <paramref name="key"/>: <c>score-vs-config.step_size.png</c>.</summary>
    public static string PlotFile(string key) => "score-vs-" + string.Concat(key.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_')) + ".png";

    /// <summary>
    /// Writes results.csv, results.md and one plot per parameter into the sweep directory; returns the files written.
    /// Each plot shows every trial's latest evaluation against the parameter's value (log axis for log-uniform parameters,
    /// the choices' names for choices), trials that reached their stage's full budget or solved apart from stopped ones.
    /// </summary>
    public static IReadOnlyList<string> Write(Sweep sweep, string title)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var files = new List<string>();
        void Put(string name, string text)
        {
            string path = Path.Combine(sweep.Directory, name);
            RunFileSystem.Default.WriteAllTextAtomic(path, text);
            files.Add(path);
        }
        Put(CsvFile, Csv(sweep));
        Put(MarkdownFile, $"# {title}\n\n" + Markdown(sweep));
        foreach (var p in sweep.Settings.Space.Parameters)
        {
            string path = Path.Combine(sweep.Directory, PlotFile(p.Key));
            Plot(sweep, p, path, title);
            files.Add(path);
        }
        return files;
    }

    private static void Plot(Sweep sweep, SweepParameter p, string path, string title)
    {
        var chart = new Chart
        {
            Title = title,
            XLabel = p.Kind == ParameterKind.LogUniform ? $"log10({p.Key})" : p.Key,
            YLabel = "evaluation mean return (latest rung)",
            Legend = LegendPlace.Below,
        };
        var choices = p.Kind == ParameterKind.Choice ? p.Choices.Select(SweepParameter.Format).ToList() : null;
        double X(object v) => choices is not null ? choices.IndexOf(SweepParameter.Format(v))
            : p.Kind == ParameterKind.LogUniform ? Math.Log10(Convert.ToDouble(v, CultureInfo.InvariantCulture))
            : Convert.ToDouble(v, CultureInfo.InvariantCulture);
        var groups = new (string Label, Func<TrialRecord, bool> Where, Marker Shape)[]
        {
            ("its stage's full budget, or solved", t => t.State is TrialState.Completed or TrialState.Solved, Marker.FilledCircle),
            ("pruned at a rung", t => t.State == TrialState.Pruned, Marker.OpenCircle),
            ("stopped (loss exploded, diverged)", t => t.State is TrialState.Exploded or TrialState.Diverged, Marker.Cross),
        };
        for (int g = 0; g < groups.Length; g++)
        {
            var (label, where, shape) = groups[g];
            var trials = sweep.Trials.Where(where).Where(t => t.Score is not null || t.Rungs.Count > 0).ToList();
            if (trials.Count == 0) continue;
            // A stopped trial without a score is drawn at its last evaluation before it stopped, if any.
            var points = trials.Select(t => (X: X(t.ParsedValues()[p.Key]), Y: t.Score ?? t.Rungs.LastOrDefault(r => r.Score is not null)?.Score))
                .Where(q => q.Y is not null).ToList();
            if (points.Count == 0) continue;
            chart.Add(points.Select(q => q.X).ToArray(), points.Select(q => q.Y!.Value).ToArray(), Chart.Palette[g], label, lineWidth: 0,
                marker: shape, markerSize: 9);
        }
        if (choices is not null)
        {
            chart.SetXTicks(choices.Select((c, i) => ((double)i, c.Trim('"'))));
            chart.SetXLimits(-0.5, choices.Count - 0.5);
        }
        Figure.SavePng(path, 800, 560, chart);
    }
}
