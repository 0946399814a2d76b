using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Environments.Classic;

/// <summary>
/// The acrobot swing-up with exactly the dynamics of Gymnasium's <c>Acrobot-v1</c> (Sutton 1996; Sutton and Barto's book):
/// two links hang from a fixed pivot; a torque at the joint between them must swing the free end above a line one link
/// length over the pivot.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Item</term><description>Definition</description></listheader>
/// <item><term>Action space</term><description><c>Discrete(3)</c>: a torque of -1, 0 or +1 (N m) at the joint between the links.</description></item>
/// <item><term>Observation space</term><description><c>Box([-1, -1, -1, -1, -4π, -9π], [1, 1, 1, 1, 4π, 9π], (6,), float32)</c>:
/// cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2 (θ1 = 0 hangs down; θ2 is relative to the first link).</description></item>
/// <item><term>Hidden state</term><description>θ1, θ2, θ̇1, θ̇2 in float64 (<see cref="State"/>); float32 values right after a reset, as
/// Gymnasium casts the start state to float32.</description></item>
/// <item><term>Start state</term><description>All four uniform in [-0.1, 0.1] (numpy <c>uniform(size=4)</c> from Gymnasium's generator);
/// reset options <c>low</c> and <c>high</c> change the bounds.</description></item>
/// <item><term>Reward</term><description>-1 per step; 0 on the step that reaches the goal.</description></item>
/// <item><term>Termination</term><description>−cos θ1 − cos(θ1 + θ2) &gt; 1 (the free end above the line).</description></item>
/// <item><term>Truncation</term><description>500 steps (a TimeLimit added by the registry for <c>Acrobot-v1</c>).</description></item>
/// <item><term>Solved</term><description>Mean return of at least -100 over 100 consecutive episodes (the reward threshold).</description></item>
/// </list>
/// Dynamics (links of length 1 and mass 1, centres of mass at 0.5, moments of inertia 1, g = 9.8): the book's equations of
/// motion (or the NeurIPS paper's, which lack one term, with the <c>book_or_nips</c> option), integrated over dt = 0.2 s by one
/// classical fourth-order Runge-Kutta step in float64 as Gymnasium's <c>rk4</c> does; then both angles are wrapped into [-π, π]
/// and the velocities clipped to ±4π and ±9π.
/// </remarks>
public sealed partial class AcrobotEnv : Env<float[], int>
{
    /// <summary>Seconds per step (one Runge-Kutta step).</summary>
    public const double Dt = 0.2;
    /// <summary>Length of the first link (m).</summary>
    public const double LinkLength1 = 1.0;
    /// <summary>Length of the second link (m).</summary>
    public const double LinkLength2 = 1.0;
    /// <summary>Mass of the first link (kg).</summary>
    public const double LinkMass1 = 1.0;
    /// <summary>Mass of the second link (kg).</summary>
    public const double LinkMass2 = 1.0;
    /// <summary>Position of the first link's centre of mass (m).</summary>
    public const double LinkComPos1 = 0.5;
    /// <summary>Position of the second link's centre of mass (m).</summary>
    public const double LinkComPos2 = 0.5;
    /// <summary>Moment of inertia of both links.</summary>
    public const double LinkMoi = 1.0;
    /// <summary>Largest angular speed of the first joint (4π).</summary>
    public const double MaxVel1 = 4 * Math.PI;
    /// <summary>Largest angular speed of the second joint (9π).</summary>
    public const double MaxVel2 = 9 * Math.PI;
    private const double G = 9.8;

    /// <summary>The registered id.</summary>
    public const string Id = "Acrobot-v1";

    /// <summary>The keyword options the constructor accepts.</summary>
    public static readonly IReadOnlyDictionary<string, string> KwargDocs = new Dictionary<string, string>
    {
        ["book_or_nips"] = "'book' (default) or 'nips': the equations of motion (Gymnasium's attribute of that name)",
    };

    private static readonly string[] ResetKeys = ["low", "high"];
    private static readonly double[] Torques = [-1.0, 0.0, 1.0];

