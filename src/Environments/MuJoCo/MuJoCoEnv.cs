using Rl.Core;
using Rl.Core.Rendering;
using Rl.Core.Spaces;

namespace Rl.Environments.MuJoCo;

/// <summary>How a MuJoCo environment is drawn (keyword option <c>renderer</c>).</summary>
public enum MuJoCoRendererKind
{
    /// <summary>MuJoCo's own OpenGL renderer (<c>renderer=mujoco</c>, the default): what Gymnasium shows.</summary>
    MuJoCo,

    /// <summary>The hand-drawn flat view of every geom from the side or from above (<c>renderer=sketch</c>); needs no compatibility-profile OpenGL.</summary>
    Sketch,
}

/// <summary>
/// The machinery every MuJoCo environment shares, as Gymnasium's <c>MujocoEnv</c>: the model (a shipped one, or the file the
/// <c>xml_file</c> option names), its simulation state, torque actions held for <c>frame_skip</c> MuJoCo steps, the action
/// space from the actuators' <c>ctrlrange</c>, and rendering. Observations are float64; derived classes define them, the
/// reward and the episode end.
/// </summary>
public abstract partial class MuJoCoEnv : Env<double[], float[]>
{
    private readonly MjModel _model;
    private readonly MjData _data;
    private readonly Box<float> _actionSpace;

    /// <summary>Loads the model and sets up the action space and metadata.</summary>
    /// <param name="id">The environment id, for messages.</param>
    /// <param name="modelName">The shipped model used unless the options name an <c>xml_file</c> (one of <see cref="MuJoCoModels.Names"/>).</param>
    /// <param name="options">The settings with every default filled in (see <see cref="Resolve"/>); this class reads
    /// <c>xml_file</c> (a path to an MJCF file, or the name of a shipped model), <c>frame_skip</c> and <c>renderer</c>.</param>
    /// <exception cref="ArgumentException">If <c>frame_skip</c> is below 1 or the file cannot be read.</exception>
    /// <exception cref="MuJoCoException">If MuJoCo rejects the model (the message names the file and gives MuJoCo's error).</exception>
    protected MuJoCoEnv(string id, string modelName, LocomotionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        string? xmlFile = options.XmlFile;
        int frameSkip = options.FrameSkip ?? 1;
        var renderer = options.Renderer ?? MuJoCoRendererKind.MuJoCo;
        EnvId = id;
        if (frameSkip < 1) throw new ArgumentException($"{id}: option 'frame_skip' = {frameSkip} must be at least 1");
        FrameSkip = frameSkip;
        Renderer = renderer;
        _model = MuJoCoModels.LoadForEnv(id, modelName, xmlFile);
        try
        {
            if (_model.Nu < 1) throw new MuJoCoException($"{id}: the model from {_model.Source} has no actuators");
            _data = _model.MakeData();
        }
        catch
        {
            _model.Dispose();
            throw;
        }
        Dt = _model.Timestep * FrameSkip;
        _actionSpace = ActionSpaceOf(_model);
        Metadata = new EnvMetadata(["rgb_array", "human"], (int)Math.Round(1.0 / Dt));
    }

    /// <summary>
    /// Gymnasium's action space: one float32 per actuator in its <c>ctrlrange</c>; an actuator without a control limit is
    /// unbounded.
    /// </summary>
    private static Box<float> ActionSpaceOf(MjModel model)
    {
        int nu = model.Nu;
        var low = new float[nu];
        var high = new float[nu];
        ReadOnlySpan<double> range = model.ActuatorCtrlRange;
        ReadOnlySpan<byte> limited = model.ActuatorCtrlLimited;
        for (int i = 0; i < nu; i++)
        {
            low[i] = limited[i] != 0 ? (float)range[2 * i] : float.NegativeInfinity;
            high[i] = limited[i] != 0 ? (float)range[2 * i + 1] : float.PositiveInfinity;
        }
        return new Box<float>(low, high);
    }

    /// <summary>
    /// The settings of an environment: <paramref name="options"/> with every unset property taken from
    /// <paramref name="defaults"/>, checked.
    /// </summary>
    /// <exception cref="ArgumentException">Naming the environment and the option that is out of range.</exception>
    protected static LocomotionOptions Resolve(LocomotionOptions? options, LocomotionOptions defaults, string id) =>
        (options ?? new LocomotionOptions()).WithDefaults(defaults).Validated(id);

    /// <summary>The environment id used in messages.</summary>
    protected string EnvId { get; }

    /// <summary>The settings in effect, with every default filled in.</summary>
    public LocomotionOptions Options { get; }

    /// <summary>The compiled MuJoCo model.</summary>
    public MjModel Model => _model;

    /// <summary>The simulation state (read it freely; writing it changes the episode).</summary>
    public MjData Data => _data;

