using System.ComponentModel;
using Rl.Agents.Networks;
using Rl.Agents.Optimization;

namespace Rl.Agents.Imitation;

/// <summary>
/// The hyperparameters behaviour cloning and DAgger share: the supervised fit of π(a|o) (network, optimizer, minibatches,
/// validation split, early stopping), the loss for continuous actions, pixel augmentation and the evaluation episodes run
/// each iteration. TOML keys are the snake_case property names; the network, the optimizer and the schedule are the
/// <c>[config.network]</c>, <c>[config.optimizer]</c> and <c>[config.schedule]</c> tables every TorchSharp algorithm shares.
/// </summary>
public abstract record ImitationConfig : Training.IValidatableConfig, Training.IConfigAliases
{
    /// <inheritdoc />
    public IReadOnlyList<Training.ConfigAlias> Aliases => Training.TorchConfigAliases.Flat;

    /// <summary>Fraction of the labelled states held out for validation (early stopping). Default 0.1.</summary>
    [Description("Fraction of labelled states held out for the validation loss, in [0, 0.5].")]
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Stop fitting after this many epochs without a better validation loss, and keep the best weights (0: never stop). Default 5.</summary>
    [Description("Early stopping: epochs without a better validation loss before fitting stops (the best weights are kept); 0 = never.")]
    public int Patience { get; init; } = 5;

    /// <summary>Labelled states per gradient step. Default 64.</summary>
    [Description("Labelled states per gradient step.")]
    public int MinibatchSize { get; init; } = 64;

    /// <summary>Loss for Box actions: mse (of the Gaussian's mean) or nll (Gaussian negative log-likelihood, learns σ too). Default mse.</summary>
    [Description("Loss for continuous (Box) actions: mse (mean squared error of the mean) | nll (Gaussian negative log-likelihood). Discrete actions use cross-entropy.")]
    public ContinuousLoss ContinuousLoss { get; init; } = ContinuousLoss.Mse;

    /// <summary>Deterministic episodes run in the environment after each iteration, reported as the iteration's episodes. Default 5.</summary>
    [Description("Deterministic evaluation episodes in the environment after each iteration (reported as its episodes); 0 = none.")]
    public int EvalEpisodes { get; init; } = 5;

    /// <summary>Normalize vector observations with the mean and std of the labelled data (images are scaled by 1/255). Default true.</summary>
    [Description("Normalize vector observations with the statistics of the labelled data (images are scaled by 1/255).")]
    public bool NormalizeObservations { get; init; } = true;

    /// <summary>Augment image observations (random shifts, brightness and colour jitter, mirror flips). Default true.</summary>
    [Description("Augment image observations while fitting: random shifts, brightness/colour jitter and mirrored flips (when the env declares how actions mirror).")]
    public bool Augment { get; init; } = true;

    /// <summary>Largest random shift of an image in pixels, each axis (edges repeat). Default 2.</summary>
    [Description("Augmentation: largest random image shift in pixels along each axis (edge pixels repeat).")]
    public int AugmentShift { get; init; } = 2;

    /// <summary>Largest brightness change, as a fraction of full scale (added to every channel). Default 0.1.</summary>
    [Description("Augmentation: largest brightness change, a fraction of full scale added to every channel.")]
    public double AugmentBrightness { get; init; } = 0.1;

    /// <summary>Largest per-channel gain change (colour jitter): each channel is scaled by 1 ± this. Default 0.1.</summary>
    [Description("Augmentation: largest per-channel gain change (colour jitter), each channel scaled by 1 +- this.")]
    public double AugmentColor { get; init; } = 0.1;

    /// <summary>Probability of flipping an image left-right and mirroring its action label, where the environment declares the mirror. Default 0.5.</summary>
    [Description("Augmentation: probability of a left-right flip with the mirrored action label (only where the env declares how actions mirror).")]
    public double AugmentMirror { get; init; } = 0.5;

    /// <summary>The policy network: <c>[config.network]</c>. Default an MLP [64, 64] (tanh), or a conv net [16, 32, 32] for images.</summary>
    [Description("The network: body kind, MLP sizes, activation, init, conv net.")]
    public NetworkSettings Network { get; init; } = new() { ConvChannels = [16, 32, 32], ConvKernels = [5, 3, 3], ConvStrides = [2, 2, 2], ConvFeatures = 128 };

    /// <summary>The optimizer of the supervised fit: <c>[config.optimizer]</c>. Default Adam, learning rate 0.001.</summary>
    [Description("The optimizer of the supervised fit.")]
    public OptimizerSettings Optimizer { get; init; } = new() { LearningRate = 1e-3 };

    /// <summary>The learning-rate schedule over the fit's gradient steps: <c>[config.schedule]</c>. Default constant.</summary>
    [Description("The learning-rate schedule over the fit's gradient steps (counted across iterations).")]
    public LrSchedule Schedule { get; init; } = new();

    /// <summary>Torch intra-op threads (0: 1, so results never depend on the machine's core count). Default 1.</summary>
    [Description("Torch intra-op threads; 0 = 1 (results never depend on the machine's core count).")]
    public int TorchThreads { get; init; } = 1;

