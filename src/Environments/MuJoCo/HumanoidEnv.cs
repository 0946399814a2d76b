using Rl.Core;
using Rl.Core.Spaces;
using K = Rl.Environments.MuJoCo.LocomotionOptions.Keys;

namespace Rl.Environments.MuJoCo;

/// <summary>
/// A 3D humanoid on a free joint that should walk forward (+x) without falling. Gymnasium's <c>Humanoid</c> (v5) on a model
/// with Gymnasium's figures (<see cref="MuJoCoModels.Humanoid"/>), with v5's contact cost.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Item</term><description>Definition</description></listheader>
/// <item><term>Action space</term><description><c>Box(-0.4, 0.4, (17,), float32)</c>: torques of abdomen y, z, x; right hip x, z, y,
/// knee; left hip x, z, y, knee; right shoulder 1, 2, elbow; left shoulder 1, 2, elbow.</description></item>
/// <item><term>Observation space</term><description><c>Box(-inf, inf, (348,), float64)</c>: qpos[2:] (22), qvel (23), then for every body
/// but the world: <c>cinert</c> (13 × 10), <c>cvel</c> (13 × 6), then <c>qfrc_actuator[6:]</c> (17) and <c>cfrc_ext</c> (13 × 6).
/// Each block can be dropped (<c>include_cinert_in_observation</c>, <c>include_cvel_in_observation</c>,
/// <c>include_qfrc_actuator_in_observation</c>, <c>include_cfrc_ext_in_observation</c>); x and y are added first with
/// <c>exclude_current_positions_from_observation=false</c>.</description></item>
/// <item><term>Start state</term><description>Standing at z = 1.4, plus uniform noise in ±<c>reset_noise_scale</c> (0.01) on qpos and qvel.</description></item>
/// <item><term>Dynamics</term><description>MuJoCo 2.2.2, timestep 0.003 s, RK4, PGS solver; <c>frame_skip</c> = 5, so dt = 0.015 s;
/// contact forces computed after each step (<c>mj_rnePostConstraint</c>).</description></item>
/// <item><term>Reward</term><description><c>forward_reward_weight</c> (1.25) · x velocity of the centre of mass + <c>healthy_reward</c>
/// (5, while healthy) − <c>ctrl_cost_weight</c> (0.1) · Σ ctrl² − clip(<c>contact_cost_weight</c> (5e-7) · Σ cfrc_ext²,
/// <c>contact_cost_range</c> (−inf, 10)). Info: <c>x_position, y_position, tendon_length, tendon_velocity,
/// distance_from_origin, x_velocity, y_velocity, reward_survive, reward_forward, reward_ctrl, reward_contact</c>.</description></item>
/// <item><term>Healthy</term><description>Torso z in (1.0, 2.0) (<c>healthy_z_range</c>, open).</description></item>
/// <item><term>Termination</term><description>When unhealthy (unless <c>terminate_when_unhealthy=false</c>).</description></item>
/// <item><term>Truncation</term><description>1000 steps (the registry's TimeLimit for <c>Humanoid-v1</c>).</description></item>
/// <item><term>Rendering</term><description><c>rgb_array</c> and <c>human</c>, 480 x 480, MuJoCo's renderer tracking the torso from the side (<c>renderer=sketch</c>: the hand-drawn side view).</description></item>
/// </list>
/// </remarks>
public sealed class HumanoidEnv : MuJoCoEnv
{
    /// <summary>The registered id.</summary>
    public const string Id = "Humanoid-v1";

    /// <summary>The defaults (Gymnasium's for Humanoid-v5).</summary>
    public static readonly LocomotionOptions Defaults = new()
    {
        FrameSkip = 5,
        ForwardRewardWeight = 1.25,
        CtrlCostWeight = 0.1,
        ContactCostWeight = 5e-7,
        ContactCostRange = (double.NegativeInfinity, 10.0),
        HealthyReward = 5.0,
        TerminateWhenUnhealthy = true,
        HealthyZRange = (1.0, 2.0),
        ResetNoiseScale = 1e-2,
        ExcludeCurrentPositionsFromObservation = true,
        IncludeCinertInObservation = true,
        IncludeCvelInObservation = true,
        IncludeQfrcActuatorInObservation = true,
        IncludeCfrcExtInObservation = true,
        StepInfo = true,
    };

    private static readonly string[] AcceptedKeys =
    [
        K.XmlFile, K.FrameSkip, K.ForwardRewardWeight, K.CtrlCostWeight, K.ContactCostWeight, K.ContactCostRange, K.HealthyReward,
        K.TerminateWhenUnhealthy, K.HealthyZRange, K.ResetNoiseScale, K.ExcludeCurrentPositions, K.IncludeCinert, K.IncludeCvel,
        K.IncludeQfrcActuator, K.IncludeCfrcExt, K.Renderer, K.StepInfo,
    ];

    /// <summary>The keyword options <see cref="FromKwargs"/> accepts, with their defaults.</summary>
    public static readonly IReadOnlyDictionary<string, string> KwargDocs = LocomotionOptions.Describe(Defaults, AcceptedKeys);

    private readonly Box<double> _observationSpace;
    private readonly int _skipped;
    private readonly double _totalMass;

