using Rl.Core;

namespace Rl.Environments.Kart;

/// <summary>Lets code find the race inside any kart environment, whatever its action type.</summary>
public interface IKartEnv
{
    /// <summary>The race: track, kart state and progress.</summary>
    KartRace Race { get; }
}

/// <summary>Settings of <see cref="KartExpert"/>.</summary>
public sealed record KartExpertOptions
{
    /// <summary>Shortest lookahead along the centreline, m. Default 5.</summary>
    public double MinLookahead { get; init; } = 5;

    /// <summary>Lookahead per unit of speed, seconds (the lookahead grows with speed). Default 0.5.</summary>
    public double LookaheadTime { get; init; } = 0.5;

    /// <summary>Longest lookahead, m. Default 16.</summary>
    public double MaxLookahead { get; init; } = 16;

    /// <summary>The fraction of the tyres' lateral grip the expert plans corners with. Default 0.8.</summary>
    public double GripMargin { get; init; } = 0.8;

    /// <summary>The fraction of the full brake the expert plans to slow down with. Default 0.6.</summary>
    public double BrakeMargin { get; init; } = 0.6;
}

/// <summary>
/// A scripted driver for the kart environments, for imitation learning (behaviour cloning, DAgger) and as a reference:
/// pure pursuit on the centreline for steering, and a speed profile from the curvature ahead for throttle and brake.
/// It reads the race state (not the observation), so it can label any state the learner visits.
/// </summary>
/// <remarks>
/// Steering (pure pursuit, Coulter 1992): the goal is the centreline point L = clamp(5 m + 0.5 s × speed, 5 m, 16 m) ahead of
/// the kart's closest centreline point; in the kart's frame at (x, y) the arc through it has curvature κ = 2y / (x² + y²),
/// and the steering is −atan(κ × wheelbase) / max steering angle (positive steer turns right). Speed: each centreline sample
/// within braking distance ahead allows at most √(0.8 grip / |κ|) there, so the allowed speed now is the smallest
/// √(v_i² + 2 × 0.6 × brake × d_i) over them; the expert accelerates below it, brakes above it, and holds speed near it.
/// </remarks>
public sealed class KartExpert
{
    /// <summary>Creates the expert.</summary>
    public KartExpert(KartExpertOptions? options = null) => Options = options ?? new KartExpertOptions();

    /// <summary>The settings.</summary>
    public KartExpertOptions Options { get; }

    /// <summary>The expert's steering (positive right), throttle and brake for the race's current state.</summary>
    public (double Steer, double Throttle, double Brake) Controls(KartRace race)
    {
        ArgumentNullException.ThrowIfNull(race);
        var o = race.Options;
        double v = race.Speed;
        double lookahead = Math.Clamp(Options.MinLookahead + Options.LookaheadTime * v, Options.MinLookahead, Options.MaxLookahead);
        var goal = race.ToKartFrame(race.CenterlineAhead(lookahead));
        double d2 = goal.X * (double)goal.X + goal.Y * (double)goal.Y;
        double curvature = d2 > 1e-9 ? 2 * goal.Y / d2 : 0;
        double steer = Math.Clamp(-Math.Atan(curvature * o.Wheelbase) / o.MaxSteerAngle, -1, 1);

        double allowed = AllowedSpeed(race);
        double throttle, brake;
        if (v < allowed - 0.5) (throttle, brake) = (1, 0);
        else if (v > allowed + 0.5) (throttle, brake) = (0, Math.Min(1, (v - allowed) / (o.BrakeDeceleration * o.TimeStep)));
        else (throttle, brake) = (Math.Clamp(allowed / o.MaxSpeed, 0, 1), 0);
        return (steer, throttle, brake);
    }

    /// <summary>The highest speed from which every bend within braking distance can be taken (see the remarks).</summary>
    public double AllowedSpeed(KartRace race)
    {
        ArgumentNullException.ThrowIfNull(race);
        var o = race.Options;
        var track = race.Track;
        double grip = Options.GripMargin * o.LateralGrip;
        double decel = Options.BrakeMargin * o.BrakeDeceleration;
        double horizon = o.MaxSpeed * o.MaxSpeed / (2 * decel) + 5;
        double allowed = o.MaxSpeed;
        int i = race.TrackPosition.Segment;
        double ahead = track.ArcLengthAt(i) - race.TrackPosition.S;
        if (ahead > track.Length / 2) ahead -= track.Length;
        while (ahead < horizon)
        {
            double k = Math.Abs(track.CurvatureAtSample(i));
            if (k > 1e-9)
            {
                double there = Math.Sqrt(grip / k);
                allowed = Math.Min(allowed, Math.Sqrt(there * there + 2 * decel * Math.Max(0, ahead)));
            }
            ahead += track.SegmentLength(i);
            i = (i + 1) % track.Count;
        }
        return allowed;
    }

    /// <summary>The expert's continuous action (steer, throttle, brake) for <see cref="KartEnv"/>.</summary>
    public float[] Act(KartRace race)
    {
        var (s, t, b) = Controls(race);
        return [(float)s, (float)t, (float)b];
    }

    /// <summary>The expert's action for <see cref="KartDiscreteEnv"/>: its controls rounded to the nearest of the nine actions.</summary>
    public int ActDiscrete(KartRace race)
    {
        var (s, t, b) = Controls(race);
        return KartDiscreteEnv.ActionOf(s, t, b);
    }

    /// <summary>The expert's continuous action for a kart environment, wrapped or not.</summary>
    /// <exception cref="ArgumentException">If <paramref name="env"/> is not a kart environment.</exception>
    public float[] Act(IEnv env) => Act(RaceOf(env));

    /// <summary>The expert's discrete action for a kart environment, wrapped or not.</summary>
    /// <exception cref="ArgumentException">If <paramref name="env"/> is not a kart environment.</exception>
    public int ActDiscrete(IEnv env) => ActDiscrete(RaceOf(env));

    /// <summary>The race inside a kart environment (found under any wrappers).</summary>
    /// <exception cref="ArgumentException">If <paramref name="env"/> is not a kart environment.</exception>
    public static KartRace RaceOf(IEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        return (env.Unwrapped as IKartEnv)?.Race
            ?? throw new ArgumentException($"environment '{env.Name}' ({env.Unwrapped.GetType().Name}) is not a kart environment", nameof(env));
    }
}
