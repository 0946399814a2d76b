using Rl.Core.Spaces;

namespace Rl.Core.Wrappers;

/// <summary>
/// Normalizes float32 observations to roughly zero mean and unit variance per element with running statistics
/// (Gymnasium's <c>NormalizeObservation</c>): each observation from <c>Reset</c> and <c>Step</c> first updates
/// <see cref="Statistics"/> (unless <see cref="UpdateStatistics"/> is false), then becomes
/// <c>(obs - mean) / sqrt(var + epsilon)</c>. The observation space becomes <c>Box(-inf, inf, same shape, float32)</c>.
/// </summary>
/// <remarks>
/// The normalization is done in place in the observation array, so the <c>into</c> buffer is forwarded and a step allocates
/// nothing when one is given. Freeze the statistics for evaluation, and save <see cref="Statistics"/> with a checkpoint:
/// a policy trained on normalized observations needs the same statistics to act.
/// </remarks>
/// <typeparam name="TAct">The action type.</typeparam>
public sealed class NormalizeObservation<TAct> : Wrapper<float[], TAct>
{
    private readonly Box<float> _observationSpace;

    /// <summary>Wraps <paramref name="inner"/>, whose observation space must be a float32 <see cref="Box{T}"/>.</summary>
    /// <param name="inner">The environment to wrap.</param>
    /// <param name="epsilon">Added to the variance before the square root, so a constant element does not divide by zero.</param>
    /// <exception cref="ArgumentException">If the observation space is not a <c>Box&lt;float&gt;</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="epsilon"/> is not positive and finite.</exception>
    public NormalizeObservation(IEnv<float[], TAct> inner, double epsilon = 1e-8) : base(inner)
    {
        var box = inner.ObservationSpace as Box<float>
            ?? throw new ArgumentException(
                $"{inner.Name}: NormalizeObservation needs a float32 Box observation space, not {inner.ObservationSpace}.", nameof(inner));
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"{inner.Name}: NormalizeObservation epsilon must be positive and finite.");
        Epsilon = epsilon;
        Statistics = new RunningMeanStd(box.Size);
        _observationSpace = new Box<float>(float.NegativeInfinity, float.PositiveInfinity, [.. box.Shape]);
    }

    /// <summary>The running mean and variance of the raw observations (save it with checkpoints; restore it with <c>Set</c>).</summary>
    public RunningMeanStd Statistics { get; }

    /// <summary>
    /// Whether observations update <see cref="Statistics"/> (Gymnasium's <c>update_running_mean</c>). Set it to false to freeze
    /// the normalization, e.g. during evaluation.
    /// </summary>
    public bool UpdateStatistics { get; set; } = true;

    /// <summary>The constant added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public override Space<float[]> ObservationSpace => _observationSpace;

    /// <inheritdoc />
    public override ResetResult<float[]> Reset(int? seed = null, OptionSet? options = null, float[]? into = null)
    {
        var r = Inner.Reset(seed, options, into);
        Normalize(r.Observation);
        return r;
    }

    /// <inheritdoc />
    public override StepResult<float[]> Step(TAct action, float[]? into = null)
    {
        var r = Inner.Step(action, into);
        Normalize(r.Observation);
        return r;
    }

    // In place: the array is either the caller's buffer or a fresh one from the inner environment.
    private void Normalize(float[] observation)
    {
        if (UpdateStatistics) Statistics.Update(observation);
        Statistics.Normalize(observation, observation, Epsilon);
    }
}
