using System.Reflection;
using Rl.Core;
using Rl.Core.Rendering;
using Rl.Core.Spaces;

namespace Rl.Environments.Python;

/// <summary>An RGB frame rendered by a Python environment (<c>render_mode="rgb_array"</c>).</summary>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
/// <param name="Channels">Values per pixel (3 for RGB).</param>
/// <param name="Pixels">Row-major H×W×C bytes, as the NumPy array Gymnasium returns.</param>
public sealed record RenderFrame(int Height, int Width, int Channels, byte[] Pixels)
{
    /// <summary>Channel <paramref name="channel"/> of the pixel at <paramref name="row"/>, <paramref name="column"/>.</summary>
    public byte At(int row, int column, int channel) => Pixels[(row * Width + column) * Channels + channel];
}

/// <summary>What every Python-backed environment offers beyond <see cref="IEnv"/>, whatever its observation and action types.</summary>
public interface IPythonEnv : IEnv
{
    /// <summary>The worker process's id.</summary>
    int ProcessId { get; }

    /// <summary>The worker's <c>sys.executable</c>.</summary>
    string PythonExecutable { get; }

    /// <summary>The worker's Python version, e.g. <c>3.11.2</c>.</summary>
    string PythonVersion { get; }

    /// <summary>The worker's NumPy version, or null when NumPy is not installed there.</summary>
    string? NumpyVersion { get; }

    /// <summary>The environment's <c>render_mode</c> (set with the <c>render_mode</c> keyword option), or null.</summary>
    string? RenderMode { get; }

    /// <summary>Calls <c>env.render()</c> and returns the frame (needs <c>render_mode="rgb_array"</c>).</summary>
    /// <exception cref="InvalidOperationException">If the environment returns no H×W×C uint8 array.</exception>
    RenderFrame Render();
}

/// <summary>What the bridge reports about the environment it made.</summary>
internal sealed record EnvDescription(Dictionary<string, object?> Values)
{
    public object? ObservationSpace => Values.GetValueOrDefault("observation_space");
    public object? ActionSpace => Values.GetValueOrDefault("action_space");
    public IReadOnlyList<string> RenderModes => (Values.GetValueOrDefault("render_modes") as object?[] ?? []).OfType<string>().ToArray();
    public int RenderFps => Values.GetValueOrDefault("render_fps") is long fps ? (int)fps : 0;
    public string? RenderMode => Values.GetValueOrDefault("render_mode") as string;
    public bool Registered => Values.GetValueOrDefault("registered") is true;
    public string Python => Values.GetValueOrDefault("python") as string ?? "?";
    public string Executable => Values.GetValueOrDefault("executable") as string ?? "?";
    public string? Numpy => Values.GetValueOrDefault("numpy") as string;
    private Dictionary<string, object?> SpecValues => Values.GetValueOrDefault("spec") as Dictionary<string, object?> ?? [];
    public int? MaxEpisodeSteps => SpecValues.GetValueOrDefault("max_episode_steps") is long n ? (int)n : null;
    public double? RewardThreshold => SpecValues.GetValueOrDefault("reward_threshold") switch { double d => d, long l => l, _ => null };
    public bool Nondeterministic => SpecValues.GetValueOrDefault("nondeterministic") is true;
}

/// <summary>
/// Makes Python (Gymnasium) environments: <c>Envs.Make("gym:CartPole-v1")</c> starts
/// <c>python3 gym_bridge.py CartPole-v1</c>, which calls <c>gymnasium.make</c>, and returns a
/// <see cref="PythonEnv{TObs, TAct}"/> typed after the translated spaces (a float32 Box and Discrete give
/// <c>IEnv&lt;float[], int&gt;</c>). Ids of the form <c>module:Class</c> construct that class directly, with no registry.
/// </summary>
public static class PythonEnv
{
    /// <summary>The registry namespace of Python environments (<c>gym:</c>).</summary>
    public const string Namespace = "gym";

    /// <summary>The protocol version this assembly and its embedded gym_bridge.py speak.</summary>
    private const long ProtocolVersion = 1;

