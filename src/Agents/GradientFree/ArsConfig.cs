using System.ComponentModel;

namespace Rl.Agents.GradientFree;

/// <summary>The two ARS variants of Mania et al. (2018).</summary>
public enum ArsVersion
{
    /// <summary>Raw observations.</summary>
    V1,

    /// <summary>Observations normalized online by the running mean and standard deviation of the states visited in training.</summary>
    V2,
}

/// <summary>Hyperparameters of <see cref="Ars"/>.</summary>
public sealed record ArsConfig : GradientFreeConfig
{
    /// <inheritdoc />
    protected override string AlgorithmId => Ars.AlgorithmId;

    /// <summary>V1 (raw observations) or V2 (online observation normalization). Default: v2.</summary>
    [Description("v1 (raw observations) or v2 (observations normalized by the running mean/std of the states visited).")]
    public ArsVersion Version { get; init; } = ArsVersion.V2;

    /// <summary>Directions δ_k sampled per iteration, N (each scored at +ν and −ν). Default: 4.</summary>
    [Description("Directions delta sampled per iteration, N (each scored at theta + nu*delta and theta - nu*delta).")]
    public int Directions { get; init; } = 4;

    /// <summary>Best directions used in the update, b ≤ N (by max(r+, r−)). Default: 4.</summary>
    [Description("Best directions used in the update, b <= directions, ranked by max(r+, r-) (b < N: the paper's V1-t/V2-t).")]
    public int TopDirections { get; init; } = 4;

    /// <summary>Step size α. Default: 0.02.</summary>
    [Description("Step size alpha.")]
    public double StepSize { get; init; } = 0.02;

    /// <summary>Exploration noise ν. Default: 0.03.</summary>
    [Description("Standard deviation nu of the exploration noise.")]
    public double NoiseStd { get; init; } = 0.03;

    /// <summary>Subtracted from every reward when scoring directions (the survival bonus of locomotion tasks). Default: 0.</summary>
    [Description("Subtracted from every reward when ranking and weighting directions (removes a survival bonus); reported returns are unshifted.")]
    public double RewardShift { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (!Enum.IsDefined(Version)) Fail(nameof(Version), Version, "must be v1 or v2");
        if (Directions < 1) Fail(nameof(Directions), Directions, "must be >= 1");
        if (TopDirections < 1 || TopDirections > Directions)
            Fail(nameof(TopDirections), TopDirections, $"must lie in [1, directions = {Directions}]");
        RequirePositive(nameof(StepSize), StepSize);
        RequirePositive(nameof(NoiseStd), NoiseStd);
        if (!double.IsFinite(RewardShift)) Fail(nameof(RewardShift), RewardShift, "must be finite");
    }
}
