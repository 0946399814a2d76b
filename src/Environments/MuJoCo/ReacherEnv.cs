using Rl.Core;
using Rl.Core.Spaces;
using K = Rl.Environments.MuJoCo.LocomotionOptions.Keys;

namespace Rl.Environments.MuJoCo;

/// <summary>
/// A two-link arm in the plane that should put its fingertip on a randomly placed target. Gymnasium's <c>Reacher</c> (v5) on a
/// model with Gymnasium's figures (<see cref="MuJoCoModels.Reacher"/>).
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Item</term><description>Definition</description></listheader>
/// <item><term>Action space</term><description><c>Box(-1, 1, (2,), float32)</c>: torques of the shoulder and elbow (gear 200).</description></item>
/// <item><term>Observation space</term><description><c>Box(-inf, inf, (10,), float64)</c>: cos and sin of both joint angles (4), the
/// target's (x, y) (2), both joint velocities (2), fingertip − target in x and y (2).</description></item>
/// <item><term>Start state</term><description>Joint angles uniform in ±0.1 rad; the target uniform in the 0.2 m disc (drawn in
/// the ±0.2 square until inside); joint velocities uniform in ±0.005; the target at rest.</description></item>
/// <item><term>Dynamics</term><description>MuJoCo 2.2.2, timestep 0.01 s, RK4; <c>frame_skip</c> = 2, so dt = 0.02 s.</description></item>
/// <item><term>Reward</term><description>−<c>reward_dist_weight</c> (1) · |fingertip − target| − <c>reward_control_weight</c> (1) · Σ action²
/// (info <c>reward_dist</c>, <c>reward_ctrl</c>).</description></item>
/// <item><term>Termination</term><description>Never.</description></item>
/// <item><term>Truncation</term><description>50 steps (the registry's TimeLimit for <c>Reacher-v1</c>); reward threshold −3.75.</description></item>
/// <item><term>Options</term><description><c>xml_file</c>, <c>frame_skip</c>, <c>reward_dist_weight</c>, <c>reward_control_weight</c>, <c>renderer</c>, <c>step_info</c>.</description></item>
/// <item><term>Rendering</term><description><c>rgb_array</c> and <c>human</c>, 480 x 480, MuJoCo's renderer looking down on the arena (<c>renderer=sketch</c>: the hand-drawn view from above).</description></item>
/// </list>
/// </remarks>
public sealed class ReacherEnv : MuJoCoEnv
{
    /// <summary>The registered id.</summary>
    public const string Id = "Reacher-v1";

    /// <summary>The defaults (Gymnasium's for Reacher-v5).</summary>
    public static readonly LocomotionOptions Defaults = new() { FrameSkip = 2, RewardDistWeight = 1.0, RewardControlWeight = 1.0, StepInfo = true };

    private static readonly string[] AcceptedKeys = [K.XmlFile, K.FrameSkip, K.RewardDistWeight, K.RewardControlWeight, K.Renderer, K.StepInfo];

    /// <summary>The keyword options <see cref="FromKwargs"/> accepts, with their defaults.</summary>
    public static readonly IReadOnlyDictionary<string, string> KwargDocs = LocomotionOptions.Describe(Defaults, AcceptedKeys);

    private static readonly Box<double> Space10 = new(double.NegativeInfinity, double.PositiveInfinity, 10);
    private readonly double _distWeight, _controlWeight;
    private readonly bool _stepInfo;
    private readonly int _fingertip, _target;

    /// <summary>Creates the environment.</summary>
    /// <param name="options">Settings; unset ones take <see cref="Defaults"/>.</param>
    /// <exception cref="DllNotFoundException">If libmujoco 2.2.2 is not installed (the message gives the apt-get command).</exception>
    public ReacherEnv(LocomotionOptions? options = null) : base(Id, MuJoCoModels.Reacher, Resolve(options, Defaults, Id))
    {
        var o = Options;
        _distWeight = o.RewardDistWeight!.Value;
        _controlWeight = o.RewardControlWeight!.Value;
        _stepInfo = o.StepInfo!.Value;
        if (Model.Nq != 4 || Model.Nv != 4)
            throw Fail($"{Id}: the model from {Model.Source} has nq = {Model.Nq}, nv = {Model.Nv}; it needs two arm joints then the target's x and y (4, 4)");
        _fingertip = RequireBody("fingertip");
        _target = RequireBody("target");
    }

