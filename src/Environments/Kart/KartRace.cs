using System.Numerics;
using Rl.Core;

namespace Rl.Environments.Kart;

/// <summary>The kart's physical constants and the race rules (keyword options of the kart environments).</summary>
public sealed record KartOptions
{
    /// <summary>Laps to complete; the episode terminates when they are done. Default 1.</summary>
    public int Laps { get; init; } = 1;

    /// <summary>
    /// Whether each step returns the info (progress, speed, aim points...; kwarg <c>step_info</c>). Default false: a step
    /// returns <see cref="Rl.Core.Info.Empty"/> and allocates nothing (the info changes every step, so it cannot be shared);
    /// a reset always returns it. True gives every step its info, as Gymnasium's environments do, at about 1 KB per step.
    /// </summary>
    public bool StepInfo { get; init; }

    /// <summary>Seconds per step. Default 0.1 (10 decisions per second).</summary>
    public double TimeStep { get; init; } = 0.1;

    /// <summary>Top speed on the road, m/s (reached at full throttle against the linear drag). Default 20.</summary>
    public double MaxSpeed { get; init; } = 20;

    /// <summary>Top speed on the grass as a fraction of <see cref="MaxSpeed"/>: the drag is raised so full throttle cannot exceed it. Default 0.4.</summary>
    public double OffTrackSpeedFraction { get; init; } = 0.4;

    /// <summary>Top speed on the grass, m/s.</summary>
    public double OffTrackMaxSpeed => OffTrackSpeedFraction * MaxSpeed;

    /// <summary>Engine acceleration at full throttle from standstill, m/s². Default 8.</summary>
    public double Acceleration { get; init; } = 8;

    /// <summary>Deceleration at full brake, m/s². Default 16.</summary>
    public double BrakeDeceleration { get; init; } = 16;

    /// <summary>Distance between the axles, m (the bicycle model's wheelbase). Default 2.</summary>
    public double Wheelbase { get; init; } = 2;

    /// <summary>Front-wheel angle at full steering, radians. Default 0.45.</summary>
    public double MaxSteerAngle { get; init; } = 0.45;

    /// <summary>The largest lateral acceleration the tyres hold, m/s²: faster cornering understeers. Default 12.</summary>
    public double LateralGrip { get; init; } = 12;

    /// <summary>
    /// Reward subtracted per step while the kart's centre is off the road, in metres of progress. Default 0.1: small, so that
    /// driving on along the grass (at most 0.8 m per step) still beats standing still, while the grass's lower top speed
    /// already makes the road pay more.
    /// </summary>
    public double OffTrackPenalty { get; init; } = 0.1;

    /// <summary>
    /// False (default): the reward is the progress in metres. True: it is the progress in hundredths of the race, so a
    /// finished race is worth 100 whatever the track's length (the off-track penalty is scaled alike).
    /// </summary>
    public bool NormalizeReward { get; init; }

    /// <summary>How far ahead along the centreline the aim point reported in the info lies, m. Default 12.</summary>
    public double AimDistance { get; init; } = 12;

    /// <summary>When set, every episode uses the track generated from this seed; otherwise each reset draws a new track. Default null.</summary>
    public int? TrackSeed { get; init; }

    /// <summary>
    /// When set (and <see cref="TrackSeed"/> is not), each reset races on the track of a seed drawn uniformly from this range
    /// with the reset's generator (kwarg <c>track_seeds</c>). Default null: the reset's generator makes the track itself, so
    /// a reset with seed s races on the track of track seed s.
    /// </summary>
    public KartTrackSeeds? TrackSeeds { get; init; }

    /// <summary>The kart's length, m (for drawing and the walls). Default 2.4.</summary>
    public double KartLength { get; init; } = 2.4;

