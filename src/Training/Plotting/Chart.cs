using System.Globalization;

namespace Rl.Training.Plotting;

/// <summary>Where a chart's legend goes.</summary>
internal enum LegendPlace
{
    /// <summary>Inside the data area, in its lower-right corner.</summary>
    LowerRight,

    /// <summary>Under the x-axis label, centred, in rows.</summary>
    Below,
}

/// <summary>How a series' points are drawn.</summary>
internal enum Marker
{
    /// <summary>No markers.</summary>
    None,

    /// <summary>A filled disc.</summary>
    FilledCircle,

    /// <summary>A ring.</summary>
    OpenCircle,

    /// <summary>A diagonal cross.</summary>
    Cross,
}

/// <summary>
/// One panel of a figure: an x-y data area with ticks, grid, title, axis labels and a legend, holding lines, markers,
/// bands and horizontal reference lines. The toolkit's own small plotting code (painted by <see cref="Raster"/>, text
/// as outlines from <see cref="OutlineFont"/>; no native library, no system font), used by the learning curve, the seed-group and comparison figures and the sweep
/// plots; a <see cref="Figure"/> stacks one or more panels into a PNG.
/// </summary>
internal sealed class Chart
{
    /// <summary>The matplotlib/Category10 colours, in order.</summary>
    public static readonly Rgba[] Palette =
    [
        new(0x1f, 0x77, 0xb4), new(0xff, 0x7f, 0x0e), new(0x2c, 0xa0, 0x2c), new(0xd6, 0x27, 0x28), new(0x94, 0x67, 0xbd),
        new(0x8c, 0x56, 0x4b), new(0xe3, 0x77, 0xc2), new(0x7f, 0x7f, 0x7f), new(0xbc, 0xbd, 0x22), new(0x17, 0xbe, 0xcf),
    ];

    private abstract record Item(string? Label, Rgba Color);
    private sealed record SeriesItem(double[] X, double[] Y, string? Label, Rgba Color, float LineWidth, Marker Marker, float MarkerSize)
        : Item(Label, Color);
    private sealed record BandItem(double[] X, double[] Lower, double[] Upper, Rgba Color) : Item(null, Color);
    private sealed record HLineItem(double Y, string? Label, Rgba Color, bool Dashed) : Item(Label, Color);

    private readonly List<Item> _items = [];
    private List<(double Value, string Label)>? _xTicks;
    private (double Min, double Max)? _xLimits;

    /// <summary>The title above the data area; empty: none.</summary>
    public string Title { get; set; } = "";

    /// <summary>The x-axis label.</summary>
    public string XLabel { get; set; } = "";

    /// <summary>The y-axis label.</summary>
    public string YLabel { get; set; } = "";

    /// <summary>Where the legend goes (only labelled items appear; no labelled item: no legend).</summary>
    public LegendPlace Legend { get; set; } = LegendPlace.LowerRight;

    /// <summary>Adds a series drawn as a line (<paramref name="lineWidth"/> &gt; 0) and/or markers. Non-finite points are
    /// skipped and break the line.</summary>
    public void Add(double[] x, double[] y, Rgba color, string? label = null, float lineWidth = 1.5f, Marker marker = Marker.None,
        float markerSize = 5)
    {
        if (x.Length != y.Length) throw new ArgumentException($"the series '{label}' has {x.Length} x values and {y.Length} y values");
        _items.Add(new SeriesItem(x, y, label, color, lineWidth, marker, markerSize));
    }

    /// <summary>Adds a filled band between <paramref name="lower"/> and <paramref name="upper"/> (not in the legend).</summary>
    public void AddBand(double[] x, double[] lower, double[] upper, Rgba color)
    {
        if (x.Length != lower.Length || x.Length != upper.Length) throw new ArgumentException("a band needs as many lower and upper values as x values");
        _items.Add(new BandItem(x, lower, upper, color));
    }

