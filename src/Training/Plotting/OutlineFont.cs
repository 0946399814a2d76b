using System.Buffers.Binary;

namespace Rl.Training.Plotting;

/// <summary>
/// A TrueType font read by the toolkit itself, so that plot text is drawn as filled glyph outlines (<see cref="Shape"/>)
/// and never through a system font library (SkiaSharp's Linux build opens every file under /usr/share/fonts the first time any
/// SkiaSharp object is made; see docs/architecture.md). It reads the
/// tables a horizontal Latin text needs (cmap format 4, hmtx, loca, glyf with simple and composite glyphs); no kerning, no
/// hinting, no shaping. The plots use the DejaVu Sans subsets embedded in this assembly (<see cref="Regular"/>,
/// <see cref="Bold"/>).
/// </summary>
internal sealed class OutlineFont
{
    private readonly byte[] _data;
    private readonly int _glyf, _loca, _hmtx, _cmap4;
    private readonly bool _longLoca;
    private readonly int _glyphCount, _hMetricCount;
    private readonly Dictionary<int, List<List<(float X, float Y, bool On)>>> _outlines = [];
    private readonly Lock _gate = new();

    private static readonly Lazy<OutlineFont> RegularFont = new(() => FromResource("DejaVuSans-subset.ttf"));
    private static readonly Lazy<OutlineFont> BoldFont = new(() => FromResource("DejaVuSans-Bold-subset.ttf"));

    /// <summary>DejaVu Sans (subset: Latin-1, Greek, common punctuation and mathematical signs), embedded.</summary>
    public static OutlineFont Regular => RegularFont.Value;

    /// <summary>DejaVu Sans Bold, the same subset, embedded.</summary>
    public static OutlineFont Bold => BoldFont.Value;

    /// <summary>Font units per em (2048 for DejaVu).</summary>
    public int UnitsPerEm { get; }

    /// <summary>The ascender above the baseline, in font units (positive).</summary>
    public int Ascender { get; }

    /// <summary>The descender below the baseline, in font units (positive).</summary>
    public int Descender { get; }

