using System.ComponentModel;
using Rl.Agents.Networks;
using Rl.Agents.Optimization;
using Rl.Agents.Policies;

namespace Rl.Agents.PolicyGradient;

/// <summary>
/// The hyperparameters REINFORCE and off-policy policy gradient share: rollouts, returns, baseline, networks,
/// optimizer and learning-rate schedule. TOML keys are the snake_case property names (<c>hidden_sizes</c>, ...).
/// </summary>
public abstract record PolicyGradientConfig : Training.IValidatableConfig
{
    /// <summary>Environments stepped in lockstep, with one batched network call per step. Default 8.</summary>
    [Description("Environments stepped in lockstep; one batched forward pass per step.")]
    public int NumEnvs { get; init; } = 8;

    /// <summary>Discount factor γ of the returns. Default 0.99.</summary>
    [Description("Discount factor gamma of the returns, in [0, 1].")]
    public double Gamma { get; init; } = 0.99;

    /// <summary>Baseline b(s) subtracted from the returns: none, mean (running mean of returns) or value (learned V(s)). Default value.</summary>
    [Description("Baseline subtracted from the returns: none | mean | value (a learned state-value network).")]
    public string Baseline { get; init; } = "value";

    /// <summary>Decay of the running-mean baseline across iterations. Default 0.9.</summary>
    [Description("Decay of the running-mean baseline across iterations (baseline = mean), in [0, 1).")]
    public double BaselineDecay { get; init; } = 0.9;

    /// <summary>Standardize advantages to mean 0 and std 1 in each gradient estimate. Default true.</summary>
    [Description("Standardize the advantages (mean 0, std 1) in each gradient estimate.")]
    public bool NormalizeAdvantages { get; init; } = true;

    /// <summary>Weight β of the entropy bonus added to the objective. Default 0.</summary>
    [Description("Weight of the entropy bonus (encourages exploration); >= 0.")]
    public double EntropyCoef { get; init; }

    /// <summary>Normalize observations with running mean and std (uint8 images are scaled by 1/255 instead). Default true.</summary>
    [Description("Normalize vector observations with running mean/std (images are scaled by 1/255).")]
    public bool NormalizeObservations { get; init; } = true;

    /// <summary>Network body: auto (conv for H×W×C images, MLP otherwise), mlp or conv. Default auto.</summary>
    [Description("Network body: auto (conv net for HxWxC images, MLP otherwise) | mlp | conv.")]
    public string Network { get; init; } = "auto";

    /// <summary>MLP hidden layer widths. Default [64, 64].</summary>
    [Description("MLP hidden layer widths.")]
    public int[] HiddenSizes { get; init; } = [64, 64];

    /// <summary>MLP activation: tanh or relu. Default tanh.</summary>
    [Description("MLP activation: tanh | relu.")]
    public string Activation { get; init; } = "tanh";

    /// <summary>Weight init of the MLP and the heads: he, xavier or orthogonal. Default orthogonal.</summary>
    [Description("Weight init of the MLP and heads: he | xavier | orthogonal.")]
    public string Init { get; init; } = "orthogonal";

    /// <summary>LayerNorm in the MLP's hidden layers. Default false.</summary>
    [Description("LayerNorm in the MLP's hidden layers.")]
    public bool LayerNorm { get; init; }

    /// <summary>Conv net: channels of each strided stage. Default [32, 64, 64].</summary>
    [Description("Conv net: output channels of each strided stage.")]
    public int[] ConvChannels { get; init; } = [32, 64, 64];

    /// <summary>Conv net: kernel size of each stage. Default [8, 4, 3].</summary>
    [Description("Conv net: kernel size of each stage.")]
    public int[] ConvKernels { get; init; } = [8, 4, 3];

    /// <summary>Conv net: stride of each stage. Default [4, 2, 1].</summary>
    [Description("Conv net: stride of each stage.")]
    public int[] ConvStrides { get; init; } = [4, 2, 1];

    /// <summary>Conv net: normalization after each conv: none, batch, group or layer. Default none.</summary>
    [Description("Conv net: normalization after each conv: none | batch | group | layer.")]
    public string ConvNorm { get; init; } = "none";

    /// <summary>Conv net: GroupNorm groups. Default 8.</summary>
    [Description("Conv net: groups of GroupNorm (must divide every channel count).")]
    public int ConvGroups { get; init; } = 8;

    /// <summary>Conv net: residual blocks after each stage. Default 0.</summary>
    [Description("Conv net: residual blocks after each stage.")]
    public int ConvResidualBlocks { get; init; }

    /// <summary>Conv net: how the last feature map reaches the linear layer: average (global average pooling) or none (flattened). Default average.</summary>
    [Description("Conv net: average (global average pooling, one value per channel) or none (the flattened last feature map, which keeps where features are).")]
    public ConvPooling ConvPooling { get; init; } = ConvPooling.Average;

