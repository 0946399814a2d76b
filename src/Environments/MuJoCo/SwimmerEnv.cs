using Rl.Core;
using K = Rl.Environments.MuJoCo.LocomotionOptions.Keys;

namespace Rl.Environments.MuJoCo;

/// <summary>
/// A three-segment swimmer in a viscous fluid that should swim forward along x, defined as Gymnasium defines <c>Swimmer</c>
/// (v5) but on this toolkit's own MJCF model (<see cref="MuJoCoModels.Swimmer"/>). Episodes end only by truncation.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Item</term><description>Definition</description></listheader>
/// <item><term>Action space</term><description><c>Box(-1, 1, (2,), float32)</c>: torques of the two body joints (gear 150).</description></item>
/// <item><term>Observation space</term><description><c>Box(-inf, inf, (8,), float64)</c>: qpos[2:] = heading and the two joint angles (3),
/// then qvel = x, y, heading and joint velocities (5). The absolute x and y are left out (kwarg
/// <c>exclude_current_positions_from_observation=false</c> puts them first: 10 values).</description></item>
/// <item><term>Start state</term><description>Straight body at the origin plus uniform noise in ±<c>reset_noise_scale</c> (0.1) on
/// every qpos and qvel, from the environment's seeded generator.</description></item>
/// <item><term>Dynamics</term><description>MuJoCo 2.2.2, fluid density 4000 and viscosity 0.1, timestep 0.01 s, Euler;
/// <c>frame_skip</c> = 4, so dt = 0.04 s.</description></item>
/// <item><term>Reward</term><description><c>forward_reward_weight</c> (1) · x velocity − <c>ctrl_cost_weight</c> (1e-4) · Σ action²;
/// components in the step info and <see cref="LocomotionEnv.LastStep"/>.</description></item>
/// <item><term>Termination</term><description>Never.</description></item>
/// <item><term>Model</term><description>The shipped model, or the MJCF file named by <c>xml_file</c> (see <see cref="MuJoCoModels.LoadForEnv"/>).</description></item>
/// <item><term>Truncation</term><description>1000 steps (a TimeLimit added by the registry for <c>Swimmer-v1</c>).</description></item>
/// <item><term>Rendering</term><description>Render modes <c>rgb_array</c> and <c>human</c>, 480 x 480: MuJoCo's renderer with a camera tracking the torso (<c>renderer=mujoco</c>); with <c>renderer=sketch</c>, every geom of the model in
/// a top view (x-y plane) 5 m wide following the head, over a 0.5 m grid (<see cref="MuJoCoEnv.DescribeScene"/>).</description></item>
/// </list>
/// </remarks>
public sealed class SwimmerEnv : LocomotionEnv
{
    /// <summary>The registered id.</summary>
    public const string Id = "Swimmer-v1";

    /// <summary>The defaults (Gymnasium's for Swimmer-v5).</summary>
    public static readonly LocomotionOptions Defaults = new()
    {
        ForwardRewardWeight = 1.0,
        CtrlCostWeight = 1e-4,
        ResetNoiseScale = 0.1,
        ExcludeCurrentPositionsFromObservation = true,
        FrameSkip = 4,
        StepInfo = true,
    };

    private static readonly string[] AcceptedKeys =
        [K.ForwardRewardWeight, K.CtrlCostWeight, K.ResetNoiseScale, K.ExcludeCurrentPositions, K.FrameSkip, K.StepInfo, K.XmlFile, K.Renderer];

    /// <summary>The keyword options <see cref="FromKwargs"/> accepts, with their defaults.</summary>
    public static readonly IReadOnlyDictionary<string, string> KwargDocs = LocomotionOptions.Describe(Defaults, AcceptedKeys);

    /// <summary>Creates the environment.</summary>
    /// <param name="options">Settings; unset ones take <see cref="Defaults"/>; healthy settings are ignored.</param>
    /// <exception cref="DllNotFoundException">If libmujoco 2.2.2 is not installed (the message gives the apt-get command).</exception>
    public SwimmerEnv(LocomotionOptions? options = null)
        : base(Id, MuJoCoModels.Swimmer, HalfCheetahEnv.NoHealth(options), Defaults, absolutePositions: 2) { }

    /// <summary>Creates the environment from keyword options (see <see cref="KwargDocs"/>); unknown keys are rejected.</summary>
    public static SwimmerEnv FromKwargs(OptionSet kwargs) => new(LocomotionOptions.FromKwargs(kwargs, AcceptedKeys, Id));

    /// <summary>Seen from above (it swims in the x-y plane), 5 m across, centred on the head.</summary>
    public override LocomotionView View => new(FromAbove: true, Width: 5f, Bottom: 0f);
}
