using System.Numerics;
using System.Runtime.InteropServices;
using Rl.Core.Rendering;

namespace Rl.Rendering;

/// <summary>One vertex as the shader reads it: position in normalized device coordinates, texture coordinates, RGBA colour.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct Vertex
{
    public float X, Y, U, V;
    public uint Color;
}

/// <summary>What a draw call samples: nothing (flat colour), the built-in font, or an image.</summary>
internal enum DrawSource : byte { Solid, Font, Image }

/// <summary>
/// A run of vertices drawn with one state: flat colour or a texture, with or without alpha blending. Opaque flat shapes,
/// the bulk of every scene, are drawn without texture sampling or blending, which llvmpipe pays for per pixel.
/// </summary>
internal readonly record struct DrawCall(DrawSource Source, Image? Image, bool Blend, int First, int Count);

/// <summary>
/// Turns scenes into triangles, on the CPU, for one draw pass into a target of a given pixel size. Several scenes can go into
/// one batch, each into its own tile of the target (the atlas used for batched rendering). Work is done in target pixels,
/// so lines and circles keep at least one pixel at any frame size, then converted to normalized device coordinates.
/// </summary>
internal sealed class VertexBatch
{
    private Vertex[] _vertices = new Vertex[4096];
    private readonly List<DrawCall> _calls = [];
    private int _count;
    private int[] _indexScratch = new int[64];
    private Vector2[] _pointScratch = new Vector2[64];

    private float _ndcX, _ndcY; // 2 / target size

    public ReadOnlySpan<Vertex> Vertices => _vertices.AsSpan(0, _count);
    public IReadOnlyList<DrawCall> Calls => _calls;

    /// <summary>Starts a pass into a target of <paramref name="targetWidth"/> x <paramref name="targetHeight"/> pixels.</summary>
    public void Begin(int targetWidth, int targetHeight)
    {
        _count = 0;
        _calls.Clear();
        _ndcX = 2f / targetWidth;
        _ndcY = 2f / targetHeight;
    }

    /// <summary>
    /// Adds a scene drawn into the tile whose bottom-left pixel corner is (<paramref name="tileX"/>, <paramref name="tileY"/>)
    /// in OpenGL's window coordinates (y up). With <paramref name="background"/> false the caller clears the target to the
    /// scene's background instead (a clear is much cheaper than a full-tile quad in a software rasterizer).
    /// </summary>
    public void AddScene(Scene scene, float tileX, float tileY, float tileWidth, float tileHeight, bool background = true)
    {
        var cam = scene.Camera;
        var world = new Transform(tileWidth / (cam.Right - cam.Left), tileHeight / (cam.Top - cam.Bottom),
            tileX - cam.Left * tileWidth / (cam.Right - cam.Left), tileY - cam.Bottom * tileHeight / (cam.Top - cam.Bottom));
        // Screen (HUD) coordinates: scene pixels, origin top-left, y down.
        var screen = new Transform(tileWidth / scene.Width, -tileHeight / scene.Height, tileX, tileY + tileHeight);

        // The background is drawn opaque, so every pixel of the tile is written and the target needs no clearing.
        if (background) Quad(new Vector2(tileX, tileY), new Vector2(tileX + tileWidth, tileY + tileHeight), scene.Background.WithAlpha(255).Packed);
        var points = scene.Points;
        foreach (ref readonly var shape in scene.Shapes)
        {
            var t = shape.Screen ? screen : world;
            var pts = points.Slice(shape.First, shape.Count);
            uint color = shape.Color.Packed;
            switch (shape.Kind)
            {
                case ShapeKind.Polygon: Polygon(pts, t, color); break;
                case ShapeKind.PolygonOutline: Lines(pts, closed: true, t.Width(shape.Size), t, color); break;
                case ShapeKind.Polyline: Lines(pts, closed: false, t.Width(shape.Size), t, color); break;
                case ShapeKind.Circle: Ellipse(t.Apply(pts[0]), shape.Size * MathF.Abs(t.Sx), shape.Size * MathF.Abs(t.Sy), 0, color); break;
                case ShapeKind.Ring: RingShape(t.Apply(pts[0]), shape.Size, t.Width(shape.Size2), t, color); break;
                case ShapeKind.Image: ImageQuad(shape.Image!, t.Apply(pts[0]), t.Apply(pts[1]), color); break;
                case ShapeKind.Text: Text(shape.Text!, t.Apply(pts[0]), shape.Size, t, color); break;
                case ShapeKind.Bar:
                    Vector2 a = t.Apply(pts[0]), b = t.Apply(pts[1]);
                    Quad(Vector2.Min(a, b), Vector2.Max(a, b), shape.Color2.Packed);
                    float right = a.X + (b.X - a.X) * shape.Size;
                    if (shape.Size > 0) Quad(Vector2.Min(a, new Vector2(right, b.Y)), Vector2.Max(a, new Vector2(right, b.Y)), color);
                    break;
                default: throw new ArgumentOutOfRangeException(nameof(scene), shape.Kind, "unknown shape kind");
            }
        }
    }

