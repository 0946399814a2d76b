using System.Numerics;
using Rl.Core;

namespace Rl.Environments.Kart;

/// <summary>
/// The ranges procedurally generated tracks are drawn from (<see cref="KartTrack.Generate"/>). Every generated track has a
/// width in [<see cref="MinWidth"/>, <see cref="MaxWidth"/>] and a length in [<see cref="MinLength"/>, <see cref="MaxLength"/>];
/// draws outside those ranges, or whose corridor would overlap itself, are rejected and redrawn.
/// </summary>
public sealed record KartTrackOptions
{
    /// <summary>Smallest road width in metres. Default 7.</summary>
    public double MinWidth { get; init; } = 7;

    /// <summary>Largest road width in metres. Default 11.</summary>
    public double MaxWidth { get; init; } = 11;

    /// <summary>Shortest centreline length in metres. Default 200.</summary>
    public double MinLength { get; init; } = 200;

    /// <summary>Longest centreline length in metres. Default 550.</summary>
    public double MaxLength { get; init; } = 550;

    /// <summary>Fewest control points of the spline (more points, more bends). Default 8.</summary>
    public int MinControlPoints { get; init; } = 8;

    /// <summary>Most control points of the spline. Default 14.</summary>
    public int MaxControlPoints { get; init; } = 14;

    /// <summary>Smallest radius of the circle the control points are scattered around, in metres. Default 35.</summary>
    public double MinRadius { get; init; } = 35;

    /// <summary>Largest radius of that circle, in metres. Default 75.</summary>
    public double MaxRadius { get; init; } = 75;

    /// <summary>Each control point's distance from the centre is the radius times a factor in [1 - this, 1 + this/2]. Default 0.45.</summary>
    public double RadialJitter { get; init; } = 0.45;

    /// <summary>The grass between the road's edge and the wall, in metres (the kart cannot go further). Default 4.</summary>
    public double GrassWidth { get; init; } = 4;

    /// <summary>Distance between consecutive centreline samples, in metres (approximately; the lap is divided evenly). Default 1.</summary>
    public double Spacing { get; init; } = 1;

    /// <summary>The defaults.</summary>
    public static KartTrackOptions Default { get; } = new();

    /// <summary>Checks the ranges.</summary>
    /// <exception cref="ArgumentException">Naming the first range that is empty or out of bounds.</exception>
    public void Validate()
    {
        if (!(MinWidth > 0 && MinWidth <= MaxWidth)) throw new ArgumentException($"KartTrackOptions: width range [{MinWidth}, {MaxWidth}] must be positive and non-empty");
        if (!(MinLength > 0 && MinLength <= MaxLength)) throw new ArgumentException($"KartTrackOptions: length range [{MinLength}, {MaxLength}] must be positive and non-empty");
        if (MinControlPoints < 4 || MinControlPoints > MaxControlPoints) throw new ArgumentException($"KartTrackOptions: control points [{MinControlPoints}, {MaxControlPoints}] must be at least 4 and non-empty");
        if (!(MinRadius > 0 && MinRadius <= MaxRadius)) throw new ArgumentException($"KartTrackOptions: radius range [{MinRadius}, {MaxRadius}] must be positive and non-empty");
        if (!(RadialJitter >= 0 && RadialJitter < 1)) throw new ArgumentException($"KartTrackOptions: radial jitter {RadialJitter} must be in [0, 1)");
        if (!(GrassWidth >= 0)) throw new ArgumentException($"KartTrackOptions: grass width {GrassWidth} must be non-negative");
        if (!(Spacing > 0 && Spacing <= 5)) throw new ArgumentException($"KartTrackOptions: spacing {Spacing} must be in (0, 5] metres");
    }
}

/// <summary>Where a point lies relative to a track: its arc-length position and signed distance from the centreline.</summary>
/// <param name="S">Arc length along the centreline of the closest centreline point, in [0, <see cref="KartTrack.Length"/>).</param>
/// <param name="Offset">Signed distance from the centreline in metres: positive to the left of the driving direction.</param>
/// <param name="Segment">Index of the centreline segment the closest point lies on.</param>
public readonly record struct TrackPosition(double S, double Offset, int Segment);

/// <summary>
/// A closed race track: a centreline polyline sampled evenly by arc length, a constant road width, and the grass corridor
/// beyond it, bounded by walls. Generated from a seeded <see cref="Rng"/> as a closed centripetal Catmull-Rom spline through
/// control points scattered around a circle (their angles and radii perturbed), so width, curvature and length vary from
/// track to track. Generation rejects tracks whose walled corridor (road plus grass on both sides) would overlap itself:
/// the centreline's radius of curvature stays above the corridor's half-width and distant parts of the track keep the
/// corridor's width apart, so the track is never self-intersecting and the nearest centreline point is well defined
/// everywhere inside the walls.
/// </summary>
public sealed class KartTrack
{
    private const int SplineSamplesPerSegment = 256;
    private const int MaxAttempts = 2000;

