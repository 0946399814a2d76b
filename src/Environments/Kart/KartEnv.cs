using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Environments.Kart;

/// <summary>What a kart environment's picture shows.</summary>
public enum KartCamera
{
    /// <summary>The egocentric view: a camera riding with the kart, kart pointing up (the pixel observation).</summary>
    Egocentric,
    /// <summary>The whole track from above with the kart, its aim point and a HUD (for people).</summary>
    Track,
}

/// <summary>
/// The part the continuous and discrete kart environments share: keyword options, the <see cref="KartRace"/>, the state
/// observation and the info. The subclasses only map their action to steering, throttle and brake.
/// </summary>
/// <typeparam name="TAct">The action type.</typeparam>
public abstract partial class KartEnvBase<TAct> : Env<float[], TAct>, IKartEnv
{
    /// <summary>The keyword options every kart environment accepts.</summary>
    public static readonly IReadOnlyDictionary<string, string> KwargDocs = new Dictionary<string, string>
    {
        ["laps"] = "int in [1, 100], default 1: laps to finish (raise the time limit, max_episode_steps, for more than 2)",
        ["track_seed"] = "int, default none: always race on the track generated from this seed (none: a new track every reset)",
        ["track_seeds"] = "'LOW:HIGH' or 'any' (default): each reset races on the track of a seed drawn uniformly from [LOW, HIGH) (e.g. '0:1000000' keeps training off the held-out tracks of seeds 1000000 and up); 'any': a reset with seed s races on the track of track seed s",
        ["normalize_reward"] = "bool, default false: reward in hundredths of the race (a race is worth 100) instead of metres",
        ["off_track_penalty"] = "number >= 0, default 0.1: reward subtracted per step off the road, in metres of progress (scaled alike with normalize_reward)",
        ["aim_distance"] = "number > 0, default 12: metres ahead along the centreline of the info's aim point",
        ["max_speed"] = "number > 0, default 20: top speed on the road, m/s",
        ["time_step"] = "number in (0, 1], default 0.1: seconds per step",
        ["view"] = "'ego' (default) or 'track': what the picture shows (egocentric camera, or the whole track for people)",
        ["step_info"] = "bool, default false: also return the info (progress, speed, aim points) from every step, about 1 KB per step; false: steps return an empty info and allocate nothing (a reset always returns it)",
    };

    private readonly Box<float> _observationSpace;

    /// <summary>Creates the environment.</summary>
    /// <param name="options">Physics and race rules.</param>
    /// <param name="camera">What the picture shows.</param>
    /// <exception cref="ArgumentException">If an option is invalid.</exception>
    protected KartEnvBase(KartOptions? options, KartCamera camera)
    {
        Race = new KartRace(options);
        Camera = camera;
        var track = KartTrackOptions.Default;
        float offsetBound = (float)(1 + 2 * track.GrassWidth / track.MinWidth + 0.25);
        float lookBound = (float)((KartRace.LookaheadDistances[^1] + track.MaxWidth / 2 + track.GrassWidth) / KartRace.LookaheadScale + 0.25);
        var low = new float[KartRace.ObservationSize];
        var high = new float[KartRace.ObservationSize];
        (low[0], high[0]) = (0, 1);
        (low[1], high[1]) = (-offsetBound, offsetBound);
        (low[2], high[2]) = (-1, 1);
        (low[3], high[3]) = (-1, 1);
        for (int i = 4; i < low.Length; i++) (low[i], high[i]) = (-lookBound, lookBound);
        _observationSpace = new Box<float>(low, high);
    }

