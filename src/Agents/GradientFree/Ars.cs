using Rl.Agents.Parameters;
using Rl.Agents.Training;

namespace Rl.Agents.GradientFree;

/// <summary>
/// Augmented random search (Mania et al. 2018), V1 and V2, with the top-b variant.
/// <code>
/// initialize θ = 0 (and, for V2, the observation mean μ = 0 and covariance Σ = I)
/// for each iteration:
///     sample δ_1..δ_N ~ N(0, I)
///     r_k⁺ = R(θ + νδ_k), r_k⁻ = R(θ − νδ_k)              (V2: states normalized by the frozen μ, Σ; rewards − shift)
///     keep the b directions with the largest max(r_k⁺, r_k⁻)
///     σ_R = standard deviation of those 2b returns
///     θ := θ + α/(b σ_R) Σ_{k ≤ b} (r_k⁺ − r_k⁻) δ_k
///     V2: update μ, Σ with every state visited in this iteration
/// </code>
/// The course writes the step as α/(σn) Σ (F⁺ − F⁻) ε; the paper's division by σ_R instead of the noise scale makes the step
/// size independent of the scale of the returns. The policy is θ with the frozen normalization.
/// </summary>
public sealed class Ars : GradientFreeAlgorithm
{
    /// <summary>The registered id.</summary>
    public const string AlgorithmId = AlgorithmIds.Ars;

    private readonly ArsConfig _config;
    private readonly float[] _theta;

    /// <summary>Creates the algorithm.</summary>
    /// <exception cref="HyperparameterException">For invalid hyperparameters.</exception>
    public Ars(ArsConfig config, TrainingContext context) : base(AlgorithmId, config, context, config.Version == ArsVersion.V2)
    {
        _config = config;
        _theta = Architecture.InitialParameters(Rng);
    }

    /// <summary>The parameters θ.</summary>
    public ReadOnlySpan<float> Theta => _theta;

    /// <inheritdoc />
    protected override ReadOnlySpan<float> PolicyParameters => _theta;

    /// <inheritdoc />
    public override IterationResult RunIteration()
    {
        int n = _config.Directions, b = _config.TopDirections;
        float nu = (float)_config.NoiseStd;

        // Sample δ_1..δ_N; candidate 2k is θ + νδ_k, candidate 2k+1 is θ − νδ_k (same δ, same reset seed).
        var candidates = new Candidate[2 * n];
        for (int k = 0; k < n; k++)
        {
            candidates[2 * k] = Sample(_theta, nu);
            candidates[2 * k + 1] = candidates[2 * k] with { Scale = -nu };
        }

        // r⁺, r⁻ (V2: the visited states update the statistics afterwards).
        var f = Score(candidates, _config.RewardShift, updateObservationStatistics: _config.Version == ArsVersion.V2);
        var plus = new double[n];
        var minus = new double[n];
        var best = new double[n];
        for (int k = 0; k < n; k++)
        {
            (plus[k], minus[k]) = (f.Fitness[2 * k], f.Fitness[2 * k + 1]);
            best[k] = Math.Max(plus[k], minus[k]);
        }

        // The b best directions by max(r⁺, r⁻), and the standard deviation of their 2b returns.
        var top = FitnessTools.TopIndices(best, b);
        double sigmaR = ParameterMath.Std([.. top.Select(k => plus[k]), .. top.Select(k => minus[k])]);

        // θ := θ + α/(b σ_R) Σ (r⁺ − r⁻) δ. When all 2b returns are equal the sum is zero: no step.
        double stepNorm = 0;
        if (sigmaR > 0)
        {
            var step = new float[Dimension];
            foreach (int k in top)
                ParameterMath.Axpy((float)((plus[k] - minus[k]) * _config.StepSize / (b * sigmaR)), Epsilon(candidates[2 * k]), step);
            ParameterMath.Axpy(1f, step, _theta);
            stepNorm = ParameterMath.Norm(step);
        }

        return Finish(f, new Dictionary<string, double>
        {
            ["search/noise_std"] = _config.NoiseStd,
            ["search/return_std"] = sigmaR,
            ["search/step_norm"] = stepNorm,
            ["search/top_direction_score"] = best[top[0]],
            ["normalizer/observation_count"] = RunningObservationStats?.Count ?? 0,
        });
    }

    /// <inheritdoc />
    protected override void SaveState(Checkpoint checkpoint) => checkpoint.PutArray<float>(Key("theta"), _theta);

    /// <inheritdoc />
    protected override void LoadState(Checkpoint checkpoint) => GetInto(checkpoint, "theta", _theta);
}
