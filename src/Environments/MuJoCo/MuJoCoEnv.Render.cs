using System.Numerics;
using Rl.Core.Rendering;

// The handles are read under unsafe code: MjModel.Native and MjData.Native are typed pointers.

namespace Rl.Environments.MuJoCo;

/// <summary>How a <see cref="MuJoCoEnv"/> is drawn by the hand-drawn (<c>renderer=sketch</c>) view: the plane it is seen in and how much of the world the frame shows.</summary>
/// <param name="FromAbove">False: a side view of the x-z plane, seen from −y (walkers); true: a top view of the x-y plane (the swimmer).</param>
/// <param name="Width">World metres across the (square) frame.</param>
/// <param name="Bottom">For a side view, the world z at the bottom edge (a top view is centred on the root body instead).</param>
public readonly record struct LocomotionView(bool FromAbove, float Width, float Bottom);

/// <summary>
/// The picture of a MuJoCo environment. By default (<c>renderer=mujoco</c>) Rl.Rendering draws it with MuJoCo's own renderer
/// through <see cref="IMuJoCoRenderable"/>: the model's meshes, materials, lights and shadows, seen by a camera tracking the root
/// body. With <c>renderer=sketch</c>, <see cref="DescribeScene"/>'s hand-drawn view is used instead: every geom of the model seen
/// from the side (or from above), following the root body.
/// </summary>
public abstract unsafe partial class MuJoCoEnv : IMuJoCoRenderable
{
    /// <summary>Native frame width and height in pixels (Gymnasium's MuJoCo default of 480 x 480).</summary>
    public const int ScreenSize = 480;

    /// <summary>The sky behind a side view.</summary>
    public static readonly Color SkyColor = new(222, 232, 242);

    /// <summary>Lines on the ground: the surface line and the distance ticks.</summary>
    public static readonly Color GroundLineColor = new(70, 74, 66);

    /// <summary>Metres between the ground's stripes and grid lines (alternating shades make forward motion visible).</summary>
    public const float GroundStripe = 0.5f;

    // Scratch buffers reused frame after frame: describing a scene allocates nothing once they have grown.
    private int[] _drawOrder = [];
    private double[] _drawDepth = [];
    private readonly Vector2[] _outline = new Vector2[HullSamples];
    private readonly Vector2[] _hull = new Vector2[HullSamples + 1];
    private const int HullSamples = 96;

    /// <inheritdoc />
    public bool UseMuJoCoRenderer => Renderer == MuJoCoRendererKind.MuJoCo;

    /// <inheritdoc />
    public nint ModelHandle => (nint)_model.Native;

    /// <inheritdoc />
    public nint DataHandle => (nint)_data.Native;

    /// <inheritdoc />
    public int FrameWidth => ScreenSize;

    /// <inheritdoc />
    public int FrameHeight => ScreenSize;

    /// <summary>
    /// The camera MuJoCo's renderer draws from: <c>mjCAMERA_TRACKING</c> on <see cref="CameraBody"/>, looking at its subtree's
    /// centre of mass, or a fixed camera looking at <see cref="CameraLookAt"/> when <see cref="CameraBody"/> is -1; from
    /// <see cref="CameraDistance"/> metres, at <see cref="CameraAzimuth"/> and <see cref="CameraElevation"/>.
    /// </summary>
    public MuJoCoCamera Camera
    {
        get
        {
            int body = CameraBody;
            if (body < 0)
            {
                var (x, y, z) = CameraLookAt;
                return new MuJoCoCamera(-1, CameraDistance, CameraAzimuth, CameraElevation, x, y, z);
            }
            ReadOnlySpan<double> com = _data.SubtreeCom;
            return new MuJoCoCamera(body, CameraDistance, CameraAzimuth, CameraElevation, com[3 * body], com[3 * body + 1], com[3 * body + 2]);
        }
    }

    /// <summary>The body the camera tracks (default 1, the root of the moving system), or -1 for a fixed camera.</summary>
    protected virtual int CameraBody => 1;

    /// <summary>The point a fixed camera (<see cref="CameraBody"/> = -1) looks at (default the origin).</summary>
    protected virtual (double X, double Y, double Z) CameraLookAt => (0, 0, 0);

    /// <summary>Camera distance in metres (default 3, Gymnasium's for the hopper).</summary>
    protected virtual double CameraDistance => 3.0;

    /// <summary>Camera heading in degrees (default 90: a side view, x running left to right).</summary>
    protected virtual double CameraAzimuth => 90;

    /// <summary>Camera tilt in degrees (default −20: slightly from above).</summary>
    protected virtual double CameraElevation => -20;

    /// <summary>
    /// The sketch view: a side view 3.2 m wide with the ground 0.5 m above the bottom edge, unless an environment overrides it (the
    /// swimmer is seen from above).
    /// </summary>
    public virtual LocomotionView View => new(FromAbove: false, Width: 3.2f, Bottom: -0.5f);

