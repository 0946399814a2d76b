using System.Globalization;
using System.Numerics;
using Rl.Core.Rendering;

namespace Rl.Environments.Kart;

/// <summary>The pictures of a kart race: the egocentric view (the pixel observation) and the whole track (for people).</summary>
public static partial class KartView
{
    /// <summary>Native size of the egocentric frame in pixels (square; pixel observations are rendered at any size, 64 x 64 by default).</summary>
    public const int EgocentricSize = 256;

    /// <summary>Native size of the track view in pixels (square).</summary>
    public const int TrackSize = 600;

    /// <summary>Outside the walls.</summary>
    public static readonly Color OutsideColor = new(28, 70, 28);

    /// <summary>The grass between road and walls.</summary>
    public static readonly Color GrassColor = new(70, 150, 60);

    /// <summary>The road.</summary>
    public static readonly Color RoadColor = new(105, 105, 110);

    /// <summary>The kerbs' red stripes (the others are white).</summary>
    public static readonly Color KerbColor = new(200, 40, 40);

    /// <summary>The kart.</summary>
    public static readonly Color KartColor = new(230, 60, 20);

    /// <summary>The aim point on the track view.</summary>
    public static readonly Color AimColor = new(255, 220, 0);

    private const float KerbWidth = 0.6f;
    private const float CentreDashWidth = 0.6f;

    // Any road within this distance of the kart may be in the egocentric frame (its far corners are 36 m away).
    private static readonly float VisibleRadius = MathF.Sqrt(HalfWidth * HalfWidth + Ahead * Ahead) + 2;

    /// <summary>
    /// The egocentric view: world coordinates turned into the kart's frame with the kart pointing up (frame x = metres to the
    /// kart's right, frame y = metres ahead), showing <see cref="Behind"/> m behind to <see cref="Ahead"/> m ahead and
    /// <see cref="HalfWidth"/> m to each side. Grass, road with red and white kerbs, a dashed centre line, the start line,
    /// the kart, and a speed bar along the bottom edge.
    /// </summary>
    public static void DescribeEgocentric(KartRace race, Scene scene)
    {
        ArgumentNullException.ThrowIfNull(race);
        ArgumentNullException.ThrowIfNull(scene);
        scene.Begin(EgocentricSize, EgocentricSize, OutsideColor, new Camera2D(-HalfWidth, HalfWidth, -Behind, Ahead));
        var track = race.Track;
        var f = race.Forward;
        var origin = race.Position;
        // World -> frame: (right, ahead) = (f.Y dx - f.X dy, f.X dx + f.Y dy).
        Vector2 View(Vector2 p)
        {
            var d = p - origin;
            return new Vector2(f.Y * d.X - f.X * d.Y, f.X * d.X + f.Y * d.Y);
        }
        var clip = new ClipRect(-HalfWidth, HalfWidth, -Behind, Ahead);
        DescribeTrackSurface(track, scene, View, origin, (float)track.HalfCorridor + VisibleRadius, clip);

        // The kart at the origin, pointing up, with its front marked.
        float hl = (float)race.Options.KartLength / 2, hw = (float)race.Options.KartWidth / 2;
        scene.Polygon([new(-hw, -hl), new(hw, -hl), new(hw, hl), new(-hw, hl)], KartColor);
        scene.Polygon([new(-hw, hl - 0.5f), new(hw, hl - 0.5f), new(0, hl + 0.4f)], Color.White);

        // Speed along the bottom edge, so a single frame shows it.
        scene.Bar(8, EgocentricSize - 14, EgocentricSize - 16, 10, (float)(race.Speed / race.Options.MaxSpeed), AimColor, new Color(40, 40, 40));
    }

    /// <summary>
    /// The whole track from above, north up, for people: grass, road, kerbs and start line, the kart (drawn three times its
    /// size so that it shows), the aim point, the egocentric camera's field of view, and a HUD with lap, progress and speed.
    /// </summary>
    public static void DescribeTrack(KartRace race, Scene scene)
    {
        ArgumentNullException.ThrowIfNull(race);
        ArgumentNullException.ThrowIfNull(scene);
        var track = race.Track;
        var centre = (track.BoundsMin + track.BoundsMax) / 2;
        var size = track.BoundsMax - track.BoundsMin;
        float side = MathF.Max(size.X, size.Y) * 1.08f + 12;
        scene.Begin(TrackSize, TrackSize, OutsideColor, Camera2D.Centered(centre, side, side));
        DescribeTrackSurface(track, scene, static p => p, centre, float.PositiveInfinity, null);

        // The egocentric camera's field of view.
        var f = race.Forward;
        var r = new Vector2(f.Y, -f.X);
        var o = race.Position;
        scene.PolygonOutline([o - Behind * f - HalfWidth * r, o - Behind * f + HalfWidth * r, o + Ahead * f + HalfWidth * r, o + Ahead * f - HalfWidth * r],
            0.6f, new Color(255, 255, 255, 160));

        scene.Circle(race.AimPointWorld, 1.6f, AimColor);
        float hl = 1.5f * (float)race.Options.KartLength, hw = 1.5f * (float)race.Options.KartWidth;
        scene.Polygon([o - hl * f - hw * r, o - hl * f + hw * r, o + hl * f], KartColor);

        string hud = string.Create(CultureInfo.InvariantCulture,
            $"LAP {Math.Min(race.LapsCompleted + 1, race.Options.Laps)}/{race.Options.Laps}  {100 * Math.Max(0, race.Progress):F0}%  {race.Speed:F1} M/S{(race.OffTrack ? "  OFF TRACK" : "")}");
        scene.Text(hud, 10, 10, 18, Color.White);
        scene.Bar(10, 34, 200, 8, (float)Math.Max(0, race.Progress), AimColor, new Color(40, 40, 40));
    }