    private readonly record struct Transform(float Sx, float Sy, float Ox, float Oy)
    {
        public Vector2 Apply(Vector2 p) => new(p.X * Sx + Ox, p.Y * Sy + Oy);

        /// <summary>A line width in target pixels: at least one pixel, so thin lines survive small frames.</summary>
        public float Width(float w) => MathF.Max(w * MathF.Sqrt(MathF.Abs(Sx * Sy)), 1f);
    }

    private void Polygon(ReadOnlySpan<Vector2> corners, Transform t, uint color)
    {
        int n = corners.Length;
        if (_pointScratch.Length < n) _pointScratch = new Vector2[Math.Max(n, _pointScratch.Length * 2)];
        var p = _pointScratch.AsSpan(0, n);
        for (int i = 0; i < n; i++) p[i] = t.Apply(corners[i]);
        if (IsConvex(p))
        {
            for (int i = 1; i + 1 < n; i++) Triangle(p[0], p[i], p[i + 1], color);
            return;
        }
        EarClip(p, color);
    }

    private static bool IsConvex(ReadOnlySpan<Vector2> p)
    {
        int n = p.Length, sign = 0;
        for (int i = 0; i < n; i++)
        {
            Vector2 a = p[i], b = p[(i + 1) % n], c = p[(i + 2) % n];
            float cross = Cross(b - a, c - b);
            if (cross == 0) continue;
            int s = cross > 0 ? 1 : -1;
            if (sign == 0) sign = s;
            else if (s != sign) return false;
        }
        return true;
    }

    private static float Cross(Vector2 a, Vector2 b) => a.X * b.Y - a.Y * b.X;

    /// <summary>Triangulates a simple (possibly concave) polygon by ear clipping, O(n²).</summary>
    private void EarClip(ReadOnlySpan<Vector2> p, uint color)
    {
        int n = p.Length;
        if (_indexScratch.Length < n) _indexScratch = new int[Math.Max(n, _indexScratch.Length * 2)];
        var idx = _indexScratch.AsSpan(0, n);
        float area = 0;
        for (int i = 0; i < n; i++) area += Cross(p[i], p[(i + 1) % n]);
        float orient = area >= 0 ? 1 : -1;
        for (int i = 0; i < n; i++) idx[i] = i;
        int remaining = n, guard = 0;
        int k = 0;
        while (remaining > 3 && guard < remaining * remaining)
        {
            guard++;
            int i0 = idx[(k + remaining - 1) % remaining], i1 = idx[k % remaining], i2 = idx[(k + 1) % remaining];
            Vector2 a = p[i0], b = p[i1], c = p[i2];
            bool ear = Cross(b - a, c - b) * orient > 0;
            for (int j = 0; ear && j < remaining; j++)
            {
                int q = idx[j];
                if (q == i0 || q == i1 || q == i2) continue;
                if (InTriangle(p[q], a, b, c, orient)) ear = false;
            }
            if (ear)
            {
                Triangle(a, b, c, color);
                int at = k % remaining;
                idx[(at + 1)..remaining].CopyTo(idx[at..]);
                remaining--;
                guard = 0;
                k = at % remaining;
            }
            else k = (k + 1) % remaining;
        }
        if (remaining == 3) Triangle(p[idx[0]], p[idx[1]], p[idx[2]], color);
    }

    private static bool InTriangle(Vector2 q, Vector2 a, Vector2 b, Vector2 c, float orient) =>
        Cross(b - a, q - a) * orient >= 0 && Cross(c - b, q - b) * orient >= 0 && Cross(a - c, q - c) * orient >= 0;

    private void Lines(ReadOnlySpan<Vector2> pts, bool closed, float widthPx, Transform t, uint color)
    {
        int segments = closed ? pts.Length : pts.Length - 1;
        for (int i = 0; i < segments; i++)
            Segment(t.Apply(pts[i]), t.Apply(pts[(i + 1) % pts.Length]), widthPx, color);
    }

    private void Segment(Vector2 a, Vector2 b, float widthPx, uint color)
    {
        var d = b - a;
        float len = d.Length();
        if (len == 0) return;
        var n = new Vector2(-d.Y, d.X) * (widthPx / 2 / len);
        Triangle(a - n, b - n, b + n, color);
        Triangle(a - n, b + n, a + n, color);
    }

    private void RingShape(Vector2 center, float radius, float widthPx, Transform t, uint color)
    {
        float rx = radius * MathF.Abs(t.Sx), ry = radius * MathF.Abs(t.Sy);
        Ellipse(center, rx + widthPx / 2, ry + widthPx / 2, MathF.Max(0, MathF.Min(rx, ry) - widthPx / 2), color);
    }