    /// <summary>The namespace factory for <see cref="EnvRegistry.RegisterNamespace"/>: keyword options split as
    /// <see cref="PythonEnvOptions.Split"/> says. The time limit lives in Python: <see cref="MakeOptions.MaxEpisodeSteps"/>
    /// goes to <c>make</c> as <c>max_episode_steps</c> (or wraps a directly built class in a TimeLimit), and
    /// <see cref="MakeOptions.DisableTimeLimit"/> strips the outer <c>TimeLimit</c> that <c>make</c> added.</summary>
    /// <param name="id">The id after <c>gym:</c>.</param>
    /// <param name="options">Keyword options (bridge settings and the environment's) and time-limit settings.</param>
    public static IEnv Make(string id, MakeOptions options)
    {
        var (bridge, kwargs) = PythonEnvOptions.Split(options.Kwargs);
        return Make(id, kwargs, bridge, options);
    }

    /// <summary>Makes a Python environment.</summary>
    /// <param name="id">A Gymnasium id (<c>CartPole-v1</c>), <c>module:Env-v0</c> or <c>module:Class</c>.</param>
    /// <param name="kwargs">Keyword arguments for the environment (e.g. <c>render_mode=rgb_array</c>). String values that read
    /// as numbers, booleans (<c>true</c>/<c>false</c>), <c>null</c>, or JSON lists and objects are sent as those, so that
    /// command-line options (<c>--kwarg max_speed=2.5</c>) arrive typed; other strings stay strings. The same holds for reset options.</param>
    /// <param name="bridge">How to run the worker (interpreter, registry module, timeouts).</param>
    /// <param name="make">Time-limit settings (its <see cref="MakeOptions.Kwargs"/> are recorded in the spec).</param>
    /// <exception cref="PythonEnvException">If the worker cannot start or the environment cannot be made, saying why.</exception>
    public static IEnv Make(string id, OptionSet? kwargs = null, PythonEnvOptions? bridge = null, MakeOptions? make = null)
    {
        bridge ??= new PythonEnvOptions();
        kwargs ??= OptionSet.Empty;
        return MakeMany(id, 1, kwargs, bridge, make ?? new MakeOptions { Kwargs = kwargs })[0];
    }