    /// <summary>Parses the keyword options of <see cref="KwargDocs"/>.</summary>
    /// <exception cref="ArgumentException">Naming an unknown or invalid option.</exception>
    protected static (KartOptions Options, KartCamera Camera) ParseKwargs(OptionSet kwargs, string id)
    {
        kwargs.EnsureOnly(KwargDocs.Keys.ToList(), id);
        var defaults = new KartOptions();
        var options = new KartOptions
        {
            Laps = kwargs.GetInt("laps", defaults.Laps),
            TrackSeed = kwargs.ContainsKey("track_seed") ? kwargs.GetInt("track_seed", 0) : null,
            TrackSeeds = KartTrackSeeds.Parse(kwargs.GetString("track_seeds", KartTrackSeeds.Any)!, id),
            NormalizeReward = kwargs.GetBool("normalize_reward", defaults.NormalizeReward),
            OffTrackPenalty = kwargs.GetDouble("off_track_penalty", defaults.OffTrackPenalty),
            AimDistance = kwargs.GetDouble("aim_distance", defaults.AimDistance),
            MaxSpeed = kwargs.GetDouble("max_speed", defaults.MaxSpeed),
            TimeStep = kwargs.GetDouble("time_step", defaults.TimeStep),
            StepInfo = kwargs.GetBool("step_info", defaults.StepInfo),
        };
        options.Validate(id);
        string view = kwargs.GetString("view", "ego")!;
        var camera = view switch
        {
            "ego" => KartCamera.Egocentric,
            "track" => KartCamera.Track,
            _ => throw new ArgumentException($"{id}: option 'view' = '{view}' must be 'ego' or 'track'"),
        };
        return (options, camera);
    }

    /// <summary>The race: track, kart state and progress (read-only use; the environment steps it).</summary>
    public KartRace Race { get; }

    /// <summary>What <c>DescribeScene</c> draws.</summary>
    public KartCamera Camera { get; set; }

    /// <inheritdoc />
    public override Space<float[]> ObservationSpace => _observationSpace;

    /// <inheritdoc />
    public override EnvMetadata Metadata { get; } = new(["rgb_array", "human"], 10);

    /// <summary>Maps an action (already checked against the action space) to steering, throttle and brake.</summary>
    protected abstract (double Steer, double Throttle, double Brake) Controls(TAct action);

    /// <inheritdoc />
    protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into)
    {
        Race.Reset(Random);
        return new ResetResult<float[]>(WriteObservation(into), Race.MakeInfo()); // once per race: the track was just rebuilt
    }

    /// <inheritdoc />
    protected override StepResult<float[]> StepCore(TAct action, float[]? into)
    {
        var (steer, throttle, brake) = Controls(action);
        double reward = Race.Step(steer, throttle, brake);
        return new StepResult<float[]>(WriteObservation(into), reward, Race.Finished, false, Race.Options.StepInfo ? Race.MakeInfo() : Info.Empty);
    }

    private float[] WriteObservation(float[]? into)
    {
        var obs = into ?? new float[KartRace.ObservationSize];
        if (obs.Length != KartRace.ObservationSize)
            throw new ArgumentException($"{Name}: the observation buffer has {obs.Length} elements but the observation space {_observationSpace} needs {KartRace.ObservationSize}", nameof(into));
        Race.WriteObservation(obs);
        return obs;
    }
}