    /// <summary>Creates the environment.</summary>
    /// <param name="options">Settings; unset ones take <see cref="Defaults"/>.</param>
    /// <exception cref="DllNotFoundException">If libmujoco 2.2.2 is not installed (the message gives the apt-get command).</exception>
    public HumanoidEnv(LocomotionOptions? options = null) : base(Id, MuJoCoModels.Humanoid, Resolve(options, Defaults, Id))
    {
        if (Model.Nq < 7 || Model.Nv < 6)
            throw Fail($"{Id}: the model from {Model.Source} has nq = {Model.Nq}, nv = {Model.Nv}; it needs a free root joint first");
        _skipped = Options.ExcludeCurrentPositionsFromObservation!.Value ? 2 : 0;
        int bodies = Model.NBody - 1;
        int size = Model.Nq - _skipped + Model.Nv
            + (Options.IncludeCinertInObservation!.Value ? 10 * bodies : 0)
            + (Options.IncludeCvelInObservation!.Value ? 6 * bodies : 0)
            + (Options.IncludeQfrcActuatorInObservation!.Value ? Model.Nv - 6 : 0)
            + (Options.IncludeCfrcExtInObservation!.Value ? 6 * bodies : 0);
        _observationSpace = new Box<double>(double.NegativeInfinity, double.PositiveInfinity, size);
        foreach (double m in Model.BodyMass) _totalMass += m;
    }

    /// <summary>Creates the environment from keyword options (see <see cref="KwargDocs"/>); unknown keys are rejected.</summary>
    public static HumanoidEnv FromKwargs(OptionSet kwargs) => new(LocomotionOptions.FromKwargs(kwargs, AcceptedKeys, Id));

    /// <inheritdoc />
    public override Space<double[]> ObservationSpace => _observationSpace;

    /// <inheritdoc />
    protected override ResetResult<double[]> ResetCore(OptionSet options, double[]? into)
    {
        double noise = Options.ResetNoiseScale!.Value;
        ResetWithNoise(noise, noise);
        Data.Forward();
        return new ResetResult<double[]>(WriteObservation(into), Options.StepInfo!.Value ? StateInfo() : Info.Empty);
    }

    /// <inheritdoc />
    protected override StepResult<double[]> StepCore(float[] action, double[]? into)
    {
        var (xBefore, yBefore) = MassCenter();
        double sumSquares = Simulate(action, contactForces: true);
        var (xAfter, yAfter) = MassCenter();
        double vx = (xAfter - xBefore) / Dt, vy = (yAfter - yBefore) / Dt;

        var (low, high) = Options.HealthyZRange!.Value;
        bool healthy = Inside(Data.Qpos[2], (low, high));
        double forward = Options.ForwardRewardWeight!.Value * vx;
        double survive = healthy ? Options.HealthyReward!.Value : 0;
        double ctrl = Options.CtrlCostWeight!.Value * sumSquares;
        double squares = 0;
        foreach (double f in Data.CfrcExt) squares += f * f;
        var (costLow, costHigh) = Options.ContactCostRange!.Value;
        double contact = Math.Clamp(Options.ContactCostWeight!.Value * squares, costLow, costHigh);
        double reward = forward + survive - (ctrl + contact);
        bool terminated = !healthy && Options.TerminateWhenUnhealthy!.Value;
        var info = Options.StepInfo!.Value
            ? StateInfo().With(Info.Of(("x_velocity", vx), ("y_velocity", vy), ("reward_survive", survive), ("reward_forward", forward),
                ("reward_ctrl", -ctrl), ("reward_contact", -contact)))
            : Info.Empty;
        return new StepResult<double[]>(WriteObservation(into), reward, terminated, false, info);
    }

    /// <summary>The (x, y) of the whole body's centre of mass, from the bodies' com positions as of the last step's kinematics.</summary>
    private (double X, double Y) MassCenter()
    {
        ReadOnlySpan<double> mass = Model.BodyMass, xipos = Data.Xipos;
        double x = 0, y = 0;
        for (int b = 0; b < mass.Length; b++)
        {
            x += mass[b] * xipos[3 * b];
            y += mass[b] * xipos[3 * b + 1];
        }
        return (x / _totalMass, y / _totalMass);
    }

    private Info StateInfo()
    {
        double x = Data.Qpos[0], y = Data.Qpos[1];
        return Info.Of(("x_position", x), ("y_position", y), ("tendon_length", Data.TendonLength.ToArray()),
            ("tendon_velocity", Data.TendonVelocity.ToArray()), ("distance_from_origin", Math.Sqrt(x * x + y * y)));
    }

    private double[] WriteObservation(double[]? into)
    {
        var obs = ObservationBuffer(into, _observationSpace.Size);
        int at = 0;
        void Put(ReadOnlySpan<double> values)
        {
            values.CopyTo(obs.AsSpan(at));
            at += values.Length;
        }
        Put(Data.Qpos[_skipped..]);
        Put(Data.Qvel);
        if (Options.IncludeCinertInObservation!.Value) Put(Data.Cinert[10..]);
        if (Options.IncludeCvelInObservation!.Value) Put(Data.Cvel[6..]);
        if (Options.IncludeQfrcActuatorInObservation!.Value) Put(Data.QfrcActuator[6..]);
        if (Options.IncludeCfrcExtInObservation!.Value) Put(Data.CfrcExt[6..]);
        return obs;
    }

    /// <summary>Tracks the torso from 4 m at −20° (Gymnasium's camera).</summary>
    protected override double CameraDistance => 4.0;
}
