using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Rl.Experiments.Training;

/// <summary>
/// The runner's settings for one training run: the <c>[run]</c> table of a config file (snake_case keys), the same for every
/// algorithm. Every property has a documented default.
/// </summary>
public sealed record RunConfig : IValidatableObject
{
    /// <summary>Environment-step budget: training stops after the iteration that reaches it.</summary>
    [Description("Environment-step budget; training stops after the iteration that reaches it.")]
    [Range(typeof(long), "1", "9223372036854775807")]
    public long TotalSteps { get; init; } = 1_000_000;

    /// <summary>Stop after this many iterations (0: no limit).</summary>
    [Description("Stop after this many iterations (0: no limit).")]
    [Range(0, int.MaxValue)]
    public int MaxIterations { get; init; }

    /// <summary>Stop after this much training wall time in seconds, over all sessions of the run (0: no limit).</summary>
    [Description("Stop after this much training wall time in seconds, over all sessions of the run (0: no limit).")]
    [Range(0.0, 1e12)]
    public double MaxWallSeconds { get; init; }

    /// <summary>Stop as soon as an evaluation's mean return reaches the reward threshold.</summary>
    [Description("Stop as soon as an evaluation's mean return reaches the reward threshold.")]
    public bool StopWhenSolved { get; init; } = true;

    /// <summary>The mean return that counts as solved; unset: the environment's registered threshold.</summary>
    [Description("Mean return that counts as solved; unset: the environment's registered threshold.")]
    public double? RewardThreshold { get; init; }

    /// <summary>Episodes per evaluation (deterministic policy, seeded environments), during training and at the end.</summary>
    [Description("Episodes per evaluation of the deterministic policy (during training and at the end).")]
    [Range(1, 1_000_000)]
    public int EvalEpisodes { get; init; } = 100;

    /// <summary>Evaluate every this many environment steps (0: only when triggered by <see cref="SolveCheckEpisodes"/> and at the end).</summary>
    [Description("Evaluate every this many environment steps (0: only when triggered and at the end).")]
    [Range(typeof(long), "0", "9223372036854775807")]
    public long EvalInterval { get; init; }

    /// <summary>Evaluate when the mean return of the last this many training episodes reaches the threshold (0: never).</summary>
    [Description("Evaluate when the mean return of the last N training episodes reaches the threshold (0: never).")]
    [Range(0, 1_000_000)]
    public int SolveCheckEpisodes { get; init; } = 20;

    /// <summary>Evaluate the final policy when training ends (not after an interruption).</summary>
    [Description("Evaluate the final policy when training ends (not after an interruption).")]
    public bool FinalEval { get; init; } = true;

    /// <summary>Write a checkpoint every this many environment steps (0: only at the end and on interruption).</summary>
    [Description("Write a checkpoint every this many environment steps (0: only at the end and on Ctrl-C).")]
    [Range(typeof(long), "0", "9223372036854775807")]
    public long CheckpointInterval { get; init; } = 100_000;

    /// <summary>How many of the newest checkpoints to keep.</summary>
    [Description("How many of the newest checkpoints to keep.")]
    [Range(1, 1000)]
    public int KeepCheckpoints { get; init; } = 3;

    /// <summary>Worker threads for rollouts (0: one per core). Results do not depend on it.</summary>
    [Description("Worker threads for rollouts (0: one per core); results do not depend on it.")]
    [Range(0, 4096)]
    public int Threads { get; init; }

    /// <summary>Torch device: <c>auto</c> (CUDA when available), <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    [Description("Torch device: auto (CUDA when available), cpu, cuda or cuda:N.")]
    public string Device { get; init; } = "auto";

    /// <summary>Episode time limit; unset: the environment's registered limit.</summary>
    [Description("Episode time limit; unset: the environment's registered limit.")]
    [Range(1, int.MaxValue)]
    public int? MaxEpisodeSteps { get; init; }

    /// <summary>Episodes in the "recent mean return" shown in progress and logged.</summary>
    [Description("Episodes in the recent mean return shown in progress and logged.")]
    [Range(1, 1_000_000)]
    public int RecentEpisodes { get; init; } = 100;

    /// <summary>Log the algorithm's histograms (weights) to TensorBoard every this many iterations (0: never).</summary>
    [Description("Log histograms (weights) to TensorBoard every N iterations (0: never).")]
    [Range(0, int.MaxValue)]
    public int HistogramInterval { get; init; } = 10;

    /// <summary>Seconds between progress lines when the output is not a terminal.</summary>
    [Description("Seconds between progress lines when the output is not a terminal.")]
    [Range(0.0, 86_400.0)]
    public double ProgressSeconds { get; init; } = 10;

    /// <summary>The training-health checks' thresholds: the <c>[run.health]</c> table (docs/training-health.md).</summary>
    [Description("Training-health checks: update/weight ratio, norms, dead units, entropy collapse, value loss, evaluation gap.")]
    public Rl.Training.Health.HealthOptions Health { get; init; } = new();

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        string d = Device.Trim().ToLowerInvariant();
        if (d is not ("auto" or "cpu" or "cuda") && !(d.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(d[5..], out _)))
            yield return new ValidationResult($"device '{Device}' is not one of auto, cpu, cuda, cuda:N", [nameof(Device)]);
        if (RewardThreshold is double t && !double.IsFinite(t))
            yield return new ValidationResult($"reward threshold {t} must be finite", [nameof(RewardThreshold)]);
    }
}