    /// <summary>The kart's width, m. Default 1.4.</summary>
    public double KartWidth { get; init; } = 1.4;

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentException">Naming the option (as its keyword) and the value.</exception>
    public void Validate(string context)
    {
        void Positive(string key, double v)
        {
            if (!(v > 0) || double.IsInfinity(v)) throw new ArgumentException($"{context}: option '{key}' = {v} must be a positive finite number");
        }
        if (Laps is < 1 or > 100) throw new ArgumentException($"{context}: option 'laps' = {Laps} must be in [1, 100]");
        Positive("time_step", TimeStep);
        Positive("max_speed", MaxSpeed);
        if (!(OffTrackSpeedFraction > 0 && OffTrackSpeedFraction <= 1)) throw new ArgumentException($"{context}: option 'off_track_speed_fraction' = {OffTrackSpeedFraction} must be in (0, 1]");
        Positive("acceleration", Acceleration);
        Positive("brake_deceleration", BrakeDeceleration);
        Positive("wheelbase", Wheelbase);
        Positive("lateral_grip", LateralGrip);
        Positive("aim_distance", AimDistance);
        if (!(MaxSteerAngle > 0 && MaxSteerAngle < 1.5)) throw new ArgumentException($"{context}: option 'max_steer_angle' = {MaxSteerAngle} must be in (0, 1.5) radians");
        if (!(OffTrackPenalty >= 0) || double.IsInfinity(OffTrackPenalty)) throw new ArgumentException($"{context}: option 'off_track_penalty' = {OffTrackPenalty} must be a non-negative finite number");
        if (TrackSeed is not null && TrackSeeds is not null)
            throw new ArgumentException($"{context}: options 'track_seed' and 'track_seeds' exclude each other (one fixed track, or a range of track seeds)");
        if (TrackSeeds is { } range && (range.Low < 0 || range.High <= range.Low))
            throw new ArgumentException($"{context}: option 'track_seeds' = '{range}' must have 0 <= LOW < HIGH");
        if (TimeStep > 1) throw new ArgumentException($"{context}: option 'time_step' = {TimeStep} must be at most 1 second");
        // One step of full throttle must not overshoot the grass's top speed (speed stays in [0, max_speed]).
        if (TimeStep * Acceleration > OffTrackMaxSpeed)
            throw new ArgumentException($"{context}: time_step × acceleration = {TimeStep * Acceleration} m/s exceeds the grass top speed {OffTrackMaxSpeed} m/s (raise max_speed or lower time_step)");
    }
}

/// <summary>
/// The kart race itself, shared by the continuous and discrete kart environments: a generated <see cref="KartTrack"/>, a kart
/// driven by a kinematic bicycle model, and progress along the centreline. Public so that experts, tests and viewers can
/// read the state; the environments own it and step it.
/// </summary>
/// <remarks>
/// Per step of <see cref="KartOptions.TimeStep"/> seconds, with steer in [-1, 1] (positive turns right, clockwise), throttle
/// and brake in [0, 1]:
/// speed += dt (A·throttle − (A / v_top)·speed − B·brake), at least 0, where v_top is the road's or, off the road, the grass's
/// top speed; path curvature = −tan(steer·δ_max) / wheelbase, limited to ±grip / speed² (understeer); heading and position
/// advance along that arc at the mean speed. A kart pushed into a wall (further than the grass from the road) is put back
/// on the wall, turned parallel to it (the way it was going) and keeps only its speed along it: it slides, never sticks. Progress is the unwrapped arc length of the kart's closest centreline point.
/// </remarks>
public sealed class KartRace
{
    /// <summary>Lookahead distances (m) of the centreline points in the state observation.</summary>
    public static readonly double[] LookaheadDistances = [4, 8, 12, 16, 24, 32];

    /// <summary>The length of the state observation vector.</summary>
    public static readonly int ObservationSize = 4 + 2 * LookaheadDistances.Length;

    /// <summary>Scale (m) dividing the lookahead points' coordinates in the state observation.</summary>
    public const double LookaheadScale = 32;

    private readonly KartTrackOptions _trackOptions;
    private KartTrack? _fixedTrack;
    private KartTrack? _track;
    private int _segment;

    /// <summary>Creates a race; call <see cref="Reset(Rng)"/> before stepping.</summary>
    /// <exception cref="ArgumentException">If an option is invalid.</exception>
    public KartRace(KartOptions? options = null, KartTrackOptions? trackOptions = null)
    {
        Options = options ?? new KartOptions();
        Options.Validate("KartRace");
        _trackOptions = trackOptions ?? KartTrackOptions.Default;
        _trackOptions.Validate();
    }

    /// <summary>The physical constants and rules.</summary>
    public KartOptions Options { get; }

    /// <summary>The current track.</summary>
    /// <exception cref="InvalidOperationException">Before the first reset.</exception>
    public KartTrack Track => _track ?? throw new InvalidOperationException("KartRace: no track before the first Reset");

    /// <summary>Whether a track exists (after the first reset).</summary>
    public bool HasTrack => _track is not null;

    /// <summary>The kart's centre in world coordinates, m.</summary>
    public Vector2 Position { get; private set; }

    /// <summary>The kart's heading, radians anticlockwise from the world x axis.</summary>
    public double Heading { get; private set; }

    /// <summary>The kart's speed, m/s (never negative: karts do not reverse).</summary>
    public double Speed { get; private set; }

    /// <summary>The last steering command in [-1, 1] (for drawing the front wheels).</summary>
    public double Steer { get; private set; }

    /// <summary>Progress along the centreline since the start, m (unwrapped over laps; negative when driven backwards past the start).</summary>
    public double Distance { get; private set; }

    /// <summary>The race length: laps × track length, m.</summary>
    public double RaceLength => Options.Laps * Track.Length;