    /// <summary>Checks every value; the message names the key and the value.</summary>
    /// <exception cref="ArgumentException">Naming the key and the value.</exception>
    public virtual void Validate()
    {
        Check(ValidationFraction is >= 0 and <= 0.5, "validation_fraction", ValidationFraction, "must be in [0, 0.5]");
        Check(Patience >= 0, "patience", Patience, "must be >= 0");
        Check(MinibatchSize >= 1, "minibatch_size", MinibatchSize, "must be >= 1");
        Check(Enum.IsDefined(ContinuousLoss), "continuous_loss", ContinuousLoss, "must be mse or nll");
        Check(EvalEpisodes >= 0, "eval_episodes", EvalEpisodes, "must be >= 0");
        Check(AugmentShift is >= 0 and <= 16, "augment_shift", AugmentShift, "must be in [0, 16]");
        Check(AugmentBrightness is >= 0 and <= 1, "augment_brightness", AugmentBrightness, "must be in [0, 1]");
        Check(AugmentColor is >= 0 and <= 1, "augment_color", AugmentColor, "must be in [0, 1]");
        Check(AugmentMirror is >= 0 and <= 1, "augment_mirror", AugmentMirror, "must be in [0, 1]");
        Check(TorchThreads >= 0, "torch_threads", TorchThreads, "must be >= 0");
        Training.ConfigErrors.Check(() => Network.ToSpec());
        Optimizer.Validate();
        Schedule.Validate();
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="key"/> and <paramref name="value"/> unless <paramref name="ok"/>.</summary>
    protected static void Check(bool ok, string key, object value, string rule) => OptimizerSettings.Check(ok, key, value, rule);
}

/// <summary>The loss of behaviour cloning and DAgger for continuous (Box) actions.</summary>
public enum ContinuousLoss
{
    /// <summary>Mean squared error of the Gaussian's mean.</summary>
    Mse,

    /// <summary>Gaussian negative log-likelihood (learns σ too).</summary>
    Nll,
}

/// <summary>Behaviour cloning's hyperparameters (plus the shared ones of <see cref="ImitationConfig"/>).</summary>
public sealed record BcConfig : ImitationConfig
{
    /// <summary>A demonstration directory to learn from (<c>rl play --record</c> or DemonstrationWriter); empty: generate expert episodes. Default empty.</summary>
    [Description("Demonstration directory to clone (recorded with rl play --record or a DemonstrationWriter); empty = generate expert_episodes with the env's scripted expert.")]
    public string DemosDir { get; init; } = "";

    /// <summary>Episodes of the environment's scripted expert to learn from when no demonstration directory is given. Default 10.</summary>
    [Description("Episodes of the environment's scripted expert to clone when demos_dir is empty.")]
    public int ExpertEpisodes { get; init; } = 10;

    /// <summary>Stop generating expert episodes after this many labelled steps (0: no cap), so BC can be compared with DAgger at equal labels. Default 0.</summary>
    [Description("Cap on the expert's labelled steps (the last episode is cut); 0 = no cap. For comparisons at an equal number of labels.")]
    public int ExpertSteps { get; init; }

    /// <summary>Passes over the training data per iteration. Default 1.</summary>
    [Description("Passes over the training data (epochs) per iteration.")]
    public int EpochsPerIteration { get; init; } = 1;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Check(ExpertEpisodes >= 1, "expert_episodes", ExpertEpisodes, "must be >= 1");
        Check(ExpertSteps >= 0, "expert_steps", ExpertSteps, "must be >= 0");
        Check(EpochsPerIteration >= 1, "epochs_per_iteration", EpochsPerIteration, "must be >= 1");
    }
}

/// <summary>DAgger's hyperparameters (plus the shared ones of <see cref="ImitationConfig"/>).</summary>
public sealed record DaggerConfig : ImitationConfig
{
    /// <summary>
    /// A demonstration directory (<c>rl play --record</c> or DemonstrationWriter) whose episodes are the first dataset D_0:
    /// the learner is fitted on them before iteration 0, then every iteration adds the states it visits, labelled by the
    /// expert. Empty: D_0 is empty (plain DAgger). Default empty.
    /// </summary>
    [Description("Demonstration directory whose episodes are the first dataset D_0 (fitted before iteration 0; then the usual iterations, the expert labelling visited states); empty = start from no data.")]
    public string DemosDir { get; init; } = "";

    /// <summary>States visited (and labelled by the expert) per iteration. Default 1000.</summary>
    [Description("States visited and labelled by the expert per iteration (the last episode is cut at this count).")]
    public int StepsPerIteration { get; init; } = 1000;

    /// <summary>β at iteration 0: the probability that the expert, not the learner, acts at a step. Default 1 (the first iteration is the expert's).</summary>
    [Description("Beta at iteration 0: probability that the expert's action is executed at a step (1 = the first data is pure expert).")]
    public double Beta0 { get; init; } = 1.0;

    /// <summary>β_i = beta0 × beta_decay^i (Ross et al.'s β_i = p^(i-1)). Default 0.5.</summary>
    [Description("Beta schedule: beta_i = beta0 * beta_decay^i (0 = the learner alone acts after iteration 0).")]
    public double BetaDecay { get; init; } = 0.5;

    /// <summary>Epochs of fitting on the aggregated data after each collection (early stopping may end them sooner). Default 20.</summary>
    [Description("Epochs of fitting on the aggregated dataset after each collection (early stopping may end them sooner).")]
    public int EpochsPerIteration { get; init; } = 20;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Check(StepsPerIteration >= 1, "steps_per_iteration", StepsPerIteration, "must be >= 1");
        Check(Beta0 is >= 0 and <= 1, "beta0", Beta0, "must be in [0, 1]");
        Check(BetaDecay is >= 0 and <= 1, "beta_decay", BetaDecay, "must be in [0, 1]");
        Check(EpochsPerIteration >= 1, "epochs_per_iteration", EpochsPerIteration, "must be >= 1");
    }

    /// <summary>β at iteration <paramref name="iteration"/> (0-based).</summary>
    public double Beta(int iteration) => Beta0 * Math.Pow(BetaDecay, iteration);
}
