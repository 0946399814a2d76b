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
        if (!race.HasTrack) return; // before the first reset: an empty frame of the right size
        var track = race.Track;
        var view = new ViewTransform(race.Position, race.Forward);
        var clip = new ClipRect(-HalfWidth, HalfWidth, -Behind, Ahead);
        DescribeTrackSurface(track, scene, view, race.Position, (float)track.HalfCorridor + VisibleRadius, clip);

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
        if (!race.HasTrack)
        {
            scene.Begin(TrackSize, TrackSize, OutsideColor, new Camera2D(-50, 50, -50, 50)); // before the first reset
            return;
        }
        var track = race.Track;
        var centre = (track.BoundsMin + track.BoundsMax) / 2;
        var size = track.BoundsMax - track.BoundsMin;
        float side = MathF.Max(size.X, size.Y) * 1.08f + 12;
        scene.Begin(TrackSize, TrackSize, OutsideColor, Camera2D.Centered(centre, side, side));
        DescribeTrackSurface(track, scene, ViewTransform.Identity, centre, float.PositiveInfinity, null);

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

    // World coordinates to a frame: identity, or turned into the kart's frame (x = metres to the right, y = metres ahead).
    private readonly struct ViewTransform(Vector2 origin, Vector2 forward, bool identity = false)
    {
        public static ViewTransform Identity => new(Vector2.Zero, Vector2.UnitX, identity: true);

        public Vector2 Apply(Vector2 p)
        {
            if (identity) return p;
            var d = p - origin;
            return new Vector2(forward.Y * d.X - forward.X * d.Y, forward.X * d.X + forward.Y * d.Y);
        }
    }

    // Grass corridor, road, kerbs, centre dashes and start line of the track within reach of `near`, in pieces about 2 m
    // long (the chord of a bend of radius 10 m or more is then within 5 cm of the arc), mapped by `map` and, when `clip` is
    // given, clipped to that rectangle of the frame. One pass in driving order: the pieces of a generated track never
    // overlap (its corridor is clear), so the order between pieces does not matter.
    private static void DescribeTrackSurface(KartTrack track, Scene scene, ViewTransform map, Vector2 near, float reach, ClipRect? clip)
    {
        int n = track.Count;
        int stride = Math.Max(1, (int)Math.Round(2 / (track.Length / n)));
        float reach2 = float.IsPositiveInfinity(reach) ? float.PositiveInfinity : reach * reach;
        float h = (float)track.HalfCorridor, w = (float)track.Width / 2, inner = w - KerbWidth, dash = CentreDashWidth / 2;
        Span<Vector2> a = stackalloc Vector2[8];
        Span<Vector2> b = stackalloc Vector2[8];
        int piece = 0;
        for (int i = 0; i < n; i += stride, piece++)
        {
            int j = Math.Min(i + stride, n) % n;
            if (Vector2.DistanceSquared(track.Centerline[i], near) > reach2 && Vector2.DistanceSquared(track.Centerline[j], near) > reach2) continue;
            Lateral(track, i, h, w, inner, dash, map, a);
            Lateral(track, j, h, w, inner, dash, map, b);
            // a/b hold the points at offsets h, w, inner, dash, -dash, -inner, -w, -h (left positive).
            AddQuad(scene, a[0], b[0], b[7], a[7], GrassColor, clip);
            AddQuad(scene, a[1], b[1], b[6], a[6], RoadColor, clip);
            // Kerbs alternate red and white, and the centre line is dashed, every 2 m: motion shows from frame to frame.
            var kerb = piece % 2 == 0 ? KerbColor : Color.White;
            AddQuad(scene, a[1], b[1], b[2], a[2], kerb, clip);
            AddQuad(scene, a[5], b[5], b[6], a[6], kerb, clip);
            if (piece % 2 == 0) AddQuad(scene, a[3], b[3], b[4], a[4], Color.White, clip);
        }
        // The start line: a chequered band across the road at arc length 0.
        if (Vector2.DistanceSquared(track.Centerline[0], near) <= reach2)
        {
            const int Squares = 8;
            var t = track.Tangents[0];
            for (int k = 0; k < Squares; k++)
            {
                var p0 = track.Lateral(0, -w + 2 * w * k / Squares);
                var p1 = track.Lateral(0, -w + 2 * w * (k + 1) / Squares);
                AddQuad(scene, map.Apply(p0), map.Apply(p1), map.Apply(p1 + 1.2f * t), map.Apply(p0 + 1.2f * t), k % 2 == 0 ? Color.White : Color.Black, clip);
            }
        }
    }

    private static void Lateral(KartTrack track, int i, float h, float w, float inner, float dash, ViewTransform map, Span<Vector2> into)
    {
        var c = track.Centerline[i];
        var nrm = track.Normal(i);
        into[0] = map.Apply(c + h * nrm);
        into[1] = map.Apply(c + w * nrm);
        into[2] = map.Apply(c + inner * nrm);
        into[3] = map.Apply(c + dash * nrm);
        into[4] = map.Apply(c - dash * nrm);
        into[5] = map.Apply(c - inner * nrm);
        into[6] = map.Apply(c - w * nrm);
        into[7] = map.Apply(c - h * nrm);
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