    /// <summary>The fraction of the race done (<see cref="Distance"/> / <see cref="RaceLength"/>; 1 when finished).</summary>
    public double Progress => Math.Min(Distance, RaceLength) / RaceLength;

    /// <summary>Completed laps.</summary>
    public int LapsCompleted => Math.Max(0, (int)Math.Floor(Math.Min(Distance, RaceLength) / Track.Length + 1e-9));

    /// <summary>The kart's closest centreline point and its signed distance from it (positive to the left).</summary>
    public TrackPosition TrackPosition { get; private set; }

    /// <summary>Whether the kart's centre is off the road (on the grass).</summary>
    public bool OffTrack => Math.Abs(TrackPosition.Offset) > Track.Width / 2;

    /// <summary>Whether the race is finished (the laps are done).</summary>
    public bool Finished => Distance >= RaceLength;

    /// <summary>Steps taken since the reset.</summary>
    public int Steps { get; private set; }

    /// <summary>The unit vector the kart points along.</summary>
    public Vector2 Forward => new((float)Math.Cos(Heading), (float)Math.Sin(Heading));

    /// <summary>
    /// Starts a race: a new track from <paramref name="rng"/> (or the fixed track of <see cref="KartOptions.TrackSeed"/>, or the
    /// track of a seed drawn from <see cref="KartOptions.TrackSeeds"/> with <paramref name="rng"/>), the
    /// kart at rest on the start line, on the centreline, facing the driving direction.
    /// </summary>
    public void Reset(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (Options.TrackSeed is int seed) _track = _fixedTrack ??= KartTrack.Generate(new Rng(seed), _trackOptions);
        else if (Options.TrackSeeds is { } range) _track = KartTrack.Generate(new Rng(range.Draw(rng)), _trackOptions);
        else _track = KartTrack.Generate(rng, _trackOptions);
        var t = _track.Tangents[0];
        PlaceKart(_track.Centerline[0], Math.Atan2(t.Y, t.X), 0, 0);
    }

    /// <summary>Starts a race on a given track (for tests and tools); the kart at rest on the start line.</summary>
    public void Reset(KartTrack track)
    {
        _track = track ?? throw new ArgumentNullException(nameof(track));
        var t = track.Tangents[0];
        PlaceKart(track.Centerline[0], Math.Atan2(t.Y, t.X), 0, 0);
    }

    /// <summary>
    /// Puts the kart somewhere on the current track (for tests and analysis). <paramref name="distance"/> sets the race
    /// progress; the kart's closest centreline point is looked up near that arc length.
    /// </summary>
    public void PlaceKart(Vector2 position, double heading, double speed, double distance)
    {
        var track = Track;
        if (!(speed >= 0) || !double.IsFinite(speed)) throw new ArgumentOutOfRangeException(nameof(speed), speed, "KartRace: speed must be finite and non-negative");
        Position = position;
        Heading = heading;
        Speed = speed;
        Steer = 0;
        Distance = distance;
        Steps = 0;
        _segment = track.Locate(distance).Segment;
        TrackPosition = track.Project(position, _segment);
        _segment = TrackPosition.Segment;
    }

    /// <summary>Advances one step and returns the reward (progress minus the off-track penalty).</summary>
    /// <param name="steer">Steering in [-1, 1]; positive turns right.</param>
    /// <param name="throttle">Throttle in [0, 1].</param>
    /// <param name="brake">Brake in [0, 1].</param>
    public double Step(double steer, double throttle, double brake)
    {
        var o = Options;
        var track = Track;
        double dt = o.TimeStep;
        double top = OffTrack ? o.OffTrackMaxSpeed : o.MaxSpeed;
        double v0 = Speed;
        double v1 = Math.Max(0, v0 + dt * (o.Acceleration * throttle - o.Acceleration / top * v0 - o.BrakeDeceleration * brake));
        double v = 0.5 * (v0 + v1);

        double curvature = -Math.Tan(steer * o.MaxSteerAngle) / o.Wheelbase;
        if (v > 1e-6)
        {
            double gripLimit = o.LateralGrip / (v * v);
            curvature = Math.Clamp(curvature, -gripLimit, gripLimit);
        }
        double turn = curvature * v * dt;
        double midHeading = Heading + turn / 2;
        var position = Position + (float)(v * dt) * new Vector2((float)Math.Cos(midHeading), (float)Math.Sin(midHeading));
        Heading = NormalizeAngle(Heading + turn);
        Speed = v1;
        Steer = steer;

        var tp = track.Project(position, _segment);
        double wall = track.HalfCorridor - o.KartWidth / 2;
        if (Math.Abs(tp.Offset) > wall)
        {
            // Into the wall: back onto it along the centreline's normal, turned to slide along it, keeping only the speed
            // along the wall (a head-on hit stops the kart, a glancing one barely slows it), so a kart never sticks to a wall.
            var (seg, f) = track.Locate(tp.S);
            var center = Vector2.Lerp(track.Centerline[seg], track.Centerline[(seg + 1) % track.Count], (float)f);
            var tangent = track.Tangents[seg];
            var normal = new Vector2(-tangent.Y, tangent.X);
            position = center + (float)(Math.Sign(tp.Offset) * wall) * normal;
            double along = Math.Cos(Heading) * tangent.X + Math.Sin(Heading) * tangent.Y;
            Heading = along >= 0 ? Math.Atan2(tangent.Y, tangent.X) : Math.Atan2(-tangent.Y, -tangent.X);
            Speed *= Math.Abs(along);
            tp = track.Project(position, tp.Segment);
        }
        Position = position;

        double ds = tp.S - TrackPosition.S;
        if (ds > track.Length / 2) ds -= track.Length;
        else if (ds < -track.Length / 2) ds += track.Length;
        double before = Math.Min(Distance, RaceLength);
        Distance += ds;
        TrackPosition = tp;
        _segment = tp.Segment;
        Steps++;

        double reward = Math.Min(Distance, RaceLength) - before - (OffTrack ? o.OffTrackPenalty : 0);
        return o.NormalizeReward ? reward * 100 / RaceLength : reward;
    }

