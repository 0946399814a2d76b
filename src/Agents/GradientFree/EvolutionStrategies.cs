using Rl.Agents.Parameters;
using Rl.Agents.Training;

namespace Rl.Agents.GradientFree;

/// <summary>
/// Evolution strategies as Salimans et al. (2017) scale them up.
/// <code>
/// initialize θ
/// for each iteration:
///     sample ε_1..ε_n ~ N(0, I)            (mirrored: ε_{2i} = −ε_{2i−1})
///     F_i = R(θ + σ ε_i)                   (rollouts, in parallel; rewards − shift)
///     F̃_i = shaping(F_i)                  (normalized (F_i − μ_F)/σ_F, or centered ranks)
///     g = 1/(nσ) Σ_i F̃_i ε_i − λθ         (λ: optional weight decay)
///     θ := θ + α g                         (or an Adam step on g)
/// </code>
/// The policy is θ.
/// </summary>
public sealed class EvolutionStrategies : GradientFreeAlgorithm
{
    /// <summary>The registered id.</summary>
    public const string AlgorithmId = AlgorithmIds.EvolutionStrategies;

    private readonly EvolutionStrategiesConfig _config;
    private readonly float[] _theta;
    private readonly float[] _gradient;
    private readonly FlatAdam _adam;

    /// <summary>Creates the algorithm.</summary>
    /// <exception cref="HyperparameterException">For invalid hyperparameters.</exception>
    public EvolutionStrategies(EvolutionStrategiesConfig config, TrainingContext context)
        : base(AlgorithmId, config, context, config.NormalizeObservations)
    {
        _config = config;
        _theta = Architecture.InitialParameters(Rng);
        _gradient = new float[Dimension];
        _adam = new FlatAdam(Dimension, config.AdamBeta1, config.AdamBeta2);
    }

    /// <summary>The parameters θ.</summary>
    public ReadOnlySpan<float> Theta => _theta;

    /// <inheritdoc />
    protected override ReadOnlySpan<float> PolicyParameters => _theta;

    /// <inheritdoc />
    public override IterationResult RunIteration()
    {
        int n = _config.Population;
        float sigma = (float)_config.Sigma;

        // Sample ε_i (offsets into the noise table); mirrored pairs share ε, sign flipped, and the reset seed.
        var candidates = new Candidate[n];
        for (int i = 0; i < n; i++)
            candidates[i] = _config.Mirrored && i % 2 == 1 ? candidates[i - 1] with { Scale = -sigma } : Sample(_theta, sigma);

        // F_i = R(θ + σ ε_i), each reward less the shift (which removes a survival bonus that would reward standing still).
        var f = Score(candidates, _config.RewardShift, updateObservationStatistics: _config.NormalizeObservations);

        // F̃_i = shaping(F_i).
        var shaped = new double[n];
        FitnessTools.Shape(_config.FitnessShaping, f.Fitness, shaped);

        // g = 1/(nσ) Σ F̃_i ε_i − λθ, where the ε of a mirrored sample is −ε of its pair.
        Array.Clear(_gradient);
        for (int i = 0; i < n; i++)
            ParameterMath.Axpy((float)(Math.Sign(candidates[i].Scale) * shaped[i] / (n * _config.Sigma)), Epsilon(candidates[i]), _gradient);
        if (_config.WeightDecay > 0) ParameterMath.Axpy(-(float)_config.WeightDecay, _theta, _gradient);

        // θ := θ + α g.
        double stepNorm;
        if (_config.Optimizer == EsOptimizer.Adam) stepNorm = _adam.Step(_theta, _gradient, _config.StepSize);
        else
        {
            ParameterMath.Axpy((float)_config.StepSize, _gradient, _theta);
            stepNorm = _config.StepSize * ParameterMath.Norm(_gradient);
        }

        return Finish(f, new Dictionary<string, double>
        {
            ["search/sigma"] = _config.Sigma,
            ["search/gradient_norm"] = ParameterMath.Norm(_gradient),
            ["search/step_norm"] = stepNorm,
            ["search/update_ratio"] = stepNorm / Math.Max(ParameterMath.Norm(_theta), 1e-12),
        });
    }

    /// <inheritdoc />
    protected override void SaveState(Checkpoint checkpoint)
    {
        checkpoint.PutArray<float>(Key("theta"), _theta);
        checkpoint.PutArray<float>(Key("adam_m"), _adam.M);
        checkpoint.PutArray<float>(Key("adam_v"), _adam.V);
        checkpoint.PutJson(Key("adam_t"), _adam.T);
    }

    /// <inheritdoc />
    protected override void LoadState(Checkpoint checkpoint)
    {
        GetInto(checkpoint, "theta", _theta);
        GetInto(checkpoint, "adam_m", _adam.M);
        GetInto(checkpoint, "adam_v", _adam.V);
        _adam.T = checkpoint.GetJson<long>(Key("adam_t"));
    }
}
