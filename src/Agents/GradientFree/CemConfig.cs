using System.ComponentModel;

namespace Rl.Agents.GradientFree;

/// <summary>Hyperparameters of <see cref="Cem"/>.</summary>
public sealed record CemConfig : GradientFreeConfig
{
    /// <inheritdoc />
    protected override string AlgorithmId => Cem.AlgorithmId;

    /// <summary>Samples θ ~ N(μ, σ²) per iteration. Default: 50.</summary>
    [Description("Parameter vectors sampled from N(mu, sigma^2) per iteration.")]
    public int Population { get; init; } = 50;

    /// <summary>Fraction p of the samples kept to refit μ and σ (the course's top 20%). Default: 0.2.</summary>
    [Description("Fraction of the samples (the top p) used to refit mu and sigma.")]
    public double EliteFraction { get; init; } = 0.2;

    /// <summary>Initial standard deviation σ₀ of every parameter. Default: 0.5.</summary>
    [Description("Initial standard deviation of every parameter.")]
    public double InitialSigma { get; init; } = 0.5;

    /// <summary>Standard deviation z₀ of the extra noise added to σ at the first refit (Szita and Lőrincz 2006). Default: 0.1.</summary>
    [Description("Extra noise: standard deviation added (in quadrature) to sigma at each refit so it does not collapse early; decays linearly to 0.")]
    public double ExtraNoise { get; init; } = 0.1;

    /// <summary>Iterations over which the extra noise decays linearly to zero. Default: 20.</summary>
    [Description("Iterations over which the extra noise decays linearly to 0.")]
    public int ExtraNoiseIterations { get; init; } = 20;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Population < 2) Fail(nameof(Population), Population, "must be >= 2 (a Gaussian cannot be fitted to fewer samples)");
        if (!(EliteFraction > 0 && EliteFraction <= 1)) Fail(nameof(EliteFraction), EliteFraction, "must lie in (0, 1]");
        RequirePositive(nameof(InitialSigma), InitialSigma);
        RequireNonNegative(nameof(ExtraNoise), ExtraNoise);
        if (ExtraNoiseIterations < 1) Fail(nameof(ExtraNoiseIterations), ExtraNoiseIterations, "must be >= 1");
    }

    /// <summary>The number of elites ⌈p·n⌉.</summary>
    public int EliteCount() => (int)Math.Ceiling(EliteFraction * Population - 1e-9);
}
