using System.ComponentModel;

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
/// that counter in a checkpoint and every value can be computed by hand. The <c>[config.schedule]</c> table of every
/// TorchSharp algorithm (keys: the snake_case property names).
/// </summary>
public sealed record LrSchedule
{
    /// <summary>The schedule. Default constant.</summary>
    [Description("Learning-rate schedule over optimizer updates: constant | step | linear | cosine | cyclical.")]
    public LrScheduleKind Kind { get; init; } = LrScheduleKind.Constant;

    /// <summary>Step schedule: updates between decays. Default 1000.</summary>
    [Description("Step schedule: optimizer updates between decays, > 0.")]
    public int StepSize { get; init; } = 1000;

    /// <summary>Step schedule: the decay factor γ. Default 0.5.</summary>
    [Description("Step schedule: decay factor, in (0, 1].")]
    public double Gamma { get; init; } = 0.5;

    /// <summary>Linear and cosine: updates over which the rate decays. Default 1000.</summary>
    [Description("Linear and cosine schedules: optimizer updates to reach the final rate, > 0.")]
    public int Horizon { get; init; } = 1000;

    /// <summary>Linear and cosine: the final rate as a fraction of the base rate. Default 0.</summary>
    [Description("Linear and cosine schedules: final rate as a fraction of the base learning rate, in [0, 1].")]
    public double FinalFraction { get; init; }

    /// <summary>Cyclical: updates per full cycle (low → high → low). Default 1000.</summary>
    [Description("Cyclical schedule: optimizer updates per full cycle, >= 2.")]
    public int CycleLength { get; init; } = 1000;

    /// <summary>Cyclical: the low rate as a fraction of the base rate. Default 0.1.</summary>
    [Description("Cyclical schedule: lowest rate as a fraction of the base learning rate, in [0, 1].")]
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

    /// <summary>Checks the values; each message names the key as <c><paramref name="table"/>.key</c>.</summary>
    /// <param name="table">The table's name in messages. Default <c>schedule</c>.</param>
    /// <exception cref="ArgumentException">Naming the key and the value (inside <see cref="Training.ConfigErrors.Collect"/>: every broken rule is recorded).</exception>
    public void Validate(string table = "schedule")
    {
        string k(string key) => table.Length == 0 ? key : table + "." + key;
        OptimizerSettings.Check(Enum.IsDefined(Kind), k("kind"), Kind, "is not a schedule");
        OptimizerSettings.Check(StepSize > 0, k("step_size"), StepSize, "must be positive");
        OptimizerSettings.Check(Gamma is > 0 and <= 1, k("gamma"), Gamma, "must be in (0, 1]");
        OptimizerSettings.Check(Horizon > 0, k("horizon"), Horizon, "must be positive");
        OptimizerSettings.Check(FinalFraction is >= 0 and <= 1, k("final_fraction"), FinalFraction, "must be in [0, 1]");
        OptimizerSettings.Check(CycleLength > 1, k("cycle_length"), CycleLength, "must be at least 2");
        OptimizerSettings.Check(MinFraction is >= 0 and <= 1, k("min_fraction"), MinFraction, "must be in [0, 1]");
    }
}