    /// <summary>Conv net: width of the linear layer after the pooling. Default 256.</summary>
    [Description("Conv net: width of the linear layer after the pooling.")]
    public int ConvFeatures { get; init; } = 256;

    /// <summary>Initial log standard deviation of Gaussian policies (Box actions). Default -0.5.</summary>
    [Description("Initial log standard deviation of Gaussian policies (Box actions).")]
    public double InitLogStd { get; init; } = -0.5;

    /// <summary>Policy optimizer: sgd, rmsprop or adam. Default adam.</summary>
    [Description("Optimizer: sgd (with momentum) | rmsprop | adam.")]
    public string Optimizer { get; init; } = "adam";

    /// <summary>Policy learning rate (the base of the schedule). Default 0.01 for REINFORCE, 0.001 for off-policy PG.</summary>
    [Description("Policy learning rate (the schedule scales it).")]
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Momentum of SGD and RMSProp. Default 0 (set 0.9 for SGD with momentum).</summary>
    [Description("Momentum of sgd and rmsprop, in [0, 1); 0.9 is the usual value for sgd.")]
    public double Momentum { get; init; }

    /// <summary>Nesterov momentum for SGD. Default false.</summary>
    [Description("Nesterov momentum for sgd.")]
    public bool Nesterov { get; init; }

    /// <summary>Adam β1. Default 0.9.</summary>
    [Description("Adam beta1.")]
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam β2. Default 0.999.</summary>
    [Description("Adam beta2.")]
    public double Beta2 { get; init; } = 0.999;

    /// <summary>RMSProp smoothing constant. Default 0.99.</summary>
    [Description("RMSProp smoothing constant alpha.")]
    public double RmspropAlpha { get; init; } = 0.99;

    /// <summary>ε of Adam and RMSProp. Default 1e-8.</summary>
    [Description("Epsilon of adam and rmsprop.")]
    public double OptimizerEpsilon { get; init; } = 1e-8;

    /// <summary>Weight decay (decoupled for Adam). Default 0.</summary>
    [Description("Weight decay (L2 for sgd/rmsprop, decoupled for adam); the course's usual value is 1e-4.")]
    public double WeightDecay { get; init; }

    /// <summary>Clip the global gradient norm to this; 0 = off. Default 0.</summary>
    [Description("Clip the global gradient norm to this before each step; 0 turns clipping off.")]
    public double MaxGradNorm { get; init; }

    /// <summary>Learning-rate schedule: constant, step, linear, cosine or cyclical (per policy update). Default constant.</summary>
    [Description("Learning-rate schedule over policy updates: constant | step | linear | cosine | cyclical.")]
    public string LrSchedule { get; init; } = "constant";

    /// <summary>Step schedule: updates between decays. Default 100.</summary>
    [Description("Step schedule: policy updates between decays.")]
    public int LrStepSize { get; init; } = 100;

    /// <summary>Step schedule: decay factor. Default 0.5.</summary>
    [Description("Step schedule: decay factor, in (0, 1].")]
    public double LrGamma { get; init; } = 0.5;

    /// <summary>Linear and cosine schedules: updates to reach the final rate. Default 1000.</summary>
    [Description("Linear and cosine schedules: policy updates to reach the final rate.")]
    public int LrHorizon { get; init; } = 1000;

    /// <summary>Linear and cosine schedules: final rate as a fraction of the base rate. Default 0.</summary>
    [Description("Linear and cosine schedules: final rate as a fraction of learning_rate.")]
    public double LrFinalFraction { get; init; }

    /// <summary>Cyclical schedule: updates per cycle. Default 200.</summary>
    [Description("Cyclical schedule: policy updates per full cycle.")]
    public int LrCycleLength { get; init; } = 200;

    /// <summary>Cyclical schedule: lowest rate as a fraction of the base rate. Default 0.1.</summary>
    [Description("Cyclical schedule: lowest rate as a fraction of learning_rate.")]
    public double LrMinFraction { get; init; } = 0.1;

    /// <summary>Learning rate of the value network (same optimizer, constant rate). Default 0.005.</summary>
    [Description("Learning rate of the value-network baseline (same optimizer kind, constant).")]
    public double ValueLearningRate { get; init; } = 0.005;

    /// <summary>Value-network gradient steps per iteration. Default 20.</summary>
    [Description("Gradient steps of the value network per iteration.")]
    public int ValueUpdates { get; init; } = 20;

    /// <summary>Minibatch size of the value-network steps. Default 256.</summary>
    [Description("Minibatch size of the value-network steps.")]
    public int ValueMinibatchSize { get; init; } = 256;

