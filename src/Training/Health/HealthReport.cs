using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rl.Training.Health;

/// <summary>The kinds of training-health warning, with their ids as written to <c>health.json</c>.</summary>
public static class HealthChecks
{
    /// <summary>A layer's update/weight ratio is far below 1e-3: the weights barely move.</summary>
    public const string UpdateRatioLow = "update_ratio_low";

    /// <summary>A layer's update/weight ratio is far above 1e-3: each step rewrites the weights.</summary>
    public const string UpdateRatioHigh = "update_ratio_high";

    /// <summary>A weight or parameter norm exploded.</summary>
    public const string WeightExplosion = "weight_explosion";

    /// <summary>A layer's gradient norm exploded.</summary>
    public const string GradientExplosion = "gradient_explosion";

    /// <summary>A layer's gradient vanished.</summary>
    public const string GradientVanishing = "gradient_vanishing";

    /// <summary>Most units of a ReLU layer never activate.</summary>
    public const string DeadUnits = "dead_units";

    /// <summary>The policy entropy collapsed early.</summary>
    public const string EntropyCollapse = "entropy_collapse";

    /// <summary>The value (or Q) loss exploded.</summary>
    public const string ValueLossExplosion = "value_loss_explosion";

    /// <summary>Evaluation returns far below the training returns.</summary>
    public const string EvalGap = "eval_below_training";

    /// <summary>Training stopped on a value that is not finite (NaN or infinity).</summary>
    public const string Diverged = "diverged";

    /// <summary>Every check id, in the order of the report.</summary>
    public static readonly IReadOnlyList<string> All =
        [Diverged, UpdateRatioLow, UpdateRatioHigh, WeightExplosion, GradientExplosion, GradientVanishing, DeadUnits, EntropyCollapse, ValueLossExplosion, EvalGap];
}

/// <summary>One finding of a training-health check, raised the first time the check fires.</summary>
/// <param name="Check">The check's id (<see cref="HealthChecks"/>).</param>
/// <param name="Title">What was seen, in a few words.</param>
/// <param name="Iteration">The iteration at which it was first seen.</param>
/// <param name="EnvSteps">The environment step at which it was first seen.</param>
/// <param name="Findings">Each affected layer or metric with the measured value that fired the check (first detection).</param>
/// <param name="Meaning">What it means.</param>
/// <param name="Advice">What to try.</param>
public sealed record HealthWarning(string Check, string Title, int Iteration, long EnvSteps, IReadOnlyList<HealthFinding> Findings, string Meaning, string Advice)
{
    /// <summary>The warning in one line (as printed live).</summary>
    public string Line()
    {
        string where = string.Join("; ", Findings.Take(3).Select(f => $"{f.Subject}: {f.Measured}")) + (Findings.Count > 3 ? $"; and {Findings.Count - 3} more" : "");
        return string.Create(CultureInfo.InvariantCulture,
            $"health warning at iteration {Iteration} (step {EnvSteps:N0}): {Title} ({where}). {Meaning} Try: {Advice}");
    }
}

/// <summary>A layer or metric a warning concerns, with what was measured.</summary>
/// <param name="Subject">The layer (<c>policy/body.layers.linear0.weight</c>) or metric (<c>loss/value</c>).</param>
/// <param name="Measured">The measured value against its threshold, as text.</param>
public sealed record HealthFinding(string Subject, string Measured);

/// <summary>The per-layer diagnostics of a run, summarised (medians over the run and over the latest window).</summary>
/// <param name="Layer">The network and parameter (or ReLU module) name.</param>
/// <param name="Reports">Diagnosed updates seen.</param>
/// <param name="UpdateRatio">Median ‖Δw‖/‖w‖ over the run (null: not reported).</param>
/// <param name="FirstWeightNorm">‖w‖ at the first report.</param>
/// <param name="LastWeightNorm">‖w‖ at the last report.</param>
/// <param name="GradNorm">Median gradient norm of the latest window.</param>
/// <param name="DeadFraction">Median fraction of dead ReLU units of the latest window.</param>
public sealed record LayerHealth(string Layer, int Reports, double? UpdateRatio, double? FirstWeightNorm, double? LastWeightNorm, double? GradNorm, double? DeadFraction);

/// <summary>
/// What the training-health checks found in a run: the warnings (each with meaning and advice) and a per-layer summary.
/// Written to the run directory as <c>health.json</c> and <c>health.md</c>, and printed at the end of training.
/// </summary>
public sealed record HealthReport
{
    /// <summary>Iterations examined.</summary>
    public int Iterations { get; init; }

    /// <summary>Environment steps at the last iteration examined.</summary>
    public long EnvSteps { get; init; }

    /// <summary>How training ended (snake case, e.g. <c>budget_reached</c>), null while it runs.</summary>
    public string? Status { get; init; }