    // Grass corridor, road, kerbs, centre dashes and start line of every segment within reach of `near`, mapped by `map`
    // and, when `clip` is given, clipped to that rectangle of the frame.
    private static void DescribeTrackSurface(KartTrack track, Scene scene, Func<Vector2, Vector2> map, Vector2 near, float reach, ClipRect? clip)
    {
        void Quad(Vector2 a, Vector2 b, Vector2 c, Vector2 d, Color color) => AddQuad(scene, map(a), map(b), map(c), map(d), color, clip);

        int n = track.Count;
        float reach2 = float.IsPositiveInfinity(reach) ? float.PositiveInfinity : reach * reach;
        bool Visible(int i) => Vector2.DistanceSquared(track.Centerline[i], near) <= reach2
            || Vector2.DistanceSquared(track.Centerline[(i + 1) % n], near) <= reach2;

        double h = track.HalfCorridor, w = track.Width / 2;
        for (int i = 0; i < n; i++)
        {
            if (!Visible(i)) continue;
            int j = (i + 1) % n;
            Quad(track.Lateral(i, h), track.Lateral(j, h), track.Lateral(j, -h), track.Lateral(i, -h), GrassColor);
        }
        for (int i = 0; i < n; i++)
        {
            if (!Visible(i)) continue;
            int j = (i + 1) % n;
            Quad(track.Lateral(i, w), track.Lateral(j, w), track.Lateral(j, -w), track.Lateral(i, -w), RoadColor);
        }
        for (int i = 0; i < n; i++)
        {
            if (!Visible(i)) continue;
            int j = (i + 1) % n;
            // Kerbs alternate red and white every 2 m of track, so motion shows in consecutive frames.
            var kerb = (int)(track.ArcLengthAt(i) / 2) % 2 == 0 ? KerbColor : Color.White;
            double inner = w - KerbWidth;
            Quad(track.Lateral(i, w), track.Lateral(j, w), track.Lateral(j, inner), track.Lateral(i, inner), kerb);
            Quad(track.Lateral(i, -inner), track.Lateral(j, -inner), track.Lateral(j, -w), track.Lateral(i, -w), kerb);
            if ((int)(track.ArcLengthAt(i) / 3) % 2 == 0)
                Quad(track.Lateral(i, CentreDashWidth / 2), track.Lateral(j, CentreDashWidth / 2), track.Lateral(j, -CentreDashWidth / 2), track.Lateral(i, -CentreDashWidth / 2), Color.White);
        }
        // The start line: a chequered band across the road at arc length 0.
        if (Visible(0))
        {
            const int Squares = 8;
            var t = track.Tangents[0];
            for (int k = 0; k < Squares; k++)
            {
                double a = -w + 2 * w * k / Squares, b = -w + 2 * w * (k + 1) / Squares;
                var p0 = track.Lateral(0, a);
                var p1 = track.Lateral(0, b);
                var p2 = p1 + 1.2f * t;
                var p3 = p0 + 1.2f * t;
                Quad(p0, p1, p2, p3, k % 2 == 0 ? Color.White : Color.Black);
            }
        }
    }

    private readonly record struct ClipRect(float Left, float Right, float Bottom, float Top);

    // Adds a convex quad, clipped to `clip` when given (Sutherland-Hodgman), so that nothing is drawn outside the frame:
    // a batch renderer that stacks frames as tiles of one atlas would otherwise show it in the neighbouring tile.
    private static void AddQuad(Scene scene, Vector2 a, Vector2 b, Vector2 c, Vector2 d, Color color, ClipRect? clip)
    {
        if (clip is not ClipRect r)
        {
            scene.Polygon([a, b, c, d], color);
            return;
        }
        Span<Vector2> bufA = stackalloc Vector2[8];
        Span<Vector2> bufB = stackalloc Vector2[8];
        bufA[0] = a;
        bufA[1] = b;
        bufA[2] = c;
        bufA[3] = d;
        int n = 4;
        n = ClipEdge(bufA[..n], bufB, 0, r.Left, keepAbove: true);
        n = ClipEdge(bufB[..n], bufA, 0, r.Right, keepAbove: false);
        n = ClipEdge(bufA[..n], bufB, 1, r.Bottom, keepAbove: true);
        n = ClipEdge(bufB[..n], bufA, 1, r.Top, keepAbove: false);
        if (n >= 3) scene.Polygon(bufA[..n], color);
    }

    // Keeps the part of a convex polygon with coordinate `axis` (0: x, 1: y) >= or <= `limit`.
    private static int ClipEdge(ReadOnlySpan<Vector2> input, Span<Vector2> output, int axis, float limit, bool keepAbove)
    {
        int count = 0;
        for (int i = 0; i < input.Length; i++)
        {
            var p = input[i];
            var q = input[(i + 1) % input.Length];
            float pv = axis == 0 ? p.X : p.Y, qv = axis == 0 ? q.X : q.Y;
            bool pIn = keepAbove ? pv >= limit : pv <= limit;
            bool qIn = keepAbove ? qv >= limit : qv <= limit;
            if (pIn) output[count++] = p;
            if (pIn != qIn)
            {
                float t = (limit - pv) / (qv - pv);
                var x = Vector2.Lerp(p, q, t);
                if (axis == 0) x.X = limit;
                else x.Y = limit;
                output[count++] = x;
            }
        }
        return count;
    }
}
