using System.CommandLine;
using Rl.Experiments.Cli;
using Rl.Training.Experiments;

namespace Rl.Experiments.Commands;

/// <summary><c>rl compare</c>: runs and seed groups side by side, as a table and a two-panel learning-curve figure.</summary>
public static class CompareCommand
{
    /// <summary>The command: its arguments, options, help and action.</summary>
    public static Command Create()
    {
        var inputs = new Argument<string[]>("RUN_OR_GROUP")
        {
            HelpName = "RUN_OR_GROUP",
            Description = "a run directory (rl train --out) or a seed group (rl train --seeds ... --out); NAME=DIR names it in the table " +
                          "and legend (default: the directory's name)",
            Arity = ArgumentArity.OneOrMore,
        };
        var figure = Opt.Text("--out", "FIG.png", "write the figure: returns against environment steps (top) and training wall time " +
            "(bottom); a group is its IQM over seeds with a 95% stratified bootstrap band, a single run a line");
        var markdown = Opt.Text("--markdown", "FILE", "also write the table as Markdown (for the docs)");
        var metric = Opt.TextOr("--metric", "auto", "auto|eval|train", "the curves' y value: eval (evaluation mean return), train (mean " +
            "return of the training episodes that ended in each iteration) or auto (eval when every run evaluated at least three times, else train)")
            .Words("auto", "eval", "train");
        var command = new Command("compare", "Compare runs and seed groups: a table (IQM and 95% CI, steps and time to the threshold) and learning curves")
        {
            inputs, figure, markdown, metric,
        };
        command.Notes("""
            The table: IQM of the final evaluation over a group's runs with its 95% stratified bootstrap confidence interval
            (50,000 repetitions, seed 0), the IQM of the best evaluation, how many runs reached the reward threshold, and the
            median steps and wall time to the first evaluation reaching it (docs/experiments.md).
            """);
        return command.Runs(r => Compare(new CompareOptions(r.GetValue(inputs) ?? [], r.GetValue(figure), r.GetValue(markdown), r.GetValue(metric) switch
        {
            null or "auto" => null,
            "eval" => CurveMetric.Evaluation,
            "train" => CurveMetric.TrainingReturn,
            var m => throw new UsageException($"rl compare: --metric '{m}' is not one of auto, eval, train"),
        }), Console.Out));
    }

    /// <summary>What <c>rl compare</c> was asked to do.</summary>
    /// <param name="Inputs">The runs or groups, each <c>DIR</c> or <c>NAME=DIR</c>.</param>
    /// <param name="Figure">The figure to write, if any.</param>
    /// <param name="Markdown">The Markdown table to write, if any.</param>
    /// <param name="Metric">The curves' y value; null: automatic.</param>
    public sealed record CompareOptions(IReadOnlyList<string> Inputs, string? Figure = null, string? Markdown = null, CurveMetric? Metric = null);

    /// <summary>Runs <c>rl compare</c> with parsed options, printing the table to <paramref name="output"/>.</summary>
    /// <exception cref="UsageException">If no run is given, or a directory is neither a run nor a seed group.</exception>
    public static int Compare(CompareOptions o, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(output);
        if (o.Inputs.Count == 0) throw new UsageException("rl compare: give at least one run directory or seed group");
        if (o.Figure is not null && !o.Figure.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"rl compare: --out '{o.Figure}' must name a .png file");
        var groups = new List<RunGroup>();
        foreach (string input in o.Inputs)
        {
            string? name = null, path = input;
            int eq = input.IndexOf('=');
            if (eq > 0 && !Directory.Exists(input)) (name, path) = (input[..eq], input[(eq + 1)..]);
            try
            {
                groups.Add(RunGroup.Load(path, name));
            }
            catch (Exception e) when (e is DirectoryNotFoundException or InvalidDataException)
            {
                throw new UsageException($"rl compare: {e.Message}");
            }
        }
        var dup = groups.GroupBy(g => g.Name).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new UsageException($"rl compare: two inputs are both named '{dup.Key}'; name them with NAME=DIR");
        var comparison = new Comparison(groups);
        output.Write(comparison.ToText());
        if (o.Markdown is not null)
        {
            File.WriteAllText(o.Markdown, comparison.ToMarkdown());
            output.WriteLine($"table: {o.Markdown}");
        }
        if (o.Figure is not null)
        {
            var envs = groups.Select(g => g.Env).Distinct().ToList();
            string title = envs.Count == 1 && envs[0] is { } env ? $"{env}: {string.Join(" vs ", groups.Select(g => g.Name))}" : string.Join(" vs ", groups.Select(g => g.Name));
            ExperimentPlots.WriteComparison(o.Figure, groups, title, o.Metric);
            output.WriteLine($"figure: {o.Figure}");
        }
        return 0;
    }
}
