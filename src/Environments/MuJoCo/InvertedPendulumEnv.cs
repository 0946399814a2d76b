using Rl.Core;
using Rl.Core.Spaces;
using K = Rl.Environments.MuJoCo.LocomotionOptions.Keys;

namespace Rl.Environments.MuJoCo;

/// <summary>
/// A cart on a rail with a pole hinged on it: push the cart to keep the pole upright. Gymnasium's <c>InvertedPendulum</c>
/// (v5) on a model with Gymnasium's figures (<see cref="MuJoCoModels.InvertedPendulum"/>).
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Item</term><description>Definition</description></listheader>
/// <item><term>Action space</term><description><c>Box(-3, 3, (1,), float32)</c>: the force on the cart (motor gear 100).</description></item>
/// <item><term>Observation space</term><description><c>Box(-inf, inf, (4,), float64)</c>: cart position, pole angle (rad), cart
/// velocity, pole angular velocity (qpos then qvel).</description></item>
/// <item><term>Start state</term><description>Cart at 0, pole upright, plus uniform noise in ±<c>reset_noise_scale</c> (0.01) on
/// every qpos and qvel, from the environment's seeded generator.</description></item>
/// <item><term>Dynamics</term><description>MuJoCo 2.2.2, timestep 0.02 s, RK4; <c>frame_skip</c> = 2, so dt = 0.04 s.</description></item>
/// <item><term>Reward</term><description>1 for every step that does not terminate, else 0 (info <c>reward_survive</c>).</description></item>
/// <item><term>Termination</term><description>When an observation element is not finite or |pole angle| &gt; 0.2 rad.</description></item>
/// <item><term>Truncation</term><description>1000 steps (the registry's TimeLimit for <c>InvertedPendulum-v1</c>); reward threshold 950.</description></item>
/// <item><term>Options</term><description><c>xml_file</c>, <c>frame_skip</c>, <c>reset_noise_scale</c>, <c>renderer</c>, <c>step_info</c>.</description></item>
/// <item><term>Rendering</term><description><c>rgb_array</c> and <c>human</c>, 480 x 480, MuJoCo's renderer from the side (<c>renderer=sketch</c>: the hand-drawn side view).</description></item>
/// </list>
/// </remarks>
public sealed class InvertedPendulumEnv : MuJoCoEnv
{
    /// <summary>The registered id.</summary>
    public const string Id = "InvertedPendulum-v1";

    /// <summary>The defaults (Gymnasium's for InvertedPendulum-v5).</summary>
    public static readonly LocomotionOptions Defaults = new() { FrameSkip = 2, ResetNoiseScale = 0.01, StepInfo = true };

    private static readonly string[] AcceptedKeys = [K.XmlFile, K.FrameSkip, K.ResetNoiseScale, K.Renderer, K.StepInfo];

    /// <summary>The keyword options <see cref="FromKwargs"/> accepts, with their defaults.</summary>
    public static readonly IReadOnlyDictionary<string, string> KwargDocs = LocomotionOptions.Describe(Defaults, AcceptedKeys);

    private readonly Box<double> _observationSpace;
    private readonly double _noise;
    private readonly bool _stepInfo;

    /// <summary>Creates the environment.</summary>
    /// <param name="options">Settings; unset ones take <see cref="Defaults"/>.</param>
    /// <exception cref="DllNotFoundException">If libmujoco 2.2.2 is not installed (the message gives the apt-get command).</exception>
    public InvertedPendulumEnv(LocomotionOptions? options = null) : base(Id, MuJoCoModels.InvertedPendulum, Resolve(options, Defaults, Id))
    {
        var o = Options;
        _noise = o.ResetNoiseScale!.Value;
        _stepInfo = o.StepInfo!.Value;
        if (Model.Nq < 2) throw Fail($"{Id}: the model from {Model.Source} has {Model.Nq} position coordinates; it needs the cart and the pole (2)");
        _observationSpace = new Box<double>(double.NegativeInfinity, double.PositiveInfinity, Model.Nq + Model.Nv);
    }

    /// <summary>Creates the environment from keyword options (see <see cref="KwargDocs"/>); unknown keys are rejected.</summary>
    public static InvertedPendulumEnv FromKwargs(OptionSet kwargs) => new(LocomotionOptions.FromKwargs(kwargs, AcceptedKeys, Id));

    /// <inheritdoc />
    public override Space<double[]> ObservationSpace => _observationSpace;

    /// <inheritdoc />
    protected override ResetResult<double[]> ResetCore(OptionSet options, double[]? into)
    {
        ResetWithNoise(_noise, _noise);
        Data.Forward();
        return new ResetResult<double[]>(WriteObservation(into), Info.Empty);
    }

    /// <inheritdoc />
    protected override StepResult<double[]> StepCore(float[] action, double[]? into)
    {
        Simulate(action);
        var obs = WriteObservation(into);
        bool terminated = !AllFinite(obs) || Math.Abs(obs[1]) > 0.2;
        double reward = terminated ? 0 : 1;
        var info = _stepInfo ? Info.Of(("reward_survive", reward)) : Info.Empty;
        return new StepResult<double[]>(obs, reward, terminated, false, info);
    }

    private double[] WriteObservation(double[]? into)
    {
        var obs = ObservationBuffer(into, _observationSpace.Size);
        Data.Qpos.CopyTo(obs);
        Data.Qvel.CopyTo(obs.AsSpan(Model.Nq));
        return obs;
    }

    /// <summary>Seen from the side, from 2.04 m (Gymnasium's distance), not following the cart.</summary>
    protected override int CameraBody => -1;

    /// <inheritdoc />
    protected override double CameraDistance => 2.04;
}
