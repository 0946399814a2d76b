namespace Rl.Training;

/// <summary>Why training stopped.</summary>
public enum TrainingStatus
{
    /// <summary>An evaluation reached the reward threshold (<c>run.stop_when_solved</c>).</summary>
    Solved,

    /// <summary>The step budget (<c>run.total_steps</c>) was reached.</summary>
    BudgetReached,

    /// <summary>The iteration limit (<c>run.max_iterations</c>) was reached.</summary>
    IterationLimit,

    /// <summary>Interrupted (Ctrl-C, SIGTERM, cancellation): a checkpoint was written; training can be resumed.</summary>
    Interrupted,

    /// <summary>A reported scalar or histogram was NaN or infinite; training stopped without a checkpoint of that state.</summary>
    Diverged,

    /// <summary>The wall-time limit (<c>run.max_wall_seconds</c>) was reached.</summary>
    WallTimeLimit,

    /// <summary>A user stop condition or callback asked to stop.</summary>
    Stopped,
}

/// <summary>Where training stands when the stop conditions are asked (before each iteration).</summary>
/// <param name="Iteration">Iterations completed.</param>
/// <param name="EnvSteps">Environment steps taken.</param>
/// <param name="WallSeconds">Training wall time of the whole run so far (all sessions).</param>
/// <param name="LastIteration">The record of the iteration just finished (null before the first iteration of a session).</param>
public sealed record StopContext(int Iteration, long EnvSteps, double WallSeconds, IterationRecord? LastIteration);

/// <summary>
/// A rule that ends training: asked before every iteration, it returns the status to stop with, or null to go on. Add one
/// to <see cref="Trainer.StopConditions"/>; the first that fires wins.
/// </summary>
public interface IStopCondition
{
    /// <summary>The status to stop with, or null to continue.</summary>
    TrainingStatus? Check(StopContext context);
}

/// <summary>The built-in stop conditions.</summary>
public static class StopWhen
{
    /// <summary>Stops once <paramref name="totalSteps"/> environment steps were taken.</summary>
    public static IStopCondition StepBudget(long totalSteps) => new Rule(c => c.EnvSteps >= totalSteps ? TrainingStatus.BudgetReached : null);

    /// <summary>Stops after <paramref name="iterations"/> iterations.</summary>
    public static IStopCondition IterationLimit(int iterations) => new Rule(c => c.Iteration >= iterations ? TrainingStatus.IterationLimit : null);

    /// <summary>Stops when the evaluation of the iteration just finished reached its reward threshold.</summary>
    public static IStopCondition Solved() => new Rule(c => c.LastIteration?.Evaluation?.Solved == true ? TrainingStatus.Solved : null);

    /// <summary>Stops once the run's training wall time reaches <paramref name="seconds"/>.</summary>
    public static IStopCondition WallTime(double seconds) => new Rule(c => c.WallSeconds >= seconds ? TrainingStatus.WallTimeLimit : null);

    /// <summary>Stops (<see cref="TrainingStatus.Stopped"/>) when <paramref name="stop"/> returns true.</summary>
    public static IStopCondition Callback(Func<StopContext, bool> stop) => new Rule(c => stop(c) ? TrainingStatus.Stopped : null);

    private sealed class Rule(Func<StopContext, TrainingStatus?> check) : IStopCondition
    {
        public TrainingStatus? Check(StopContext context) => check(context);
    }
}

/// <summary>
/// User code run by the <see cref="Trainer"/> (SB3's callbacks): every method has an empty default, so implement only what
/// is needed. Add instances to <see cref="Trainer.Callbacks"/>.
/// </summary>
public interface ITrainingCallback
{
    /// <summary>Called once before the first iteration of a session.</summary>
    void OnTrainingStart(Trainer trainer) { }

    /// <summary>Called after every iteration (after the sinks); return false to stop training (<see cref="TrainingStatus.Stopped"/>).</summary>
    bool OnIteration(Trainer trainer, IterationRecord record) => true;

    /// <summary>Called after every evaluation (periodic, triggered or final) at <paramref name="envSteps"/>.</summary>
    void OnEvaluation(Trainer trainer, EvalResult evaluation, long envSteps) { }

    /// <summary>Called once when training stops, after the final checkpoint and the sinks.</summary>
    void OnTrainingEnd(Trainer trainer, TrainingOutcome outcome) { }
}

/// <summary>
/// The video hook: calls <paramref name="record"/> with the iteration and the current policy after every
/// <paramref name="every"/>-th iteration and once when training ends (the recorder plays and writes an episode; a failure
/// it throws as <see cref="IOException"/> is reported and training goes on).
/// </summary>
public sealed class VideoHook(int every, Action<int, Rl.Agents.Training.IPolicy> record) : ITrainingCallback
{
    private readonly int _every = every >= 1 ? every : throw new ArgumentOutOfRangeException(nameof(every), every, "must be at least 1");
    private int _last = -1;

    /// <inheritdoc />
    public bool OnIteration(Trainer trainer, IterationRecord r)
    {
        if (r.Iteration % _every == 0) Record(trainer, r.Iteration);
        return true;
    }

    /// <inheritdoc />
    public void OnTrainingEnd(Trainer trainer, TrainingOutcome outcome)
    {
        if (outcome.Iteration > 0) Record(trainer, outcome.Iteration);
    }

    private void Record(Trainer trainer, int iteration)
    {
        if (iteration == _last) return;
        _last = iteration;
        try
        {
            record(iteration, trainer.Algorithm.Policy);
        }
        catch (IOException e)
        {
            trainer.Progress.Message($"video at iteration {iteration} not written: {e.Message}");
        }
    }
}
