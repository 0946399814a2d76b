namespace Rl.Agents.Optimization;

/// <summary>The learning-rate schedules the course lists.</summary>
public enum LrScheduleKind
{
    /// <summary>The base rate throughout.</summary>
    Constant,

    /// <summary>Multiply by γ every <see cref="LrSchedule.StepSize"/> updates.</summary>
    Step,

    /// <summary>Linear from the base rate to base × final fraction over the horizon, then constant.</summary>
    Linear,

    /// <summary>Half a cosine from the base rate to base × final fraction over the horizon, then constant.</summary>
    Cosine,

    /// <summary>Triangular cycles (Smith 2017) between base × min fraction and the base rate.</summary>
    Cyclical,
}

/// <summary>
/// A learning-rate schedule as a pure function of the update count t (optimizer steps taken), so its position is just
/// that counter in a checkpoint and every value can be computed by hand.
/// </summary>
public sealed record LrSchedule
{
    /// <summary>The schedule. Default constant.</summary>
    public LrScheduleKind Kind { get; init; } = LrScheduleKind.Constant;

    /// <summary>Step schedule: updates between decays. Default 1000.</summary>
    public int StepSize { get; init; } = 1000;

    /// <summary>Step schedule: the decay factor γ. Default 0.5.</summary>
    public double Gamma { get; init; } = 0.5;

    /// <summary>Linear and cosine: updates over which the rate decays. Default 1000.</summary>
    public int Horizon { get; init; } = 1000;

    /// <summary>Linear and cosine: the final rate as a fraction of the base rate. Default 0.</summary>
    public double FinalFraction { get; init; }

    /// <summary>Cyclical: updates per full cycle (low → high → low). Default 1000.</summary>
    public int CycleLength { get; init; } = 1000;

    /// <summary>Cyclical: the low rate as a fraction of the base rate. Default 0.1.</summary>
    public double MinFraction { get; init; } = 0.1;

    /// <summary>The learning rate for update <paramref name="t"/> (0-based).</summary>
    public double LearningRate(double baseRate, long t)
    {
        if (t < 0) throw new ArgumentOutOfRangeException(nameof(t), t, "update count must be >= 0");
        switch (Kind)
        {
            case LrScheduleKind.Step:
                return baseRate * Math.Pow(Gamma, t / StepSize);
            case LrScheduleKind.Linear:
            {
                double p = Math.Min(1.0, (double)t / Horizon);
                return baseRate * (1.0 - (1.0 - FinalFraction) * p);
            }
            case LrScheduleKind.Cosine:
            {
                double p = Math.Min(1.0, (double)t / Horizon);
                return baseRate * (FinalFraction + (1.0 - FinalFraction) * 0.5 * (1.0 + Math.Cos(Math.PI * p)));
            }
            case LrScheduleKind.Cyclical:
            {
                double p = (double)(t % CycleLength) / CycleLength;
                double low = baseRate * MinFraction;
                return low + (baseRate - low) * (1.0 - Math.Abs(2.0 * p - 1.0));
            }
            default:
                return baseRate;
        }
    }

    /// <summary>Checks the values, naming the config keys.</summary>
    /// <exception cref="ArgumentException">Naming the key and the value.</exception>
    public void Validate()
    {
        OptimizerSettings.Check(StepSize > 0, "lr_step_size", StepSize, "must be positive");
        OptimizerSettings.Check(Gamma is > 0 and <= 1, "lr_gamma", Gamma, "must be in (0, 1]");
        OptimizerSettings.Check(Horizon > 0, "lr_horizon", Horizon, "must be positive");
        OptimizerSettings.Check(FinalFraction is >= 0 and <= 1, "lr_final_fraction", FinalFraction, "must be in [0, 1]");
        OptimizerSettings.Check(CycleLength > 1, "lr_cycle_length", CycleLength, "must be at least 2");
        OptimizerSettings.Check(MinFraction is >= 0 and <= 1, "lr_min_fraction", MinFraction, "must be in [0, 1]");
    }

    /// <summary>The accepted schedule names in config files.</summary>
    public static readonly string[] Names = ["constant", "step", "linear", "cosine", "cyclical"];

    /// <summary>Parses a schedule name.</summary>
    /// <exception cref="ArgumentException">Naming <paramref name="key"/> and the value.</exception>
    public static LrScheduleKind ParseKind(string value, string key) => value switch
    {
        "constant" => LrScheduleKind.Constant,
        "step" => LrScheduleKind.Step,
        "linear" => LrScheduleKind.Linear,
        "cosine" => LrScheduleKind.Cosine,
        "cyclical" => LrScheduleKind.Cyclical,
        _ => throw new ArgumentException($"{key} = \"{value}\" is not valid; use one of: {string.Join(", ", Names)}"),
    };
}
