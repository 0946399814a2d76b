using System.Numerics;

namespace Rl.Core.Rendering;

/// <summary>An 8-bit sRGB colour with alpha (255 = opaque).</summary>
/// <param name="R">Red.</param>
/// <param name="G">Green.</param>
/// <param name="B">Blue.</param>
/// <param name="A">Alpha: 255 opaque, 0 fully transparent.</param>
public readonly record struct Color(byte R, byte G, byte B, byte A = 255)
{
    /// <summary>Opaque white.</summary>
    public static Color White => new(255, 255, 255);

    /// <summary>Opaque black.</summary>
    public static Color Black => new(0, 0, 0);

    /// <summary>The colour packed as little-endian RGBA bytes in a <see cref="uint"/> (R in the lowest byte).</summary>
    public uint Packed => R | ((uint)G << 8) | ((uint)B << 16) | ((uint)A << 24);

    /// <summary>The same colour with another alpha.</summary>
    public Color WithAlpha(byte alpha) => this with { A = alpha };
}

/// <summary>
/// The rectangle of the world a scene shows: world x from <paramref name="Left"/> to <paramref name="Right"/> and world y
/// from <paramref name="Bottom"/> to <paramref name="Top"/> (y points up) fill the whole frame, whatever its pixel size.
/// </summary>
/// <param name="Left">World x at the left edge.</param>
/// <param name="Right">World x at the right edge.</param>
/// <param name="Bottom">World y at the bottom edge.</param>
/// <param name="Top">World y at the top edge.</param>
public readonly record struct Camera2D(float Left, float Right, float Bottom, float Top)
{
    /// <summary>A camera whose world units are the pixels of a <paramref name="width"/> x <paramref name="height"/> frame, origin bottom-left.</summary>
    public static Camera2D Pixels(int width, int height) => new(0, width, 0, height);

    /// <summary>A camera of the given world size centred on <paramref name="center"/> (for views that follow a body).</summary>
    public static Camera2D Centered(Vector2 center, float width, float height) =>
        new(center.X - width / 2, center.X + width / 2, center.Y - height / 2, center.Y + height / 2);
}

/// <summary>
/// An RGBA image that scenes can draw as a textured quad (sprites, maps, a camera view). Pure data: the renderer uploads it
/// once and again whenever <see cref="Version"/> changes, so call <see cref="MarkChanged"/> after editing <see cref="Rgba"/>.
/// </summary>
public sealed class Image
{
    /// <summary>Creates an image; the pixels start transparent black.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If a dimension is not positive.</exception>
    public Image(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        Rgba = new byte[width * height * 4];
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Pixels, 4 bytes each (R, G, B, A), rows from the top.</summary>
    public byte[] Rgba { get; }

    /// <summary>Incremented by <see cref="MarkChanged"/>; the renderer re-uploads when it differs from what it holds.</summary>
    public int Version { get; private set; }

    /// <summary>Sets one pixel.</summary>
    public void SetPixel(int x, int y, Color c)
    {
        int i = (y * Width + x) * 4;
        Rgba[i] = c.R;
        Rgba[i + 1] = c.G;
        Rgba[i + 2] = c.B;
        Rgba[i + 3] = c.A;
    }

    /// <summary>Declares the pixels changed so the renderer uploads them again.</summary>
    public void MarkChanged() => Version++;
}

/// <summary>The kinds of primitive a <see cref="Scene"/> holds.</summary>
public enum ShapeKind : byte
{
    /// <summary>A filled simple polygon (convex or not) given by its corners.</summary>
    Polygon,
    /// <summary>The closed outline of a polygon, <see cref="Shape.Size"/> wide.</summary>
    PolygonOutline,
    /// <summary>An open chain of line segments, <see cref="Shape.Size"/> wide.</summary>
    Polyline,
    /// <summary>A filled circle: centre is the one point, radius <see cref="Shape.Size"/>.</summary>
    Circle,
    /// <summary>A circle outline: radius <see cref="Shape.Size"/>, line width <see cref="Shape.Size2"/>.</summary>
    Ring,
    /// <summary>An axis-aligned rectangle (two points: min and max corners) filled with <see cref="Shape.Image"/>, tinted by the colour.</summary>
    Image,
    /// <summary>Text (<see cref="Shape.Text"/>) with its top-left corner at the one point, <see cref="Shape.Size"/> high.</summary>
    Text,
    /// <summary>A bar (two points: min and max corners) filled to <see cref="Shape.Size"/> in [0, 1] with the colour over <see cref="Shape.Color2"/>.</summary>
    Bar,
}

/// <summary>One primitive of a <see cref="Scene"/>; its points are <see cref="Scene.Points"/>[<see cref="First"/>..+<see cref="Count"/>].</summary>
public readonly struct Shape
{
    /// <summary>What to draw.</summary>
    public ShapeKind Kind { get; init; }

    /// <summary>
    /// True for HUD shapes in screen coordinates: pixels of the scene's <see cref="Scene.Width"/> x <see cref="Scene.Height"/>,
    /// origin top-left, y down; false for world coordinates seen through <see cref="Scene.Camera"/>.
    /// </summary>
    public bool Screen { get; init; }

    /// <summary>The fill or line colour.</summary>
    public Color Color { get; init; }

    /// <summary>The second colour (a bar's background).</summary>
    public Color Color2 { get; init; }

    /// <summary>Index of the first point in <see cref="Scene.Points"/>.</summary>
    public int First { get; init; }

    /// <summary>Number of points.</summary>
    public int Count { get; init; }

    /// <summary>Radius, line width, text height or bar fill fraction, depending on <see cref="Kind"/>.</summary>
    public float Size { get; init; }

    /// <summary>A ring's line width.</summary>
    public float Size2 { get; init; }

    /// <summary>The text of a <see cref="ShapeKind.Text"/> shape.</summary>
    public string? Text { get; init; }

    /// <summary>The image of a <see cref="ShapeKind.Image"/> shape.</summary>
    public Image? Image { get; init; }
}

/// <summary>
/// What an environment wants drawn for its current state: a background, a camera onto the world, and primitives in painter's
/// order (later ones on top). Pure data, no graphics API: environments fill it (<see cref="IRenderable"/>) and a renderer
/// draws it at any pixel size. A scene is meant to be reused frame after frame; <see cref="Begin"/> clears it without
/// releasing its buffers, so describing a frame allocates nothing.
/// </summary>
/// <remarks>
/// Line widths and radii are in world units for world shapes and in screen pixels for HUD shapes; the renderer draws lines at
/// least one pixel wide so thin lines survive small frames. When the frame's aspect ratio differs from the scene's, the
/// picture is stretched (as resizing Gymnasium's rgb_array frame would).
/// </remarks>
public sealed class Scene
{
    private Shape[] _shapes = new Shape[16];
    private Vector2[] _points = new Vector2[64];
    private int _shapeCount;
    private int _pointCount;

