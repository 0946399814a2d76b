using Rl.Core;
using Rl.Core.Spaces;
using K = Rl.Environments.MuJoCo.LocomotionOptions.Keys;

namespace Rl.Environments.MuJoCo;

/// <summary>
/// A four-legged ant on a free joint that should walk forward (+x) without flipping or jumping. Gymnasium's <c>Ant</c> (v5)
/// on a model with Gymnasium's figures (<see cref="MuJoCoModels.Ant"/>), contact forces included as v5 does by default.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Item</term><description>Definition</description></listheader>
/// <item><term>Action space</term><description><c>Box(-1, 1, (8,), float32)</c>: hip and ankle torques (gear 150) of the right-back,
/// front-left, front-right and back legs, in that order.</description></item>
/// <item><term>Observation space</term><description><c>Box(-inf, inf, (105,), float64)</c>: qpos[2:] = torso z, orientation quaternion
/// and 8 joint angles (13); qvel (14); the external contact force and torque of every body but the world, <c>cfrc_ext[1:]</c>,
/// each clipped to <c>contact_force_range</c> (−1, 1) (13 × 6 = 78). <c>exclude_current_positions_from_observation=false</c> adds
/// x and y first; <c>include_cfrc_ext_in_observation=false</c> drops the contact forces (27 values).</description></item>
/// <item><term>Start state</term><description>Torso at z = 0.75, legs at zero angles, plus uniform noise in ±<c>reset_noise_scale</c>
/// (0.1) on qpos and <c>reset_noise_scale</c> · N(0, 1) on qvel.</description></item>
/// <item><term>Dynamics</term><description>MuJoCo 2.2.2, timestep 0.01 s, RK4; <c>frame_skip</c> = 5, so dt = 0.05 s; contact forces
/// computed after each step (<c>mj_rnePostConstraint</c>, as Gymnasium).</description></item>
/// <item><term>Reward</term><description><c>forward_reward_weight</c> (1) · x velocity of <c>main_body</c> (1, the torso) +
/// <c>healthy_reward</c> (1, while healthy) − <c>ctrl_cost_weight</c> (0.5) · Σ action² − <c>contact_cost_weight</c> (5e-4) ·
/// Σ clipped cfrc_ext². Info: <c>x_position, y_position, distance_from_origin, x_velocity, y_velocity, reward_forward,
/// reward_ctrl, reward_contact, reward_survive</c>.</description></item>
/// <item><term>Healthy</term><description>Every qpos and qvel finite and the torso z in [0.2, 1.0] (<c>healthy_z_range</c>, closed).</description></item>
/// <item><term>Termination</term><description>When unhealthy (unless <c>terminate_when_unhealthy=false</c>).</description></item>
/// <item><term>Truncation</term><description>1000 steps (the registry's TimeLimit for <c>Ant-v1</c>); reward threshold 6000.</description></item>
/// <item><term>Rendering</term><description><c>rgb_array</c> and <c>human</c>, 480 x 480, MuJoCo's renderer tracking the torso (<c>renderer=sketch</c>: the hand-drawn view from above).</description></item>
/// </list>
/// </remarks>
public sealed class AntEnv : MuJoCoEnv
{
    /// <summary>The registered id.</summary>
    public const string Id = "Ant-v1";

    /// <summary>The defaults (Gymnasium's for Ant-v5).</summary>
    public static readonly LocomotionOptions Defaults = new()
    {
        FrameSkip = 5,
        ForwardRewardWeight = 1.0,
        CtrlCostWeight = 0.5,
        ContactCostWeight = 5e-4,
        HealthyReward = 1.0,
        MainBody = "1",
        TerminateWhenUnhealthy = true,
        HealthyZRange = (0.2, 1.0),
        ContactForceRange = (-1.0, 1.0),
        ResetNoiseScale = 0.1,
        ExcludeCurrentPositionsFromObservation = true,
        IncludeCfrcExtInObservation = true,
        StepInfo = true,
    };

    private static readonly string[] AcceptedKeys =
    [
        K.XmlFile, K.FrameSkip, K.ForwardRewardWeight, K.CtrlCostWeight, K.ContactCostWeight, K.HealthyReward, K.MainBody,
        K.TerminateWhenUnhealthy, K.HealthyZRange, K.ContactForceRange, K.ResetNoiseScale, K.ExcludeCurrentPositions, K.IncludeCfrcExt,
        K.Renderer, K.StepInfo,
    ];

    /// <summary>The keyword options <see cref="FromKwargs"/> accepts, with their defaults.</summary>
    public static readonly IReadOnlyDictionary<string, string> KwargDocs = LocomotionOptions.Describe(Defaults, AcceptedKeys);

    private readonly Box<double> _observationSpace;
    private readonly int _mainBody, _skipped;
    private readonly bool _includeContacts;

