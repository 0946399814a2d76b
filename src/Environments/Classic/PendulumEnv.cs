using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Environments.Classic;

/// <summary>
/// The inverted-pendulum swing-up with exactly the dynamics of Gymnasium's <c>Pendulum-v1</c>: a rod hinged at one end hangs
/// under gravity; the agent applies a torque to swing it up and keep it upright.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Item</term><description>Definition</description></listheader>
/// <item><term>Action space</term><description><c>Box(-2.0, 2.0, (1,), float32)</c>: the torque (N m), positive counter-clockwise.</description></item>
/// <item><term>Observation space</term><description><c>Box([-1, -1, -8], [1, 1, 8], (3,), float32)</c>: cos θ, sin θ, θ̇ (θ = 0 is upright).</description></item>
/// <item><term>Hidden state</term><description>θ and θ̇ in float64 (<see cref="State"/>); θ is not wrapped, only the reward normalises it.</description></item>
/// <item><term>Start state</term><description>θ uniform in [-π, π], θ̇ uniform in [-1, 1] (one numpy <c>uniform(low, high)</c> draw of two
/// values from Gymnasium's generator); reset options <c>x_init</c> and <c>y_init</c> replace π and 1 (the bounds stay symmetric).</description></item>
/// <item><term>Reward</term><description>-(norm(θ)² + 0.1 θ̇² + 0.001 u²), with norm(θ) = ((θ + π) mod 2π) − π; between -16.27 and 0.</description></item>
/// <item><term>Termination</term><description>Never.</description></item>
/// <item><term>Truncation</term><description>200 steps (a TimeLimit added by the registry for <c>Pendulum-v1</c>).</description></item>
/// <item><term>Solved</term><description>No reward threshold (Gymnasium registers none); -200 is the usual mark of a good policy.</description></item>
/// </list>
/// Dynamics per step (dt = 0.05 s, m = 1, l = 1, g = 10 unless the <c>g</c> option changes it), as Gymnasium computes them:
/// θ̇' = clip(θ̇ + (3g/(2l) sin θ + 3/(m l²) u) dt, -8, 8); θ' = θ + θ̇' dt. The torque is float32, and the terms that multiply it
/// (3 u and 0.001 u²) are float32 products as numpy 2 computes them; everything else is float64.
/// </remarks>
public sealed partial class PendulumEnv : Env<float[], float[]>
{
    /// <summary>Largest angular speed (rad/s); θ̇ is clipped to ±8.</summary>
    public const double MaxSpeed = 8;
    /// <summary>Largest torque (N m).</summary>
    public const float MaxTorque = 2.0f;
    /// <summary>Seconds per step.</summary>
    public const double Dt = 0.05;
    /// <summary>The rod's mass (kg).</summary>
    public const double Mass = 1.0;
    /// <summary>The rod's length (m).</summary>
    public const double Length = 1.0;
    /// <summary>Default gravity (m/s²), Gymnasium's <c>g=10.0</c>.</summary>
    public const double DefaultGravity = 10.0;
    /// <summary>Default half-width of the start angle's range (π).</summary>
    public const double DefaultXInit = Math.PI;
    /// <summary>Default half-width of the start angular velocity's range.</summary>
    public const double DefaultYInit = 1.0;

    /// <summary>The registered id.</summary>
    public const string Id = "Pendulum-v1";

    /// <summary>The keyword options the constructor accepts.</summary>
    public static readonly IReadOnlyDictionary<string, string> KwargDocs = new Dictionary<string, string>
    {
        ["g"] = "float, default 10.0: the acceleration of gravity (m/s^2)",
    };

    private static readonly string[] ResetKeys = ["x_init", "y_init"];

    private readonly Box<float> _observationSpace = new([-1f, -1f, -(float)MaxSpeed], [1f, 1f, (float)MaxSpeed]);
    private readonly Box<float> _actionSpace = new(-MaxTorque, MaxTorque, 1);
    private readonly double[] _low = new double[2], _high = new double[2], _draw = new double[2];
    private double _theta, _thetaDot;
    private float? _lastTorque;

    /// <summary>Creates the environment.</summary>
    /// <param name="gravity">Gravity in m/s² (Gymnasium's <c>g</c>); finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="gravity"/> is not finite.</exception>
    public PendulumEnv(double gravity = DefaultGravity)
    {
        if (!double.IsFinite(gravity)) throw new ArgumentOutOfRangeException(nameof(gravity), gravity, $"{Id}: option 'g' must be a finite number");
        Gravity = gravity;
    }

