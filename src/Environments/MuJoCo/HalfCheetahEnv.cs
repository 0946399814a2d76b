using Rl.Core;
using K = Rl.Environments.MuJoCo.LocomotionOptions.Keys;

namespace Rl.Environments.MuJoCo;

/// <summary>
/// A planar cheetah-like runner (a horizontal torso with a back and a front leg of thigh, shin and foot) that should run
/// forward as fast as it can, defined as Gymnasium defines <c>HalfCheetah</c> (v5) but on this toolkit's own MJCF model
/// (<see cref="MuJoCoModels.HalfCheetah"/>). It cannot fall out of the task: episodes end only by truncation.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Item</term><description>Definition</description></listheader>
/// <item><term>Action space</term><description><c>Box(-1, 1, (6,), float32)</c>: torques of the back thigh, shin, foot (gears 120,
/// 90, 60) and front thigh, shin, foot (gears 120, 60, 30).</description></item>
/// <item><term>Observation space</term><description><c>Box(-inf, inf, (17,), float64)</c>: qpos[1:] = torso height z, torso pitch and
/// the six joint angles (8), then qvel = x, z, pitch and joint velocities (9), not clipped. The absolute x is left out (kwarg
/// <c>exclude_current_positions_from_observation=false</c> puts it first: 18 values).</description></item>
/// <item><term>Start state</term><description>Default pose plus uniform noise in ±<c>reset_noise_scale</c> (0.1) on qpos and
/// Gaussian noise of standard deviation <c>reset_noise_scale</c> on qvel, from the environment's seeded generator.</description></item>
/// <item><term>Dynamics</term><description>MuJoCo 2.2.2, timestep 0.01 s, Euler; <c>frame_skip</c> = 5, so dt = 0.05 s.</description></item>
/// <item><term>Reward</term><description><c>forward_reward_weight</c> (1) · x velocity − <c>ctrl_cost_weight</c> (0.1) · Σ action²
/// (no healthy bonus); components in the step info and <see cref="LocomotionEnv.LastStep"/>.</description></item>
/// <item><term>Termination</term><description>Never.</description></item>
/// <item><term>Model</term><description>The shipped model, or the MJCF file named by <c>xml_file</c> (see <see cref="MuJoCoModels.LoadForEnv"/>).</description></item>
/// <item><term>Truncation</term><description>1000 steps (a TimeLimit added by the registry for <c>HalfCheetah-v1</c>).</description></item>
/// <item><term>Rendering</term><description>Render modes <c>rgb_array</c> and <c>human</c>, 480 x 480: MuJoCo's renderer with a camera tracking the torso (<c>renderer=mujoco</c>); with <c>renderer=sketch</c>, every geom of the model in
/// a side view (x-z plane) 3 m wide following the torso, over a striped ground (<see cref="MuJoCoEnv.DescribeScene"/>).</description></item>
/// </list>
/// </remarks>
public sealed class HalfCheetahEnv : LocomotionEnv
{
    /// <summary>The registered id.</summary>
    public const string Id = "HalfCheetah-v1";

    /// <summary>The defaults (Gymnasium's for HalfCheetah-v5).</summary>
    public static readonly LocomotionOptions Defaults = new()
    {
        ForwardRewardWeight = 1.0,
        CtrlCostWeight = 0.1,
        ResetNoiseScale = 0.1,
        ExcludeCurrentPositionsFromObservation = true,
        FrameSkip = 5,
        StepInfo = true,
    };

    private static readonly string[] AcceptedKeys =
        [K.ForwardRewardWeight, K.CtrlCostWeight, K.ResetNoiseScale, K.ExcludeCurrentPositions, K.FrameSkip, K.StepInfo, K.XmlFile, K.Renderer];

    /// <summary>The keyword options <see cref="FromKwargs"/> accepts, with their defaults.</summary>
    public static readonly IReadOnlyDictionary<string, string> KwargDocs = LocomotionOptions.Describe(Defaults, AcceptedKeys);

    /// <summary>Creates the environment.</summary>
    /// <param name="options">Settings; unset ones take <see cref="Defaults"/>; healthy settings are ignored.</param>
    /// <exception cref="DllNotFoundException">If libmujoco 2.2.2 is not installed (the message gives the apt-get command).</exception>
    public HalfCheetahEnv(LocomotionOptions? options = null)
        : base(Id, MuJoCoModels.HalfCheetah, NoHealth(options), Defaults, absolutePositions: 1) { }

    /// <summary>Creates the environment from keyword options (see <see cref="KwargDocs"/>); unknown keys are rejected.</summary>
    public static HalfCheetahEnv FromKwargs(OptionSet kwargs) => new(LocomotionOptions.FromKwargs(kwargs, AcceptedKeys, Id));

    /// <inheritdoc />
    protected override bool GaussianVelocityNoise => true;

    internal static LocomotionOptions? NoHealth(LocomotionOptions? options) =>
        options is null ? null : options with { HealthyReward = null, TerminateWhenUnhealthy = null };

    /// <summary>A side view 3 m across (the cheetah is long and low), the ground 0.6 m above the bottom edge.</summary>
    public override LocomotionView View => new(FromAbove: false, Width: 3f, Bottom: -0.6f);
}
