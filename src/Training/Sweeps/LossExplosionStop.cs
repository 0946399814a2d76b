using System.Globalization;

namespace Rl.Training.Sweeps;

/// <summary>
/// Stops a run whose loss explodes (the course's advice for hyperparameter search): once a loss scalar exceeds
/// <see cref="Factor"/> times its initial value (its first logged value, kept across resumed sessions through
/// <c>metrics.csv</c>) or is not finite, <see cref="ITrainingCallback.OnIteration"/> returns false, the trainer stops with
/// <see cref="TrainingStatus.Stopped"/>, and <see cref="Reason"/> says why. Algorithms without a loss (gradient-free ones)
/// are never stopped.
/// </summary>
public sealed class LossExplosionStop : ITrainingCallback
{
    /// <summary>The loss scalars looked for when no key is given, in order of preference (the first one an algorithm logs is watched).</summary>
    public static readonly IReadOnlyList<string> DefaultKeys = ["loss/value", "loss/q", "loss/train", "loss", "loss/policy"];

    /// <summary>Watches <paramref name="key"/> (null: the first of <see cref="DefaultKeys"/> the algorithm logs).</summary>
    /// <param name="factor">The multiple of the initial loss that counts as an explosion (the course: 3).</param>
    /// <param name="key">The scalar to watch (a metrics.csv column such as <c>loss/value</c>), or null.</param>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="factor"/> is not above 1.</exception>
    public LossExplosionStop(double factor = 3, string? key = null)
    {
        if (!(factor > 1) || !double.IsFinite(factor)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "the explosion factor must be a finite number above 1");
        Factor = factor;
        Key = key;
    }

    /// <summary>The multiple of the initial loss that stops the run.</summary>
    public double Factor { get; }

    /// <summary>The scalar watched (null until one is found when no key was given).</summary>
    public string? Key { get; private set; }

    /// <summary>The initial loss (null until known).</summary>
    public double? InitialLoss { get; private set; }

    /// <summary>Why the run was stopped (null: it was not).</summary>
    public string? Reason { get; private set; }

    /// <summary>The environment step at which it was stopped.</summary>
    public long? StoppedAtStep { get; private set; }

    /// <inheritdoc />
    public void OnTrainingStart(Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        // A resumed session: the initial loss is the first row's, as in the uninterrupted run.
        if (trainer.Csv is { } csv && csv.Metrics.Rows.Count > 0)
        {
            var first = csv.Metrics.Rows[0];
            string? key = Key ?? DefaultKeys.FirstOrDefault(first.ContainsKey);
            if (key is not null && first.TryGetValue(key, out var cell) && double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                (Key, InitialLoss) = (key, v);
        }
    }

    /// <inheritdoc />
    public bool OnIteration(Trainer trainer, IterationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        string? key = Key ?? DefaultKeys.FirstOrDefault(k => record.Scalars.Any(s => s.Key == k));
        if (key is null) return true;
        Key = key;
        double? value = null;
        foreach (var (name, v) in record.Scalars)
            if (name == key) value = v;
        if (value is not double loss) return true;
        if (InitialLoss is not double initial)
        {
            InitialLoss = loss;
            return true;
        }
        if (double.IsFinite(loss) && Math.Abs(loss) <= Factor * Math.Abs(initial)) return true;
        Reason = string.Create(CultureInfo.InvariantCulture,
            $"loss exploded: {key} = {loss:G4} exceeds {Factor:G3} x its initial value {initial:G4} at step {record.EnvSteps}");
        StoppedAtStep = record.EnvSteps;
        return false;
    }
}
