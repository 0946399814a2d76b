using System.ComponentModel;
using System.Runtime.Serialization;

namespace Rl.Agents.Optimization;

/// <summary>The optimizers the course names (config names: <c>sgd</c>, <c>rmsprop</c>, <c>adam</c>).</summary>
public enum OptimizerKind
{
    /// <summary>SGD with (optionally Nesterov) momentum: the choice for large models.</summary>
    Sgd,

    /// <summary>RMSProp: per-parameter step sizes from a running mean of squared gradients; used in some RL problems.</summary>
    [EnumMember(Value = "rmsprop")]
    RmsProp,

    /// <summary>Adam (AdamW: weight decay decoupled from the gradient): the choice for small models.</summary>
    Adam,
}

/// <summary>
/// One optimizer's hyperparameters: the <c>[config.optimizer]</c> table of every TorchSharp algorithm (keys: the snake_case
/// property names). Checked by <see cref="Validate"/>.
/// </summary>
public sealed record OptimizerSettings
{
    /// <summary>Which optimizer. Default Adam.</summary>
    [Description("Optimizer: sgd (with momentum) | rmsprop | adam (decoupled weight decay, as AdamW).")]
    public OptimizerKind Kind { get; init; } = OptimizerKind.Adam;

    /// <summary>Base learning rate (a schedule scales it). Default 3e-4.</summary>
    [Description("Base learning rate (the [config.schedule] scales it), > 0.")]
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>Momentum for SGD and RMSProp. Default 0 (0.9 is the usual value for SGD with momentum).</summary>
    [Description("Momentum of sgd and rmsprop, in [0, 1); 0.9 is the usual value for sgd.")]
    public double Momentum { get; init; }

    /// <summary>Nesterov momentum for SGD. Default false.</summary>
    [Description("Nesterov momentum for sgd (needs momentum > 0).")]
    public bool Nesterov { get; init; }

    /// <summary>Adam's β1. Default 0.9.</summary>
    [Description("Adam beta1, in [0, 1).")]
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's β2. Default 0.999.</summary>
    [Description("Adam beta2, in [0, 1).")]
    public double Beta2 { get; init; } = 0.999;

    /// <summary>RMSProp's smoothing constant α. Default 0.99.</summary>
    [Description("RMSProp smoothing constant alpha, in (0, 1).")]
    public double Alpha { get; init; } = 0.99;

    /// <summary>The ε added to denominators (Adam, RMSProp). Default 1e-8.</summary>
    [Description("Epsilon added to the denominators of adam and rmsprop, > 0.")]
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Weight decay (L2 for SGD/RMSProp, decoupled for Adam). Default 0.</summary>
    [Description("Weight decay (L2 for sgd/rmsprop, decoupled for adam); the course's usual value is 1e-4.")]
    public double WeightDecay { get; init; }

    /// <summary>Clip the global gradient norm to this before each step; 0 turns clipping off. Default 0.</summary>
    [Description("Clip the global gradient norm to this before each step; 0 turns clipping off.")]
    public double MaxGradNorm { get; init; }

    /// <summary>Checks the values; each message names the key as <c><paramref name="table"/>.key</c>.</summary>
    /// <param name="table">The table's name in messages. Default <c>optimizer</c>.</param>
    /// <exception cref="ArgumentException">Naming the key and the value (inside <see cref="Training.ConfigErrors.Collect"/>: every broken rule is recorded).</exception>
    public void Validate(string table = "optimizer")
    {
        string k(string key) => table.Length == 0 ? key : table + "." + key;
        Check(Enum.IsDefined(Kind), k("kind"), Kind, "is not an optimizer");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), k("learning_rate"), LearningRate, "must be a positive number");
        Check(Momentum is >= 0 and < 1, k("momentum"), Momentum, "must be in [0, 1)");
        Check(!Nesterov || Kind != OptimizerKind.Sgd || Momentum > 0, k("nesterov"), Nesterov, "needs momentum > 0");
        Check(Beta1 is >= 0 and < 1, k("beta1"), Beta1, "must be in [0, 1)");
        Check(Beta2 is >= 0 and < 1, k("beta2"), Beta2, "must be in [0, 1)");
        Check(Alpha is > 0 and < 1, k("alpha"), Alpha, "must be in (0, 1)");
        Check(Epsilon > 0, k("epsilon"), Epsilon, "must be positive");
        Check(WeightDecay >= 0 && double.IsFinite(WeightDecay), k("weight_decay"), WeightDecay, "must be >= 0");
        Check(MaxGradNorm >= 0 && double.IsFinite(MaxGradNorm), k("max_grad_norm"), MaxGradNorm, "must be >= 0 (0 turns clipping off)");
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
}