    private readonly Vector2[] _points;
    private readonly Vector2[] _tangents;
    private readonly Vector2[] _normals;
    private readonly double[] _s;
    private readonly double[] _curvature;

    // The arrays come from Generate's accepted candidate (copied out of its reused workspace, so the track owns them).
    private KartTrack(Vector2[] points, double[] s, Vector2[] tangents, Vector2[] normals, double[] curvature, double width, double grassWidth, int attempts)
    {
        _points = points;
        _s = s;
        _tangents = tangents;
        _normals = normals;
        _curvature = curvature;
        Length = s[points.Length];
        Width = width;
        GrassWidth = grassWidth;
        Attempts = attempts;
        var min = new Vector2(float.MaxValue);
        var max = new Vector2(float.MinValue);
        foreach (var p in points)
        {
            min = Vector2.Min(min, p);
            max = Vector2.Max(max, p);
        }
        float pad = (float)HalfCorridor;
        BoundsMin = min - new Vector2(pad);
        BoundsMax = max + new Vector2(pad);
    }

    // Arc lengths (n + 1), segment directions, normals and curvature of the closed polyline through n points.
    private static void ComputeGeometry(ReadOnlySpan<Vector2> points, Span<double> s, Span<Vector2> tangents, Span<Vector2> normals, Span<double> curvature)
    {
        int n = points.Length;
        s[0] = 0;
        for (int i = 0; i < n; i++) s[i + 1] = s[i] + Vector2.Distance(points[i], points[(i + 1) % n]);
        for (int i = 0; i < n; i++) tangents[i] = Vector2.Normalize(points[(i + 1) % n] - points[i]);
        for (int i = 0; i < n; i++)
        {
            // The mean of the adjacent segments' directions, turned left: edges offset along it meet without gaps.
            var t = tangents[(i - 1 + n) % n] + tangents[i];
            t = t.LengthSquared() > 1e-12f ? Vector2.Normalize(t) : tangents[i];
            normals[i] = new Vector2(-t.Y, t.X);
        }
        for (int i = 0; i < n; i++)
        {
            // Turning angle from segment i-2 to segment i+1 over the three segment lengths between their midpoints: a
            // centred estimate that smooths the resampling's small kinks.
            var a = tangents[(i - 2 + n) % n];
            var b = tangents[(i + 1) % n];
            double turn = Math.Atan2(a.X * b.Y - a.Y * b.X, a.X * b.X + a.Y * b.Y);
            double ds = 0;
            for (int k = -2; k <= 1; k++)
            {
                int j = (i + k + n) % n;
                ds += (k is -2 or 1 ? 0.5 : 1) * (s[j + 1] - s[j]);
            }
            curvature[i] = turn / ds;
        }
    }

    /// <summary>The number of centreline samples (and of segments: the last joins the first).</summary>
    public int Count => _points.Length;

    /// <summary>The centreline samples in driving order (the track is closed: the last joins the first).</summary>
    public ReadOnlySpan<Vector2> Centerline => _points;

    /// <summary>The unit direction of segment <c>i</c> (from sample i to sample i + 1).</summary>
    public ReadOnlySpan<Vector2> Tangents => _tangents;

    /// <summary>The length of the closed centreline (one lap), in metres.</summary>
    public double Length { get; }

    /// <summary>The road width in metres.</summary>
    public double Width { get; }

    /// <summary>The width of the grass strip between each road edge and its wall, in metres.</summary>
    public double GrassWidth { get; }

    /// <summary>The walls' distance from the centreline: half the road width plus the grass.</summary>
    public double HalfCorridor => Width / 2 + GrassWidth;

    /// <summary>How many draws generation took (rejected draws plus one).</summary>
    public int Attempts { get; }

    /// <summary>The lower-left corner of a box holding the whole corridor.</summary>
    public Vector2 BoundsMin { get; }

    /// <summary>The upper-right corner of a box holding the whole corridor.</summary>
    public Vector2 BoundsMax { get; }

    /// <summary>The length of segment <paramref name="i"/> (from sample i to sample i + 1).</summary>
    public double SegmentLength(int i) => _s[i + 1] - _s[i];

    /// <summary>The arc length of sample <paramref name="i"/> (0 for the first).</summary>
    public double ArcLengthAt(int i) => _s[i];

