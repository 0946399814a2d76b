using System.ComponentModel;

namespace Rl.Agents.GradientFree;

/// <summary>Hyperparameters of <see cref="IterativeRandomSearch"/>.</summary>
public sealed record IterativeRandomSearchConfig : GradientFreeConfig
{
    /// <inheritdoc />
    protected override string AlgorithmId => IterativeRandomSearch.AlgorithmId;

    /// <summary>New parameter vectors sampled per iteration. Default: 24.</summary>
    [Description("New parameter vectors sampled per iteration (spread evenly over the maxima kept).")]
    public int Population { get; init; } = 24;

    /// <summary>Number of maxima kept and sampled around. Default: 4.</summary>
    [Description("Number of best vectors (maxima) kept and sampled around; they are scored again each iteration.")]
    public int Elites { get; init; } = 4;

    /// <summary>Standard deviation of the first, global sample θ ~ N(0, σ₀²I). Default: 1.</summary>
    [Description("Standard deviation of the first, global sample theta ~ N(0, initial_sigma^2 I).")]
    public double InitialSigma { get; init; } = 1.0;

    /// <summary>Standard deviation of the samples around the maxima in the second iteration. Default: 0.5.</summary>
    [Description("Standard deviation of the samples around the maxima (second iteration; then decays).")]
    public double Sigma { get; init; } = 0.5;

    /// <summary>Factor applied to sigma after each iteration around the maxima. Default: 0.95.</summary>
    [Description("Factor applied to sigma after each iteration, narrowing the search (1: constant).")]
    public double SigmaDecay { get; init; } = 0.95;

    /// <summary>Lower bound of sigma. Default: 0.02.</summary>
    [Description("Lower bound of sigma.")]
    public double MinSigma { get; init; } = 0.02;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Population < 1) Fail(nameof(Population), Population, "must be >= 1");
        if (Elites < 1) Fail(nameof(Elites), Elites, "must be >= 1");
        if (Elites > Population) Fail(nameof(Elites), Elites, $"must not exceed population = {Population}");
        RequirePositive(nameof(InitialSigma), InitialSigma);
        RequirePositive(nameof(Sigma), Sigma);
        if (!(SigmaDecay > 0 && SigmaDecay <= 1)) Fail(nameof(SigmaDecay), SigmaDecay, "must lie in (0, 1]");
        RequirePositive(nameof(MinSigma), MinSigma);
        if (MinSigma > Sigma) Fail(nameof(MinSigma), MinSigma, $"must not exceed sigma = {Sigma}");
    }
}
