namespace Rl.Training;

/// <summary>
/// The <see cref="Trainer"/>'s settings: budget, evaluation schedule, stop rules, checkpoints and logging cadence. The
/// runner fills it from a config's <c>[run]</c> table (same names in snake_case). Every property has a documented default.
/// </summary>
public sealed record TrainerOptions
{
    /// <summary>Environment-step budget: training stops after the iteration that reaches it.</summary>
    public long TotalSteps { get; init; } = 1_000_000;

    /// <summary>Stop after this many iterations (0: no limit).</summary>
    public int MaxIterations { get; init; }

    /// <summary>Stop after this much training wall time in seconds, over all sessions of the run (0: no limit).</summary>
    public double MaxWallSeconds { get; init; }

    /// <summary>Stop as soon as an evaluation's mean return reaches <see cref="RewardThreshold"/>.</summary>
    public bool StopWhenSolved { get; init; } = true;

    /// <summary>The mean return that counts as solved (null: none; then evaluations never stop training).</summary>
    public double? RewardThreshold { get; init; }

    /// <summary>Episodes per evaluation (deterministic policy), during training and at the end.</summary>
    public int EvalEpisodes { get; init; } = 100;

    /// <summary>Evaluate every this many environment steps (0: only when triggered by <see cref="SolveCheckEpisodes"/> and at the end).</summary>
    public long EvalInterval { get; init; }

    /// <summary>Evaluate when the mean return of the last this many training episodes reaches the threshold (0: never).</summary>
    public int SolveCheckEpisodes { get; init; } = 20;

    /// <summary>Evaluate the final policy when training ends on its budget, iteration or time limit (it goes into the last metrics row).</summary>
    public bool FinalEval { get; init; } = true;

    /// <summary>Write a checkpoint every this many environment steps (0: only at the end and on interruption).</summary>
    public long CheckpointInterval { get; init; } = 100_000;

    /// <summary>How many of the newest checkpoints to keep.</summary>
    public int KeepCheckpoints { get; init; } = 3;

    /// <summary>Episodes in the "recent mean return" shown in progress and logged.</summary>
    public int RecentEpisodes { get; init; } = 100;

    /// <summary>Log the algorithm's histograms (weights) every this many iterations (0: never).</summary>
    public int HistogramInterval { get; init; } = 10;

    /// <summary>The training-health checks' thresholds (<see cref="Health.HealthMonitor"/>, which the trainer always runs).</summary>
    public Health.HealthOptions Health { get; init; } = new();

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">Naming each setting that is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        void Check(bool ok, string name, object value, string rule)
        {
            if (!ok) problems.Add($"{name} = {value}: {rule}");
        }
        Check(TotalSteps >= 1, nameof(TotalSteps), TotalSteps, "must be at least 1");
        Check(MaxIterations >= 0, nameof(MaxIterations), MaxIterations, "must be >= 0");
        Check(MaxWallSeconds >= 0 && double.IsFinite(MaxWallSeconds), nameof(MaxWallSeconds), MaxWallSeconds, "must be finite and >= 0");
        Check(RewardThreshold is null || double.IsFinite(RewardThreshold.Value), nameof(RewardThreshold), RewardThreshold!, "must be finite");
        Check(EvalEpisodes >= 1, nameof(EvalEpisodes), EvalEpisodes, "must be at least 1");
        Check(EvalInterval >= 0, nameof(EvalInterval), EvalInterval, "must be >= 0");
        Check(SolveCheckEpisodes >= 0, nameof(SolveCheckEpisodes), SolveCheckEpisodes, "must be >= 0");
        Check(CheckpointInterval >= 0, nameof(CheckpointInterval), CheckpointInterval, "must be >= 0");
        Check(KeepCheckpoints >= 1, nameof(KeepCheckpoints), KeepCheckpoints, "must be at least 1");
        Check(RecentEpisodes >= 1, nameof(RecentEpisodes), RecentEpisodes, "must be at least 1");
        Check(HistogramInterval >= 0, nameof(HistogramInterval), HistogramInterval, "must be >= 0");
        if (Health is null) problems.Add("Health = null: must be set (new HealthOptions() for the defaults)");
        else
        {
            try
            {
                Health.Validate();
            }
            catch (ArgumentException e)
            {
                problems.Add(e.Message);
            }
        }
        if (problems.Count > 0) throw new ArgumentException("trainer options rejected: " + string.Join("; ", problems));
    }
}
