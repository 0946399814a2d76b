using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.Networks;

/// <summary>
/// A ReLU that also records which of its units were active (output &gt; 0) for at least one sample of the forward passes
/// run with gradients enabled (the updates' minibatches; rollouts run without gradients and are not counted). The
/// <see cref="Optimization.TrainingOptimizer"/> reads and resets the record on a diagnosed step and reports the fraction
/// of units that stayed inactive (dead ReLU units: they pass no gradient, so they may never recover). For a convolution's
/// output a unit is a channel (active at any position of any sample).
/// </summary>
public sealed class ActivityReLU : nn.Module<Tensor, Tensor>
{
    private Tensor? _active;

    /// <summary>Creates the module.</summary>
    public ActivityReLU() : base("ReLU") { }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var output = nn.functional.relu(input);
        if (is_grad_enabled() && output.dim() >= 2)
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            using var zero = 0.ToScalar(); // kept alive across the native call (docs/architecture.md, "TorchSharp Scalars")
            var positive = output.gt(zero);
            // Any sample (dimension 0) and, for feature maps N×C×H×W, any position: one flag per unit or channel.
            var active = output.dim() == 2 ? positive.any(0) : positive.flatten(2).any(2).any(0);
            if (_active is null || !_active.shape.SequenceEqual(active.shape)) ReplaceActive(active);
            else _active.logical_or_(active);
        }
        return output;
    }

    private void ReplaceActive(Tensor active)
    {
        _active?.Dispose();
        _active = active.clone().DetachFromDisposeScope();
    }

    /// <summary>
    /// The fraction of units never active since the last call (null when no forward pass with gradients ran), and a reset.
    /// </summary>
    public double? TakeDeadFraction()
    {
        if (_active is null) return null;
        using var scope = NewDisposeScope();
        double activeFraction = _active.to_type(ScalarType.Float32).mean().item<float>();
        _active.Dispose();
        _active = null;
        return 1 - activeFraction;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _active?.Dispose();
            _active = null;
        }
        base.Dispose(disposing);
    }
}