    /// <summary>Torch intra-op threads (0 = 1, so results never depend on the machine's core count); 1 is fastest for small MLPs. Default 1.</summary>
    [Description("Torch intra-op threads (0 = 1: results never depend on the core count); 1 is fastest for small MLPs.")]
    public int TorchThreads { get; init; } = 1;

    /// <summary>Checks every value; the message names the key and the value.</summary>
    /// <exception cref="ArgumentException">For the first invalid value.</exception>
    public virtual void Validate()
    {
        Check(NumEnvs is >= 1 and <= 4096, "num_envs", NumEnvs, "must be in [1, 4096]");
        Check(Gamma is >= 0 and <= 1, "gamma", Gamma, "must be in [0, 1]");
        Training.ConfigErrors.Check(() => ParseBaseline(Baseline));
        Check(BaselineDecay is >= 0 and < 1, "baseline_decay", BaselineDecay, "must be in [0, 1)");
        Check(EntropyCoef >= 0 && double.IsFinite(EntropyCoef), "entropy_coef", EntropyCoef, "must be >= 0");
        Check(double.IsFinite(InitLogStd), "init_log_std", InitLogStd, "must be a finite number");
        Check(ValueUpdates >= 0, "value_updates", ValueUpdates, "must be >= 0");
        Check(ValueMinibatchSize >= 1, "value_minibatch_size", ValueMinibatchSize, "must be >= 1");
        Check(TorchThreads >= 0, "torch_threads", TorchThreads, "must be >= 0");
        Training.ConfigErrors.Check(() => NetworkSpec());
        Training.ConfigErrors.Check(() => PolicyOptimizer());
        Training.ConfigErrors.Check(() => ValueOptimizer());
        Training.ConfigErrors.Check(() => Schedule());
    }

    /// <summary>The network architecture these keys describe.</summary>
    public NetworkSpec NetworkSpec()
    {
        var body = NetworkNames.ParseBody(Network, "network");
        NetworkNames.CheckHiddenSizes(HiddenSizes, "hidden_sizes");
        var conv = new ConvNetSpec
        {
            Channels = ConvChannels,
            Kernels = ConvKernels,
            Strides = ConvStrides,
            Norm = NetworkNames.ParseNorm(ConvNorm, "conv_norm"),
            Groups = ConvGroups,
            ResidualBlocks = ConvResidualBlocks,
            Pooling = ConvPooling,
            Features = ConvFeatures,
        };
        conv.Validate();
        return new NetworkSpec
        {
            Body = body,
            HiddenSizes = HiddenSizes,
            Activation = NetworkNames.ParseActivation(Activation, "activation"),
            Init = NetworkNames.ParseInit(Init, "init"),
            LayerNorm = LayerNorm,
            Conv = conv,
        };
    }

    /// <summary>The policy optimizer these keys describe.</summary>
    public OptimizerSettings PolicyOptimizer()
    {
        var s = new OptimizerSettings
        {
            Kind = OptimizerSettings.ParseKind(Optimizer, "optimizer"),
            LearningRate = LearningRate,
            Momentum = Momentum,
            Nesterov = Nesterov,
            Beta1 = Beta1,
            Beta2 = Beta2,
            Alpha = RmspropAlpha,
            Epsilon = OptimizerEpsilon,
            WeightDecay = WeightDecay,
            MaxGradNorm = MaxGradNorm,
        };
        s.Validate();
        return s;
    }

    /// <summary>The value-network optimizer: the same kind and settings with <see cref="ValueLearningRate"/>.</summary>
    public OptimizerSettings ValueOptimizer()
    {
        var s = PolicyOptimizer() with { LearningRate = ValueLearningRate };
        s.Validate("value_");
        return s;
    }

    /// <summary>The policy's learning-rate schedule these keys describe.</summary>
    public LrSchedule Schedule()
    {
        var s = new LrSchedule
        {
            Kind = Optimization.LrSchedule.ParseKind(LrSchedule, "lr_schedule"),
            StepSize = LrStepSize,
            Gamma = LrGamma,
            Horizon = LrHorizon,
            FinalFraction = LrFinalFraction,
            CycleLength = LrCycleLength,
            MinFraction = LrMinFraction,
        };
        s.Validate();
        return s;
    }

    /// <summary>Parses the baseline name.</summary>
    /// <exception cref="ArgumentException">Naming the key and value.</exception>
    public static BaselineKind ParseBaseline(string value) => value switch
    {
        "none" => BaselineKind.None,
        "mean" => BaselineKind.RunningMean,
        "value" => BaselineKind.Value,
        _ => throw new ArgumentException($"baseline = \"{value}\" is not valid; use one of: none, mean, value"),
    };

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="key"/> and <paramref name="value"/> unless <paramref name="ok"/>.</summary>
    protected static void Check(bool ok, string key, object value, string rule) => OptimizerSettings.Check(ok, key, value, rule);
}