    private readonly Box<float> _observationSpace = new(
        [-1f, -1f, -1f, -1f, -(float)MaxVel1, -(float)MaxVel2], [1f, 1f, 1f, 1f, (float)MaxVel1, (float)MaxVel2]);
    private readonly Discrete _actionSpace = new(3);
    private readonly double[] _start = new double[4];
    private double _theta1, _theta2, _dTheta1, _dTheta2;

    /// <summary>Creates the environment.</summary>
    /// <param name="nipsDynamics">Use the NeurIPS paper's equations instead of the book's (Gymnasium's <c>book_or_nips = 'nips'</c>).</param>
    public AcrobotEnv(bool nipsDynamics = false) => NipsDynamics = nipsDynamics;

    /// <summary>Creates the environment from keyword options (see <see cref="KwargDocs"/>).</summary>
    /// <exception cref="ArgumentException">If an option is unknown or invalid.</exception>
    public static AcrobotEnv FromKwargs(OptionSet kwargs)
    {
        kwargs.EnsureOnly(KwargDocs.Keys.ToList(), Id);
        string dynamics = kwargs.GetString("book_or_nips", "book")!;
        return dynamics switch
        {
            "book" => new AcrobotEnv(),
            "nips" => new AcrobotEnv(nipsDynamics: true),
            _ => throw new ArgumentException($"{Id}: option 'book_or_nips' = '{dynamics}' must be 'book' or 'nips'"),
        };
    }

    /// <summary>Whether the NeurIPS paper's equations are used instead of the book's.</summary>
    public bool NipsDynamics { get; }

    /// <inheritdoc />
    public override Space<float[]> ObservationSpace => _observationSpace;

    /// <inheritdoc />
    public override Space<int> ActionSpace => _actionSpace;

    /// <inheritdoc />
    public override EnvMetadata Metadata { get; } = new(["rgb_array", "human"], 15);

    /// <inheritdoc />
    protected override IReadOnlyCollection<string> ResetOptionKeys => ResetKeys;

    /// <summary>The hidden float64 state (θ1, θ2, θ̇1, θ̇2).</summary>
    public (double Theta1, double Theta2, double DTheta1, double DTheta2) State => (_theta1, _theta2, _dTheta1, _dTheta2);

    /// <summary>Sets the hidden state (for tests and analysis); the episode continues from it.</summary>
    public void SetState(double theta1, double theta2, double dTheta1, double dTheta2) =>
        (_theta1, _theta2, _dTheta1, _dTheta2) = (theta1, theta2, dTheta1, dTheta2);

