using System.IO.Compression;
using Rl.Core.Rendering;

namespace Rl.Training.Plotting;

/// <summary>An sRGB colour with an opacity (0 transparent .. 1 opaque).</summary>
internal readonly record struct Rgba(byte R, byte G, byte B, float A = 1)
{
    /// <summary>The same colour with opacity <paramref name="a"/>.</summary>
    public Rgba WithAlpha(float a) => this with { A = a };

    /// <summary>Opaque black.</summary>
    public static Rgba Black => new(0, 0, 0);

    /// <summary>Opaque white.</summary>
    public static Rgba White => new(255, 255, 255);

    /// <summary>Opaque mid grey.</summary>
    public static Rgba Gray => new(128, 128, 128);
}

/// <summary>
/// Closed polygons in pixel coordinates (y down), built from lines and quadratic curves (flattened to lines as they are
/// added). Filled with the non-zero rule: overlapping parts of one shape are painted once.
/// </summary>
internal sealed class Shape
{
    private readonly List<List<(float X, float Y)>> _contours = [];
    private List<(float X, float Y)>? _open;

    /// <summary>The contours.</summary>
    public IReadOnlyList<List<(float X, float Y)>> Contours => _contours;

    /// <summary>Starts a new contour at (x, y).</summary>
    public void MoveTo(float x, float y)
    {
        _open = [(x, y)];
        _contours.Add(_open);
    }

    /// <summary>A straight edge to (x, y).</summary>
    public void LineTo(float x, float y) => (_open ?? throw new InvalidOperationException("LineTo before MoveTo")).Add((x, y));

    /// <summary>A quadratic curve through control point (cx, cy) to (x, y), flattened.</summary>
    public void QuadTo(float cx, float cy, float x, float y)
    {
        var open = _open ?? throw new InvalidOperationException("QuadTo before MoveTo");
        var (x0, y0) = open[^1];
        float deviation = MathF.Abs(x0 - 2 * cx + x) + MathF.Abs(y0 - 2 * cy + y);
        int n = Math.Clamp((int)MathF.Ceiling(MathF.Sqrt(deviation * 2)), 1, 16);
        for (int i = 1; i <= n; i++)
        {
            float t = (float)i / n, u = 1 - t;
            open.Add((u * u * x0 + 2 * u * t * cx + t * t * x, u * u * y0 + 2 * u * t * cy + t * t * y));
        }
    }

    /// <summary>Adds a contour from points, turned so that its signed area has the sign of <paramref name="clockwise"/>
    /// (on screen); contours of one orientation add up, opposite ones cut holes.</summary>
    public void AddPolygon(IReadOnlyList<(float X, float Y)> points, bool clockwise = true)
    {
        if (points.Count < 3) return;
        double area = 0;
        for (int i = 0; i < points.Count; i++)
        {
            var (ax, ay) = points[i];
            var (bx, by) = points[(i + 1) % points.Count];
            area += (double)ax * by - (double)bx * ay;
        }
        var contour = new List<(float X, float Y)>(points);
        if (area > 0 != clockwise) contour.Reverse();
        _contours.Add(contour);
        _open = null;
    }

    /// <summary>An axis-aligned rectangle.</summary>
    public void AddRect(float left, float top, float right, float bottom) =>
        AddPolygon([(left, top), (right, top), (right, bottom), (left, bottom)]);

    /// <summary>A disc (a polygon close to a circle).</summary>
    public void AddCircle(float cx, float cy, float r, bool clockwise = true)
    {
        int n = Math.Clamp((int)(r * 4), 12, 64);
        var points = new (float, float)[n];
        for (int i = 0; i < n; i++)
        {
            double t = 2 * Math.PI * i / n;
            points[i] = (cx + r * (float)Math.Cos(t), cy + r * (float)Math.Sin(t));
        }
        AddPolygon(points, clockwise);
    }