/// <summary>
/// Kart racing with continuous controls, in the spirit of the SuperTuxKart exercises of deep-learning courses: drive a kart
/// around a procedurally generated closed track (a new one every reset unless <c>track_seed</c> is set).
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Item</term><description>Definition</description></listheader>
/// <item><term>Ids</term><description><c>KartState-v0</c> (this class, state observations); <c>Kart-v0</c> (the same with
/// 64 x 64 RGB egocentric pixel observations, registered where the renderer is available: see <see cref="KartEnvs"/>).</description></item>
/// <item><term>Action space</term><description><c>Box([-1, 0, 0], [1, 1, 1], (3,), float32)</c>: steer (positive turns
/// right), throttle, brake.</description></item>
/// <item><term>Observation space</term><description><c>Box(float32, (16,))</c>: speed / max speed in [0, 1]; offset from the
/// centreline / half the road width (positive left; beyond ±1 on the grass); sin and cos of the heading error (track
/// direction minus kart heading); the centreline points 4, 8, 12, 16, 24 and 32 m ahead in the kart's frame (forward,
/// left) / 32 m.</description></item>
/// <item><term>Track</term><description>A closed spline through 8-14 perturbed points on a circle of radius 35-75 m: length
/// 200-550 m, road width 7-11 m, 4 m of grass to the walls on each side, never self-intersecting (<see cref="KartTrack"/>).
/// A reset with seed s races on the track of track seed s (the same as option <c>track_seed = s</c>); option
/// <c>track_seeds = "LOW:HIGH"</c> draws each reset's track seed from [LOW, HIGH) instead (<see cref="KartTrackSeeds"/>).</description></item>
/// <item><term>Dynamics</term><description>A kinematic bicycle model at 10 steps/s: top speed 20 m/s on the road and 8 m/s on
/// the grass, acceleration 8 m/s², brake 16 m/s², lateral grip 12 m/s² (faster corners understeer); the kart slides
/// along the walls at the grass's outer edge (<see cref="KartRace"/>).</description></item>
/// <item><term>Start state</term><description>At rest on the start line, on the centreline, facing the driving direction.</description></item>
/// <item><term>Reward</term><description>Progress along the centreline in metres (negative when driving backwards), capped
/// at the finish, minus 0.1 per step with the kart's centre off the road (option <c>off_track_penalty</c>). A clean race sums to laps × track length.
/// With <c>normalize_reward</c>, both are in hundredths of the race (a clean race sums to 100).</description></item>
/// <item><term>Termination</term><description>The laps (option <c>laps</c>, default 1) are done.</description></item>
/// <item><term>Truncation</term><description>1,000 steps (100 s; a TimeLimit added by the registry).</description></item>
/// <item><term>Info</term><description>From every reset, and from every step with <c>step_info=true</c> (off by default so
/// a step allocates nothing): <c>progress</c> (fraction of the race), <c>distance</c>, <c>lap</c>, <c>laps</c>,
/// <c>track_length</c>, <c>speed</c>, <c>off_track</c>, <c>aim_point</c> (the centreline point 12 m ahead, kart frame),
/// <c>aim_point_world</c>, <c>aim_point_image</c> (its place in the egocentric frame, [-1, 1]).</description></item>
/// </list>
/// </remarks>
public sealed class KartEnv : KartEnvBase<float[]>, Rl.Core.Experts.IActionMirror
{
    /// <summary>The registered id of the state-observation variant.</summary>
    public const string Id = "KartState-v0";

    private static readonly Box<float> Actions = new([-1f, 0f, 0f], [1f, 1f, 1f]);

    /// <summary>Creates the environment.</summary>
    /// <param name="options">Physics and race rules (defaults when null).</param>
    /// <param name="camera">What the picture shows.</param>
    public KartEnv(KartOptions? options = null, KartCamera camera = KartCamera.Egocentric) : base(options, camera) { }

    /// <summary>Creates the environment from keyword options (see <see cref="KartEnvBase{TAct}.KwargDocs"/>).</summary>
    /// <exception cref="ArgumentException">If an option is unknown or invalid.</exception>
    public static KartEnv FromKwargs(OptionSet kwargs)
    {
        var (options, camera) = ParseKwargs(kwargs, Id);
        return new KartEnv(options, camera);
    }

    /// <inheritdoc />
    public override Space<float[]> ActionSpace => Actions;

    /// <inheritdoc />
    protected override (double Steer, double Throttle, double Brake) Controls(float[] action) => (action[0], action[1], action[2]);

    /// <summary>In the mirrored world (the egocentric frame flipped left-right) the same drive steers the other way.</summary>
    public object MirrorAction(object action) => action is float[] a && a.Length == 3
        ? new[] { -a[0], a[1], a[2] }
        : throw new ArgumentException($"{Name}: cannot mirror {Rl.Core.Spaces.Space.FormatValue(action)}; expected 3 floats", nameof(action));
}