    /// <summary>Reads a TrueType (glyf-outline) font from its bytes.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a TrueType font with the tables needed.</exception>
    public OutlineFont(byte[] data)
    {
        _data = data;
        if (data.Length < 12) throw new InvalidDataException("not a TrueType font: too short");
        int tables = U16(4);
        int head = -1, hhea = -1, maxp = -1;
        int cmap = -1;
        _glyf = _loca = _hmtx = -1;
        for (int i = 0; i < tables; i++)
        {
            int rec = 12 + 16 * i;
            string tag = System.Text.Encoding.ASCII.GetString(data, rec, 4);
            int offset = checked((int)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(rec + 8)));
            switch (tag)
            {
                case "head": head = offset; break;
                case "hhea": hhea = offset; break;
                case "maxp": maxp = offset; break;
                case "cmap": cmap = offset; break;
                case "glyf": _glyf = offset; break;
                case "loca": _loca = offset; break;
                case "hmtx": _hmtx = offset; break;
            }
        }
        if (head < 0 || hhea < 0 || maxp < 0 || cmap < 0 || _glyf < 0 || _loca < 0 || _hmtx < 0)
            throw new InvalidDataException("not a TrueType font with glyph outlines: a head, hhea, maxp, cmap, glyf, loca or hmtx table is missing");
        UnitsPerEm = U16(head + 18);
        _longLoca = S16(head + 50) != 0;
        Ascender = S16(hhea + 4);
        Descender = -S16(hhea + 6);
        _hMetricCount = U16(hhea + 34);
        _glyphCount = U16(maxp + 4);
        _cmap4 = -1;
        int subtables = U16(cmap + 2);
        for (int i = 0; i < subtables; i++)
        {
            int platform = U16(cmap + 4 + 8 * i), encoding = U16(cmap + 6 + 8 * i);
            int offset = cmap + (int)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(cmap + 8 + 8 * i));
            if ((platform == 3 && encoding == 1 || platform == 0) && U16(offset) == 4) _cmap4 = offset;
        }
        if (_cmap4 < 0) throw new InvalidDataException("not a usable TrueType font: no Unicode BMP (format 4) character map");
    }

    private static OutlineFont FromResource(string name)
    {
        var assembly = typeof(OutlineFont).Assembly;
        using var stream = assembly.GetManifestResourceStream("Rl.Training.Plotting." + name)
            ?? throw new InvalidOperationException($"the embedded font {name} is missing from {assembly.GetName().Name}");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return new OutlineFont(bytes);
    }

    /// <summary>The glyph of a character (0, the missing-glyph box, when the font lacks it).</summary>
    public int GlyphOf(char c)
    {
        int segments = U16(_cmap4 + 6) / 2;
        int ends = _cmap4 + 14, starts = ends + 2 * segments + 2, deltas = starts + 2 * segments, ranges = deltas + 2 * segments;
        int lo = 0, hi = segments - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            int end = U16(ends + 2 * mid);
            if (end < c) lo = mid + 1;
            else if (U16(starts + 2 * mid) > c) hi = mid - 1;
            else
            {
                int rangeOffset = U16(ranges + 2 * mid);
                int glyph;
                if (rangeOffset == 0) glyph = (c + S16(deltas + 2 * mid)) & 0xFFFF;
                else
                {
                    int at = ranges + 2 * mid + rangeOffset + 2 * (c - U16(starts + 2 * mid));
                    glyph = U16(at);
                    if (glyph != 0) glyph = (glyph + S16(deltas + 2 * mid)) & 0xFFFF;
                }
                return glyph < _glyphCount ? glyph : 0;
            }
        }
        return 0;
    }

    /// <summary>The horizontal advance of a glyph in font units.</summary>
    public int Advance(int glyph) => U16(_hmtx + 4 * Math.Min(glyph, _hMetricCount - 1));

    /// <summary>The width of <paramref name="text"/> at <paramref name="size"/> pixels per em.</summary>
    public float Measure(string text, float size)
    {
        long units = 0;
        foreach (char c in text) units += Advance(GlyphOf(c));
        return units * size / UnitsPerEm;
    }

    /// <summary>
    /// Adds the outline of <paramref name="text"/> at <paramref name="size"/> pixels per em to <paramref name="shape"/>, its
    /// baseline starting at (<paramref name="x"/>, <paramref name="y"/>); <paramref name="upwards"/> runs it bottom to top
    /// (a y-axis label) instead of left to right.
    /// </summary>
    public void AddText(Shape shape, string text, float size, float x, float y, bool upwards = false)
    {
        float scale = size / UnitsPerEm, pen = 0;
        // Font units have y up; the canvas has y down.
        (float, float) Map(float gx, float gy) => upwards ? (x - gy * scale, y - (pen + gx * scale)) : (x + pen + gx * scale, y - gy * scale);
        foreach (char c in text)
        {
            int glyph = GlyphOf(c);
            foreach (var contour in Outline(glyph))
            {
                int n = contour.Count;
                if (n < 2) continue;
                // Start at an on-curve point, or halfway between the first two off-curve ones (two off-curve points in a
                // row imply an on-curve point between them).
                int s = contour.FindIndex(p => p.On);
                (float X, float Y) start = s >= 0 ? (contour[s].X, contour[s].Y) : Mid(contour[0], contour[1]);
                if (s < 0) s = 0;
                var (mx, my) = Map(start.X, start.Y);
                shape.MoveTo(mx, my);
                (float X, float Y)? control = null;
                for (int k = 1; k <= n; k++)
                {
                    var p = contour[(s + k) % n];
                    if (p.On)
                    {
                        Segment(control, (p.X, p.Y));
                        control = null;
                    }
                    else
                    {
                        if (control is { } c0) Segment(c0, Mid(c0, p));
                        control = (p.X, p.Y);
                    }
                }
                if (control is not null) Segment(control, start);
            }
            pen += Advance(glyph) * scale;
        }

        void Segment((float X, float Y)? control, (float X, float Y) to)
        {
            var (tx, ty) = Map(to.X, to.Y);
            if (control is { } c)
            {
                var (cx, cy) = Map(c.X, c.Y);
                shape.QuadTo(cx, cy, tx, ty);
            }
            else shape.LineTo(tx, ty);
        }
    }

    private static (float X, float Y) Mid((float X, float Y) a, (float X, float Y, bool) b) => ((a.X + b.Item1) / 2, (a.Y + b.Item2) / 2);
    private static (float X, float Y) Mid((float X, float Y, bool) a, (float X, float Y, bool) b) => ((a.Item1 + b.Item1) / 2, (a.Item2 + b.Item2) / 2);

    /// <summary>The contours of a glyph in font units (y up), cached.</summary>
    private List<List<(float X, float Y, bool On)>> Outline(int glyph)
    {
        lock (_gate)
        {
            if (_outlines.TryGetValue(glyph, out var cached)) return cached;
            var contours = new List<List<(float X, float Y, bool On)>>();
            AddGlyph(contours, glyph, (1, 0, 0, 1, 0, 0), 0);
            _outlines[glyph] = contours;
            return contours;
        }
    }

    private (int Start, int End) GlyphRange(int glyph)
    {
        if (glyph < 0 || glyph >= _glyphCount) return (0, 0);
        int a = _longLoca ? (int)BinaryPrimitives.ReadUInt32BigEndian(_data.AsSpan(_loca + 4 * glyph)) : 2 * U16(_loca + 2 * glyph);
        int b = _longLoca ? (int)BinaryPrimitives.ReadUInt32BigEndian(_data.AsSpan(_loca + 4 * glyph + 4)) : 2 * U16(_loca + 2 * glyph + 2);
        return (_glyf + a, _glyf + b);
    }

    private void AddGlyph(List<List<(float X, float Y, bool On)>> path, int glyph, (float A, float B, float C, float D, float E, float F) t, int depth)
    {
        var (start, end) = GlyphRange(glyph);
        if (end <= start || depth > 8) return;
        int contours = S16(start);
        if (contours >= 0) AddSimple(path, start, contours, t);
        else AddComposite(path, start, t, depth);
    }

    private void AddSimple(List<List<(float X, float Y, bool On)>> path, int start, int contours, (float A, float B, float C, float D, float E, float F) t)
    {
        int endPoints = start + 10;
        int count = contours == 0 ? 0 : U16(endPoints + 2 * (contours - 1)) + 1;
        int p = endPoints + 2 * contours;
        p += 2 + U16(p); // instructions
        var flags = new byte[count];
        for (int i = 0; i < count;)
        {
            byte f = _data[p++];
            flags[i++] = f;
            if ((f & 8) != 0)
                for (int r = _data[p++]; r > 0; r--) flags[i++] = f;
        }
        var xs = new int[count];
        var ys = new int[count];
        int v = 0;
        for (int i = 0; i < count; i++)
        {
            byte f = flags[i];
            if ((f & 2) != 0) v += (f & 16) != 0 ? _data[p++] : -_data[p++];
            else if ((f & 16) == 0) { v += S16(p); p += 2; }
            xs[i] = v;
        }
        v = 0;
        for (int i = 0; i < count; i++)
        {
            byte f = flags[i];
            if ((f & 4) != 0) v += (f & 32) != 0 ? _data[p++] : -_data[p++];
            else if ((f & 32) == 0) { v += S16(p); p += 2; }
            ys[i] = v;
        }
        int first = 0;
        for (int c = 0; c < contours; c++)
        {
            int last = U16(endPoints + 2 * c);
            var contour = new List<(float X, float Y, bool On)>(last - first + 1);
            for (int i = first; i <= last; i++)
                contour.Add((t.A * xs[i] + t.C * ys[i] + t.E, t.B * xs[i] + t.D * ys[i] + t.F, (flags[i] & 1) != 0));
            path.Add(contour);
            first = last + 1;
        }
    }

    private void AddComposite(List<List<(float X, float Y, bool On)>> path, int start, (float A, float B, float C, float D, float E, float F) t, int depth)
    {
        int p = start + 10;
        while (true)
        {
            int flags = U16(p), glyph = U16(p + 2);
            p += 4;
            float dx, dy;
            if ((flags & 1) != 0) { dx = S16(p); dy = S16(p + 2); p += 4; }
            else { dx = (sbyte)_data[p]; dy = (sbyte)_data[p + 1]; p += 2; }
            float a = 1, b = 0, c = 0, d = 1;
            if ((flags & 8) != 0) { a = d = F2Dot14(p); p += 2; }
            else if ((flags & 0x40) != 0) { a = F2Dot14(p); d = F2Dot14(p + 2); p += 4; }
            else if ((flags & 0x80) != 0) { a = F2Dot14(p); b = F2Dot14(p + 2); c = F2Dot14(p + 4); d = F2Dot14(p + 6); p += 8; }
            // Point-matching placement (ARGS_ARE_XY_VALUES clear) is not used by the embedded fonts; such a part is placed at 0.
            if ((flags & 2) == 0) dx = dy = 0;
            // x' = a x + c y + dx, y' = b x + d y + dy, then the parent's transform.
            var combined = (t.A * a + t.C * b, t.B * a + t.D * b, t.A * c + t.C * d, t.B * c + t.D * d,
                t.A * dx + t.C * dy + t.E, t.B * dx + t.D * dy + t.F);
            AddGlyph(path, glyph, combined, depth + 1);
            if ((flags & 0x20) == 0) break;
        }
    }

    private float F2Dot14(int at) => S16(at) / 16384f;
    private int U16(int at) => BinaryPrimitives.ReadUInt16BigEndian(_data.AsSpan(at));
    private int S16(int at) => BinaryPrimitives.ReadInt16BigEndian(_data.AsSpan(at));
}