    /// <summary>The native frame width in pixels (the default <c>rgb_array</c> size, and the HUD's coordinate width).</summary>
    public int Width { get; private set; } = 1;

    /// <summary>The native frame height in pixels.</summary>
    public int Height { get; private set; } = 1;

    /// <summary>The colour the frame is cleared to.</summary>
    public Color Background { get; set; } = Color.White;

    /// <summary>The part of the world the frame shows.</summary>
    public Camera2D Camera { get; set; } = new(0, 1, 0, 1);

    /// <summary>The primitives in drawing order.</summary>
    public ReadOnlySpan<Shape> Shapes => _shapes.AsSpan(0, _shapeCount);

    /// <summary>The points the primitives refer to.</summary>
    public ReadOnlySpan<Vector2> Points => _points.AsSpan(0, _pointCount);

    /// <summary>Starts a new frame: forgets all primitives and sets the native size, background and camera.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If a size is not positive or the camera is empty.</exception>
    public void Begin(int width, int height, Color background, Camera2D camera)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (!(camera.Right != camera.Left && camera.Top != camera.Bottom) || !float.IsFinite(camera.Left + camera.Right + camera.Top + camera.Bottom))
            throw new ArgumentOutOfRangeException(nameof(camera), camera, "the camera must show a non-empty, finite world rectangle");
        Width = width;
        Height = height;
        Background = background;
        Camera = camera;
        _shapeCount = 0;
        _pointCount = 0;
    }

    /// <summary>A filled polygon (convex or concave, not self-intersecting) with at least three corners, in world coordinates.</summary>
    public void Polygon(ReadOnlySpan<Vector2> corners, Color color) => Polygon(corners, color, screen: false);

    /// <summary>A filled polygon in world or screen coordinates.</summary>
    /// <exception cref="ArgumentException">If fewer than three corners are given.</exception>
    public void Polygon(ReadOnlySpan<Vector2> corners, Color color, bool screen)
    {
        if (corners.Length < 3) throw new ArgumentException($"a polygon needs at least 3 corners, got {corners.Length}", nameof(corners));
        Add(ShapeKind.Polygon, screen, color, corners, 0);
    }

    /// <summary>The closed outline of a polygon, <paramref name="width"/> wide, in world coordinates.</summary>
    /// <exception cref="ArgumentException">If fewer than two corners are given.</exception>
    public void PolygonOutline(ReadOnlySpan<Vector2> corners, float width, Color color)
    {
        if (corners.Length < 2) throw new ArgumentException($"a polygon outline needs at least 2 corners, got {corners.Length}", nameof(corners));
        Add(ShapeKind.PolygonOutline, false, color, corners, width);
    }