    /// <summary>The signed curvature (1/m, positive turning left) at sample <paramref name="i"/>.</summary>
    public double CurvatureAtSample(int i) => _curvature[i];

    /// <summary>The smallest radius of curvature of the centreline, in metres.</summary>
    public double MinRadiusOfCurvature => MinRadius(_curvature);

    // 1 / the largest |curvature| (NaN only when every curvature is NaN, as Enumerable.Max).
    private static double MinRadius(ReadOnlySpan<double> curvature)
    {
        double max = double.NaN;
        foreach (double c in curvature)
        {
            double a = Math.Abs(c);
            if (a > max || double.IsNaN(max)) max = a;
        }
        return 1 / max;
    }

    /// <summary>The left edge of the road at sample <paramref name="i"/> (left of the driving direction).</summary>
    public Vector2 LeftEdge(int i) => _points[i] + (float)(Width / 2) * Normal(i);

    /// <summary>The right edge of the road at sample <paramref name="i"/>.</summary>
    public Vector2 RightEdge(int i) => _points[i] - (float)(Width / 2) * Normal(i);

    /// <summary>A point at <paramref name="offset"/> metres to the left of the centreline at sample <paramref name="i"/>.</summary>
    public Vector2 Lateral(int i, double offset) => _points[i] + (float)offset * Normal(i);

    /// <summary>The unit normal at sample <paramref name="i"/>, pointing left of the driving direction (mean of the adjacent segments).</summary>
    public Vector2 Normal(int i) => _normals[i];

    /// <summary>Wraps an arc length into [0, <see cref="Length"/>).</summary>
    public double Wrap(double s)
    {
        s %= Length;
        return s < 0 ? s + Length : s;
    }

