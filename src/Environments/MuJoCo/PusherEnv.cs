using Rl.Core;
using Rl.Core.Spaces;
using K = Rl.Environments.MuJoCo.LocomotionOptions.Keys;

namespace Rl.Environments.MuJoCo;

/// <summary>
/// A seven-joint arm that should push a cylinder onto a goal on a table. Gymnasium's <c>Pusher</c> (v5) on a model with
/// Gymnasium's figures (<see cref="MuJoCoModels.Pusher"/>).
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Item</term><description>Definition</description></listheader>
/// <item><term>Action space</term><description><c>Box(-2, 2, (7,), float32)</c>: torques of shoulder pan, shoulder lift, upper-arm
/// roll, elbow flex, forearm roll, wrist flex and wrist roll.</description></item>
/// <item><term>Observation space</term><description><c>Box(-inf, inf, (23,), float64)</c>: the 7 arm angles, their 7 velocities, then the
/// positions (x, y, z) of the fingertips (<c>tips_arm</c>), the object and the goal.</description></item>
/// <item><term>Start state</term><description>Arm at its default pose; goal at (0, 0) of its slide joints; the object's slide
/// joints uniform in [−0.3, 0] and [−0.2, 0.2], redrawn until 0.17 from the goal; arm velocities uniform in ±0.005; object and
/// goal at rest.</description></item>
/// <item><term>Dynamics</term><description>MuJoCo 2.2.2, timestep 0.01 s, Euler, no gravity; <c>frame_skip</c> = 5, so dt = 0.05 s.</description></item>
/// <item><term>Reward</term><description>−<c>reward_dist_weight</c> (1) · |object − goal| − <c>reward_control_weight</c> (0.1) · Σ action²
/// − <c>reward_near_weight</c> (0.5) · |object − fingertips| (info <c>reward_dist</c>, <c>reward_ctrl</c>, <c>reward_near</c>).</description></item>
/// <item><term>Termination</term><description>Never.</description></item>
/// <item><term>Truncation</term><description>100 steps (the registry's TimeLimit for <c>Pusher-v1</c>); reward threshold 0.</description></item>
/// <item><term>Options</term><description><c>xml_file</c>, <c>frame_skip</c>, <c>reward_near_weight</c>, <c>reward_dist_weight</c>,
/// <c>reward_control_weight</c>, <c>renderer</c>, <c>step_info</c>.</description></item>
/// <item><term>Rendering</term><description><c>rgb_array</c> and <c>human</c>, 480 x 480, MuJoCo's renderer over the table (<c>renderer=sketch</c>: the hand-drawn view from above).</description></item>
/// </list>
/// </remarks>
public sealed class PusherEnv : MuJoCoEnv
{
    /// <summary>The registered id.</summary>
    public const string Id = "Pusher-v1";

    /// <summary>The defaults (Gymnasium's for Pusher-v5).</summary>
    public static readonly LocomotionOptions Defaults = new()
    {
        FrameSkip = 5, RewardNearWeight = 0.5, RewardDistWeight = 1.0, RewardControlWeight = 0.1, StepInfo = true,
    };

    private static readonly string[] AcceptedKeys =
        [K.XmlFile, K.FrameSkip, K.RewardNearWeight, K.RewardDistWeight, K.RewardControlWeight, K.Renderer, K.StepInfo];

    /// <summary>The keyword options <see cref="FromKwargs"/> accepts, with their defaults.</summary>
    public static readonly IReadOnlyDictionary<string, string> KwargDocs = LocomotionOptions.Describe(Defaults, AcceptedKeys);

    private const int ArmJoints = 7;
    private static readonly Box<double> Space23 = new(double.NegativeInfinity, double.PositiveInfinity, 23);
    private readonly double _nearWeight, _distWeight, _controlWeight;
    private readonly bool _stepInfo;
    private readonly int _tips, _object, _goal;