    /// <summary>Creates the environment.</summary>
    /// <param name="options">Settings; unset ones take <see cref="Defaults"/>.</param>
    /// <exception cref="DllNotFoundException">If libmujoco 2.2.2 is not installed (the message gives the apt-get command).</exception>
    public AntEnv(LocomotionOptions? options = null) : base(Id, MuJoCoModels.Ant, Resolve(options, Defaults, Id))
    {
        _mainBody = MainBodyId(Options.MainBody!);
        _skipped = Options.ExcludeCurrentPositionsFromObservation!.Value ? 2 : 0;
        _includeContacts = Options.IncludeCfrcExtInObservation!.Value;
        if (Model.Nq < 3) throw Fail($"{Id}: the model from {Model.Source} has {Model.Nq} position coordinates; it needs a free root joint (x, y, z first)");
        int size = Model.Nq - _skipped + Model.Nv + (_includeContacts ? 6 * (Model.NBody - 1) : 0);
        _observationSpace = new Box<double>(double.NegativeInfinity, double.PositiveInfinity, size);
    }

    /// <summary>Creates the environment from keyword options (see <see cref="KwargDocs"/>); unknown keys are rejected.</summary>
    public static AntEnv FromKwargs(OptionSet kwargs) => new(LocomotionOptions.FromKwargs(kwargs, AcceptedKeys, Id));

    /// <inheritdoc />
    public override Space<double[]> ObservationSpace => _observationSpace;

    /// <inheritdoc />
    protected override ResetResult<double[]> ResetCore(OptionSet options, double[]? into)
    {
        double noise = Options.ResetNoiseScale!.Value;
        ResetWithNoise(noise, noise, gaussianVelocity: true);
        Data.Forward();
        return new ResetResult<double[]>(WriteObservation(into), Options.StepInfo!.Value ? PositionInfo() : Info.Empty);
    }

    /// <inheritdoc />
    protected override StepResult<double[]> StepCore(float[] action, double[]? into)
    {
        ReadOnlySpan<double> xpos = Data.Xpos;
        double xBefore = xpos[3 * _mainBody], yBefore = xpos[3 * _mainBody + 1];
        double sumSquares = Simulate(action, contactForces: true);
        double vx = (xpos[3 * _mainBody] - xBefore) / Dt, vy = (xpos[3 * _mainBody + 1] - yBefore) / Dt;

        bool healthy = IsHealthy();
        double forward = Options.ForwardRewardWeight!.Value * vx;
        double survive = healthy ? Options.HealthyReward!.Value : 0;
        double ctrl = Options.CtrlCostWeight!.Value * sumSquares;
        var (low, high) = Options.ContactForceRange!.Value;
        double squares = 0;
        foreach (double f in Data.CfrcExt)
        {
            double c = Math.Clamp(f, low, high);
            squares += c * c;
        }
        double contact = Options.ContactCostWeight!.Value * squares;
        double reward = forward + survive - (ctrl + contact);
        bool terminated = !healthy && Options.TerminateWhenUnhealthy!.Value;
        var info = Options.StepInfo!.Value
            ? PositionInfo().With(Info.Of(("x_velocity", vx), ("y_velocity", vy), ("reward_forward", forward), ("reward_ctrl", -ctrl),
                ("reward_contact", -contact), ("reward_survive", survive)))
            : Info.Empty;
        return new StepResult<double[]>(WriteObservation(into), reward, terminated, false, info);
    }

    private bool IsHealthy()
    {
        var (low, high) = Options.HealthyZRange!.Value;
        double z = Data.Qpos[2];
        return AllFinite(Data.Qpos) && AllFinite(Data.Qvel) && low <= z && z <= high;
    }

    private Info PositionInfo()
    {
        double x = Data.Qpos[0], y = Data.Qpos[1];
        return Info.Of(("x_position", x), ("y_position", y), ("distance_from_origin", Math.Sqrt(x * x + y * y)));
    }

    private double[] WriteObservation(double[]? into)
    {
        var obs = ObservationBuffer(into, _observationSpace.Size);
        var span = obs.AsSpan();
        Data.Qpos[_skipped..].CopyTo(span);
        span = span[(Model.Nq - _skipped)..];
        Data.Qvel.CopyTo(span);
        if (!_includeContacts) return obs;
        span = span[Model.Nv..];
        var (low, high) = Options.ContactForceRange!.Value;
        ReadOnlySpan<double> forces = Data.CfrcExt[6..];
        for (int i = 0; i < forces.Length; i++) span[i] = Math.Clamp(forces[i], low, high);
        return obs;
    }

    private int MainBodyId(string mainBody)
    {
        if (int.TryParse(mainBody, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int id))
            return id >= 0 && id < Model.NBody ? id : throw Fail($"{Id}: option 'main_body' = {id} is not a body id (the model has {Model.NBody} bodies)");
        return RequireBody(mainBody);
    }

    /// <summary>Tracks the torso from 4 m (Gymnasium's distance), looking down at 30°.</summary>
    protected override double CameraDistance => 4.0;

    /// <inheritdoc />
    protected override double CameraElevation => -30;

    /// <inheritdoc />
    public override LocomotionView View => new(FromAbove: true, Width: 4f, Bottom: 0f);
}