    /// <summary>An axis-aligned filled rectangle between two corners, in world coordinates.</summary>
    public void Rect(Vector2 min, Vector2 max, Color color) =>
        Polygon([min, new Vector2(max.X, min.Y), max, new Vector2(min.X, max.Y)], color, screen: false);

    /// <summary>An axis-aligned filled rectangle in screen pixels (origin top-left), for HUDs.</summary>
    public void ScreenRect(float x, float y, float width, float height, Color color) =>
        Polygon([new Vector2(x, y), new Vector2(x + width, y), new Vector2(x + width, y + height), new Vector2(x, y + height)], color, screen: true);

    /// <summary>A line segment <paramref name="width"/> wide (world units), in world coordinates.</summary>
    public void Line(Vector2 from, Vector2 to, float width, Color color) => Add(ShapeKind.Polyline, false, color, [from, to], width);

    /// <summary>An open chain of segments through at least two points, <paramref name="width"/> wide, in world coordinates.</summary>
    /// <exception cref="ArgumentException">If fewer than two points are given.</exception>
    public void Polyline(ReadOnlySpan<Vector2> points, float width, Color color)
    {
        if (points.Length < 2) throw new ArgumentException($"a polyline needs at least 2 points, got {points.Length}", nameof(points));
        Add(ShapeKind.Polyline, false, color, points, width);
    }

    /// <summary>A filled circle in world coordinates.</summary>
    public void Circle(Vector2 center, float radius, Color color) => Add(ShapeKind.Circle, false, color, [center], radius);

    /// <summary>A circle outline <paramref name="width"/> wide, in world coordinates.</summary>
    public void Ring(Vector2 center, float radius, float width, Color color)
    {
        Add(ShapeKind.Ring, false, color, [center], radius);
        _shapes[_shapeCount - 1] = _shapes[_shapeCount - 1] with { Size2 = width };
    }

    /// <summary>An image stretched over the axis-aligned rectangle from <paramref name="min"/> to <paramref name="max"/> (world coordinates), multiplied by <paramref name="tint"/>.</summary>
    public void Image(Rendering.Image image, Vector2 min, Vector2 max, Color tint) => Image(image, min, max, tint, screen: false);

    /// <summary>An image over a rectangle in world or screen coordinates (in screen coordinates <paramref name="min"/> is the top-left corner).</summary>
    public void Image(Rendering.Image image, Vector2 min, Vector2 max, Color tint, bool screen)
    {
        ArgumentNullException.ThrowIfNull(image);
        Add(ShapeKind.Image, screen, tint, [min, max], 0);
        _shapes[_shapeCount - 1] = _shapes[_shapeCount - 1] with { Image = image };
    }

    /// <summary>
    /// HUD text with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>) screen pixels, <paramref name="height"/>
    /// pixels high. The renderer's built-in font covers printable ASCII (letters are drawn upper-case).
    /// </summary>
    public void Text(string text, float x, float y, float height, Color color)
    {
        ArgumentNullException.ThrowIfNull(text);
        Add(ShapeKind.Text, true, color, [new Vector2(x, y)], height);
        _shapes[_shapeCount - 1] = _shapes[_shapeCount - 1] with { Text = text };
    }

    /// <summary>A HUD bar at (<paramref name="x"/>, <paramref name="y"/>) screen pixels, filled from the left to <paramref name="fraction"/> (clamped to [0, 1]).</summary>
    public void Bar(float x, float y, float width, float height, float fraction, Color fill, Color background)
    {
        Add(ShapeKind.Bar, true, fill, [new Vector2(x, y), new Vector2(x + width, y + height)], Math.Clamp(float.IsNaN(fraction) ? 0 : fraction, 0, 1));
        _shapes[_shapeCount - 1] = _shapes[_shapeCount - 1] with { Color2 = background };
    }

    private void Add(ShapeKind kind, bool screen, Color color, ReadOnlySpan<Vector2> points, float size)
    {
        if (_shapeCount == _shapes.Length) Array.Resize(ref _shapes, _shapes.Length * 2);
        if (_pointCount + points.Length > _points.Length) Array.Resize(ref _points, Math.Max(_points.Length * 2, _pointCount + points.Length));
        points.CopyTo(_points.AsSpan(_pointCount));
        _shapes[_shapeCount++] = new Shape { Kind = kind, Screen = screen, Color = color, First = _pointCount, Count = points.Length, Size = size };
        _pointCount += points.Length;
    }
}
