using Rl.Agents.Networks;
using Rl.Agents.Optimization;
using Rl.Agents.Training;
using Rl.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.PolicyGradient;

/// <summary>The baselines b(s) of the course: E[b ∇ log π] = 0, so subtracting b keeps the estimate unbiased and lowers its variance.</summary>
public enum BaselineKind
{
    /// <summary>b = 0: the plain REINFORCE estimator.</summary>
    None,

    /// <summary>b = a running mean of the returns (one number for all states); config name <c>mean</c>.</summary>
    [System.Runtime.Serialization.EnumMember(Value = "mean")]
    RunningMean,

    /// <summary>b(s) = V_φ(s), a state-value network fitted to the returns.</summary>
    Value,
}

/// <summary>What one baseline fit did.</summary>
/// <param name="Loss">Mean squared error of the last minibatch (0 when nothing is learned).</param>
/// <param name="ExplainedVariance">1 − Var[G − b] / Var[G] on the data before the fit (1 is perfect, ≤ 0 is useless).</param>
public readonly record struct BaselineFit(double Loss, double ExplainedVariance);

/// <summary>
/// A baseline b(s). Its values also bootstrap truncated episodes: b(s_T) stands in for V(s_T) (0 for no baseline, the
/// mean return for the running mean, V_φ(s_T) for the value network).
/// </summary>
public abstract class Baseline : IDisposable
{
    /// <summary>Which baseline.</summary>
    public abstract BaselineKind Kind { get; }

    /// <summary>b(s) for rows of normalized observations [B] (no gradient).</summary>
    public abstract Tensor Values(Tensor normalizedObservations);

    /// <summary>Fits the baseline to returns G for normalized observations.</summary>
    public abstract BaselineFit Fit(Tensor normalizedObservations, Tensor returns);

    /// <summary>Writes the baseline's state.</summary>
    public abstract void Save(Checkpoint checkpoint, string prefix);

    /// <summary>Restores the state written by <see cref="Save"/>.</summary>
    public abstract void Load(Checkpoint checkpoint, string prefix);

    /// <summary>Adds the baseline's metrics and diagnostics.</summary>
    public virtual void Report(IDictionary<string, double> scalars, IDictionary<string, float[]> histograms) { }

    /// <inheritdoc />
    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>1 − Var[G − b] / Var[G].</summary>
    protected static double ExplainedVariance(Tensor returns, Tensor values)
    {
        if (returns.shape[0] < 2) return 0;
        double var = returns.var().item<float>();
        return var <= 0 ? 0 : 1.0 - (returns - values).var().item<float>() / var;
    }
}

/// <summary>b = 0.</summary>
public sealed class NoBaseline : Baseline
{
    /// <inheritdoc />
    public override BaselineKind Kind => BaselineKind.None;

    /// <inheritdoc />
    public override Tensor Values(Tensor normalizedObservations) =>
        torch.zeros(normalizedObservations.shape[0], device: normalizedObservations.device);

    /// <inheritdoc />
    public override BaselineFit Fit(Tensor normalizedObservations, Tensor returns) => new(0, 0);

    /// <inheritdoc />
    public override void Save(Checkpoint checkpoint, string prefix) { }

    /// <inheritdoc />
    public override void Load(Checkpoint checkpoint, string prefix) { }
}

/// <summary>
/// b = an exponential moving average over iterations of the mean return: b ← d·b + (1 − d)·mean(G). It never looks at
/// the batch it is subtracted from (fitting happens after), so the estimate stays unbiased.
/// </summary>
public sealed class RunningMeanBaseline(double decay) : Baseline
{
    private double _mean;
    private bool _initialized;

    /// <summary>The current b.</summary>
    public double Mean => _mean;

    /// <inheritdoc />
    public override BaselineKind Kind => BaselineKind.RunningMean;

    /// <inheritdoc />
    public override Tensor Values(Tensor normalizedObservations)
    {
        using var mean = _mean.ToScalar(); // kept alive across the native call (docs/architecture.md, "TorchSharp Scalars")
        return torch.full(normalizedObservations.shape[0], mean, ScalarType.Float32, device: normalizedObservations.device);
    }

    /// <inheritdoc />
    public override BaselineFit Fit(Tensor normalizedObservations, Tensor returns)
    {
        double ev = ExplainedVariance(returns, Values(normalizedObservations));
        double batchMean = returns.mean().item<float>();
        _mean = _initialized ? decay * _mean + (1 - decay) * batchMean : batchMean;
        _initialized = true;
        return new BaselineFit(0, ev);
    }