    /// <summary>The outline of a polyline drawn with a pen of <paramref name="width"/> (round joins, flat ends), optionally
    /// dashed (<paramref name="dash"/> on, <paramref name="gap"/> off, in pixels).</summary>
    public void AddStroke(IReadOnlyList<(float X, float Y)> points, float width, float dash = 0, float gap = 0)
    {
        if (dash > 0)
        {
            foreach (var piece in Dashes(points, dash, gap)) AddStroke(piece, width);
            return;
        }
        float h = width / 2;
        for (int i = 0; i + 1 < points.Count; i++)
        {
            var (x0, y0) = points[i];
            var (x1, y1) = points[i + 1];
            float dx = x1 - x0, dy = y1 - y0, len = MathF.Sqrt(dx * dx + dy * dy);
            if (len < 1e-6f) continue;
            float nx = -dy / len * h, ny = dx / len * h;
            AddPolygon([(x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)]);
            if (i > 0 && width > 1.2f) AddCircle(x0, y0, h);
        }
    }

    private static IEnumerable<List<(float X, float Y)>> Dashes(IReadOnlyList<(float X, float Y)> points, float dash, float gap)
    {
        var piece = new List<(float X, float Y)>();
        bool on = true;
        float left = dash;
        if (points.Count > 0) piece.Add(points[0]);
        for (int i = 0; i + 1 < points.Count; i++)
        {
            var (x0, y0) = points[i];
            var (x1, y1) = points[i + 1];
            float len = MathF.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)), at = 0;
            while (len - at > left)
            {
                at += left;
                float t = at / len;
                var p = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t);
                if (on)
                {
                    piece.Add(p);
                    yield return piece;
                    piece = [];
                }
                else piece.Add(p);
                on = !on;
                left = on ? dash : gap;
            }
            left -= len - at;
            if (on) piece.Add((x1, y1));
        }
        if (on && piece.Count > 1) yield return piece;
    }
}

/// <summary>
/// An RGB image that shapes are painted on with anti-aliasing: each shape's edges add signed covered area into a per-pixel
/// buffer, a running sum along each row turns that into coverage (non-zero rule, clamped to 1), and the colour is blended by
/// coverage times opacity. Written out as PNG (zlib from the base library, CRC-32 here).
/// </summary>
internal sealed class Raster
{
    private readonly byte[] _rgb;
    private readonly float[] _area;
    private readonly int _stride;

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Only pixels inside this rectangle are painted (left, top, right, bottom; whole pixels).</summary>
    public (int Left, int Top, int Right, int Bottom) Clip { get; set; }

    /// <summary>A white image.</summary>
    public Raster(int width, int height)
    {
        if (width <= 0 || height <= 0 || (long)width * height > 64_000_000)
            throw new ArgumentException($"a figure of {width} x {height} pixels is not drawable");
        Width = width;
        Height = height;
        _rgb = new byte[width * height * 3];
        Array.Fill(_rgb, (byte)255);
        _stride = width + 2;
        _area = new float[_stride * height];
        Clip = (0, 0, width, height);
    }

    /// <summary>The red, green and blue bytes of pixel (x, y).</summary>
    public (byte R, byte G, byte B) Pixel(int x, int y)
    {
        int i = (y * Width + x) * 3;
        return (_rgb[i], _rgb[i + 1], _rgb[i + 2]);
    }

    /// <summary>Paints <paramref name="shape"/> (non-zero rule) in <paramref name="color"/>.</summary>
    public void Fill(Shape shape, Rgba color)
    {
        float minX = float.MaxValue, minY = float.MaxValue, maxX = float.MinValue, maxY = float.MinValue;
        foreach (var contour in shape.Contours)
        {
            for (int i = 0; i < contour.Count; i++)
            {
                var (x0, y0) = contour[i];
                var (x1, y1) = contour[(i + 1) % contour.Count];
                if (!float.IsFinite(x0) || !float.IsFinite(y0) || !float.IsFinite(x1) || !float.IsFinite(y1)) continue;
                Edge(x0, y0, x1, y1);
                minX = Math.Min(minX, x0);
                maxX = Math.Max(maxX, x0);
                minY = Math.Min(minY, y0);
                maxY = Math.Max(maxY, y0);
            }
        }
        if (minX > maxX) return;
        int top = Math.Max(0, (int)MathF.Floor(minY)), bottom = Math.Min(Height, (int)MathF.Ceiling(maxY) + 1);
        int left = Math.Max(0, (int)MathF.Floor(minX)), right = Math.Min(_stride, (int)MathF.Ceiling(maxX) + 2);
        for (int y = top; y < bottom; y++)
        {
            int row = y * _stride;
            float sum = 0;
            bool inRows = y >= Clip.Top && y < Clip.Bottom;
            for (int x = left; x < right; x++)
            {
                sum += _area[row + x];
                _area[row + x] = 0;
                if (!inRows || x < Clip.Left || x >= Clip.Right || x >= Width) continue;
                float cover = Math.Min(1, Math.Abs(sum)) * color.A;
                if (cover <= 0.002f) continue;
                int p = (y * Width + x) * 3;
                _rgb[p] = Blend(_rgb[p], color.R, cover);
                _rgb[p + 1] = Blend(_rgb[p + 1], color.G, cover);
                _rgb[p + 2] = Blend(_rgb[p + 2], color.B, cover);
            }
        }
    }