    /// <summary>MuJoCo steps per environment step.</summary>
    public int FrameSkip { get; }

    /// <summary>Seconds of simulated time per environment step: the model's timestep times <see cref="FrameSkip"/>.</summary>
    public double Dt { get; }

    /// <summary>How the environment is drawn (keyword option <c>renderer</c>).</summary>
    public MuJoCoRendererKind Renderer { get; }

    /// <inheritdoc />
    public override Space<float[]> ActionSpace => _actionSpace;

    /// <inheritdoc />
    public override EnvMetadata Metadata { get; }

    /// <summary>
    /// Writes the action into the controls and advances the simulation by <see cref="FrameSkip"/> steps (Gymnasium's
    /// <c>do_simulation</c>); returns Σ action², for control costs. With <paramref name="contactForces"/> it then computes the
    /// com-based forces (<c>mj_rnePostConstraint</c>, as Gymnasium does after every step) so <see cref="MjData.CfrcExt"/> is current.
    /// </summary>
    /// <exception cref="MuJoCoException">If the simulation became unstable (MuJoCo reset its state).</exception>
    protected double Simulate(float[] action, bool contactForces = false)
    {
        Span<double> ctrl = _data.Ctrl;
        double sumSquares = 0;
        for (int i = 0; i < ctrl.Length; i++)
        {
            double a = action[i];
            ctrl[i] = a;
            sumSquares += a * a;
        }
        _data.Step(FrameSkip);
        // MuJoCo answers NaN or huge values by resetting the data and counting a warning: continuing would silently teleport
        // the body back to its start, so stop with a clear message instead.
        if (_data.WarningCount(MjWarning.BadQpos) + _data.WarningCount(MjWarning.BadQvel) + _data.WarningCount(MjWarning.BadQacc) > 0)
            throw new MuJoCoException($"{Name}: the simulation became unstable and MuJoCo reset its state ({MuJoCoLibrary.LastWarning ?? "no message"}); reset the environment");
        if (contactForces) _data.RnePostConstraint();
        return sumSquares;
    }

    /// <summary>
    /// Resets to the model's default pose, then adds noise from the environment's generator (Gymnasium's usual reset): uniform in
    /// ±<paramref name="qposNoise"/> to every qpos, then to every qvel uniform in ±<paramref name="qvelNoise"/>, or
    /// <paramref name="qvelNoise"/> · N(0, 1) when <paramref name="gaussianVelocity"/>.
    /// </summary>
    protected void ResetWithNoise(double qposNoise, double qvelNoise, bool gaussianVelocity = false)
    {
        _data.Reset();
        var rng = Random;
        Span<double> qpos = _data.Qpos, qvel = _data.Qvel;
        for (int i = 0; i < qpos.Length; i++) qpos[i] += rng.Uniform(-qposNoise, qposNoise);
        for (int i = 0; i < qvel.Length; i++) qvel[i] = gaussianVelocity ? qvelNoise * rng.NextGaussian() : rng.Uniform(-qvelNoise, qvelNoise);
    }

    /// <summary>The observation buffer to write: <paramref name="into"/> after checking its length, or a new array.</summary>
    /// <exception cref="ArgumentException">If <paramref name="into"/> has the wrong length.</exception>
    protected double[] ObservationBuffer(double[]? into, int size)
    {
        var obs = into ?? new double[size];
        if (obs.Length != size)
            throw new ArgumentException($"{Name}: the observation buffer has {obs.Length} elements but the observation space {ObservationSpace} needs {size}", nameof(into));
        return obs;
    }

    /// <summary>Disposes the half-made environment and returns the error to throw from a derived constructor.</summary>
    protected MuJoCoException Fail(string message)
    {
        Dispose();
        return new MuJoCoException(message);
    }

    /// <summary>The id of a body the environment needs, with a message naming the model's source when it is missing.</summary>
    /// <exception cref="MuJoCoException">If the model has no body of that name.</exception>
    protected int RequireBody(string name)
    {
        int id = _model.TryGetId(MjObjectType.Body, name);
        return id >= 0 ? id : throw Fail($"{EnvId}: the model from {_model.Source} has no body named '{name}', which this environment needs");
    }

    /// <summary>Whether every element of <paramref name="values"/> lies strictly inside (low, high).</summary>
    protected static bool AllInside(ReadOnlySpan<double> values, (double Low, double High) range)
    {
        foreach (double v in values)
            if (!(range.Low < v && v < range.High)) return false;
        return true;
    }

    /// <summary>Whether <paramref name="value"/> lies strictly inside (low, high).</summary>
    protected static bool Inside(double value, (double Low, double High) range) => range.Low < value && value < range.High;

    /// <summary>Whether every element is finite.</summary>
    protected static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
            if (!double.IsFinite(v)) return false;
        return true;
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _data.Dispose();
        _model.Dispose();
        base.Dispose();
    }
}