    /// <summary>
    /// Starts <paramref name="count"/> workers for the same id, all before waiting for any, so that their interpreters
    /// and environments start in parallel. On any failure every worker is stopped and the first failure is thrown.
    /// </summary>
    internal static IEnv[] MakeMany(string id, int count, OptionSet kwargs, PythonEnvOptions bridge, MakeOptions make)
    {
        string name = $"{Namespace}:{id}";
        var workers = new PythonWorker?[count];
        var envs = new IEnv?[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                workers[i] = PythonWorker.Start(name, id, bridge);
                SendInit(workers[i]!, kwargs, bridge, make);
            }
            for (int i = 0; i < count; i++) envs[i] = Build(workers[i]!, id, ReceiveInit(workers[i]!), make, bridge);
            return envs!;
        }
        catch
        {
            PythonWorker.DisposeAll(workers);
            throw;
        }
    }

    /// <summary>Makes a Python environment and checks its observation and action types.</summary>
    /// <exception cref="InvalidCastException">If the translated spaces give other types, naming them.</exception>
    public static IEnv<TObs, TAct> Make<TObs, TAct>(string id, OptionSet? kwargs = null, PythonEnvOptions? bridge = null, MakeOptions? make = null) =>
        Typed<TObs, TAct>(Make(id, kwargs, bridge, make));

    internal static IEnv<TObs, TAct> Typed<TObs, TAct>(IEnv env)
    {
        if (env is IEnv<TObs, TAct> typed) return typed;
        var (o, a) = EnvRegistry.TypeArguments(env);
        env.Dispose();
        throw new InvalidCastException(
            $"{env.Name} has observations of type {o.Name} and actions of type {a.Name}, not {typeof(TObs).Name} and {typeof(TAct).Name}");
    }

    internal static void SendInit(PythonWorker worker, OptionSet kwargs, PythonEnvOptions bridge, MakeOptions make)
    {
        var w = worker.Request;
        w.Begin(Op.Init);
        w.Value(new Dictionary<string, object?>
        {
            ["kwargs"] = PythonValues.ToDict(kwargs),
            ["module"] = bridge.ResolveModule(),
            ["max_episode_steps"] = make.DisableTimeLimit ? null : make.MaxEpisodeSteps,
            ["disable_time_limit"] = make.DisableTimeLimit,
        });
        worker.Send("starting the environment", bridge.StartTimeout);
    }

    internal static EnvDescription ReceiveInit(PythonWorker worker)
    {
        var reply = worker.Receive("starting the environment");
        var values = reply.Value() as Dictionary<string, object?>
            ?? throw new PythonEnvException(worker.EnvName, PythonFailure.ProtocolError, "the worker's init reply is not a dict");
        if (values.GetValueOrDefault("protocol") is not ProtocolVersion)
            throw new PythonEnvException(worker.EnvName, PythonFailure.ProtocolError,
                $"the bridge script speaks protocol {Space.FormatValue(values.GetValueOrDefault("protocol"))}, not {ProtocolVersion}");
        return new EnvDescription(values);
    }

    /// <summary>Translates the spaces and builds the typed environment around a started worker (which it then owns).</summary>
    internal static IEnv Build(PythonWorker worker, string id, EnvDescription description, MakeOptions make, PythonEnvOptions bridge)
    {
        SpaceCodec obs, act;
        try
        {
            obs = SpaceCodec.Create(description.ObservationSpace, "observation space");
            act = SpaceCodec.Create(description.ActionSpace, "action space");
        }
        catch (Exception e) when (e is NotSupportedException or InvalidDataException or ArgumentException or InvalidCastException)
        {
            throw new PythonEnvException(worker.EnvName, e is NotSupportedException ? PythonFailure.UnsupportedValue : PythonFailure.ProtocolError,
                e.Message, inner: e);
        }
        var type = typeof(PythonEnv<,>).MakeGenericType(obs.Space.ValueType, act.Space.ValueType);
        var env = (IEnv)Activator.CreateInstance(type, BindingFlags.Instance | BindingFlags.NonPublic, null,
            [worker, description, obs, act, bridge.ResetOptionKeys], null)!;
        ((ISpecHolder)env).Spec = new EnvSpec
        {
            Id = worker.EnvName,
            Factory = kwargs =>
            {
                var (options, envKwargs) = PythonEnvOptions.Split(kwargs, bridge);
                return Make(id, envKwargs, options);
            },
            MaxEpisodeSteps = make.DisableTimeLimit ? null : description.Registered ? description.MaxEpisodeSteps : make.MaxEpisodeSteps,
            RewardThreshold = description.RewardThreshold,
            Nondeterministic = description.Nondeterministic,
            KwargDocs = PythonEnvOptions.KwargDocs,
            Description = $"Python environment {id} ({description.Executable}, Python {description.Python})",
            Kwargs = make.Kwargs,
        };
        return env;
    }
}

/// <summary>
/// A Python environment seen from C#: each call is one request to its worker process. Observations arrive as the
/// translated observation space's type (a float32 Box as <c>float[]</c>, written into <c>into</c> when given), actions are
/// checked against the action space before they are sent, and Python exceptions surface as <see cref="PythonEnvException"/>
/// with the traceback. Dispose it to stop the worker. Made with <c>render_mode=rgb_array</c>, it describes its scene as the
/// frame Python renders, so windows (<c>rl watch</c>), videos and <c>RenderedEnv</c> show it like a native environment.
/// </summary>
/// <typeparam name="TObs">The observation type.</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
/// <remarks>
/// Reset options are passed to Python as they are, unless <see cref="PythonEnvOptions.ResetOptionKeys"/> (the
/// <c>python_reset_options</c> keyword option) declares the valid keys: then others are rejected here, as for C# environments.
/// Info dictionaries arrive with Python ints as <c>long</c>, floats as <c>double</c>, NumPy arrays as flat typed arrays
/// (<c>float[]</c>, <c>long[]</c>, ...), lists and tuples as <c>object?[]</c>, dicts as <c>Dictionary&lt;string, object?&gt;</c>,
/// and anything else as its repr string.
/// </remarks>
public sealed class PythonEnv<TObs, TAct> : IEnv<TObs, TAct>, IPythonEnv, ISpecHolder, IRenderable
{
    private enum Phase { NeverReset, Running, Ended }

    private readonly PythonWorker _worker;
    private readonly EnvDescription _description;
    private readonly SpaceCodec<TObs> _obs;
    private readonly SpaceCodec<TAct> _act;
    private readonly IReadOnlyCollection<string>? _resetOptionKeys;
    private Phase _phase;
    private Image? _frameImage;