    /// <summary>Adds a horizontal line across the data area at <paramref name="y"/> (it counts for the y range).</summary>
    public void AddHorizontalLine(double y, Rgba color, string? label = null, bool dashed = true) =>
        _items.Add(new HLineItem(y, label, color, dashed));

    /// <summary>Labels the x axis with these ticks only (for example, the names of choices at 0, 1, 2...).</summary>
    public void SetXTicks(IEnumerable<(double Value, string Label)> ticks) => _xTicks = ticks.ToList();

    /// <summary>Fixes the x range instead of fitting it to the data.</summary>
    public void SetXLimits(double min, double max) => _xLimits = (min, max);

    // Text sizes in pixels per em, for a figure about 1000 pixels wide.
    private const float TickSize = 13, LabelSize = 15, TitleSize = 18, LegendSize = 13, Pad = 8;

    /// <summary>Draws the chart into the rectangle (<paramref name="left0"/>, <paramref name="top0"/>) -
    /// (<paramref name="right0"/>, <paramref name="bottom0"/>) of <paramref name="raster"/>.</summary>
    public void Draw(Raster raster, float left0, float top0, float right0, float bottom0)
    {
        var font = OutlineFont.Regular;
        var bold = OutlineFont.Bold;
        var (xMin, xMax) = _xLimits ?? Pad5(Range(horizontal: true));
        var (yMin, yMax) = Pad5(Range(horizontal: false));
        float areaWidth = right0 - left0, areaHeight = bottom0 - top0;
        var yTicks = NiceTicks(yMin, yMax, Math.Max(3, (int)(areaHeight / 70)));
        var xTicks = _xTicks?.Where(t => t.Value >= xMin && t.Value <= xMax).ToList()
            ?? NiceTicks(xMin, xMax, Math.Max(3, (int)(areaWidth / 110)));

        float Ascent(OutlineFont f, float size) => f.Ascender * size / f.UnitsPerEm;
        float LineHeight(float size) => (font.Ascender + font.Descender) * size / font.UnitsPerEm;
        var legendItems = _items.Where(i => !string.IsNullOrEmpty(i.Label)).ToList();
        List<List<Item>> legendRows = [];
        float legendRowHeight = LineHeight(LegendSize) + 6;

        float top = top0 + Pad + (Title.Length > 0 ? LineHeight(TitleSize) + Pad : 0);
        float yTickWidth = yTicks.Count == 0 ? 0 : yTicks.Max(t => font.Measure(t.Label, TickSize));
        float left = left0 + Pad + (YLabel.Length > 0 ? LineHeight(LabelSize) + Pad : 0) + yTickWidth + 8;
        float right = right0 - Pad - (xTicks.Count == 0 ? 0 : font.Measure(xTicks[^1].Label, TickSize) / 2);
        if (Legend == LegendPlace.Below && legendItems.Count > 0) legendRows = LegendRows(legendItems, right - left);
        float bottom = bottom0 - Pad - LineHeight(TickSize) - 6 - (XLabel.Length > 0 ? LineHeight(LabelSize) + Pad : 0)
            - legendRows.Count * legendRowHeight - (legendRows.Count > 0 ? Pad : 0);
        // The data area on whole pixels, so the frame and grid lines are sharp.
        left = MathF.Round(left);
        top = MathF.Round(top);
        right = MathF.Round(Math.Max(left + 10, right));
        bottom = MathF.Round(Math.Max(top + 10, bottom));
        float midX = (left + right) / 2, midY = (top + bottom) / 2;

        float Px(double x) => (float)(left + (x - xMin) / (xMax - xMin) * (right - left));
        float Py(double y) => (float)(bottom - (y - yMin) / (yMax - yMin) * (bottom - top));

        var gridColor = Rgba.Black.WithAlpha(0.1f);
        var grid = new Shape();
        var tickMarks = new Shape();
        var text = new Shape();
        foreach (var (value, label) in yTicks)
        {
            float y = MathF.Round(Py(value));
            grid.AddRect(left, y, right, y + 1);
            tickMarks.AddRect(left - 4, y, left, y + 1);
            font.AddText(text, label, TickSize, left - 7 - font.Measure(label, TickSize), y + 0.5f + Ascent(font, TickSize) * 0.36f);
        }
        foreach (var (value, label) in xTicks)
        {
            float x = MathF.Round(Px(value));
            grid.AddRect(x, top, x + 1, bottom);
            tickMarks.AddRect(x, bottom, x + 1, bottom + 4);
            font.AddText(text, label, TickSize, x + 0.5f - font.Measure(label, TickSize) / 2, bottom + 6 + Ascent(font, TickSize));
        }
        raster.Fill(grid, gridColor);

        raster.Clip = ((int)left, (int)top, (int)right, (int)bottom);
        foreach (var band in _items.OfType<BandItem>()) raster.Fill(BandShape(band, Px, Py), band.Color);
        foreach (var line in _items.OfType<HLineItem>())
        {
            var shape = new Shape();
            float y = Py(line.Y);
            shape.AddStroke([(left, y), (right, y)], 1.5f, line.Dashed ? 8 : 0, 5);
            raster.Fill(shape, line.Color);
        }
        foreach (var series in _items.OfType<SeriesItem>()) DrawSeries(raster, series, Px, Py);
        raster.Clip = (0, 0, raster.Width, raster.Height);

        var frame = new Shape();
        frame.AddRect(left, top, right, top + 1);
        frame.AddRect(left, bottom - 1, right, bottom);
        frame.AddRect(left, top, left + 1, bottom);
        frame.AddRect(right - 1, top, right, bottom);
        raster.Fill(frame, Rgba.Black);
        raster.Fill(tickMarks, Rgba.Black);

        if (Title.Length > 0)
            bold.AddText(text, Title, TitleSize, midX - bold.Measure(Title, TitleSize) / 2, top0 + Pad + Ascent(bold, TitleSize));
        float below = bottom + 6 + LineHeight(TickSize) + Pad;
        if (XLabel.Length > 0)
        {
            font.AddText(text, XLabel, LabelSize, midX - font.Measure(XLabel, LabelSize) / 2, below + Ascent(font, LabelSize));
            below += LineHeight(LabelSize) + Pad;
        }
        if (YLabel.Length > 0)
            font.AddText(text, YLabel, LabelSize, left0 + Pad + Ascent(font, LabelSize), midY + font.Measure(YLabel, LabelSize) / 2, upwards: true);
        raster.Fill(text, Rgba.Black);

        if (legendItems.Count == 0) return;
        if (Legend == LegendPlace.Below)
        {
            float y = below;
            foreach (var row in legendRows)
            {
                float x = midX - RowWidth(row) / 2;
                foreach (var item in row)
                {
                    DrawLegendEntry(raster, item, x, y, legendRowHeight);
                    x += EntryWidth(item) + 18;
                }
                y += legendRowHeight;
            }
        }
        else
        {
            float width = MathF.Round(legendItems.Max(EntryWidth) + 16), height = MathF.Round(legendItems.Count * legendRowHeight + 8);
            float boxRight = right - 10, boxBottom = bottom - 10, boxLeft = boxRight - width, boxTop = boxBottom - height;
            var box = new Shape();
            box.AddRect(boxLeft, boxTop, boxRight, boxBottom);
            raster.Fill(box, Rgba.White.WithAlpha(0.88f));
            var border = new Shape();
            border.AddRect(boxLeft, boxTop, boxRight, boxTop + 1);
            border.AddRect(boxLeft, boxBottom - 1, boxRight, boxBottom);
            border.AddRect(boxLeft, boxTop, boxLeft + 1, boxBottom);
            border.AddRect(boxRight - 1, boxTop, boxRight, boxBottom);
            raster.Fill(border, Rgba.Black.WithAlpha(0.35f));
            float y = boxTop + 4;
            foreach (var item in legendItems)
            {
                DrawLegendEntry(raster, item, boxLeft + 8, y, legendRowHeight);
                y += legendRowHeight;
            }
        }
    }

