using Rl.Core;
using K = Rl.Environments.MuJoCo.LocomotionOptions.Keys;

namespace Rl.Environments.MuJoCo;

/// <summary>
/// A planar two-legged walker (torso and two legs of thigh, shin and foot) that should walk forward without falling, defined
/// as Gymnasium defines <c>Walker2d</c> (v5) but on this toolkit's own MJCF model (<see cref="MuJoCoModels.Walker2d"/>).
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Item</term><description>Definition</description></listheader>
/// <item><term>Action space</term><description><c>Box(-1, 1, (6,), float32)</c>: torques of the right hip, knee, ankle, then the
/// left hip, knee, ankle (gear 100).</description></item>
/// <item><term>Observation space</term><description><c>Box(-inf, inf, (17,), float64)</c>: qpos[1:] = torso height z, torso pitch and
/// the six joint angles (8), then qvel = x, z, pitch and joint velocities (9), each clipped to [-10, 10]. The absolute x is left
/// out (kwarg <c>exclude_current_positions_from_observation=false</c> puts it first: 18 values).</description></item>
/// <item><term>Start state</term><description>Default pose (torso at z = 1.25, legs straight) plus uniform noise in
/// ±<c>reset_noise_scale</c> (5e-3) on every qpos and qvel, from the environment's seeded generator.</description></item>
/// <item><term>Dynamics</term><description>MuJoCo 2.2.2, timestep 0.002 s, Euler; <c>frame_skip</c> = 4, so dt = 0.008 s.</description></item>
/// <item><term>Reward</term><description><c>forward_reward_weight</c> (1) · x velocity + <c>healthy_reward</c> (1, only while healthy)
/// − <c>ctrl_cost_weight</c> (1e-3) · Σ action²; components in the step info and <see cref="LocomotionEnv.LastStep"/>.</description></item>
/// <item><term>Healthy</term><description>Torso height z in (0.8, 2.0) and pitch in (−1, 1) rad (kwargs <c>healthy_z_range</c>,
/// <c>healthy_angle_range</c>).</description></item>
/// <item><term>Termination</term><description>When unhealthy (unless <c>terminate_when_unhealthy=false</c>).</description></item>
/// <item><term>Model</term><description>The shipped model, or the MJCF file named by <c>xml_file</c> (see <see cref="MuJoCoModels.LoadForEnv"/>).</description></item>
/// <item><term>Truncation</term><description>1000 steps (a TimeLimit added by the registry for <c>Walker2d-v1</c>).</description></item>
/// <item><term>Rendering</term><description>Render modes <c>rgb_array</c> and <c>human</c>, 480 x 480: MuJoCo's renderer with a camera tracking the torso (<c>renderer=mujoco</c>); with <c>renderer=sketch</c>, every geom of the model in
/// a side view (x-z plane) 3.2 m wide following the torso, over a striped ground (<see cref="MuJoCoEnv.DescribeScene"/>).</description></item>
/// </list>
/// </remarks>
public sealed class Walker2dEnv : LocomotionEnv
{
    /// <summary>The registered id.</summary>
    public const string Id = "Walker2d-v1";

    /// <summary>The defaults (Gymnasium's for Walker2d-v5).</summary>
    public static readonly LocomotionOptions Defaults = new()
    {
        ForwardRewardWeight = 1.0,
        CtrlCostWeight = 1e-3,
        HealthyReward = 1.0,
        TerminateWhenUnhealthy = true,
        HealthyZRange = (0.8, 2.0),
        HealthyAngleRange = (-1.0, 1.0),
        ResetNoiseScale = 5e-3,
        ExcludeCurrentPositionsFromObservation = true,
        FrameSkip = 4,
        StepInfo = true,
    };

    private static readonly string[] AcceptedKeys =
    [
        K.ForwardRewardWeight, K.CtrlCostWeight, K.HealthyReward, K.TerminateWhenUnhealthy, K.HealthyZRange, K.HealthyAngleRange,
        K.ResetNoiseScale, K.ExcludeCurrentPositions, K.FrameSkip, K.StepInfo, K.XmlFile, K.Renderer,
    ];

    /// <summary>The keyword options <see cref="FromKwargs"/> accepts, with their defaults.</summary>
    public static readonly IReadOnlyDictionary<string, string> KwargDocs = LocomotionOptions.Describe(Defaults, AcceptedKeys);

    private readonly (double Low, double High) _zRange, _angleRange;

    /// <summary>Creates the environment.</summary>
    /// <param name="options">Settings; unset ones take <see cref="Defaults"/>.</param>
    /// <exception cref="DllNotFoundException">If libmujoco 2.2.2 is not installed (the message gives the apt-get command).</exception>
    public Walker2dEnv(LocomotionOptions? options = null) : base(Id, MuJoCoModels.Walker2d, options, Defaults, absolutePositions: 1)
    {
        _zRange = Options.HealthyZRange!.Value;
        _angleRange = Options.HealthyAngleRange!.Value;
    }

    /// <summary>Creates the environment from keyword options (see <see cref="KwargDocs"/>); unknown keys are rejected.</summary>
    public static Walker2dEnv FromKwargs(OptionSet kwargs) => new(LocomotionOptions.FromKwargs(kwargs, AcceptedKeys, Id));

    /// <inheritdoc />
    protected override double ObservationVelocityClip => 10.0;

    /// <inheritdoc />
    protected override bool IsHealthy()
    {
        ReadOnlySpan<double> qpos = Data.Qpos;
        return Inside(qpos[1], _zRange) && Inside(qpos[2], _angleRange);
    }
}