    /// <summary>Creates the environment from keyword options (see <see cref="KwargDocs"/>).</summary>
    /// <exception cref="ArgumentException">If an option is unknown or invalid.</exception>
    public static PendulumEnv FromKwargs(OptionSet kwargs)
    {
        kwargs.EnsureOnly(KwargDocs.Keys.ToList(), Id);
        return new PendulumEnv(kwargs.GetDouble("g", DefaultGravity));
    }

    /// <summary>Gravity (m/s²).</summary>
    public double Gravity { get; }

    /// <inheritdoc />
    public override Space<float[]> ObservationSpace => _observationSpace;

    /// <inheritdoc />
    public override Space<float[]> ActionSpace => _actionSpace;

    /// <inheritdoc />
    public override EnvMetadata Metadata { get; } = new(["rgb_array", "human"], 30);

    /// <inheritdoc />
    protected override IReadOnlyCollection<string> ResetOptionKeys => ResetKeys;

    /// <summary>The hidden float64 state: the angle θ (0 upright, not wrapped) and the angular velocity θ̇.</summary>
    public (double Theta, double ThetaDot) State => (_theta, _thetaDot);

    /// <summary>The torque of the last step (null right after a reset), which the picture shows as an arrow.</summary>
    public float? LastTorque => _lastTorque;

    /// <summary>Sets the hidden state (for tests and analysis); the episode continues from it.</summary>
    public void SetState(double theta, double thetaDot) => (_theta, _thetaDot) = (theta, thetaDot);

    /// <summary>Gymnasium's <c>angle_normalize</c>: ((θ + π) mod 2π) − π with numpy's floored modulo, in [-π, π).</summary>
    public static double NormalizeAngle(double theta) => ClassicControl.FlooredRemainder(theta + Math.PI, 2 * Math.PI) - Math.PI;

    /// <inheritdoc />
    protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into)
    {
        double x = options.GetDouble("x_init", DefaultXInit), y = options.GetDouble("y_init", DefaultYInit);
        if (!(x >= 0) || !(y >= 0) || double.IsInfinity(x) || double.IsInfinity(y))
            throw new ArgumentException($"{Name}.Reset: options x_init={x} and y_init={y} must be finite and non-negative (the start range is [-x_init, x_init] x [-y_init, y_init])");
        (_high[0], _high[1]) = (x, y);
        (_low[0], _low[1]) = (-x, -y);
        NumpyRandom.Uniform(_low, _high, _draw);
        (_theta, _thetaDot) = (_draw[0], _draw[1]);
        _lastTorque = null;
        return new ResetResult<float[]>(WriteObservation(into), Info.Empty);
    }

    /// <inheritdoc />
    protected override StepResult<float[]> StepCore(float[] action, float[]? into)
    {
        float u = Math.Clamp(action[0], -MaxTorque, MaxTorque);
        _lastTorque = u;
        double normalized = NormalizeAngle(_theta);
        // numpy 2 keeps float32 for a float32 scalar times a Python float: 0.001 * u**2 and 3.0 * u are float32 products.
        float torqueCost = 0.001f * (u * u);
        // Gymnasium squares float64 scalars with ** (libm's pow, which Math.Pow calls too).
        double costs = Math.Pow(normalized, 2) + 0.1 * Math.Pow(_thetaDot, 2) + torqueCost;
        float torqueAcc = (float)(3.0 / (Mass * Length * Length)) * u;
        double newThetaDot = _thetaDot + (3 * Gravity / (2 * Length) * Math.Sin(_theta) + torqueAcc) * Dt;
        newThetaDot = Math.Clamp(newThetaDot, -MaxSpeed, MaxSpeed);
        _theta += newThetaDot * Dt;
        _thetaDot = newThetaDot;
        return new StepResult<float[]>(WriteObservation(into), -costs, false, false, Info.Empty);
    }

    private float[] WriteObservation(float[]? into)
    {
        var obs = into ?? new float[3];
        if (obs.Length != 3)
            throw new ArgumentException($"{Name}: the observation buffer has {obs.Length} elements but the observation space {_observationSpace} needs 3", nameof(into));
        obs[0] = (float)Math.Cos(_theta);
        obs[1] = (float)Math.Sin(_theta);
        obs[2] = (float)_thetaDot;
        return obs;
    }
}