    /// <summary>The point the camera follows: the root body's (x, z) for a side view or (x, y) from above, in metres.</summary>
    public Vector2 CameraTarget
    {
        get
        {
            ReadOnlySpan<double> xpos = _data.Xpos;
            // Body 0 is the world; body 1 is the root of the moving system (the torso).
            return View.FromAbove ? new Vector2((float)xpos[3], (float)xpos[4]) : new Vector2((float)xpos[3], (float)xpos[5]);
        }
    }

    /// <summary>The world rectangle the frame shows for the current state (the camera follows the root body's x, and y from above).</summary>
    public Camera2D RenderCamera
    {
        get
        {
            var view = View;
            var target = CameraTarget;
            float half = view.Width / 2;
            return view.FromAbove
                ? Camera2D.Centered(target, view.Width, view.Width)
                : new Camera2D(target.X - half, target.X + half, view.Bottom, view.Bottom + view.Width);
        }
    }

    /// <summary>
    /// Describes the current state in a <see cref="ScreenSize"/>-square frame: the ground (a plane geom) as alternating
    /// <see cref="GroundStripe"/>-wide stripes with a surface line and ticks, then every other geom in its model colour,
    /// farthest first — capsules as thick lines with round caps, spheres as circles, boxes, cylinders and ellipsoids as the
    /// outline of their projection. Meshes and height fields are not drawn. Reads positions only; the state is unchanged.
    /// </summary>
    public void DescribeScene(Scene scene)
    {
        var view = View;
        var camera = RenderCamera;
        int ngeom = _model.NGeom;
        ReadOnlySpan<int> types = _model.GeomType;
        ReadOnlySpan<double> pos = _data.GeomXpos;
        ReadOnlySpan<float> rgba = _model.GeomRgba;

        var background = SkyColor;
        for (int g = 0; g < ngeom; g++)
            if (types[g] == (int)MjGeomType.Plane && view.FromAbove) background = ColorOf(rgba, g);
        scene.Begin(ScreenSize, ScreenSize, background, camera);

        for (int g = 0; g < ngeom; g++)
        {
            if (types[g] != (int)MjGeomType.Plane) continue;
            if (view.FromAbove) DescribeFloorFromAbove(scene, camera);
            else DescribeGroundFromSide(scene, camera, (float)pos[3 * g + 2], ColorOf(rgba, g));
        }

        SortByDepth(view.FromAbove, types, pos);
        ReadOnlySpan<double> size = _model.GeomSize, mat = _data.GeomXmat;
        foreach (int g in _drawOrder.AsSpan(0, ngeom))
        {
            if (types[g] == (int)MjGeomType.Plane) continue;
            var p = new Vector3((float)pos[3 * g], (float)pos[3 * g + 1], (float)pos[3 * g + 2]);
            ReadOnlySpan<double> r = mat.Slice(9 * g, 9);
            // The columns of the row-major rotation are the geom's local axes in world coordinates.
            var ax = new Vector3((float)r[0], (float)r[3], (float)r[6]);
            var ay = new Vector3((float)r[1], (float)r[4], (float)r[7]);
            var az = new Vector3((float)r[2], (float)r[5], (float)r[8]);
            float s0 = (float)size[3 * g], s1 = (float)size[3 * g + 1], s2 = (float)size[3 * g + 2];
            var color = ColorOf(rgba, g);
            switch ((MjGeomType)types[g])
            {
                case MjGeomType.Sphere:
                    scene.Circle(Project(p, view), s0, color);
                    break;
                case MjGeomType.Capsule:
                    var a = Project(p + s1 * az, view);
                    var b = Project(p - s1 * az, view);
                    scene.Line(a, b, 2 * s0, color);
                    scene.Circle(a, s0, color);
                    scene.Circle(b, s0, color);
                    break;
                case MjGeomType.Box:
                    int n = 0;
                    for (int i = 0; i < 8; i++)
                        _outline[n++] = Project(p + ((i & 1) == 0 ? -s0 : s0) * ax + ((i & 2) == 0 ? -s1 : s1) * ay + ((i & 4) == 0 ? -s2 : s2) * az, view);
                    DescribeHull(scene, n, color);
                    break;
                case MjGeomType.Cylinder:
                    n = 0;
                    for (int i = 0; i < HullSamples / 2; i++)
                    {
                        float t = MathF.Tau * i / (HullSamples / 2);
                        var rim = s0 * (MathF.Cos(t) * ax + MathF.Sin(t) * ay);
                        _outline[n++] = Project(p + rim + s1 * az, view);
                        _outline[n++] = Project(p + rim - s1 * az, view);
                    }
                    DescribeHull(scene, n, color);
                    break;
                case MjGeomType.Ellipsoid:
                    n = 0;
                    for (int i = 0; i < HullSamples; i++)
                    {
                        // Points on the three principal ellipses bound the projection's outline closely enough for a picture.
                        float t = MathF.Tau * (i % 32) / 32, c = MathF.Cos(t), s = MathF.Sin(t);
                        var local = (i / 32) switch { 0 => s0 * c * ax + s1 * s * ay, 1 => s1 * c * ay + s2 * s * az, _ => s0 * c * ax + s2 * s * az };
                        _outline[n++] = Project(p + local, view);
                    }
                    DescribeHull(scene, n, color);
                    break;
            }
        }
    }

