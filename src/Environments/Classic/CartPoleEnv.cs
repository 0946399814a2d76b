using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Environments.Classic;

/// <summary>
/// The cart-pole balancing task with exactly the dynamics of Gymnasium's <c>CartPole-v1</c> (Barto, Sutton and Anderson 1983):
/// a pole is hinged to a cart that moves along a frictionless track; the agent pushes the cart left or right.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Item</term><description>Definition</description></listheader>
/// <item><term>Action space</term><description><c>Discrete(2)</c>: 0 pushes the cart left, 1 pushes it right, with a force of 10 N.</description></item>
/// <item><term>Observation space</term><description><c>Box([-4.8, -inf, -0.41887903, -inf], [4.8, inf, 0.41887903, inf], (4,), float32)</c>:
/// cart position, cart velocity, pole angle (radians), pole angular velocity.</description></item>
/// <item><term>Hidden state</term><description>The same four quantities in float64 (<see cref="State"/>); the observation is their float32 rounding.</description></item>
/// <item><term>Start state</term><description>Each state variable uniform in (-0.05, 0.05); reset options <c>low</c> and <c>high</c> change the bounds.
/// Drawn from Gymnasium's generator (numpy's PCG64 through a SeedSequence), so <c>Reset(seed: s)</c> gives Gymnasium's <c>reset(seed=s)</c> start state.</description></item>
/// <item><term>Reward</term><description>+1 for every step, including the terminating one. With the <c>sutton_barto_reward</c> option:
/// 0 per step and -1 on termination.</description></item>
/// <item><term>Termination</term><description>|cart position| &gt; 2.4 or |pole angle| &gt; 12 degrees (0.2095 rad).</description></item>
/// <item><term>Truncation</term><description>500 steps (a TimeLimit added by the registry for <c>CartPole-v1</c>).</description></item>
/// <item><term>Solved</term><description>Mean return of at least 475 over 100 consecutive episodes (the reward threshold).</description></item>
/// </list>
/// Dynamics per step (tau = 0.02 s, g = 9.8, cart mass 1.0, pole mass 0.1, half pole length 0.5):
/// temp = (F + m_p l θ̇² sin θ) / (m_c + m_p); θ̈ = (g sin θ − cos θ · temp) / (l (4/3 − m_p cos² θ / (m_c + m_p)));
/// ẍ = temp − m_p l θ̈ cos θ / (m_c + m_p); then the explicit Euler update x += τ ẋ, ẋ += τ ẍ, θ += τ θ̇, θ̇ += τ θ̈
/// (or semi-implicit Euler with the <c>kinematics_integrator</c> option).
/// </remarks>
public sealed partial class CartPoleEnv : Env<float[], int>
{
    /// <summary>Gravity (m/s²).</summary>
    public const double Gravity = 9.8;
    /// <summary>Cart mass (kg).</summary>
    public const double MassCart = 1.0;
    /// <summary>Pole mass (kg).</summary>
    public const double MassPole = 0.1;
    /// <summary>Cart plus pole mass (kg).</summary>
    public const double TotalMass = MassCart + MassPole;
    /// <summary>Half the pole's length (m).</summary>
    public const double Length = 0.5;
    /// <summary>Pole mass times half-length.</summary>
    public const double PoleMassLength = MassPole * Length;
    /// <summary>Magnitude of the push (N).</summary>
    public const double ForceMag = 10.0;
    /// <summary>Seconds between state updates.</summary>
    public const double Tau = 0.02;
    /// <summary>Pole angle beyond which the episode terminates: 12 degrees in radians.</summary>
    public const double ThetaThresholdRadians = 12 * 2 * Math.PI / 360;
    /// <summary>Cart position beyond which the episode terminates (m).</summary>
    public const double XThreshold = 2.4;

    /// <summary>The registered id.</summary>
    public const string Id = "CartPole-v1";

    /// <summary>The keyword options the constructor accepts.</summary>
    public static readonly IReadOnlyDictionary<string, string> KwargDocs = new Dictionary<string, string>
    {
        ["sutton_barto_reward"] = "bool, default false: reward 0 per step and -1 on termination",
        ["kinematics_integrator"] = "'euler' (default) or 'semi-implicit euler'",
    };

    private static readonly string[] ResetKeys = ["low", "high"];

    private readonly Box<float> _observationSpace;
    private readonly Discrete _actionSpace;
    private readonly bool _suttonBartoReward;
    private readonly bool _semiImplicit;
    private double _x, _xDot, _theta, _thetaDot;
    private int _stepsBeyondTerminated = -1;

    /// <summary>Creates the environment.</summary>
    /// <param name="suttonBartoReward">Use the Sutton-Barto reward (0 per step, -1 on termination).</param>
    /// <param name="semiImplicitEuler">Integrate with semi-implicit instead of explicit Euler.</param>
    public CartPoleEnv(bool suttonBartoReward = false, bool semiImplicitEuler = false)
    {
        _suttonBartoReward = suttonBartoReward;
        _semiImplicit = semiImplicitEuler;
        float[] high = [(float)(XThreshold * 2), float.PositiveInfinity, (float)(ThetaThresholdRadians * 2), float.PositiveInfinity];
        _observationSpace = new Box<float>(high.Select(h => -h).ToArray(), high);
        _actionSpace = new Discrete(2);
    }

