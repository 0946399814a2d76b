using Rl.Core;
using Rl.Core.Spaces;
using K = Rl.Environments.MuJoCo.LocomotionOptions.Keys;

namespace Rl.Environments.MuJoCo;

/// <summary>
/// A cart on a rail with two poles hinged end to end: push the cart to keep the tip high and centred. Gymnasium's
/// <c>InvertedDoublePendulum</c> (v5) on a model with Gymnasium's figures (<see cref="MuJoCoModels.InvertedDoublePendulum"/>).
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Item</term><description>Definition</description></listheader>
/// <item><term>Action space</term><description><c>Box(-1, 1, (1,), float32)</c>: the force on the cart (motor gear 500).</description></item>
/// <item><term>Observation space</term><description><c>Box(-inf, inf, (9,), float64)</c>: cart position; sin of both pole angles; cos of
/// both; cart and pole velocities clipped to [-10, 10]; the first constraint force (on the slider) clipped to [-10, 10].</description></item>
/// <item><term>Start state</term><description>Upright, plus uniform noise in ±<c>reset_noise_scale</c> (0.1) on qpos and
/// <c>reset_noise_scale</c> · N(0, 1) on qvel.</description></item>
/// <item><term>Dynamics</term><description>MuJoCo 2.2.2, timestep 0.01 s, RK4; <c>frame_skip</c> = 5, so dt = 0.05 s.</description></item>
/// <item><term>Reward</term><description><c>healthy_reward</c> (10, when not terminated) − (0.01 x² + (y − 2)²) − (1e-3 ω₁² + 5e-3 ω₂²),
/// with (x, y) the tip's position (site <c>tip</c>: x and height) and ω the pole angular velocities. Info: <c>reward_survive</c>,
/// <c>distance_penalty</c>, <c>velocity_penalty</c>.</description></item>
/// <item><term>Termination</term><description>When the tip's height y ≤ 1.</description></item>
/// <item><term>Truncation</term><description>1000 steps (the registry's TimeLimit for <c>InvertedDoublePendulum-v1</c>); reward threshold 9100.</description></item>
/// <item><term>Options</term><description><c>xml_file</c>, <c>frame_skip</c>, <c>healthy_reward</c>, <c>reset_noise_scale</c>, <c>renderer</c>, <c>step_info</c>.</description></item>
/// <item><term>Rendering</term><description><c>rgb_array</c> and <c>human</c>, 480 x 480, MuJoCo's renderer from the side (<c>renderer=sketch</c>: the hand-drawn side view).</description></item>
/// </list>
/// </remarks>
public sealed class InvertedDoublePendulumEnv : MuJoCoEnv
{
    /// <summary>The registered id.</summary>
    public const string Id = "InvertedDoublePendulum-v1";

    /// <summary>The defaults (Gymnasium's for InvertedDoublePendulum-v5).</summary>
    public static readonly LocomotionOptions Defaults = new() { FrameSkip = 5, HealthyReward = 10.0, ResetNoiseScale = 0.1, StepInfo = true };

    private static readonly string[] AcceptedKeys = [K.XmlFile, K.FrameSkip, K.HealthyReward, K.ResetNoiseScale, K.Renderer, K.StepInfo];

    /// <summary>The keyword options <see cref="FromKwargs"/> accepts, with their defaults.</summary>
    public static readonly IReadOnlyDictionary<string, string> KwargDocs = LocomotionOptions.Describe(Defaults, AcceptedKeys);

    private static readonly Box<double> Space9 = new(double.NegativeInfinity, double.PositiveInfinity, 9);
    private readonly double _noise, _healthyReward;
    private readonly bool _stepInfo;

    /// <summary>Creates the environment.</summary>
    /// <param name="options">Settings; unset ones take <see cref="Defaults"/>.</param>
    /// <exception cref="DllNotFoundException">If libmujoco 2.2.2 is not installed (the message gives the apt-get command).</exception>
    public InvertedDoublePendulumEnv(LocomotionOptions? options = null) : base(Id, MuJoCoModels.InvertedDoublePendulum, Resolve(options, Defaults, Id))
    {
        var o = Options;
        _noise = o.ResetNoiseScale!.Value;
        _healthyReward = o.HealthyReward!.Value;
        _stepInfo = o.StepInfo!.Value;
        if (Model.Nq != 3 || Model.Nv != 3 || Model.NSite < 1)
            throw Fail($"{Id}: the model from {Model.Source} has nq = {Model.Nq}, nv = {Model.Nv} and {Model.NSite} sites; it needs a cart and two poles (3, 3) and a tip site");
    }

    /// <summary>Creates the environment from keyword options (see <see cref="KwargDocs"/>); unknown keys are rejected.</summary>
    public static InvertedDoublePendulumEnv FromKwargs(OptionSet kwargs) => new(LocomotionOptions.FromKwargs(kwargs, AcceptedKeys, Id));

    /// <inheritdoc />
    public override Space<double[]> ObservationSpace => Space9;

    /// <inheritdoc />
    protected override ResetResult<double[]> ResetCore(OptionSet options, double[]? into)
    {
        ResetWithNoise(_noise, _noise, gaussianVelocity: true);
        Data.Forward();
        return new ResetResult<double[]>(WriteObservation(into), Info.Empty);
    }

    /// <inheritdoc />
    protected override StepResult<double[]> StepCore(float[] action, double[]? into)
    {
        Simulate(action);
        // The tip site's world x and height (Gymnasium unpacks site_xpos[0] as x, _, y).
        ReadOnlySpan<double> tip = Data.SiteXpos;
        double x = tip[0], y = tip[2];
        bool terminated = y <= 1;
        ReadOnlySpan<double> qvel = Data.Qvel;
        double distance = 0.01 * x * x + (y - 2) * (y - 2);
        double velocity = 1e-3 * qvel[1] * qvel[1] + 5e-3 * qvel[2] * qvel[2];
        double alive = terminated ? 0 : _healthyReward;
        double reward = alive - distance - velocity;
        var info = _stepInfo
            ? Info.Of(("reward_survive", alive), ("distance_penalty", -distance), ("velocity_penalty", -velocity))
            : Info.Empty;
        return new StepResult<double[]>(WriteObservation(into), reward, terminated, false, info);
    }

    private double[] WriteObservation(double[]? into)
    {
        var obs = ObservationBuffer(into, 9);
        ReadOnlySpan<double> qpos = Data.Qpos, qvel = Data.Qvel;
        obs[0] = qpos[0];
        obs[1] = Math.Sin(qpos[1]);
        obs[2] = Math.Sin(qpos[2]);
        obs[3] = Math.Cos(qpos[1]);
        obs[4] = Math.Cos(qpos[2]);
        for (int i = 0; i < 3; i++) obs[5 + i] = Math.Clamp(qvel[i], -10, 10);
        obs[8] = Math.Clamp(Data.QfrcConstraint[0], -10, 10);
        return obs;
    }

    /// <summary>A fixed side view of the whole rail and both poles.</summary>
    protected override int CameraBody => -1;

    /// <inheritdoc />
    protected override (double X, double Y, double Z) CameraLookAt => (0, 0, 0.6);

    /// <inheritdoc />
    protected override double CameraDistance => 4.1;

    /// <inheritdoc />
    protected override double CameraElevation => -10;
}