    /// <summary>The checks that had data to work on (e.g. no gradient checks for a gradient-free algorithm).</summary>
    public IReadOnlyList<string> Checked { get; init; } = [];

    /// <summary>The warnings, in the order of <see cref="HealthChecks.All"/>.</summary>
    public IReadOnlyList<HealthWarning> Warnings { get; init; } = [];

    /// <summary>The per-layer summary.</summary>
    public IReadOnlyList<LayerHealth> Layers { get; init; } = [];

    /// <summary>The thresholds in force.</summary>
    public HealthOptions Options { get; init; } = new();

    /// <summary>Whether no check fired.</summary>
    [JsonIgnore]
    public bool Healthy => Warnings.Count == 0;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The report as JSON (snake_case keys).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    /// <summary>Reads a report written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">If the text is not such a report.</exception>
    public static HealthReport FromJson(string json) =>
        JsonSerializer.Deserialize<HealthReport>(json, Json) ?? throw new JsonException("health report is empty (null)");

    /// <summary>The summary printed at the end of training: one line per warning, or that none fired.</summary>
    public IReadOnlyList<string> SummaryLines()
    {
        var lines = new List<string>();
        if (Warnings.Count == 0)
        {
            lines.Add($"training health: no warnings ({(Checked.Count == 0 ? "no diagnostics to check" : "checked: " + string.Join(", ", Checked))})");
            return lines;
        }
        lines.Add($"training health: {Warnings.Count} warning{(Warnings.Count == 1 ? "" : "s")}");
        foreach (var w in Warnings)
        {
            lines.Add($"  - {w.Title}, from iteration {w.Iteration} (step {w.EnvSteps.ToString("N0", CultureInfo.InvariantCulture)}): " +
                      string.Join("; ", w.Findings.Take(4).Select(f => $"{f.Subject}: {f.Measured}")) + (w.Findings.Count > 4 ? $"; and {w.Findings.Count - 4} more" : ""));
            lines.Add($"    {w.Meaning} Try: {w.Advice}");
        }
        return lines;
    }

    /// <summary>The report as a Markdown page (<c>health.md</c>).</summary>
    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("# Training health\n\n");
        sb.Append(c, $"{Iterations} iterations, {EnvSteps:N0} environment steps{(Status is null ? "" : $", ended: {Status}")}. ");
        sb.Append(Checked.Count == 0 ? "No diagnostics to check.\n\n" : $"Checks with data: {string.Join(", ", Checked)}.\n\n");
        if (Warnings.Count == 0) sb.Append("No warnings.\n\n");
        foreach (var w in Warnings)
        {
            sb.Append(c, $"## {w.Title} (`{w.Check}`)\n\nFirst seen at iteration {w.Iteration} (step {w.EnvSteps:N0}).\n\n");
            foreach (var f in w.Findings) sb.Append($"- `{f.Subject}`: {f.Measured}\n");
            sb.Append($"\n**What it means:** {w.Meaning}\n\n**What to try:** {w.Advice}\n\n");
        }
        if (Layers.Count > 0)
        {
            sb.Append("## Layers\n\n| layer | reports | median update/weight | weight norm first → last | grad norm (latest) | dead units (latest) |\n");
            sb.Append("|---|---:|---:|---:|---:|---:|\n");
            foreach (var l in Layers)
                sb.Append($"| `{l.Layer}` | {l.Reports} | {Num(l.UpdateRatio)} | {(l.FirstWeightNorm is null ? "" : $"{Num(l.FirstWeightNorm)} → {Num(l.LastWeightNorm)}")} | {Num(l.GradNorm)} | " +
                          $"{(l.DeadFraction is double d ? d.ToString("P0", c) : "")} |\n");
            sb.Append('\n');
        }
        sb.Append("Thresholds (`[run.health]`): ");
        sb.Append(string.Join(", ", typeof(HealthOptions).GetProperties().Select(p => $"{Snake(p.Name)} = {Convert.ToString(p.GetValue(Options), c)?.ToLowerInvariant()}")));
        sb.Append(".\n");
        return sb.ToString();
    }

    /// <summary>A number in short scientific or fixed form (empty for null).</summary>
    public static string Num(double? v) => v switch
    {
        null => "",
        double x when !double.IsFinite(x) => x.ToString(CultureInfo.InvariantCulture),
        double x when x != 0 && (Math.Abs(x) < 1e-2 || Math.Abs(x) >= 1e4) => x.ToString("0.0e+0", CultureInfo.InvariantCulture),
        double x => x.ToString("0.###", CultureInfo.InvariantCulture),
    };

    /// <summary>The snake_case form of a PascalCase name (<c>UpdateRatioMin</c> → <c>update_ratio_min</c>).</summary>
    internal static string Snake(string name) => string.Concat(name.Select((ch, i) => char.IsUpper(ch) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(ch) : ch.ToString()));
}
