using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rl.Agents.Optimization;

/// <summary>
/// TorchSharp 0.107's SGD, RMSProp and AdamW with a <c>step()</c> that keeps every <see cref="Scalar"/> alive until its native
/// call has returned (docs/architecture.md "TorchSharp Scalars"). TorchSharp's own steps pass numbers such as
/// <c>1 - lr * weight_decay</c> as implicit Scalars, which the garbage collector may finalize while libtorch reads them.
/// Each step here does the same tensor operations in the same order with the same values, so its results are bit-identical
/// to TorchSharp's; the state lives in TorchSharp's own state records, so <c>save_state_dict</c>/<c>load_state_dict</c> are
/// TorchSharp's. The classes carry TorchSharp's class names on purpose: the saved state begins with the optimizer's type
/// name (<c>GetType().Name</c>), and checkpoints written with TorchSharp's optimizers must keep loading (and the other way round).
/// </summary>
public static class KeptScalarOptimizers
{
    /// <summary>SGD with momentum, dampening, Nesterov and L2 weight decay (PyTorch's <c>torch.optim.SGD</c> rule).</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="momentum">Momentum factor (0: none).</param>
    /// <param name="dampening">Dampening of the momentum.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="nesterov">Nesterov momentum.</param>
    public sealed class SGD(IEnumerable<Parameter> parameters, double lr, double momentum, double dampening, double weightDecay, bool nesterov)
        : TorchSharp.Modules.SGD(parameters, lr, momentum, dampening, weightDecay, nesterov, false)
    {
        /// <inheritdoc />
        public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
        {
            var o = group.Options;
            double momentum = o.momentum!.Value, dampening = o.dampening!.Value, weightDecay = o.weight_decay!.Value, lr = o.LearningRate!.Value;
            bool nesterov = o.nesterov!.Value, maximize = o.maximize!.Value;
            using var decay = weightDecay.ToScalar();
            using var mom = momentum.ToScalar();
            using var undamped = (1 - dampening).ToScalar();
            using var stepSize = (maximize ? lr : -lr).ToScalar();
            foreach (var param in group.Parameters)
            {
                var state = (State)_state[param.Handle];
                var grad = param.grad;
                if (grad is null) continue;
                if (weightDecay != 0) grad = grad.add(param, decay);
                if (momentum != 0)
                {
                    var buf = state.momentum_buffer;
                    if (buf is null)
                    {
                        buf = grad.clone().detach().DetachFromDisposeScope();
                        state.momentum_buffer = buf;
                    }
                    else
                    {
                        buf.mul_(mom).add_(grad, undamped);
                    }
                    grad = nesterov ? grad.add(buf, mom) : buf;
                }
                param.add_(grad, stepSize);
            }
        }, closure);
    }

    /// <summary>RMSProp with optional momentum, centring and L2 weight decay (PyTorch's <c>torch.optim.RMSprop</c> rule).</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="alpha">Smoothing constant of the squared-gradient average.</param>
    /// <param name="eps">Added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="momentum">Momentum factor (0: none).</param>
    /// <param name="centered">Normalise by the estimated gradient variance.</param>
    public sealed class RMSProp(IEnumerable<Parameter> parameters, double lr, double alpha, double eps, double weightDecay, double momentum, bool centered)
        : TorchSharp.Modules.RMSProp(parameters, lr, alpha, eps, weightDecay, momentum, centered, false)
    {
        /// <inheritdoc />
        public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
        {
            var o = group.Options;
            bool maximize = o.maximize!.Value, centered = o.centered!.Value;
            double momentum = o.momentum!.Value, alpha = o.alpha!.Value, weightDecay = o.weight_decay!.Value, eps = o.eps!.Value, lr = o.LearningRate!.Value;
            using var decay = weightDecay.ToScalar();
            using var alphaS = alpha.ToScalar();
            using var oneMinusAlpha = (1 - alpha).ToScalar();
            using var minusOne = (-1).ToScalar();
            using var one = 1.ToScalar();
            using var epsS = eps.ToScalar();
            using var mom = momentum.ToScalar();
            using var minusLr = (-lr).ToScalar();
            foreach (var param in group.Parameters)
            {
                var state = (State)_state[param.Handle];
                var grad = param.grad;
                if (grad is null) continue;
                if (maximize) grad = grad.neg();
                state.step += 1;
                if (weightDecay != 0) grad = grad.add(param, decay);
                state.square_avg.mul_(alphaS).addcmul_(grad, grad, oneMinusAlpha);
                Tensor avg;
                if (centered)
                {
                    var gradAvg = state.grad_avg;
                    gradAvg.mul_(alphaS).add_(grad, oneMinusAlpha);
                    avg = state.square_avg.addcmul(gradAvg, gradAvg, minusOne).sqrt_().add_(epsS);
                }
                else
                {
                    avg = state.square_avg.sqrt().add_(epsS);
                }
                if (momentum > 0)
                {
                    var buf = state.momentum_buffer;
                    buf.mul_(mom).addcdiv_(grad, avg, one);
                    param.add_(buf, minusLr);
                }
                else
                {
                    param.addcdiv_(grad, avg, minusLr);
                }
            }
        }, closure);
    }

    /// <summary>AdamW (decoupled weight decay; PyTorch's <c>torch.optim.AdamW</c> rule without AMSGrad).</summary>
    /// <param name="parameters">The parameters to train.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="beta1">Decay of the first moment.</param>
    /// <param name="beta2">Decay of the second moment.</param>
    /// <param name="eps">Added to the denominator.</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    public sealed class AdamW(IEnumerable<Parameter> parameters, double lr, double beta1, double beta2, double eps, double weightDecay)
        : TorchSharp.Modules.AdamW(parameters, lr, beta1, beta2, eps, weightDecay, false, false)
    {
        /// <inheritdoc />
        public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
        {
            var o = group.Options;
            double beta1 = o.beta1!.Value, beta2 = o.beta2!.Value, weightDecay = o.weight_decay!.Value, eps = o.eps!.Value, lr = o.LearningRate!.Value;
            bool amsgrad = o.amsgrad!.Value, maximize = o.maximize!.Value;
            using var shrink = (1 - lr * weightDecay).ToScalar();
            using var beta1S = beta1.ToScalar();
            using var beta2S = beta2.ToScalar();
            using var oneMinusBeta1 = (1 - beta1).ToScalar();
            using var oneMinusBeta2 = (1 - beta2).ToScalar();
            using var epsS = eps.ToScalar();
            foreach (var param in group.Parameters)
            {
                var state = (State)_state[param.Handle];
                var grad = param.grad;
                if (grad is null) continue;
                if (maximize) grad = grad.neg();
                state.step += 1;
                param.mul_(shrink);
                double biasCorrection1 = 1 - Math.Pow(beta1, state.step);
                double biasCorrection2 = 1 - Math.Pow(beta2, state.step);
                state.exp_avg.mul_(beta1S).add_(grad, oneMinusBeta1);
                state.exp_avg_sq.mul_(beta2S).addcmul_(grad, grad, oneMinusBeta2);
                using var rootCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
                Tensor denom;
                if (amsgrad)
                {
                    var previous = state.max_exp_avg_sq;
                    state.max_exp_avg_sq = torch.maximum(previous, state.exp_avg_sq).DetachFromDisposeScope();
                    previous.Dispose();
                    denom = state.max_exp_avg_sq.sqrt().div(rootCorrection2).add_(epsS);
                }
                else
                {
                    denom = state.exp_avg_sq.sqrt().div(rootCorrection2).add_(epsS);
                }
                using var minusStepSize = (-(lr / biasCorrection1)).ToScalar();
                param.addcdiv_(state.exp_avg, denom, minusStepSize);
            }
        }, closure);
    }
}
