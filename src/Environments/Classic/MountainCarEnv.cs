using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Environments.Classic;

/// <summary>
/// The mountain-car task with exactly the dynamics of Gymnasium's <c>MountainCar-v0</c> (Moore 1990): an under-powered car
/// in a valley must rock back and forth to build up the momentum that carries it up the right hill to the flag.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Item</term><description>Definition</description></listheader>
/// <item><term>Action space</term><description><c>Discrete(3)</c>: 0 accelerates left, 1 does nothing, 2 accelerates right.</description></item>
/// <item><term>Observation space</term><description><c>Box([-1.2, -0.07], [0.6, 0.07], (2,), float32)</c>: position and velocity.</description></item>
/// <item><term>Hidden state</term><description>Position and velocity in float64 (<see cref="State"/>); the observation is their float32 rounding.</description></item>
/// <item><term>Start state</term><description>Position uniform in [-0.6, -0.4] (one draw from Gymnasium's generator), velocity 0; reset options
/// <c>low</c> and <c>high</c> change the position's bounds.</description></item>
/// <item><term>Reward</term><description>-1 for every step, including the one that reaches the flag.</description></item>
/// <item><term>Termination</term><description>Position ≥ 0.5 and velocity ≥ <c>goal_velocity</c> (default 0).</description></item>
/// <item><term>Truncation</term><description>200 steps (a TimeLimit added by the registry for <c>MountainCar-v0</c>).</description></item>
/// <item><term>Solved</term><description>Mean return of at least -110 over 100 consecutive episodes (the reward threshold).</description></item>
/// </list>
/// Dynamics per step (force 0.001, gravity 0.0025): v' = clip(v + (a − 1)·0.001 − 0.0025 cos(3x), -0.07, 0.07);
/// x' = clip(x + v', -1.2, 0.6); the left wall is inelastic (v' = 0 when x' = -1.2 and v' &lt; 0). All in float64.
/// </remarks>
public sealed partial class MountainCarEnv : Env<float[], int>
{
    /// <summary>Left end of the track.</summary>
    public const double MinPosition = -1.2;
    /// <summary>Right end of the track.</summary>
    public const double MaxPosition = 0.6;
    /// <summary>Largest speed; the velocity is clipped to ±0.07.</summary>
    public const double MaxSpeed = 0.07;
    /// <summary>The flag's position.</summary>
    public const double GoalPosition = 0.5;
    /// <summary>The engine's acceleration per step.</summary>
    public const double Force = 0.001;
    /// <summary>Gravity's coefficient (the slope term is −0.0025 cos 3x).</summary>
    public const double Gravity = 0.0025;

    /// <summary>The registered id.</summary>
    public const string Id = "MountainCar-v0";

    /// <summary>The keyword options the constructor accepts.</summary>
    public static readonly IReadOnlyDictionary<string, string> KwargDocs = new Dictionary<string, string>
    {
        ["goal_velocity"] = "float, default 0: the least velocity at the flag that ends the episode",
    };

    private static readonly string[] ResetKeys = ["low", "high"];

    private readonly Box<float> _observationSpace =
        new([(float)MinPosition, -(float)MaxSpeed], [(float)MaxPosition, (float)MaxSpeed]);
    private readonly Discrete _actionSpace = new(3);
    private double _position, _velocity;

    /// <summary>Creates the environment.</summary>
    /// <param name="goalVelocity">The least velocity at the flag that ends the episode (Gymnasium's <c>goal_velocity</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="goalVelocity"/> is NaN.</exception>
    public MountainCarEnv(double goalVelocity = 0)
    {
        if (double.IsNaN(goalVelocity)) throw new ArgumentOutOfRangeException(nameof(goalVelocity), $"{Id}: option 'goal_velocity' must be a number");
        GoalVelocity = goalVelocity;
    }

    /// <summary>Creates the environment from keyword options (see <see cref="KwargDocs"/>).</summary>
    /// <exception cref="ArgumentException">If an option is unknown or invalid.</exception>
    public static MountainCarEnv FromKwargs(OptionSet kwargs)
    {
        kwargs.EnsureOnly(KwargDocs.Keys.ToList(), Id);
        return new MountainCarEnv(kwargs.GetDouble("goal_velocity", 0));
    }

    /// <summary>The least velocity at the flag that ends the episode.</summary>
    public double GoalVelocity { get; }

    /// <inheritdoc />
    public override Space<float[]> ObservationSpace => _observationSpace;

    /// <inheritdoc />
    public override Space<int> ActionSpace => _actionSpace;

    /// <inheritdoc />
    public override EnvMetadata Metadata { get; } = new(["rgb_array", "human"], 30);

    /// <inheritdoc />
    protected override IReadOnlyCollection<string> ResetOptionKeys => ResetKeys;

    /// <summary>The hidden float64 state (position, velocity).</summary>
    public (double Position, double Velocity) State => (_position, _velocity);

    /// <summary>Sets the hidden state (for tests and analysis); the episode continues from it.</summary>
    public void SetState(double position, double velocity) => (_position, _velocity) = (position, velocity);

    /// <inheritdoc />
    protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into)
    {
        var (low, high) = ClassicControl.ResetBounds(options, -0.6, -0.4, Name);
        _position = NumpyRandom.Uniform(low, high);
        _velocity = 0;
        return new ResetResult<float[]>(ClassicControl.WriteCarObservation(_position, _velocity, into, Name), Info.Empty);
    }

    /// <inheritdoc />
    protected override StepResult<float[]> StepCore(int action, float[]? into)
    {
        double velocity = _velocity + ((action - 1) * Force + Math.Cos(3 * _position) * -Gravity);
        velocity = Math.Clamp(velocity, -MaxSpeed, MaxSpeed);
        double position = Math.Clamp(_position + velocity, MinPosition, MaxPosition);
        if (position == MinPosition && velocity < 0) velocity = 0;
        bool terminated = position >= GoalPosition && velocity >= GoalVelocity;
        (_position, _velocity) = (position, velocity);
        return new StepResult<float[]>(ClassicControl.WriteCarObservation(_position, _velocity, into, Name), -1.0, terminated, false, Info.Empty);
    }
}
