using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Agents.Policies;

/// <summary>The network families a flat-parameter policy can use.</summary>
public enum PolicyKind
{
    /// <summary>y = W x + b on the flattened observation.</summary>
    Linear,

    /// <summary>Multilayer perceptron with tanh hidden layers.</summary>
    Mlp,

    /// <summary>Strided Conv–ReLU layers, global average pooling (or none), linear head; for image observations (H × W × C).</summary>
    Conv,
}

/// <summary>How to build a flat-parameter policy; the gradient-free configs carry these settings as top-level keys.</summary>
public sealed record PolicyOptions
{
    /// <summary>The network family.</summary>
    public PolicyKind Kind { get; init; } = PolicyKind.Linear;

    /// <summary>Hidden layer widths of an MLP.</summary>
    public IReadOnlyList<int> HiddenSizes { get; init; } = [32];

    /// <summary>Convolution layers of a conv net.</summary>
    public IReadOnlyList<ConvLayer> ConvLayers { get; init; } = [new(8, 5, 2), new(16, 3, 2)];

    /// <summary>How the conv net's last feature map reaches its head (default: global average pooling).</summary>
    public ConvPooling ConvPooling { get; init; } = ConvPooling.Average;

    /// <summary>How Box actions are brought into bounds.</summary>
    public BoxActionMode BoxActions { get; init; } = BoxActionMode.Clip;

    /// <summary>Standard deviation of the Gaussian noise on Box actions when sampling.</summary>
    public double ActionNoise { get; init; } = 0.1;
}

/// <summary>
/// The shape of a flat-parameter policy for one environment: how observations are flattened, the network, and the action
/// head. It holds no parameters (those are flat vectors owned by the algorithm), so one instance is shared by all threads.
/// </summary>
public sealed class PolicyArchitecture
{
    private PolicyArchitecture(Space observationSpace, Space actionSpace, FlatNetwork network, FlatActionHead head)
    {
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
        Network = network;
        Head = head;
    }

    /// <summary>The observation space; observations are flattened with its <see cref="Space.FlattenObject"/>.</summary>
    public Space ObservationSpace { get; }

    /// <summary>The action space.</summary>
    public Space ActionSpace { get; }

    /// <summary>The network from flattened observation to head inputs.</summary>
    public FlatNetwork Network { get; }

    /// <summary>The action head.</summary>
    public FlatActionHead Head { get; }

    /// <summary>Length of the flat parameter vector.</summary>
    public int ParameterCount => Network.ParameterCount;

    /// <summary>Length of a flattened observation.</summary>
    public int ObservationSize => Network.InputSize;

    /// <summary>Builds the architecture for an environment's spaces.</summary>
    /// <exception cref="ArgumentException">If the spaces do not fit the options (the message names the space).</exception>
    /// <exception cref="NotSupportedException">For an action space without an action head.</exception>
    public static PolicyArchitecture Create(Space observationSpace, Space actionSpace, PolicyOptions options)
    {
        var head = FlatActionHead.Create(actionSpace, options.BoxActions, options.ActionNoise);
        int inputs = observationSpace.FlatDim;
        FlatNetwork network = options.Kind switch
        {
            PolicyKind.Linear => new LinearNetwork(inputs, head.OutputSize),
            PolicyKind.Mlp => new MlpNetwork(inputs, options.HiddenSizes, head.OutputSize),
            PolicyKind.Conv => CreateConv(observationSpace, options.ConvLayers, options.ConvPooling, head.OutputSize),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "unknown policy kind"),
        };
        return new PolicyArchitecture(observationSpace, actionSpace, network, head);
    }

    private static ConvNetwork CreateConv(Space observationSpace, IReadOnlyList<ConvLayer> layers, ConvPooling pooling, int outputs)
    {
        if (observationSpace is not IBox box || box.Shape.Count is not (2 or 3))
            throw new ArgumentException(
                $"a conv policy needs image observations, a Box of shape (height, width) or (height, width, channels), but the observation space is {observationSpace}");
        int channels = box.Shape.Count == 3 ? box.Shape[2] : 1;
        // Byte images are scaled to [0, 1] so the initial weights see inputs of the usual size.
        float scale = box.DType == DType.UInt8 ? 1f / 255 : 1f;
        return new ConvNetwork(box.Shape[0], box.Shape[1], channels, layers, outputs, scale, pooling);
    }

    /// <summary>Initial parameters as the network initializes them.</summary>
    public float[] InitialParameters(Rng rng)
    {
        var p = new float[ParameterCount];
        Network.Initialize(p, rng);
        return p;
    }

    /// <summary>Checks that <paramref name="env"/> has spaces this architecture was built for.</summary>
    /// <exception cref="ArgumentException">Naming the environment and both spaces.</exception>
    public void EnsureCompatible(IEnv env)
    {
        if (env.ObservationSpace.FlatDim != ObservationSpace.FlatDim || env.ObservationSpace.GetType() != ObservationSpace.GetType())
            throw new ArgumentException($"{env.Name}: observation space {env.ObservationSpace} does not match the policy's {ObservationSpace}");
        if (env.ActionSpace.GetType() != ActionSpace.GetType() || env.ActionSpace.FlatDim != ActionSpace.FlatDim)
            throw new ArgumentException($"{env.Name}: action space {env.ActionSpace} does not match the policy's {ActionSpace}");
    }

    /// <inheritdoc />
    public override string ToString() => $"{Network} with {Head.GetType().Name.Split('`')[0]} for {ActionSpace}";
}

/// <summary>
/// One thread's buffers for running a policy: the flattened observation, the network's scratch memory and its output.
/// </summary>
public sealed class PolicyWorkspace
{
    private readonly float[] _scratch;
    private readonly float[] _output;

    /// <summary>Allocates the buffers for <paramref name="architecture"/>.</summary>
    public PolicyWorkspace(PolicyArchitecture architecture)
    {
        Architecture = architecture;
        Observation = new float[architecture.ObservationSize];
        _scratch = new float[architecture.Network.ScratchSize];
        _output = new float[architecture.Network.OutputSize];
    }

    /// <summary>The architecture the buffers are sized for.</summary>
    public PolicyArchitecture Architecture { get; }

    /// <summary>The flattened observation; write it here before <see cref="Forward"/>.</summary>
    public float[] Observation { get; }

    /// <summary>
    /// Normalizes <see cref="Observation"/> in place with <paramref name="filter"/> (when given) and runs the network;
    /// returns the output, valid until the next call.
    /// </summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> parameters, ObservationFilter? filter)
    {
        filter?.Apply(Observation);
        Architecture.Network.Forward(parameters, Observation, _output, _scratch);
        return _output;
    }
}
