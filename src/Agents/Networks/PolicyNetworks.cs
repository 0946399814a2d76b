using Rl.Core;
using Rl.Core.Spaces;
using static TorchSharp.torch;

namespace Rl.Agents.Networks;

/// <summary>Which body reads the observations.</summary>
public enum BodyKind
{
    /// <summary>A conv net for H×W×C image observations, an MLP otherwise.</summary>
    Auto,

    /// <summary>A multilayer perceptron over the flattened observation.</summary>
    Mlp,

    /// <summary>A conv net over H×W×C observations.</summary>
    Conv,
}

/// <summary>The architecture of a policy or value network.</summary>
public sealed record NetworkSpec
{
    /// <summary>Body kind. Default auto.</summary>
    public BodyKind Body { get; init; } = BodyKind.Auto;

    /// <summary>MLP hidden widths. Default [64, 64].</summary>
    public int[] HiddenSizes { get; init; } = [64, 64];

    /// <summary>MLP activation. Default tanh.</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>Weight initialization of the MLP and the heads. Default orthogonal.</summary>
    public InitScheme Init { get; init; } = InitScheme.Orthogonal;

    /// <summary>LayerNorm inside the MLP. Default false.</summary>
    public bool LayerNorm { get; init; }

    /// <summary>The conv-net architecture (used for image observations).</summary>
    public ConvNetSpec Conv { get; init; } = new();

    /// <summary>Builds a body for <paramref name="observationSpace"/> and returns it with its output width.</summary>
    /// <exception cref="ArgumentException">If a conv body is asked for an observation that is not H×W×C.</exception>
    public (nn.Module<Tensor, Tensor> Body, int Features) BuildBody(Space observationSpace, Rng rng)
    {
        // H×W×C images, or k stacked frames k×H×W×C (FrameStack), whose frames become channels.
        bool image = observationSpace is IBox && observationSpace.Shape.Count is 3 or 4;
        if (Body == BodyKind.Conv && !image)
            throw new ArgumentException($"network.kind = \"conv\" needs an H×W×C (or stacked k×H×W×C) Box observation space, not {observationSpace}");
        if (Body == BodyKind.Conv || (Body == BodyKind.Auto && image))
        {
            var s = observationSpace.Shape;
            var conv = s.Count == 4 ? new ConvNet(s[1], s[2], s[3], Conv, rng, stack: s[0]) : new ConvNet(s[0], s[1], s[2], Conv, rng);
            return (conv, conv.OutputSize);
        }
        var mlp = new Mlp(observationSpace.FlatDim, HiddenSizes, Activation, Init, rng, LayerNorm);
        return (mlp, mlp.OutputSize);
    }
}

/// <summary>A policy π_θ(a|s): a body (MLP or conv net) and an action head. Input: normalized observation rows.</summary>
public sealed class PolicyNetwork : nn.Module<Tensor, ActionDistribution>
{
    private readonly nn.Module<Tensor, Tensor> body;
    private readonly ActionHead head;

    /// <summary>Builds the network for the spaces and initializes it from <paramref name="rng"/>.</summary>
    public PolicyNetwork(Space observationSpace, Space actionSpace, NetworkSpec spec, Rng rng, double initLogStd = -0.5) : base(nameof(PolicyNetwork))
    {
        (body, int features) = spec.BuildBody(observationSpace, rng);
        head = ActionHead.Create(actionSpace, features, body is ConvNet ? spec.Conv.Init : spec.Init, rng, initLogStd);
        RegisterComponents();
    }

    /// <summary>The action head (action-row conversions).</summary>
    public ActionHead Head => head;

    /// <inheritdoc />
    public override ActionDistribution forward(Tensor observations) => head.forward(body.forward(observations));
}

/// <summary>A state-value network V_φ(s): a body and a linear value head. Input: normalized observation rows.</summary>
public sealed class ValueNetwork : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> body;
    private readonly ValueHead head;

    /// <summary>Builds the network for the observation space and initializes it from <paramref name="rng"/>.</summary>
    public ValueNetwork(Space observationSpace, NetworkSpec spec, Rng rng) : base(nameof(ValueNetwork))
    {
        (body, int features) = spec.BuildBody(observationSpace, rng);
        head = new ValueHead(features, body is ConvNet ? spec.Conv.Init : spec.Init, rng);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor observations) => head.forward(body.forward(observations));
}
