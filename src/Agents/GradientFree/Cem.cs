using Rl.Agents.Parameters;
using Rl.Agents.Training;

namespace Rl.Agents.GradientFree;

/// <summary>
/// The cross-entropy method with a diagonal Gaussian.
/// <code>
/// initialize μ, σ
/// for each iteration:
///     sample θ_i ~ N(μ, σ²), i = 1..n
///     compute f(θ_i) by rollouts
///     select the top p% (the elites)
///     fit a Gaussian to them: μ := mean(elites), σ² := var(elites) + z_t²
/// </code>
/// z_t is the optional extra noise (Szita and Lőrincz 2006), decaying linearly to zero, so σ does not collapse before the
/// search has found good parameters. The policy is μ.
/// </summary>
public sealed class Cem : GradientFreeAlgorithm
{
    /// <summary>The registered id.</summary>
    public const string AlgorithmId = AlgorithmIds.Cem;

    private readonly CemConfig _config;
    private readonly float[] _mu;
    private readonly float[] _sigma;

    /// <summary>Creates the algorithm.</summary>
    /// <exception cref="HyperparameterException">For invalid hyperparameters.</exception>
    public Cem(CemConfig config, TrainingContext context) : base(AlgorithmId, config, context, normalizeObservations: false)
    {
        _config = config;
        _mu = Architecture.InitialParameters(Rng);
        _sigma = new float[Dimension];
        Array.Fill(_sigma, (float)config.InitialSigma);
    }

    /// <summary>The mean μ of the search distribution (the policy).</summary>
    public ReadOnlySpan<float> Mu => _mu;

    /// <summary>The per-parameter standard deviations σ.</summary>
    public ReadOnlySpan<float> SigmaVector => _sigma;

    /// <inheritdoc />
    protected override ReadOnlySpan<float> PolicyParameters => _mu;

    /// <inheritdoc />
    public override IterationResult RunIteration()
    {
        // Sample θ_i = μ + σ ⊙ ε_i ~ N(μ, σ²).
        var candidates = new Candidate[_config.Population];
        for (int i = 0; i < candidates.Length; i++) candidates[i] = Sample(_mu, 1f, _sigma);

        // f(θ_i) by rollouts.
        var f = Score(candidates);

        // Select the top p%.
        var eliteIndices = FitnessTools.TopIndices(f.Fitness, _config.EliteCount());
        var elites = eliteIndices.Select(i =>
        {
            var theta = new float[Dimension];
            candidates[i].Materialize(Noise, theta);
            return theta;
        }).ToArray();

        // Fit a Gaussian to the elites, plus the extra noise.
        double z = _config.ExtraNoise * Math.Max(0, 1 - (double)Iteration / _config.ExtraNoiseIterations);
        for (int j = 0; j < Dimension; j++)
        {
            double mean = 0;
            foreach (var theta in elites) mean += theta[j];
            mean /= elites.Length;
            double variance = 0;
            foreach (var theta in elites) variance += (theta[j] - mean) * (theta[j] - mean);
            variance /= elites.Length;
            _mu[j] = (float)mean;
            _sigma[j] = (float)Math.Sqrt(variance + z * z);
        }

        return Finish(f, new Dictionary<string, double>
        {
            ["search/sigma_mean"] = _sigma.Average(s => (double)s),
            ["search/extra_noise"] = z,
            ["search/elite_mean_score"] = eliteIndices.Average(i => f.Fitness[i]),
            ["search/elite_min_score"] = f.Fitness[eliteIndices[^1]],
        });
    }

    /// <inheritdoc />
    protected override void SaveState(Checkpoint checkpoint)
    {
        checkpoint.PutArray<float>(Key("mu"), _mu);
        checkpoint.PutArray<float>(Key("sigma"), _sigma);
    }

    /// <inheritdoc />
    protected override void LoadState(Checkpoint checkpoint)
    {
        GetInto(checkpoint, "mu", _mu);
        GetInto(checkpoint, "sigma", _sigma);
    }
}