    /// <summary>The segment holding arc length <paramref name="s"/> (wrapped) and the fraction along it.</summary>
    public (int Segment, double Fraction) Locate(double s)
    {
        s = Wrap(s);
        int lo = 0, hi = Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (_s[mid] <= s) lo = mid;
            else hi = mid - 1;
        }
        double len = _s[lo + 1] - _s[lo];
        return (lo, len > 0 ? (s - _s[lo]) / len : 0);
    }

    /// <summary>The centreline point at arc length <paramref name="s"/> (wrapped around the lap).</summary>
    public Vector2 PointAt(double s)
    {
        var (i, f) = Locate(s);
        return Vector2.Lerp(_points[i], _points[(i + 1) % Count], (float)f);
    }

    /// <summary>The unit driving direction at arc length <paramref name="s"/>.</summary>
    public Vector2 TangentAt(double s) => _tangents[Locate(s).Segment];

    /// <summary>The signed curvature (1/m) at arc length <paramref name="s"/>, interpolated between samples.</summary>
    public double CurvatureAt(double s)
    {
        var (i, f) = Locate(s);
        return _curvature[i] * (1 - f) + _curvature[(i + 1) % Count] * f;
    }

    /// <summary>The largest |curvature| on the centreline between arc lengths <paramref name="from"/> and <paramref name="from"/> + <paramref name="distance"/>.</summary>
    public double MaxAbsCurvatureAhead(double from, double distance)
    {
        var (i, _) = Locate(from);
        double max = Math.Abs(_curvature[i]);
        double covered = 0;
        while (covered < distance)
        {
            int next = (i + 1) % Count;
            covered += _s[i + 1] - _s[i];
            i = next;
            max = Math.Max(max, Math.Abs(_curvature[i]));
        }
        return max;
    }

    /// <summary>
    /// The closest centreline point to <paramref name="p"/>, searching the segments within <paramref name="window"/> samples
    /// of <paramref name="hint"/> (a kart's previous segment: cheap, and never jumps to a distant part of the track).
    /// </summary>
    public TrackPosition Project(Vector2 p, int hint, int window = 24)
    {
        int n = Count;
        double best = double.MaxValue, bestS = 0, bestOffset = 0;
        int bestSeg = hint;
        for (int k = -window; k <= window; k++)
        {
            int i = ((hint + k) % n + n) % n;
            var a = _points[i];
            var d = _points[(i + 1) % n] - a;
            double len2 = d.LengthSquared();
            double t = len2 > 0 ? Math.Clamp(Vector2.Dot(p - a, d) / len2, 0, 1) : 0;
            var q = a + (float)t * d;
            double dist2 = Vector2.DistanceSquared(p, q);
            if (dist2 < best)
            {
                best = dist2;
                bestSeg = i;
                bestS = _s[i] + t * (_s[i + 1] - _s[i]);
                var r = p - q;
                var tan = _tangents[i];
                bestOffset = Math.Sign(tan.X * r.Y - tan.Y * r.X) * Math.Sqrt(dist2);
            }
        }
        return new TrackPosition(Wrap(bestS), bestOffset, bestSeg);
    }

    /// <summary>The closest centreline point to <paramref name="p"/> over the whole track (slower; for points with no hint).</summary>
    public TrackPosition ProjectGlobal(Vector2 p) => Project(p, Count / 2, (Count + 1) / 2);

    /// <summary>
    /// Generates a track from <paramref name="rng"/>: control points on a circle of random radius with perturbed angles and
    /// radii, a closed centripetal Catmull-Rom spline through them, resampled evenly by arc length; clockwise or
    /// anticlockwise at random; redrawn until its width and length are in range and its corridor does not overlap itself.
    /// </summary>
    /// <exception cref="InvalidOperationException">If no valid track was found in 2,000 draws (options far too strict).</exception>
    public static KartTrack Generate(Rng rng, KartTrackOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rng);
        options ??= KartTrackOptions.Default;
        options.Validate();
        // Rejected draws (most of them) are built and checked in buffers this thread reuses: only the accepted track's
        // arrays are allocated, so a race's reset costs a few tens of kilobytes instead of a megabyte.
        var w = t_workspace ??= new Workspace();
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            int controlCount = rng.NextInt(options.MinControlPoints, options.MaxControlPoints + 1);
            double radius = rng.Uniform(options.MinRadius, options.MaxRadius);
            double width = rng.Uniform(options.MinWidth, options.MaxWidth);
            bool clockwise = rng.NextDouble() < 0.5;
            var control = Workspace.Grow(ref w.Control, controlCount).AsSpan(0, controlCount);
            double step = 2 * Math.PI / controlCount;
            for (int i = 0; i < controlCount; i++)
            {
                double angle = i * step + rng.Uniform(-0.35, 0.35) * step;
                double r = radius * rng.Uniform(1 - options.RadialJitter, 1 + options.RadialJitter / 2);
                control[clockwise ? controlCount - 1 - i : i] = new Vector2((float)(r * Math.Cos(angle)), (float)(r * Math.Sin(angle)));
            }
            var dense = SampleSpline(control, w);
            int n = Resample(dense, options.Spacing, w);
            if (n < 0) continue;
            var points = w.Points.AsSpan(0, n);
            var s = Workspace.Grow(ref w.S, n + 1).AsSpan(0, n + 1);
            var tangents = Workspace.Grow(ref w.Tangents, n).AsSpan(0, n);
            var normals = Workspace.Grow(ref w.Normals, n).AsSpan(0, n);
            var curvature = Workspace.Grow(ref w.Curvature, n).AsSpan(0, n);
            ComputeGeometry(points, s, tangents, normals, curvature);
            double length = s[n];
            if (length < options.MinLength || length > options.MaxLength) continue;
            if (!CorridorIsClear(points, s, width / 2 + options.GrassWidth, MinRadius(curvature))) continue;
            return new KartTrack(points.ToArray(), s.ToArray(), tangents.ToArray(), normals.ToArray(), curvature.ToArray(), width, options.GrassWidth, attempt);
        }
        throw new InvalidOperationException($"KartTrack.Generate: no valid track in {MaxAttempts} draws with {options}");
    }

    [ThreadStatic] private static Workspace? t_workspace;

    // Generate's buffers, grown to the largest draw seen and reused by every later draw on the thread.
    private sealed class Workspace
    {
        public Vector2[] Control = [], Dense = [], Points = [], Tangents = [], Normals = [];
        public double[] Cumulative = [], S = [], Curvature = [];

        public static T[] Grow<T>(ref T[] buffer, int length)
        {
            if (buffer.Length < length) buffer = new T[Math.Max(length, buffer.Length * 2)];
            return buffer;
        }
    }

    /// <summary>
    /// Whether the walled corridor never overlaps itself: the radius of curvature exceeds the half-corridor everywhere (with a
    /// 10% margin) and any two samples more than three half-corridors apart along the track are more than a corridor width
    /// (plus 2 m) apart in space.
    /// </summary>
    public bool CorridorIsClear() => CorridorIsClear(_points, _s, HalfCorridor, MinRadiusOfCurvature);

    private static bool CorridorIsClear(ReadOnlySpan<Vector2> points, ReadOnlySpan<double> s, double h, double minRadiusOfCurvature)
    {
        if (minRadiusOfCurvature * 0.9 <= h) return false;
        double minGap = 2 * h + 2, minGap2 = minGap * minGap;
        int n = points.Length;
        double length = s[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double arc = s[j] - s[i];
                if (Math.Min(arc, length - arc) <= 3 * h) continue;
                if (Vector2.DistanceSquared(points[i], points[j]) <= minGap2) return false;
            }
        }
        return true;
    }

    /// <summary>Whether any two non-adjacent centreline segments cross (never true for a generated track).</summary>
    public bool CenterlineSelfIntersects() => PolygonSelfIntersects(_points);

    /// <summary>Whether the left or the right road edge crosses itself (never true for a generated track).</summary>
    public bool EdgesSelfIntersect()
    {
        var left = new Vector2[Count];
        var right = new Vector2[Count];
        for (int i = 0; i < Count; i++)
        {
            left[i] = LeftEdge(i);
            right[i] = RightEdge(i);
        }
        return PolygonSelfIntersects(left) || PolygonSelfIntersects(right);
    }

    private static bool PolygonSelfIntersects(Vector2[] p)
    {
        int n = p.Length;
        for (int i = 0; i < n; i++)
        {
            var a = p[i];
            var b = p[(i + 1) % n];
            for (int j = i + 2; j < n; j++)
            {
                if (i == 0 && j == n - 1) continue; // adjacent through the closing segment
                if (SegmentsCross(a, b, p[j], p[(j + 1) % n])) return true;
            }
        }
        return false;
    }

    private static bool SegmentsCross(Vector2 a, Vector2 b, Vector2 c, Vector2 d)
    {
        static double Cross(Vector2 o, Vector2 u, Vector2 v) => (double)(u.X - o.X) * (v.Y - o.Y) - (double)(u.Y - o.Y) * (v.X - o.X);
        double d1 = Cross(c, d, a), d2 = Cross(c, d, b), d3 = Cross(a, b, c), d4 = Cross(a, b, d);
        return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
    }

    // Closed centripetal Catmull-Rom (alpha = 0.5), which never forms cusps or loops within a segment.
    private static ReadOnlySpan<Vector2> SampleSpline(ReadOnlySpan<Vector2> c, Workspace w)
    {
        int n = c.Length;
        var dense = Workspace.Grow(ref w.Dense, n * SplineSamplesPerSegment);
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            Vector2 p0 = c[(i - 1 + n) % n], p1 = c[i], p2 = c[(i + 1) % n], p3 = c[(i + 2) % n];
            double t0 = 0;
            double t1 = t0 + Math.Sqrt(Vector2.Distance(p0, p1));
            double t2 = t1 + Math.Sqrt(Vector2.Distance(p1, p2));
            double t3 = t2 + Math.Sqrt(Vector2.Distance(p2, p3));
            for (int k = 0; k < SplineSamplesPerSegment; k++)
            {
                double t = t1 + (t2 - t1) * k / SplineSamplesPerSegment;
                var a1 = Mix(p0, p1, t0, t1, t);
                var a2 = Mix(p1, p2, t1, t2, t);
                var a3 = Mix(p2, p3, t2, t3, t);
                var b1 = Mix(a1, a2, t0, t2, t);
                var b2 = Mix(a2, a3, t1, t3, t);
                dense[count++] = Mix(b1, b2, t1, t2, t);
            }
        }
        return dense.AsSpan(0, count);
    }

    private static Vector2 Mix(Vector2 a, Vector2 b, double ta, double tb, double t) =>
        tb - ta < 1e-12 ? a : (float)((tb - t) / (tb - ta)) * a + (float)((t - ta) / (tb - ta)) * b;

    // Evenly spaced samples along the closed dense polyline, into the workspace's points: the lap is divided into
    // round(length / spacing) equal arcs. Returns their count, or -1 for a lap too short to hold 16.
    private static int Resample(ReadOnlySpan<Vector2> dense, double spacing, Workspace w)
    {
        int m = dense.Length;
        var cum = Workspace.Grow(ref w.Cumulative, m + 1);
        cum[0] = 0;
        for (int i = 0; i < m; i++) cum[i + 1] = cum[i] + Vector2.Distance(dense[i], dense[(i + 1) % m]);
        double length = cum[m];
        int count = (int)Math.Round(length / spacing);
        if (count < 16) return -1;
        var result = Workspace.Grow(ref w.Points, count);
        int seg = 0;
        for (int k = 0; k < count; k++)
        {
            double target = length * k / count;
            while (cum[seg + 1] < target) seg++;
            double len = cum[seg + 1] - cum[seg];
            float f = len > 0 ? (float)((target - cum[seg]) / len) : 0;
            result[k] = Vector2.Lerp(dense[seg], dense[(seg + 1) % m], f);
        }
        return count;
    }
}
