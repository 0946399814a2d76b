using Rl.Agents.Networks;
using Rl.Core;
using Rl.Core.Spaces;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rl.Agents.ValueBased;

/// <summary>
/// Q_θ(s, ·) for a Discrete action space: a body (MLP or conv net) and a linear head with one output per action, or a
/// dueling head (Wang et al. 2016): Q(s, a) = V(s) + A(s, a) − mean_a' A(s, a'). Input: normalized observation rows.
/// </summary>
public sealed class QNetwork : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> body;
    private readonly Linear q;
    private readonly Linear? value;

    /// <summary>Builds the network and initializes it from <paramref name="rng"/>.</summary>
    /// <exception cref="NotSupportedException">If the action space is not Discrete.</exception>
    public QNetwork(Space observationSpace, Space actionSpace, NetworkSpec spec, bool dueling, Rng rng) : base(nameof(QNetwork))
    {
        var discrete = actionSpace as Discrete
            ?? throw new NotSupportedException($"dqn needs a Discrete action space, not {actionSpace} (use ppo or a2c for other spaces)");
        Actions = discrete.N;
        (body, int features) = spec.BuildBody(observationSpace, rng);
        var init = body is ConvNet ? spec.Conv.Init : spec.Init;
        q = nn.Linear(features, discrete.N);
        if (dueling) value = nn.Linear(features, 1);
        RegisterComponents();
        WeightInit.InitializeLayer(q.weight!, q.bias, init, 1.0, rng);
        if (value is not null) WeightInit.InitializeLayer(value.weight!, value.bias, init, 1.0, rng);
    }

    /// <summary>The number of actions.</summary>
    public int Actions { get; }

    /// <summary>Q(s, ·) [B, actions].</summary>
    public override Tensor forward(Tensor observations)
    {
        var features = body.forward(observations);
        var a = q.forward(features);
        return value is null ? a : value.forward(features) + a - a.mean([1], keepdim: true);
    }
}