    /// <summary>Creates the environment from keyword options (see <see cref="KwargDocs"/>); unknown keys are rejected.</summary>
    public static ReacherEnv FromKwargs(OptionSet kwargs) => new(LocomotionOptions.FromKwargs(kwargs, AcceptedKeys, Id));

    /// <inheritdoc />
    public override Space<double[]> ObservationSpace => Space10;

    /// <summary>The goal (target x, y) of the current episode.</summary>
    public (double X, double Y) Goal { get; private set; }

    /// <inheritdoc />
    protected override ResetResult<double[]> ResetCore(OptionSet options, double[]? into)
    {
        Data.Reset();
        var rng = Random;
        Span<double> qpos = Data.Qpos, qvel = Data.Qvel;
        for (int i = 0; i < qpos.Length; i++) qpos[i] += rng.Uniform(-0.1, 0.1);
        double gx, gy;
        do
        {
            gx = rng.Uniform(-0.2, 0.2);
            gy = rng.Uniform(-0.2, 0.2);
        } while (!(Math.Sqrt(gx * gx + gy * gy) < 0.2));
        Goal = (gx, gy);
        qpos[2] = gx;
        qpos[3] = gy;
        for (int i = 0; i < qvel.Length; i++) qvel[i] = rng.Uniform(-0.005, 0.005);
        qvel[2] = qvel[3] = 0;
        Data.Forward();
        return new ResetResult<double[]>(WriteObservation(into), Info.Empty);
    }

    /// <inheritdoc />
    protected override StepResult<double[]> StepCore(float[] action, double[]? into)
    {
        double sumSquares = Simulate(action);
        ReadOnlySpan<double> xpos = Data.Xpos;
        double dx = xpos[3 * _fingertip] - xpos[3 * _target], dy = xpos[3 * _fingertip + 1] - xpos[3 * _target + 1];
        double dz = xpos[3 * _fingertip + 2] - xpos[3 * _target + 2];
        double rewardDist = -Math.Sqrt(dx * dx + dy * dy + dz * dz) * _distWeight;
        double rewardCtrl = -sumSquares * _controlWeight;
        var info = _stepInfo ? Info.Of(("reward_dist", rewardDist), ("reward_ctrl", rewardCtrl)) : Info.Empty;
        return new StepResult<double[]>(WriteObservation(into), rewardDist + rewardCtrl, false, false, info);
    }

    private double[] WriteObservation(double[]? into)
    {
        var obs = ObservationBuffer(into, 10);
        ReadOnlySpan<double> qpos = Data.Qpos, qvel = Data.Qvel, xpos = Data.Xpos;
        obs[0] = Math.Cos(qpos[0]);
        obs[1] = Math.Cos(qpos[1]);
        obs[2] = Math.Sin(qpos[0]);
        obs[3] = Math.Sin(qpos[1]);
        obs[4] = qpos[2];
        obs[5] = qpos[3];
        obs[6] = qvel[0];
        obs[7] = qvel[1];
        obs[8] = xpos[3 * _fingertip] - xpos[3 * _target];
        obs[9] = xpos[3 * _fingertip + 1] - xpos[3 * _target + 1];
        return obs;
    }

    /// <summary>A fixed camera looking down on the arena from above and in front.</summary>
    protected override int CameraBody => -1;

    /// <inheritdoc />
    protected override double CameraDistance => 0.9;

    /// <inheritdoc />
    protected override double CameraElevation => -60;

    /// <inheritdoc />
    public override LocomotionView View => new(FromAbove: true, Width: 0.8f, Bottom: 0f);
}