    private static byte Blend(byte under, byte over, float a) => (byte)(under + (over - under) * a + 0.5f);

    /// <summary>Adds one edge's signed area; pieces left of the image count at its left border, pieces right of it are
    /// cut off (they cannot change coverage inside).</summary>
    private void Edge(float x0, float y0, float x1, float y1)
    {
        // Split at x = 0 and x = Width so each piece lies on one side; outside pieces become vertical lines on the border.
        foreach (float bound in (ReadOnlySpan<float>)[0, Width])
        {
            if (x0 < bound && x1 > bound || x0 > bound && x1 < bound)
            {
                float t = (bound - x0) / (x1 - x0), ym = y0 + (y1 - y0) * t;
                Edge(x0, y0, bound, ym);
                Edge(bound, ym, x1, y1);
                return;
            }
        }
        x0 = Math.Clamp(x0, 0, Width);
        x1 = Math.Clamp(x1, 0, Width);
        if (y0 == y1) return;
        float dir = 1;
        if (y0 > y1)
        {
            (x0, x1) = (x1, x0);
            (y0, y1) = (y1, y0);
            dir = -1;
        }
        if (y1 <= 0 || y0 >= Height) return;
        float dxdy = (x1 - x0) / (y1 - y0);
        float yStart = Math.Max(y0, 0), yEnd = Math.Min(y1, Height);
        float x = x0 + (yStart - y0) * dxdy;
        for (int y = (int)yStart; y < yEnd; y++)
        {
            float dy = Math.Min(y + 1, yEnd) - Math.Max(y, yStart);
            float xNext = x + dxdy * dy;
            float d = dy * dir;
            float xa = Math.Min(x, xNext), xb = Math.Max(x, xNext);
            int row = y * _stride;
            int ia = (int)xa, ib = (int)MathF.Ceiling(xb);
            if (ib <= ia + 1)
            {
                // The edge stays within one pixel column in this row: split its area by its mean x.
                float frac = (xa + xb) / 2 - ia;
                _area[row + ia] += d * (1 - frac);
                _area[row + ia + 1] += d * frac;
            }
            else
            {
                // Across several columns: the covered area grows linearly between the first and the last column.
                float s = 1 / (xb - xa);
                float fa = xa - ia;
                float first = 0.5f * s * (1 - fa) * (1 - fa);
                float fb = xb - (ib - 1);
                float last = 0.5f * s * fb * fb;
                _area[row + ia] += d * first;
                float covered = first;
                for (int c = ia + 1; c < ib - 1; c++)
                {
                    float step = c == ia + 1 ? s * (1.5f - fa) - first : s;
                    _area[row + c] += d * step;
                    covered += step;
                }
                _area[row + ib - 1] += d * (1 - covered - last);
                _area[row + ib] += d * last;
            }
            x = xNext;
        }
    }

    /// <summary>The image as a PNG file (8-bit RGB).</summary>
    public byte[] EncodePng()
    {
        using var output = new MemoryStream();
        Png.Write(output, _rgb, Width, Height, 3, PngFilter.Sub, CompressionLevel.Optimal);
        return output.ToArray();
    }
}