    private static Vector2 Project(Vector3 p, LocomotionView view) => view.FromAbove ? new Vector2(p.X, p.Y) : new Vector2(p.X, p.Z);

    private static Color ColorOf(ReadOnlySpan<float> rgba, int geom) => new(
        ToByte(rgba[4 * geom]), ToByte(rgba[4 * geom + 1]), ToByte(rgba[4 * geom + 2]), ToByte(rgba[4 * geom + 3]));

    private static byte ToByte(float unit) => (byte)Math.Clamp(MathF.Round(unit * 255), 0, 255);

    private static Color Darker(Color c, float factor) =>
        new((byte)(c.R * factor), (byte)(c.G * factor), (byte)(c.B * factor), c.A);

    /// <summary>Orders the geoms farthest first (largest y seen from −y; lowest z seen from above), ties in model order.</summary>
    private void SortByDepth(bool fromAbove, ReadOnlySpan<int> types, ReadOnlySpan<double> pos)
    {
        int n = types.Length;
        if (_drawOrder.Length != n)
        {
            _drawOrder = new int[n];
            _drawDepth = new double[n];
        }
        for (int g = 0; g < n; g++)
        {
            double depth = fromAbove ? -pos[3 * g + 2] : pos[3 * g + 1];
            // Insertion sort: stable, allocation-free, and models have tens of geoms.
            int i = g;
            for (; i > 0 && _drawDepth[i - 1] < depth; i--)
            {
                _drawDepth[i] = _drawDepth[i - 1];
                _drawOrder[i] = _drawOrder[i - 1];
            }
            _drawDepth[i] = depth;
            _drawOrder[i] = g;
        }
    }

    private static void DescribeGroundFromSide(Scene scene, Camera2D camera, float groundZ, Color color)
    {
        float lineWidth = (camera.Right - camera.Left) / ScreenSize * 2;
        scene.Rect(new Vector2(camera.Left, camera.Bottom), new Vector2(camera.Right, groundZ), color);
        var shade = Darker(color, 0.9f);
        float tickDepth = (camera.Top - camera.Bottom) * 0.03f;
        // Stripes anchored to world x (not the camera), so the ground slides by as the body moves.
        for (float x = MathF.Floor(camera.Left / GroundStripe) * GroundStripe; x < camera.Right; x += GroundStripe)
        {
            if (((int)MathF.Round(x / GroundStripe) & 1) == 0)
                scene.Rect(new Vector2(x, camera.Bottom), new Vector2(x + GroundStripe, groundZ), shade);
            scene.Line(new Vector2(x, groundZ), new Vector2(x, groundZ - tickDepth), lineWidth, GroundLineColor);
        }
        scene.Line(new Vector2(camera.Left, groundZ), new Vector2(camera.Right, groundZ), lineWidth, GroundLineColor);
    }

    private static void DescribeFloorFromAbove(Scene scene, Camera2D camera)
    {
        float lineWidth = (camera.Right - camera.Left) / ScreenSize;
        var grid = GroundLineColor.WithAlpha(90);
        for (float x = MathF.Floor(camera.Left / GroundStripe) * GroundStripe; x < camera.Right; x += GroundStripe)
            scene.Line(new Vector2(x, camera.Bottom), new Vector2(x, camera.Top), lineWidth, grid);
        for (float y = MathF.Floor(camera.Bottom / GroundStripe) * GroundStripe; y < camera.Top; y += GroundStripe)
            scene.Line(new Vector2(camera.Left, y), new Vector2(camera.Right, y), lineWidth, grid);
    }

    /// <summary>Fills the convex hull of <c>_outline[..count]</c> (Andrew's monotone chain).</summary>
    private void DescribeHull(Scene scene, int count, Color color)
    {
        var points = _outline.AsSpan(0, count);
        points.Sort(static (a, b) => a.X != b.X ? a.X.CompareTo(b.X) : a.Y.CompareTo(b.Y));
        int k = 0;
        for (int i = 0; i < count; i++)
        {
            while (k >= 2 && Cross(_hull[k - 2], _hull[k - 1], points[i]) <= 0) k--;
            _hull[k++] = points[i];
        }
        for (int i = count - 2, lower = k + 1; i >= 0; i--)
        {
            while (k >= lower && Cross(_hull[k - 2], _hull[k - 1], points[i]) <= 0) k--;
            _hull[k++] = points[i];
        }
        // The last point repeats the first; a degenerate (edge-on) hull has nothing to fill.
        if (k - 1 >= 3) scene.Polygon(_hull.AsSpan(0, k - 1), color);
    }

    private static float Cross(Vector2 o, Vector2 a, Vector2 b) => (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);
}