    private const float SwatchWidth = 28;

    private static float EntryWidth(Item item) => SwatchWidth + 8 + OutlineFont.Regular.Measure(item.Label!, LegendSize);

    private static float RowWidth(List<Item> row) => row.Sum(EntryWidth) + 18 * (row.Count - 1);

    private static List<List<Item>> LegendRows(List<Item> items, float width)
    {
        var rows = new List<List<Item>> { new() };
        foreach (var item in items)
        {
            if (rows[^1].Count > 0 && RowWidth([.. rows[^1], item]) > width) rows.Add([]);
            rows[^1].Add(item);
        }
        return rows;
    }

    private static void DrawLegendEntry(Raster raster, Item item, float x, float y, float rowHeight)
    {
        var font = OutlineFont.Regular;
        float mid = y + rowHeight / 2;
        switch (item)
        {
            case SeriesItem s:
                if (s.LineWidth > 0)
                {
                    var line = new Shape();
                    line.AddStroke([(x, mid), (x + SwatchWidth, mid)], s.LineWidth);
                    raster.Fill(line, s.Color);
                }
                if (s.Marker != Marker.None) raster.Fill(MarkerShape(s.Marker, x + SwatchWidth / 2, mid, Math.Max(s.MarkerSize, 5)), s.Color);
                break;
            case HLineItem h:
                var dashed = new Shape();
                dashed.AddStroke([(x, mid), (x + SwatchWidth, mid)], 1.5f, h.Dashed ? 8 : 0, 5);
                raster.Fill(dashed, h.Color);
                break;
        }
        var text = new Shape();
        float baseline = mid + (font.Ascender - font.Descender) / 2f * LegendSize / font.UnitsPerEm;
        font.AddText(text, item.Label!, LegendSize, x + SwatchWidth + 8, baseline);
        raster.Fill(text, Rgba.Black);
    }