/// <summary>
/// Kart racing with nine discrete actions: every combination of {straight, left, right} steering and {coast, accelerate,
/// brake}. Everything else is as <see cref="KartEnv"/>.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Item</term><description>Definition</description></listheader>
/// <item><term>Ids</term><description><c>KartStateDiscrete-v0</c> (this class, state observations); <c>KartDiscrete-v0</c>
/// (64 x 64 RGB egocentric pixel observations, see <see cref="KartEnvs"/>).</description></item>
/// <item><term>Action space</term><description><c>Discrete(9)</c>: action = 3 × pedal + steering, pedal 0 coast, 1
/// accelerate, 2 brake; steering 0 straight, 1 left (steer -1), 2 right (steer +1). So 0 = coast straight, 3 = accelerate
/// straight, 4 = accelerate left, 5 = accelerate right, 6 = brake straight.</description></item>
/// <item><term>Observation, reward, episode end, info</term><description>As <see cref="KartEnv"/>.</description></item>
/// </list>
/// </remarks>
public sealed class KartDiscreteEnv : KartEnvBase<int>, Rl.Core.Experts.IActionMirror
{
    /// <summary>The registered id of the state-observation variant.</summary>
    public const string Id = "KartStateDiscrete-v0";

    /// <summary>The number of actions.</summary>
    public const int ActionCount = 9;

    private static readonly Discrete Actions = new(ActionCount);

    /// <summary>Creates the environment.</summary>
    /// <param name="options">Physics and race rules (defaults when null).</param>
    /// <param name="camera">What the picture shows.</param>
    public KartDiscreteEnv(KartOptions? options = null, KartCamera camera = KartCamera.Egocentric) : base(options, camera) { }

    /// <summary>Creates the environment from keyword options (see <see cref="KartEnvBase{TAct}.KwargDocs"/>).</summary>
    /// <exception cref="ArgumentException">If an option is unknown or invalid.</exception>
    public static KartDiscreteEnv FromKwargs(OptionSet kwargs)
    {
        var (options, camera) = ParseKwargs(kwargs, Id);
        return new KartDiscreteEnv(options, camera);
    }

    /// <inheritdoc />
    public override Space<int> ActionSpace => Actions;

    /// <summary>The steering, throttle and brake of discrete action <paramref name="action"/> (see the table above).</summary>
    public static (double Steer, double Throttle, double Brake) ControlsOf(int action)
    {
        int pedal = action / 3, steering = action % 3;
        double steer = steering switch { 1 => -1, 2 => 1, _ => 0 };
        return (steer, pedal == 1 ? 1 : 0, pedal == 2 ? 1 : 0);
    }

    /// <summary>The discrete action closest to continuous controls: steering beyond ±<paramref name="steerDeadband"/> turns fully.</summary>
    public static int ActionOf(double steer, double throttle, double brake, double steerDeadband = 0.25)
    {
        int steering = steer < -steerDeadband ? 1 : steer > steerDeadband ? 2 : 0;
        int pedal = brake > 0.5 && brake >= throttle ? 2 : throttle > 0.5 ? 1 : 0;
        return 3 * pedal + steering;
    }

    /// <inheritdoc />
    protected override (double Steer, double Throttle, double Brake) Controls(int action) => ControlsOf(action);

    /// <summary>In the mirrored world (the egocentric frame flipped left-right) left and right swap; the pedal stays.</summary>
    public object MirrorAction(object action) => action is int a && a is >= 0 and < ActionCount
        ? 3 * (a / 3) + (a % 3 == 0 ? 0 : 3 - a % 3)
        : throw new ArgumentException($"{Name}: cannot mirror {Rl.Core.Spaces.Space.FormatValue(action)}; expected an action in 0..8", nameof(action));
}
