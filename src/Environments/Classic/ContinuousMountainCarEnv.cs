using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Environments.Classic;

/// <summary>
/// The mountain-car task with a continuous engine, with exactly the dynamics of Gymnasium's <c>MountainCarContinuous-v0</c>:
/// the car must still rock to reach the flag, and every unit of engine force costs reward.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Item</term><description>Definition</description></listheader>
/// <item><term>Action space</term><description><c>Box(-1.0, 1.0, (1,), float32)</c>: the engine force (negative pushes left).</description></item>
/// <item><term>Observation space</term><description><c>Box([-1.2, -0.07], [0.6, 0.07], (2,), float32)</c>: position and velocity.</description></item>
/// <item><term>Hidden state</term><description>Position and velocity (<see cref="State"/>): float64 right after a reset, float32 after the first step,
/// as Gymnasium stores <c>np.array([position, velocity], dtype=np.float32)</c>.</description></item>
/// <item><term>Start state</term><description>Position uniform in [-0.6, -0.4] (one draw from Gymnasium's generator), velocity 0; reset options
/// <c>low</c> and <c>high</c> change the position's bounds.</description></item>
/// <item><term>Reward</term><description>−0.1 a² per step, plus 100 on the step that reaches the flag.</description></item>
/// <item><term>Termination</term><description>Position ≥ 0.45 and velocity ≥ <c>goal_velocity</c> (default 0).</description></item>
/// <item><term>Truncation</term><description>999 steps (a TimeLimit added by the registry for <c>MountainCarContinuous-v0</c>).</description></item>
/// <item><term>Solved</term><description>Mean return of at least 90 over 100 consecutive episodes (the reward threshold).</description></item>
/// </list>
/// Dynamics per step (power 0.0015): v' = clip(v + a·0.0015 − 0.0025 cos(3x), -0.07, 0.07); x' = clip(x + v', -1.2, 0.6);
/// v' = 0 when x' = -1.2 and v' &lt; 0. Gymnasium computes this with float32 scalars mixed with Python floats; the arithmetic here
/// follows numpy 2's rules for that (the float32 operand wins), so a step is a float32 step except for the first one after a reset.
/// </remarks>
public sealed partial class ContinuousMountainCarEnv : Env<float[], float[]>
{
    /// <summary>Left end of the track.</summary>
    public const double MinPosition = -1.2;
    /// <summary>Right end of the track.</summary>
    public const double MaxPosition = 0.6;
    /// <summary>Largest speed; the velocity is clipped to ±0.07.</summary>
    public const double MaxSpeed = 0.07;
    /// <summary>The flag's position (0.45; the discrete task's is 0.5).</summary>
    public const double GoalPosition = 0.45;
    /// <summary>The engine's acceleration per unit of action.</summary>
    public const double Power = 0.0015;

    /// <summary>The registered id.</summary>
    public const string Id = "MountainCarContinuous-v0";

    /// <summary>The keyword options the constructor accepts.</summary>
    public static readonly IReadOnlyDictionary<string, string> KwargDocs = new Dictionary<string, string>
    {
        ["goal_velocity"] = "float, default 0: the least velocity at the flag that ends the episode",
    };

    private static readonly string[] ResetKeys = ["low", "high"];

    private readonly Box<float> _observationSpace =
        new([(float)MinPosition, -(float)MaxSpeed], [(float)MaxPosition, (float)MaxSpeed]);
    private readonly Box<float> _actionSpace = new(-1f, 1f, 1);
    private double _position, _velocity;
    private bool _float32State;

    /// <summary>Creates the environment.</summary>
    /// <param name="goalVelocity">The least velocity at the flag that ends the episode (Gymnasium's <c>goal_velocity</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="goalVelocity"/> is NaN.</exception>
    public ContinuousMountainCarEnv(double goalVelocity = 0)
    {
        if (double.IsNaN(goalVelocity)) throw new ArgumentOutOfRangeException(nameof(goalVelocity), $"{Id}: option 'goal_velocity' must be a number");
        GoalVelocity = goalVelocity;
    }

