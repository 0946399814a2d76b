using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Rl.Training.Health;

/// <summary>
/// The thresholds of the training-health checks (<see cref="HealthMonitor"/>): the course's "babysitting" advice turned into
/// warnings. The runner reads them from a config's <c>[run.health]</c> table (same names in snake_case); library users set
/// <see cref="TrainerOptions.Health"/>. Every property has a documented default, chosen so that the shipped configurations
/// that solve their environments raise no warning.
/// </summary>
public sealed record HealthOptions : IValidatableObject
{
    /// <summary>Run the checks at all (the report is still written, empty, when false).</summary>
    [Description("Run the training-health checks (update/weight ratio, norms, dead units, entropy, value loss, evaluation gap).")]
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Diagnosed updates a layer needs before its update ratio, gradient and dead-unit checks apply, and the window (the
    /// latest this many reports) whose median those checks use.
    /// </summary>
    [Description("Diagnosed updates before the per-layer checks apply, and the window of latest reports whose median they use.")]
    [Range(1, 10_000)]
    public int Window { get; init; } = 5;

    /// <summary>
    /// Too small an update/weight ratio ‖Δw‖/‖w‖ of a weight matrix: the median over its first 2 × <see cref="Window"/> diagnosed
    /// updates below this (healthy: about 1e-3) means the weights barely move from the start: learning rate too low, or
    /// training stuck. (Later updates may rightly be small: a converged value function, a decayed learning rate.)
    /// </summary>
    [Description("Warn when a layer's median update/weight ratio over its first 2 x window updates is below this (healthy: about 1e-3).")]
    [Range(0.0, 1.0)]
    public double UpdateRatioMin { get; init; } = 1e-5;

    /// <summary>
    /// Too large an update/weight ratio: at one diagnosed update, the median over a network's weight layers above this (1:
    /// the step is as large as the weights) means each step rewrites the weights: learning rate too high, training
    /// unstable. (Per network, not per layer: a layer initialised near zero, such as a small policy head, has large ratios
    /// on its first steps in healthy runs.)
    /// </summary>
    [Description("Warn when, at one update, the median update/weight ratio over a network's weight layers is above this (healthy: about 1e-3).")]
    [Range(0.0, 1e6)]
    public double UpdateRatioMax { get; init; } = 1.0;

    /// <summary>Weight explosion: a layer's weight norm grew to more than this many times its first reported norm.</summary>
    [Description("Warn when a layer's weight norm grows to more than this many times its first value (exploding weights).")]
    [Range(1.0, 1e12)]
    public double WeightNormGrowth { get; init; } = 50;

    /// <summary>Weight explosion for any algorithm (gradient-free ones included): a weight or parameter norm above this.</summary>
    [Description("Warn when any weight or parameter norm exceeds this (exploding parameters, gradient-free algorithms included).")]
    [Range(0.0, 1e30)]
    public double WeightNormMax { get; init; } = 1e4;

    /// <summary>Gradient explosion: a layer's gradient norm grew to more than this many times its median over its first 3 reports.</summary>
    [Description("Warn when a layer's gradient norm exceeds this many times its median over the first 3 reports.")]
    [Range(1.0, 1e12)]
    public double GradNormGrowth { get; init; } = 1000;

    /// <summary>Vanishing gradients: a layer's gradient norm relative to its weight norm (median of the window) below this.</summary>
    [Description("Warn when a layer's gradient norm / weight norm (median of the latest window) is below this (vanishing gradients).")]
    [Range(0.0, 1.0)]
    public double GradNormMin { get; init; } = 1e-7;

    /// <summary>Dead ReLU units: the fraction of a layer's units that no update sample activated (median of the window) at or above this.</summary>
    [Description("Warn when the fraction of a ReLU layer's units that never activate (median of the latest window) is at least this.")]
    [Range(0.0, 1.0)]
    public double DeadUnitFraction { get; init; } = 0.5;

    /// <summary>
    /// Entropy collapse: the policy entropy fell below this fraction of a uniform policy's (ln n for n discrete actions), or the Gaussian
    /// policy's standard deviation to below this fraction of its starting value (continuous actions: the entropy fell by
    /// ln(1/fraction) per action dimension), before <see cref="EntropyCollapseBefore"/> of the budget.
    /// </summary>
    [Description("Warn when the policy entropy falls below this fraction of its start (discrete) or the std to this fraction (continuous), early.")]
    [Range(0.0, 1.0)]
    public double EntropyCollapseFraction { get; init; } = 0.05;

    /// <summary>"Early" for the entropy check: before this fraction of the step budget.</summary>
    [Description("The entropy check counts a collapse before this fraction of the step budget.")]
    [Range(0.0, 1.0)]
    public double EntropyCollapseBefore { get; init; } = 0.5;

    /// <summary>Value-loss explosion: the value (or Q) loss exceeds this many times its median over the first 3 iterations.</summary>
    [Description("Warn when the value (or Q) loss exceeds this many times its median over the first 3 iterations.")]
    [Range(1.0, 1e12)]
    public double ValueLossGrowth { get; init; } = 1000;

    /// <summary>
    /// Evaluation far below training: (training mean − evaluation mean) / mean(|training|, |evaluation|) above this, at an
    /// evaluation (the deterministic policy does much worse than the sampled one, or the policy fits its training episodes only).
    /// </summary>
    [Description("Warn when an evaluation falls below the recent training return by more than this relative gap.")]
    [Range(0.0, 100.0)]
    public double EvalGap { get; init; } = 0.5;

    /// <summary>Checks every threshold (for library users; the runner checks the attributes when it binds the config).</summary>
    /// <exception cref="ArgumentException">Naming each threshold that is out of range.</exception>
    public void Validate()
    {
        var problems = Validate(new ValidationContext(this)).Select(r => r.ErrorMessage).ToList();
        foreach (var p in typeof(HealthOptions).GetProperties())
        {
            if (p.GetCustomAttributes(typeof(RangeAttribute), false).FirstOrDefault() is not RangeAttribute range) continue;
            object? value = p.GetValue(this);
            if (!range.IsValid(value))
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{p.Name} = {value}: must be in [{range.Minimum}, {range.Maximum}]"));
        }
        if (problems.Count > 0) throw new ArgumentException("health options rejected: " + string.Join("; ", problems));
    }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var p in typeof(HealthOptions).GetProperties().Where(p => p.PropertyType == typeof(double)))
            if (!double.IsFinite((double)p.GetValue(this)!))
                yield return new ValidationResult($"{p.Name} must be finite", [p.Name]);
        if (UpdateRatioMax <= UpdateRatioMin)
            yield return new ValidationResult($"update_ratio_max ({UpdateRatioMax}) must be greater than update_ratio_min ({UpdateRatioMin})",
                [nameof(UpdateRatioMin), nameof(UpdateRatioMax)]);
    }
}