    private static void DrawSeries(Raster raster, SeriesItem s, Func<double, float> px, Func<double, float> py)
    {
        if (s.LineWidth > 0)
        {
            // One shape for the whole line, so overlapping segments of a translucent line are painted once.
            var shape = new Shape();
            var run = new List<(float X, float Y)>();
            for (int i = 0; i <= s.X.Length; i++)
            {
                if (i < s.X.Length && double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i]))
                {
                    run.Add((px(s.X[i]), py(s.Y[i])));
                    continue;
                }
                shape.AddStroke(run, s.LineWidth);
                run.Clear();
            }
            raster.Fill(shape, s.Color);
        }
        if (s.Marker == Marker.None) return;
        for (int i = 0; i < s.X.Length; i++)
            if (double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i]))
                raster.Fill(MarkerShape(s.Marker, px(s.X[i]), py(s.Y[i]), s.MarkerSize), s.Color);
    }

    private static Shape MarkerShape(Marker marker, float x, float y, float size)
    {
        float r = size / 2;
        var shape = new Shape();
        switch (marker)
        {
            case Marker.FilledCircle:
                shape.AddCircle(x, y, r);
                break;
            case Marker.OpenCircle:
                shape.AddCircle(x, y, r + 0.75f);
                shape.AddCircle(x, y, r - 0.75f, clockwise: false);
                break;
            case Marker.Cross:
                shape.AddStroke([(x - r, y - r), (x + r, y + r)], 2);
                shape.AddStroke([(x - r, y + r), (x + r, y - r)], 2);
                break;
        }
        return shape;
    }

    private static Shape BandShape(BandItem b, Func<double, float> px, Func<double, float> py)
    {
        // One polygon per run of finite points: along the upper edge, then back along the lower one.
        var shape = new Shape();
        int i = 0;
        while (i < b.X.Length)
        {
            while (i < b.X.Length && !Finite(b, i)) i++;
            int start = i;
            while (i < b.X.Length && Finite(b, i)) i++;
            if (i - start < 2) continue;
            var polygon = new List<(float X, float Y)>();
            for (int k = start; k < i; k++) polygon.Add((px(b.X[k]), py(b.Upper[k])));
            for (int k = i - 1; k >= start; k--) polygon.Add((px(b.X[k]), py(b.Lower[k])));
            shape.MoveTo(polygon[0].X, polygon[0].Y);
            foreach (var (x, y) in polygon.Skip(1)) shape.LineTo(x, y);
        }
        return shape;
    }

    private static bool Finite(BandItem b, int i) => double.IsFinite(b.X[i]) && double.IsFinite(b.Lower[i]) && double.IsFinite(b.Upper[i]);

    private (double Min, double Max) Range(bool horizontal)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        void Take(double v)
        {
            if (!double.IsFinite(v)) return;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        foreach (var item in _items)
            switch (item)
            {
                case SeriesItem s:
                    for (int i = 0; i < s.X.Length; i++)
                        if (double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i])) Take(horizontal ? s.X[i] : s.Y[i]);
                    break;
                case BandItem b:
                    for (int i = 0; i < b.X.Length; i++)
                        if (Finite(b, i))
                        {
                            if (horizontal) Take(b.X[i]);
                            else { Take(b.Lower[i]); Take(b.Upper[i]); }
                        }
                    break;
                case HLineItem h when !horizontal:
                    Take(h.Y);
                    break;
            }
        if (!double.IsFinite(min)) return (0, 1);
        if (min == max) return (min - Math.Max(1, Math.Abs(min) * 0.1), max + Math.Max(1, Math.Abs(max) * 0.1));
        return (min, max);
    }

    private static (double, double) Pad5((double Min, double Max) r)
    {
        double m = (r.Max - r.Min) * 0.05;
        return (r.Min - m, r.Max + m);
    }

    /// <summary>Ticks at round steps (1, 2 or 5 times a power of ten, the one nearest to giving <paramref name="target"/> ticks), labelled
    /// with as many decimals as the step needs (k and M for thousands and millions).</summary>
    internal static List<(double Value, string Label)> NiceTicks(double min, double max, int target)
    {
        double raw = (max - min) / Math.Max(1, target);
        double power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2, 5, 10 }.Select(f => f * power).MinBy(s => Math.Abs(Math.Log(s / raw)));
        double largest = Math.Max(Math.Abs(min), Math.Abs(max));
        double unit = largest >= 1e6 && step >= 1e5 ? 1e6 : largest >= 1e4 && step >= 100 ? 1e3 : 1;
        string suffix = unit == 1e6 ? "M" : unit == 1e3 ? "k" : "";
        int decimals = Math.Max(0, (int)-Math.Floor(Math.Log10(step / unit) + 1e-9));
        var ticks = new List<(double, string)>();
        for (double k = Math.Ceiling(min / step); k * step <= max + step * 1e-9; k++)
        {
            double v = k * step;
            if (Math.Abs(v) < step * 1e-9) v = 0;
            string label = v == 0 ? "0" : (v / unit).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + suffix;
            ticks.Add((v, label.StartsWith('-') ? "\u2212" + label[1..] : label));
        }
        return ticks;
    }
}

/// <summary>A PNG of one or more <see cref="Chart"/> panels stacked top to bottom on a white background.</summary>
internal static class Figure
{
    /// <summary>Draws the panels (equal heights) and writes the PNG through a temporary file, so a reader never sees half
    /// a file.</summary>
    public static void SavePng(string path, int width, int height, params Chart[] panels)
    {
        var png = EncodePng(width, height, panels);
        string tmp = path + ".tmp.png";
        File.WriteAllBytes(tmp, png);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Draws the panels (equal heights) and returns the PNG bytes.</summary>
    public static byte[] EncodePng(int width, int height, params Chart[] panels) => Draw(width, height, panels).EncodePng();

    /// <summary>Draws the panels (equal heights) on a new raster.</summary>
    public static Raster Draw(int width, int height, params Chart[] panels)
    {
        var raster = new Raster(width, height);
        float h = (float)height / panels.Length;
        for (int i = 0; i < panels.Length; i++) panels[i].Draw(raster, 0, i * h, width, (i + 1) * h);
        return raster;
    }
}