    /// <summary>Creates the environment.</summary>
    /// <param name="options">Settings; unset ones take <see cref="Defaults"/>.</param>
    /// <exception cref="DllNotFoundException">If libmujoco 2.2.2 is not installed (the message gives the apt-get command).</exception>
    public PusherEnv(LocomotionOptions? options = null) : base(Id, MuJoCoModels.Pusher, Resolve(options, Defaults, Id))
    {
        var o = Options;
        _nearWeight = o.RewardNearWeight!.Value;
        _distWeight = o.RewardDistWeight!.Value;
        _controlWeight = o.RewardControlWeight!.Value;
        _stepInfo = o.StepInfo!.Value;
        if (Model.Nq != ArmJoints + 4 || Model.Nv != ArmJoints + 4)
            throw Fail($"{Id}: the model from {Model.Source} has nq = {Model.Nq}, nv = {Model.Nv}; it needs 7 arm joints then the object's and the goal's slide joints (11, 11)");
        _tips = RequireBody("tips_arm");
        _object = RequireBody("object");
        _goal = RequireBody("goal");
    }

    /// <summary>Creates the environment from keyword options (see <see cref="KwargDocs"/>); unknown keys are rejected.</summary>
    public static PusherEnv FromKwargs(OptionSet kwargs) => new(LocomotionOptions.FromKwargs(kwargs, AcceptedKeys, Id));

    /// <inheritdoc />
    public override Space<double[]> ObservationSpace => Space23;

    /// <inheritdoc />
    protected override ResetResult<double[]> ResetCore(OptionSet options, double[]? into)
    {
        Data.Reset();
        var rng = Random;
        Span<double> qpos = Data.Qpos, qvel = Data.Qvel;
        double c0, c1;
        do
        {
            c0 = rng.Uniform(-0.3, 0);
            c1 = rng.Uniform(-0.2, 0.2);
        } while (!(Math.Sqrt(c0 * c0 + c1 * c1) > 0.17)); // the goal's slide joints are at (0, 0)
        qpos[^4] = c0;
        qpos[^3] = c1;
        qpos[^2] = 0;
        qpos[^1] = 0;
        for (int i = 0; i < qvel.Length; i++) qvel[i] = rng.Uniform(-0.005, 0.005);
        qvel[^4..].Clear();
        Data.Forward();
        return new ResetResult<double[]>(WriteObservation(into), Info.Empty);
    }

    /// <inheritdoc />
    protected override StepResult<double[]> StepCore(float[] action, double[]? into)
    {
        double sumSquares = Simulate(action);
        double near = -BodyDistance(_object, _tips) * _nearWeight;
        double dist = -BodyDistance(_object, _goal) * _distWeight;
        double ctrl = -sumSquares * _controlWeight;
        // Summed in Gymnasium's order: dist + ctrl + near.
        double reward = dist + ctrl + near;
        var info = _stepInfo ? Info.Of(("reward_dist", dist), ("reward_ctrl", ctrl), ("reward_near", near)) : Info.Empty;
        return new StepResult<double[]>(WriteObservation(into), reward, false, false, info);
    }

    private double BodyDistance(int a, int b)
    {
        ReadOnlySpan<double> x = Data.Xpos;
        double dx = x[3 * a] - x[3 * b], dy = x[3 * a + 1] - x[3 * b + 1], dz = x[3 * a + 2] - x[3 * b + 2];
        return Math.Sqrt(dx * dx + dy * dy + dz * dz);
    }

    private double[] WriteObservation(double[]? into)
    {
        var obs = ObservationBuffer(into, 23);
        Data.Qpos[..ArmJoints].CopyTo(obs);
        Data.Qvel[..ArmJoints].CopyTo(obs.AsSpan(ArmJoints));
        ReadOnlySpan<double> x = Data.Xpos;
        x.Slice(3 * _tips, 3).CopyTo(obs.AsSpan(14));
        x.Slice(3 * _object, 3).CopyTo(obs.AsSpan(17));
        x.Slice(3 * _goal, 3).CopyTo(obs.AsSpan(20));
        return obs;
    }

    /// <summary>A fixed camera over the table.</summary>
    protected override int CameraBody => -1;

    /// <inheritdoc />
    protected override (double X, double Y, double Z) CameraLookAt => (0.2, -0.2, -0.3);

    /// <inheritdoc />
    protected override double CameraDistance => 2.2;

    /// <inheritdoc />
    protected override double CameraElevation => -45;

    /// <inheritdoc />
    public override LocomotionView View => new(FromAbove: true, Width: 2f, Bottom: 0f);
}