    internal PythonEnv(PythonWorker worker, EnvDescription description, SpaceCodec obs, SpaceCodec act, IReadOnlyCollection<string>? resetOptionKeys)
    {
        _worker = worker;
        _resetOptionKeys = resetOptionKeys;
        _description = description;
        _obs = (SpaceCodec<TObs>)obs;
        _act = (SpaceCodec<TAct>)act;
        Metadata = new EnvMetadata(description.RenderModes, description.RenderFps);
    }

    /// <inheritdoc />
    public string Name => Spec?.Id ?? _worker.EnvName;

    /// <inheritdoc />
    public Space<TObs> ObservationSpace => _obs.TypedSpace;

    /// <inheritdoc />
    public Space<TAct> ActionSpace => _act.TypedSpace;

    Space IEnv.ObservationSpace => ObservationSpace;
    Space IEnv.ActionSpace => ActionSpace;

    /// <inheritdoc />
    public EnvMetadata Metadata { get; }

    /// <inheritdoc />
    public EnvSpec? Spec { get; set; }

    /// <inheritdoc />
    public IEnv Unwrapped => this;

    /// <inheritdoc />
    public int ProcessId => _worker.ProcessId;

    /// <inheritdoc />
    public string PythonExecutable => _description.Executable;

    /// <inheritdoc />
    public string PythonVersion => _description.Python;

    /// <inheritdoc />
    public string? NumpyVersion => _description.Numpy;

    /// <inheritdoc />
    public string? RenderMode => _description.RenderMode;

