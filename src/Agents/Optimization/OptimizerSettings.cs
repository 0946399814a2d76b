namespace Rl.Agents.Optimization;

/// <summary>The optimizers the course names.</summary>
public enum OptimizerKind
{
    /// <summary>SGD with (optionally Nesterov) momentum: the choice for large models.</summary>
    Sgd,

    /// <summary>RMSProp: per-parameter step sizes from a running mean of squared gradients; used in some RL problems.</summary>
    RmsProp,

    /// <summary>Adam (AdamW: weight decay decoupled from the gradient): the choice for small models.</summary>
    Adam,
}

/// <summary>One optimizer's hyperparameters. Built from an algorithm's config; checked by <see cref="Validate"/>.</summary>
public sealed record OptimizerSettings
{
    /// <summary>Which optimizer. Default Adam.</summary>
    public OptimizerKind Kind { get; init; } = OptimizerKind.Adam;

    /// <summary>Base learning rate (a schedule scales it). Default 3e-4.</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>Momentum for SGD and RMSProp. Default 0.9 (RMSProp usually runs with 0).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Nesterov momentum for SGD. Default false.</summary>
    public bool Nesterov { get; init; }

    /// <summary>Adam's β1. Default 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's β2. Default 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>RMSProp's smoothing constant α. Default 0.99.</summary>
    public double Alpha { get; init; } = 0.99;

    /// <summary>The ε added to denominators (Adam, RMSProp). Default 1e-8.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Weight decay (L2 for SGD/RMSProp, decoupled for Adam). Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Clip the global gradient norm to this before each step; 0 turns clipping off. Default 0.</summary>
    public double MaxGradNorm { get; init; }

    /// <summary>Checks the values; <paramref name="keyPrefix"/> prefixes the key names in messages (e.g. <c>value_</c>).</summary>
    /// <exception cref="ArgumentException">Naming the key and the value.</exception>
    public void Validate(string keyPrefix = "")
    {
        Check(LearningRate > 0 && double.IsFinite(LearningRate), $"{keyPrefix}learning_rate", LearningRate, "must be a positive number");
        Check(Momentum is >= 0 and < 1, "momentum", Momentum, "must be in [0, 1)");
        Check(!Nesterov || Kind != OptimizerKind.Sgd || Momentum > 0, "nesterov", Nesterov, "needs momentum > 0");
        Check(Beta1 is >= 0 and < 1, "beta1", Beta1, "must be in [0, 1)");
        Check(Beta2 is >= 0 and < 1, "beta2", Beta2, "must be in [0, 1)");
        Check(Alpha is > 0 and < 1, "rmsprop_alpha", Alpha, "must be in (0, 1)");
        Check(Epsilon > 0, "optimizer_epsilon", Epsilon, "must be positive");
        Check(WeightDecay >= 0 && double.IsFinite(WeightDecay), "weight_decay", WeightDecay, "must be >= 0");
        Check(MaxGradNorm >= 0 && double.IsFinite(MaxGradNorm), "max_grad_norm", MaxGradNorm, "must be >= 0 (0 turns clipping off)");
    }

    internal static void Check(bool ok, string key, object value, string rule)
    {
        if (!ok) Training.ConfigErrors.Report(new ArgumentException($"{key} = {Format(value)} {rule}"));
    }

    internal static string Format(object value) => value switch
    {
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => value.ToString() ?? "null",
    };

    /// <summary>The accepted optimizer names in config files.</summary>
    public static readonly string[] Names = ["sgd", "rmsprop", "adam"];

    /// <summary>Parses <c>sgd</c>, <c>rmsprop</c> or <c>adam</c>.</summary>
    /// <exception cref="ArgumentException">Naming <paramref name="key"/> and the value.</exception>
    public static OptimizerKind ParseKind(string value, string key) => value switch
    {
        "sgd" => OptimizerKind.Sgd,
        "rmsprop" => OptimizerKind.RmsProp,
        "adam" => OptimizerKind.Adam,
        _ => throw new ArgumentException($"{key} = \"{value}\" is not valid; use one of: {string.Join(", ", Names)}"),
    };
}