    /// <summary>Creates the environment from keyword options (see <see cref="KwargDocs"/>).</summary>
    /// <exception cref="ArgumentException">If an option is unknown or invalid.</exception>
    public static ContinuousMountainCarEnv FromKwargs(OptionSet kwargs)
    {
        kwargs.EnsureOnly(KwargDocs.Keys.ToList(), Id);
        return new ContinuousMountainCarEnv(kwargs.GetDouble("goal_velocity", 0));
    }

    /// <summary>The least velocity at the flag that ends the episode.</summary>
    public double GoalVelocity { get; }

    /// <inheritdoc />
    public override Space<float[]> ObservationSpace => _observationSpace;

    /// <inheritdoc />
    public override Space<float[]> ActionSpace => _actionSpace;

    /// <inheritdoc />
    public override EnvMetadata Metadata { get; } = new(["rgb_array", "human"], 30);

    /// <inheritdoc />
    protected override IReadOnlyCollection<string> ResetOptionKeys => ResetKeys;

    /// <summary>The hidden state (position, velocity); float32 values after the first step of an episode.</summary>
    public (double Position, double Velocity) State => (_position, _velocity);

    /// <summary>Sets the hidden state (for tests and analysis) as the float32 values Gymnasium stores after a step.</summary>
    public void SetState(double position, double velocity) =>
        (_position, _velocity, _float32State) = ((float)position, (float)velocity, true);

    /// <inheritdoc />
    protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into)
    {
        var (low, high) = ClassicControl.ResetBounds(options, -0.6, -0.4, Name);
        _position = NumpyRandom.Uniform(low, high);
        _velocity = 0;
        _float32State = false;
        return new ResetResult<float[]>(ClassicControl.WriteCarObservation(_position, _velocity, into, Name), Info.Empty);
    }

    /// <inheritdoc />
    protected override StepResult<float[]> StepCore(float[] action, float[]? into)
    {
        float force = Math.Clamp(action[0], -1f, 1f);
        bool f32 = _float32State;
        // Gymnasium: velocity += force * power - 0.0025 * math.cos(3 * position). With a float32 state, 3 * position is a
        // float32 product; force * power and the difference are float32 (numpy 2 casts the Python float to float32).
        double threeX = f32 ? 3f * (float)_position : 3 * _position;
        float accel = force * (float)Power - (float)(0.0025 * Math.Cos(threeX));
        double velocity = f32 ? (float)_velocity + accel : _velocity + accel;
        // velocityIsFloat tracks whether velocity is still a float32 value (a clamp assigns a Python float).
        bool velocityIsFloat = f32;
        if (Greater(velocity, MaxSpeed, velocityIsFloat)) (velocity, velocityIsFloat) = (MaxSpeed, false);
        if (Greater(-MaxSpeed, velocity, velocityIsFloat)) (velocity, velocityIsFloat) = (-MaxSpeed, false);
        double position = f32 ? (float)_position + (float)velocity : _position + velocity;
        bool positionIsFloat = f32;
        if (Greater(position, MaxPosition, positionIsFloat)) (position, positionIsFloat) = (MaxPosition, false);
        if (Greater(MinPosition, position, positionIsFloat)) (position, positionIsFloat) = (MinPosition, false);
        if (Equal(position, MinPosition, positionIsFloat) && velocity < 0) (velocity, velocityIsFloat) = (0, false);
        bool terminated = !Greater(GoalPosition, position, positionIsFloat) && !Greater(GoalVelocity, velocity, velocityIsFloat);

        double reward = terminated ? 100.0 : 0.0;
        reward -= (double)action[0] * action[0] * 0.1;
        // Gymnasium stores the new state as float32.
        (_position, _velocity, _float32State) = ((float)position, (float)velocity, true);
        return new StepResult<float[]>(ClassicControl.WriteCarObservation(_position, _velocity, into, Name), reward, terminated, false, Info.Empty);
    }

    // A comparison between a float32 scalar and a Python float happens in float32 under numpy 2; otherwise in float64.
    private static bool Greater(double a, double b, bool asFloat32) => asFloat32 ? (float)a > (float)b : a > b;

    private static bool Equal(double a, double b, bool asFloat32) => asFloat32 ? (float)a == (float)b : a == b;
}