    /// <summary>A filled ellipse, or an annulus when <paramref name="inner"/> &gt; 0 (inner radius scaled with the outer).</summary>
    private void Ellipse(Vector2 c, float rx, float ry, float inner, uint color)
    {
        float r = MathF.Max(rx, ry);
        int n = float.IsFinite(r) ? Math.Clamp((int)MathF.Ceiling(MathF.Min(r, 1000f) * 1.5f), 8, 96) : 8;
        float step = 2 * MathF.PI / n;
        float innerScale = inner > 0 ? inner / MathF.Max(rx, ry) : 0;
        var prev = c + new Vector2(rx, 0);
        for (int i = 1; i <= n; i++)
        {
            var (s, co) = MathF.SinCos(i * step);
            var cur = c + new Vector2(rx * co, ry * s);
            if (innerScale == 0) Triangle(c, prev, cur, color);
            else
            {
                var ip = c + (prev - c) * innerScale;
                var ic = c + (cur - c) * innerScale;
                Triangle(ip, prev, cur, color);
                Triangle(ip, cur, ic, color);
            }
            prev = cur;
        }
    }

    private void ImageQuad(Image image, Vector2 a, Vector2 b, uint tint)
    {
        // Texture row 0 is the image's top row: v = 0 goes to the upper of the two corners.
        float x0 = MathF.Min(a.X, b.X), x1 = MathF.Max(a.X, b.X), y0 = MathF.Min(a.Y, b.Y), y1 = MathF.Max(a.Y, b.Y);
        Use(DrawSource.Image, image, blend: true);
        Emit(x0, y0, 0, 1, tint); Emit(x1, y0, 1, 1, tint); Emit(x1, y1, 1, 0, tint);
        Emit(x0, y0, 0, 1, tint); Emit(x1, y1, 1, 0, tint); Emit(x0, y1, 0, 0, tint);
    }

    private void Text(string text, Vector2 topLeft, float height, Transform t, uint color)
    {
        float px = height / BitmapFont.GlyphHeight; // glyph pixel in scene pixels
        float gx = px * t.Sx, gy = px * t.Sy;      // glyph pixel in target pixels (gy < 0: screen y runs down)
        Use(DrawSource.Font, null, blend: true);
        float x = topLeft.X, y = topLeft.Y;
        foreach (char ch in text)
        {
            if (ch == '\n')
            {
                x = topLeft.X;
                y += gy * (BitmapFont.GlyphHeight + 2);
                continue;
            }
            var (u0, v0, u1, v1) = BitmapFont.GlyphRect(ch);
            float x1 = x + gx * BitmapFont.GlyphWidth, y1 = y + gy * BitmapFont.GlyphHeight;
            Emit(x, y, u0, v0, color); Emit(x1, y, u1, v0, color); Emit(x1, y1, u1, v1, color);
            Emit(x, y, u0, v0, color); Emit(x1, y1, u1, v1, color); Emit(x, y1, u0, v1, color);
            x += gx * BitmapFont.Advance;
        }
    }

    private void Quad(Vector2 min, Vector2 max, uint color)
    {
        Triangle(min, new Vector2(max.X, min.Y), max, color);
        Triangle(min, max, new Vector2(min.X, max.Y), color);
    }

    private void Triangle(Vector2 a, Vector2 b, Vector2 c, uint color)
    {
        Use(DrawSource.Solid, null, blend: color >> 24 != 255);
        Emit(a.X, a.Y, 0, 0, color);
        Emit(b.X, b.Y, 0, 0, color);
        Emit(c.X, c.Y, 0, 0, color);
    }

    private void Use(DrawSource source, Image? image, bool blend)
    {
        if (_calls.Count > 0)
        {
            var last = _calls[^1];
            if (last.Source == source && ReferenceEquals(last.Image, image) && last.Blend == blend) return;
        }
        CloseCall();
        if (_calls.Count > 0 && _calls[^1].Count == 0) _calls.RemoveAt(_calls.Count - 1);
        _calls.Add(new DrawCall(source, image, blend, _count, 0));
    }

    private void CloseCall()
    {
        if (_calls.Count == 0) return;
        var last = _calls[^1];
        _calls[^1] = last with { Count = _count - last.First };
    }

    /// <summary>Finishes the batch (closes the last draw call).</summary>
    public void End() => CloseCall();

    private void Emit(float px, float py, float u, float v, uint color)
    {
        if (_count == _vertices.Length) Array.Resize(ref _vertices, _vertices.Length * 2);
        ref var vx = ref _vertices[_count++];
        vx.X = px * _ndcX - 1f;
        vx.Y = py * _ndcY - 1f;
        vx.U = u;
        vx.V = v;
        vx.Color = color;
    }
}