    /// <summary>Creates the environment from keyword options (see <see cref="KwargDocs"/>).</summary>
    /// <exception cref="ArgumentException">If an option is unknown or invalid.</exception>
    public static CartPoleEnv FromKwargs(OptionSet kwargs)
    {
        kwargs.EnsureOnly(KwargDocs.Keys.ToList(), Id);
        string integrator = kwargs.GetString("kinematics_integrator", "euler")!;
        bool semi = integrator switch
        {
            "euler" => false,
            "semi-implicit euler" => true,
            _ => throw new ArgumentException($"{Id}: option 'kinematics_integrator' = '{integrator}' must be 'euler' or 'semi-implicit euler'"),
        };
        return new CartPoleEnv(kwargs.GetBool("sutton_barto_reward", false), semi);
    }

    /// <inheritdoc />
    public override Space<float[]> ObservationSpace => _observationSpace;

    /// <inheritdoc />
    public override Space<int> ActionSpace => _actionSpace;

    /// <inheritdoc />
    public override EnvMetadata Metadata { get; } = new(["rgb_array", "human"], 50);

    /// <inheritdoc />
    protected override IReadOnlyCollection<string> ResetOptionKeys => ResetKeys;

    /// <summary>The hidden float64 state (x, x_dot, theta, theta_dot); the observation is its float32 rounding.</summary>
    public (double X, double XDot, double Theta, double ThetaDot) State => (_x, _xDot, _theta, _thetaDot);

    /// <summary>Sets the hidden state (for tests and analysis); the episode continues from it.</summary>
    public void SetState(double x, double xDot, double theta, double thetaDot) =>
        (_x, _xDot, _theta, _thetaDot) = (x, xDot, theta, thetaDot);

    /// <inheritdoc />
    protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into)
    {
        var (low, high) = ClassicControl.ResetBounds(options, -0.05, 0.05, Name);
        // Gymnasium draws np_random.uniform(low, high, size=(4,)): four draws in state order.
        var rng = NumpyRandom;
        _x = rng.Uniform(low, high);
        _xDot = rng.Uniform(low, high);
        _theta = rng.Uniform(low, high);
        _thetaDot = rng.Uniform(low, high);
        _stepsBeyondTerminated = -1;
        return new ResetResult<float[]>(WriteObservation(into), Info.Empty);
    }

    /// <inheritdoc />
    protected override StepResult<float[]> StepCore(int action, float[]? into)
    {
        double force = action == 1 ? ForceMag : -ForceMag;
        double cosTheta = Math.Cos(_theta), sinTheta = Math.Sin(_theta);
        // Squares first, as Gymnasium's np.square, so float64 rounding matches it bit for bit.
        double temp = (force + PoleMassLength * (_thetaDot * _thetaDot) * sinTheta) / TotalMass;
        double thetaAcc = (Gravity * sinTheta - cosTheta * temp) / (Length * (4.0 / 3.0 - MassPole * (cosTheta * cosTheta) / TotalMass));
        double xAcc = temp - PoleMassLength * thetaAcc * cosTheta / TotalMass;
        if (_semiImplicit)
        {
            _xDot += Tau * xAcc;
            _x += Tau * _xDot;
            _thetaDot += Tau * thetaAcc;
            _theta += Tau * _thetaDot;
        }
        else
        {
            _x += Tau * _xDot;
            _xDot += Tau * xAcc;
            _theta += Tau * _thetaDot;
            _thetaDot += Tau * thetaAcc;
        }

        bool terminated = _x < -XThreshold || _x > XThreshold || _theta < -ThetaThresholdRadians || _theta > ThetaThresholdRadians;
        double reward;
        if (!terminated) reward = _suttonBartoReward ? 0.0 : 1.0;
        else if (_stepsBeyondTerminated < 0)
        {
            _stepsBeyondTerminated = 0;
            reward = _suttonBartoReward ? -1.0 : 1.0;
        }
        else
        {
            // Unreachable through Step (the base class refuses to step a finished episode); kept for Gymnasium parity.
            _stepsBeyondTerminated++;
            reward = _suttonBartoReward ? -1.0 : 0.0;
        }
        return new StepResult<float[]>(WriteObservation(into), reward, terminated, false, Info.Empty);
    }

    private float[] WriteObservation(float[]? into)
    {
        var obs = into ?? new float[4];
        if (obs.Length != 4)
            throw new ArgumentException($"{Name}: the observation buffer has {obs.Length} elements but the observation space {_observationSpace} needs 4", nameof(into));
        obs[0] = (float)_x;
        obs[1] = (float)_xDot;
        obs[2] = (float)_theta;
        obs[3] = (float)_thetaDot;
        return obs;
    }
}