    /// <inheritdoc />
    public ResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, TObs? into = default)
    {
        SendReset(seed, options);
        return ReceiveReset(into);
    }

    internal void SendReset(int? seed, OptionSet? options)
    {
        if (_resetOptionKeys is not null) options?.EnsureOnly(_resetOptionKeys, $"{Name}.Reset");
        var w = _worker.Request;
        w.Begin(Op.Reset);
        if (seed is int s) w.Int(s);
        else w.None();
        if (options is null || options.Count == 0) w.None();
        else w.Value(PythonValues.ToDict(options));
        _worker.Send("reset");
    }

    internal ResetResult<TObs> ReceiveReset(TObs? into)
    {
        var r = _worker.Receive("reset");
        var obs = ReadObservation(r, into, "reset");
        var info = ReadInfo(r);
        _phase = Phase.Running;
        return new ResetResult<TObs>(obs, info);
    }

    /// <inheritdoc />
    public StepResult<TObs> Step(TAct action, TObs? into = default)
    {
        SendStep(action, autoreset: false);
        return ReceiveStep(into);
    }

    /// <summary>Checks and sends an action; with <paramref name="autoreset"/> the worker also resets when the episode ends.</summary>
    internal void SendStep(TAct action, bool autoreset)
    {
        if (_phase != Phase.Running)
            throw new ResetNeededException(Name, _phase == Phase.NeverReset
                ? "Step was called before Reset; call Reset first."
                : "Step was called after the episode ended (terminated or truncated); call Reset to start a new episode.");
        if (!_act.TypedSpace.Contains(action))
            throw new InvalidActionException(Name, ActionSpace, action, ActionSpace.Explain(action) ?? "rejected");
        var w = _worker.Request;
        w.Begin(autoreset ? Op.StepAutoreset : Op.Step);
        _act.Write(w, action);
        _worker.Send("step");
    }

    internal StepResult<TObs> ReceiveStep(TObs? into)
    {
        var r = _worker.Receive("step");
        var result = ReadStep(r, into);
        if (result.Done) _phase = Phase.Ended;
        return result;
    }

    /// <summary>Reads a same-step-autoreset reply: the step, and the reset that followed when the episode ended.</summary>
    internal (StepResult<TObs> Step, ResetResult<TObs>? Reset) ReceiveStepAutoreset(TObs? into, TObs? resetInto)
    {
        var r = _worker.Receive("step");
        var step = ReadStep(r, into);
        if (r.Byte() != Tag.True)
        {
            if (step.Done) _phase = Phase.Ended;
            return (step, null);
        }
        var obs = ReadObservation(r, resetInto, "reset");
        return (step, new ResetResult<TObs>(obs, ReadInfo(r)));
    }

    private StepResult<TObs> ReadStep(FrameReader r, TObs? into)
    {
        var obs = ReadObservation(r, into, "step");
        double reward = r.RawDouble();
        bool terminated = r.Byte() != 0, truncated = r.Byte() != 0;
        return new StepResult<TObs>(obs, reward, terminated, truncated, ReadInfo(r));
    }

    private TObs ReadObservation(FrameReader r, TObs? into, string what)
    {
        try
        {
            return _obs.Read(r, into);
        }
        catch (NonFiniteValueException e)
        {
            _phase = Phase.NeverReset;
            throw new PythonEnvException(Name, PythonFailure.NonFiniteObservation,
                $"the observation returned by {what} is not finite: {e.Message}; the environment's state is broken, reset it", inner: e);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidCastException or OverflowException)
        {
            _phase = Phase.NeverReset;
            throw new PythonEnvException(Name, PythonFailure.UnsupportedValue,
                $"the observation returned by {what} does not fit the observation space {ObservationSpace}: {e.Message}", inner: e);
        }
    }

    private static Info ReadInfo(FrameReader r) =>
        r.Value() is Dictionary<string, object?> { Count: > 0 } d ? Info.From(d) : Info.Empty;

    /// <inheritdoc />
    public RenderFrame Render()
    {
        _worker.Request.Begin(Op.Render);
        var r = _worker.Call("render");
        if (r.PeekTag() == Tag.Array)
        {
            r.Byte();
            var a = r.ArrayBody();
            if (a.DType == PyDType.UInt8 && a.Shape.Length == 3)
                return new RenderFrame(a.Shape[0], a.Shape[1], a.Shape[2], a.Data.ToArray());
            throw new InvalidOperationException($"{Name}: render() returned a {PyDTypes.Name(a.DType)} array of shape {a.ShapeText}, not an H×W×C uint8 frame");
        }
        object? value = r.Value();
        throw new InvalidOperationException(
            $"{Name}: render() returned {Space.FormatValue(value)}, not an RGB frame; make the environment with the keyword option " +
            $"render_mode=rgb_array (its render mode is {RenderMode ?? "None"}, supported: {string.Join(", ", Metadata.RenderModes)})");
    }

    /// <summary>
    /// Describes the current state as Python's <c>rgb_array</c> frame, drawn as an image filling a scene of the frame's size
    /// (the renderer draws it pixel for pixel).
    /// </summary>
    /// <exception cref="InvalidOperationException">If the environment was not made with <c>render_mode=rgb_array</c>, saying so.</exception>
    public void DescribeScene(Scene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        var frame = Render();
        if (frame.Channels is not (3 or 4))
            throw new InvalidOperationException($"{Name}: render() returned a frame of {frame.Channels} channels; an RGB frame has 3");
        if (_frameImage is null || _frameImage.Width != frame.Width || _frameImage.Height != frame.Height)
            _frameImage = new Image(frame.Width, frame.Height);
        var rgba = _frameImage.Rgba;
        for (int p = 0, src = 0; p < rgba.Length; p += 4, src += frame.Channels)
        {
            rgba[p] = frame.Pixels[src];
            rgba[p + 1] = frame.Pixels[src + 1];
            rgba[p + 2] = frame.Pixels[src + 2];
            rgba[p + 3] = 255;
        }
        _frameImage.MarkChanged();
        scene.Begin(frame.Width, frame.Height, Color.Black, Camera2D.Pixels(frame.Width, frame.Height));
        scene.Image(_frameImage, new System.Numerics.Vector2(0, 0), new System.Numerics.Vector2(frame.Width, frame.Height), Color.White);
    }

    /// <inheritdoc />
    public ResetResult<object> ResetObject(int? seed = null, OptionSet? options = null)
    {
        var r = Reset(seed, options);
        return new ResetResult<object>(r.Observation!, r.Info);
    }

    /// <inheritdoc />
    public StepResult<object> StepObject(object action)
    {
        var r = Step(ActionConversion.Convert(Name, ActionSpace, action));
        return new StepResult<object>(r.Observation!, r.Reward, r.Terminated, r.Truncated, r.Info);
    }

    /// <summary>Closes the Python environment and stops its worker process.</summary>
    public void Dispose() => _worker.Dispose();

    internal PythonWorker Worker => _worker;

    /// <inheritdoc />
    public override string ToString() => $"{Name}(obs={ObservationSpace}, act={ActionSpace})";
}
