using System.ComponentModel;
using Rl.Agents.Parameters;

namespace Rl.Agents.GradientFree;

/// <summary>The update rule ES applies to its gradient estimate.</summary>
public enum EsOptimizer
{
    /// <summary>Plain gradient ascent θ += α g (the course's formula).</summary>
    Sgd,

    /// <summary>Adam on g, as Salimans et al. 2017 did.</summary>
    Adam,
}

/// <summary>Hyperparameters of <see cref="EvolutionStrategies"/>.</summary>
public sealed record EvolutionStrategiesConfig : GradientFreeConfig
{
    /// <inheritdoc />
    protected override string AlgorithmId => EvolutionStrategies.AlgorithmId;

    /// <summary>Number n of perturbations scored per iteration (pairs ±ε count twice). Default: 10.</summary>
    [Description("Perturbations scored per iteration, n (with mirrored sampling, n/2 pairs +eps/-eps; must then be even).")]
    public int Population { get; init; } = 10;

    /// <summary>Noise standard deviation σ. Default: 0.1.</summary>
    [Description("Noise standard deviation sigma of the perturbations theta + sigma*eps.")]
    public double Sigma { get; init; } = 0.1;

    /// <summary>Step size α. Default: 0.02.</summary>
    [Description("Step size alpha of the update.")]
    public double StepSize { get; init; } = 0.02;

    /// <summary>Score ε and −ε (antithetic pairs; lower variance). Default: true.</summary>
    [Description("Mirrored sampling: score each eps together with -eps.")]
    public bool Mirrored { get; init; } = true;

    /// <summary>How returns become weights. Default: normalize (the course's formula).</summary>
    [Description("Fitness shaping of the returns: none, normalize ((F - mean)/std) or centered_ranks (ranks mapped to [-0.5, 0.5]).")]
    public FitnessShaping FitnessShaping { get; init; } = FitnessShaping.Normalize;

    /// <summary>The update rule. Default: sgd (the course's formula).</summary>
    [Description("Update rule: sgd (theta += alpha*g) or adam.")]
    public EsOptimizer Optimizer { get; init; } = EsOptimizer.Sgd;

    /// <summary>Adam's first-moment decay. Default: 0.9.</summary>
    [Description("Adam's first-moment decay beta1.")]
    public double AdamBeta1 { get; init; } = 0.9;

    /// <summary>Adam's second-moment decay. Default: 0.999.</summary>
    [Description("Adam's second-moment decay beta2.")]
    public double AdamBeta2 { get; init; } = 0.999;

    /// <summary>L2 weight decay λ: the ascent direction is g − λθ. Default: 0.</summary>
    [Description("L2 weight decay lambda: the update follows g - lambda*theta (Salimans et al. used 0.005).")]
    public double WeightDecay { get; init; }

    /// <summary>
    /// Subtracted from every reward when scoring perturbations (the survival bonus of locomotion tasks, as ARS's
    /// <see cref="ArsConfig.RewardShift"/>); reported returns are unshifted. Default: 0.
    /// </summary>
    [Description("Subtracted from every reward when scoring perturbations (removes a survival bonus); reported returns are unshifted.")]
    public double RewardShift { get; init; }

    /// <summary>Normalize observations with running statistics (frozen while a batch is scored), as Salimans et al. did. Default: true.</summary>
    [Description("Normalize observations with running mean/std of the states visited in training.")]
    public bool NormalizeObservations { get; init; } = true;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Population < 2) Fail(nameof(Population), Population, "must be >= 2");
        if (Mirrored && Population % 2 != 0) Fail(nameof(Population), Population, "must be even with mirrored sampling (pairs +eps/-eps)");
        RequirePositive(nameof(Sigma), Sigma);
        RequirePositive(nameof(StepSize), StepSize);
        if (!Enum.IsDefined(FitnessShaping)) Fail(nameof(FitnessShaping), FitnessShaping, "must be none, normalize or centered_ranks");
        if (!Enum.IsDefined(Optimizer)) Fail(nameof(Optimizer), Optimizer, "must be sgd or adam");
        if (!(AdamBeta1 >= 0 && AdamBeta1 < 1)) Fail(nameof(AdamBeta1), AdamBeta1, "must lie in [0, 1)");
        if (!(AdamBeta2 >= 0 && AdamBeta2 < 1)) Fail(nameof(AdamBeta2), AdamBeta2, "must lie in [0, 1)");
        RequireNonNegative(nameof(WeightDecay), WeightDecay);
        if (!double.IsFinite(RewardShift)) Fail(nameof(RewardShift), RewardShift, "must be finite");
    }
}