    /// <inheritdoc />
    protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into)
    {
        var (low, high) = ClassicControl.ResetBounds(options, -0.1, 0.1, Name);
        NumpyRandom.Uniform(low, high, _start);
        // Gymnasium casts the start state to float32.
        (_theta1, _theta2, _dTheta1, _dTheta2) = ((float)_start[0], (float)_start[1], (float)_start[2], (float)_start[3]);
        return new ResetResult<float[]>(WriteObservation(into), Info.Empty);
    }

    /// <inheritdoc />
    protected override StepResult<float[]> StepCore(int action, float[]? into)
    {
        double torque = Torques[action];
        var s = new Derivative(_theta1, _theta2, _dTheta1, _dTheta2);
        // Gymnasium's rk4 over t = [0, dt]: k1..k4 at y, y + dt/2 k1, y + dt/2 k2, y + dt k3; y' = y + dt/6 (k1 + 2 k2 + 2 k3 + k4).
        const double dt = Dt - 0.0, dt2 = dt / 2.0;
        var k1 = Derivatives(s, torque);
        var k2 = Derivatives(s.Plus(dt2, k1), torque);
        var k3 = Derivatives(s.Plus(dt2, k2), torque);
        var k4 = Derivatives(s.Plus(dt, k3), torque);
        const double sixth = dt / 6.0;
        double n0 = s.A + sixth * (k1.A + 2 * k2.A + 2 * k3.A + k4.A);
        double n1 = s.B + sixth * (k1.B + 2 * k2.B + 2 * k3.B + k4.B);
        double n2 = s.C + sixth * (k1.C + 2 * k2.C + 2 * k3.C + k4.C);
        double n3 = s.D + sixth * (k1.D + 2 * k2.D + 2 * k3.D + k4.D);

        _theta1 = Wrap(n0, -Math.PI, Math.PI);
        _theta2 = Wrap(n1, -Math.PI, Math.PI);
        _dTheta1 = Bound(n2, -MaxVel1, MaxVel1);
        _dTheta2 = Bound(n3, -MaxVel2, MaxVel2);
        bool terminated = -Math.Cos(_theta1) - Math.Cos(_theta2 + _theta1) > 1.0;
        return new StepResult<float[]>(WriteObservation(into), terminated ? 0.0 : -1.0, terminated, false, Info.Empty);
    }

    /// <summary>Four numbers: a state (θ1, θ2, θ̇1, θ̇2) or its time derivative.</summary>
    private readonly record struct Derivative(double A, double B, double C, double D)
    {
        public Derivative Plus(double h, Derivative k) => new(A + h * k.A, B + h * k.B, C + h * k.C, D + h * k.D);
    }

    /// <summary>
    /// Gymnasium's <c>_dsdt</c>: the equations of motion, term for term in its order of operations (its <c>**2</c> on float64
    /// values is libm's pow, which Math.Pow calls too).
    /// </summary>
    private Derivative Derivatives(Derivative s, double a)
    {
        const double m1 = LinkMass1, m2 = LinkMass2, l1 = LinkLength1, lc1 = LinkComPos1, lc2 = LinkComPos2, i1 = LinkMoi, i2 = LinkMoi;
        double theta1 = s.A, theta2 = s.B, dtheta1 = s.C, dtheta2 = s.D;
        double d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * Math.Cos(theta2)) + i1 + i2;
        double d2 = m2 * (lc2 * lc2 + l1 * lc2 * Math.Cos(theta2)) + i2;
        double phi2 = m2 * lc2 * G * Math.Cos(theta1 + theta2 - Math.PI / 2.0);
        double phi1 = -m2 * l1 * lc2 * Math.Pow(dtheta2, 2) * Math.Sin(theta2)
            - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.Sin(theta2)
            + (m1 * lc1 + m2 * l1) * G * Math.Cos(theta1 - Math.PI / 2)
            + phi2;
        double ddtheta2 = NipsDynamics
            ? (a + d2 / d1 * phi1 - phi2) / (m2 * (lc2 * lc2) + i2 - Math.Pow(d2, 2) / d1)
            : (a + d2 / d1 * phi1 - m2 * l1 * lc2 * Math.Pow(dtheta1, 2) * Math.Sin(theta2) - phi2) / (m2 * (lc2 * lc2) + i2 - Math.Pow(d2, 2) / d1);
        double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
        return new Derivative(dtheta1, dtheta2, ddtheta1, ddtheta2);
    }

    /// <summary>Gymnasium's <c>wrap</c>: shifts x by whole periods (M − m) until m &lt;= x &lt;= M.</summary>
    public static double Wrap(double x, double m, double M)
    {
        double diff = M - m;
        while (x > M) x -= diff;
        while (x < m) x += diff;
        return x;
    }

    /// <summary>Gymnasium's <c>bound</c>: <c>min(max(x, m), M)</c>.</summary>
    public static double Bound(double x, double m, double M) => Math.Min(Math.Max(x, m), M);

    private float[] WriteObservation(float[]? into)
    {
        var obs = into ?? new float[6];
        if (obs.Length != 6)
            throw new ArgumentException($"{Name}: the observation buffer has {obs.Length} elements but the observation space {_observationSpace} needs 6", nameof(into));
        obs[0] = (float)Math.Cos(_theta1);
        obs[1] = (float)Math.Sin(_theta1);
        obs[2] = (float)Math.Cos(_theta2);
        obs[3] = (float)Math.Sin(_theta2);
        obs[4] = (float)_dTheta1;
        obs[5] = (float)_dTheta2;
        return obs;
    }
}
