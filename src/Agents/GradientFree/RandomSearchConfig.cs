using System.ComponentModel;

namespace Rl.Agents.GradientFree;

/// <summary>Hyperparameters of <see cref="RandomSearch"/>.</summary>
public sealed record RandomSearchConfig : GradientFreeConfig
{
    /// <inheritdoc />
    protected override string AlgorithmId => RandomSearch.AlgorithmId;

    /// <summary>Parameter vectors sampled and scored per iteration. Default: 32.</summary>
    [Description("Parameter vectors sampled and scored per iteration.")]
    public int Population { get; init; } = 32;

    /// <summary>Standard deviation σ of the sampling distribution θ ~ N(0, σ²I). Default: 1.</summary>
    [Description("Standard deviation of the sampling distribution theta ~ N(0, sigma^2 I).")]
    public double Sigma { get; init; } = 1.0;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Population < 1) Fail(nameof(Population), Population, "must be >= 1");
        RequirePositive(nameof(Sigma), Sigma);
    }
}