    /// <summary>The centreline point <paramref name="ahead"/> metres ahead of the kart's closest centreline point, in world coordinates.</summary>
    public Vector2 CenterlineAhead(double ahead) => Track.PointAt(TrackPosition.S + ahead);

    /// <summary>A world point in the kart's frame: x forward, y to the left, metres.</summary>
    public Vector2 ToKartFrame(Vector2 world)
    {
        var d = world - Position;
        var f = Forward;
        return new Vector2(f.X * d.X + f.Y * d.Y, -f.Y * d.X + f.X * d.Y);
    }

    /// <summary>The aim point (<see cref="KartOptions.AimDistance"/> ahead on the centreline) in world coordinates.</summary>
    public Vector2 AimPointWorld => CenterlineAhead(Options.AimDistance);

    /// <summary>The heading error: the track direction minus the kart's heading, radians in (-π, π].</summary>
    public double HeadingError
    {
        get
        {
            var t = Track.TangentAt(TrackPosition.S);
            return NormalizeAngle(Math.Atan2(t.Y, t.X) - Heading);
        }
    }

    /// <summary>
    /// Writes the state observation (length <see cref="ObservationSize"/>): speed / max speed; offset from the centreline
    /// / half the road width (positive left); sin and cos of the heading error; then, for each of
    /// <see cref="LookaheadDistances"/>, the centreline point that far ahead in the kart's frame (forward, left) / 32 m.
    /// </summary>
    public void WriteObservation(Span<float> obs)
    {
        var track = Track;
        obs[0] = (float)(Speed / Options.MaxSpeed);
        obs[1] = (float)(TrackPosition.Offset / (track.Width / 2));
        double err = HeadingError;
        obs[2] = (float)Math.Sin(err);
        obs[3] = (float)Math.Cos(err);
        for (int k = 0; k < LookaheadDistances.Length; k++)
        {
            var p = ToKartFrame(CenterlineAhead(LookaheadDistances[k]));
            obs[4 + 2 * k] = (float)(p.X / LookaheadScale);
            obs[5 + 2 * k] = (float)(p.Y / LookaheadScale);
        }
    }

    /// <summary>
    /// The step info: <c>progress</c> (fraction of the race), <c>distance</c> (m), <c>lap</c> (completed laps), <c>laps</c>,
    /// <c>track_length</c> (m), <c>speed</c> (m/s), <c>off_track</c>, <c>aim_point</c> (float[2], kart frame: forward, left,
    /// m), <c>aim_point_world</c> (float[2], world x, y), <c>aim_point_image</c> (float[2], where the aim point appears in the
    /// egocentric view, x right and y down in [-1, 1] across the frame).
    /// </summary>
    public Info MakeInfo()
    {
        var aimWorld = AimPointWorld;
        var aim = ToKartFrame(aimWorld);
        var image = KartView.ToImage(aim);
        return Info.Of(
            ("progress", Progress),
            ("distance", Distance),
            ("lap", LapsCompleted),
            ("laps", Options.Laps),
            ("track_length", Track.Length),
            ("speed", Speed),
            ("off_track", OffTrack),
            ("aim_point", new[] { aim.X, aim.Y }),
            ("aim_point_world", new[] { aimWorld.X, aimWorld.Y }),
            ("aim_point_image", new[] { image.X, image.Y }));
    }

    private static double NormalizeAngle(double a)
    {
        a = Math.IEEERemainder(a, 2 * Math.PI);
        return a <= -Math.PI ? a + 2 * Math.PI : a;
    }
}