    /// <inheritdoc />
    public override void Save(Checkpoint checkpoint, string prefix) => checkpoint.PutArray($"{prefix}/mean", [_mean, _initialized ? 1.0 : 0.0]);

    /// <inheritdoc />
    public override void Load(Checkpoint checkpoint, string prefix)
    {
        var a = checkpoint.GetArray<double>($"{prefix}/mean", 2);
        (_mean, _initialized) = (a[0], a[1] != 0);
    }

    /// <inheritdoc />
    public override void Report(IDictionary<string, double> scalars, IDictionary<string, float[]> histograms) => scalars["baseline/mean"] = _mean;
}

/// <summary>
/// b(s) = V_φ(s), a state-value network regressed on the returns by minibatch gradient steps on the squared error,
/// taking minibatches from shuffled passes over the data.
/// </summary>
public sealed class ValueBaseline : Baseline
{
    private readonly Rng _rng;
    private readonly int _updates;
    private readonly int _minibatchSize;

    /// <summary>Creates the baseline.</summary>
    /// <param name="network">V_φ (moved to <paramref name="device"/>).</param>
    /// <param name="optimizer">Its optimizer settings (constant learning rate).</param>
    /// <param name="updates">Gradient steps per <see cref="Fit"/>.</param>
    /// <param name="minibatchSize">Rows per step.</param>
    /// <param name="rng">Shuffles the rows.</param>
    /// <param name="device">The torch device.</param>
    public ValueBaseline(ValueNetwork network, OptimizerSettings optimizer, int updates, int minibatchSize, Rng rng, Device device)
    {
        Network = network;
        Network.to(device);
        Network.eval();
        Optimizer = new TrainingOptimizer("value", Network, optimizer, new LrSchedule());
        _updates = updates;
        _minibatchSize = minibatchSize;
        _rng = rng;
    }

    /// <summary>V_φ.</summary>
    public ValueNetwork Network { get; }

    /// <summary>Its optimizer.</summary>
    public TrainingOptimizer Optimizer { get; }

    /// <inheritdoc />
    public override BaselineKind Kind => BaselineKind.Value;

    /// <inheritdoc />
    public override Tensor Values(Tensor normalizedObservations)
    {
        using var _ = torch.no_grad();
        return Network.forward(normalizedObservations);
    }

    /// <inheritdoc />
    public override BaselineFit Fit(Tensor normalizedObservations, Tensor returns)
    {
        int n = (int)returns.shape[0];
        double ev;
        using (var before = Values(normalizedObservations)) ev = ExplainedVariance(returns, before);
        var order = new long[n];
        int next = n;
        double loss = 0;
        Network.train();
        for (int u = 0; u < _updates; u++)
        {
            using var scope = torch.NewDisposeScope();
            int size = Math.Min(_minibatchSize, n);
            if (next + size > n)
            {
                for (int i = 0; i < n; i++) order[i] = i;
                _rng.Shuffle(order.AsSpan());
                next = 0;
            }
            var index = TensorRows.FromSpan(order.AsSpan(next, size), returns.device);
            next += size;
            var v = Network.forward(normalizedObservations.index_select(0, index));
            using var two = 2.ToScalar(); // kept alive across the native call (docs/architecture.md, "TorchSharp Scalars")
            var mse = (v - returns.index_select(0, index)).pow(two).mean();
            loss = Optimizer.Step(mse, diagnose: u == _updates - 1).Loss;
        }
        Network.eval();
        return new BaselineFit(loss, ev);
    }

    /// <inheritdoc />
    public override void Save(Checkpoint checkpoint, string prefix)
    {
        checkpoint.PutBytes($"{prefix}/parameters", ModuleState.Save(Network));
        Optimizer.Save(checkpoint, prefix);
    }

    /// <inheritdoc />
    public override void Load(Checkpoint checkpoint, string prefix)
    {
        ModuleState.Load(Network, checkpoint.GetBytes($"{prefix}/parameters"), $"{prefix}/parameters");
        Optimizer.Load(checkpoint, prefix);
    }

    /// <inheritdoc />
    public override void Report(IDictionary<string, double> scalars, IDictionary<string, float[]> histograms) =>
        Optimizer.ReportDiagnostics(scalars, histograms);

    /// <inheritdoc />
    public override void Dispose()
    {
        Optimizer.Dispose();
        Network.Dispose();
        base.Dispose();
    }
}
