using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using Rl.Training.Plotting;

namespace Rl.Experiments.Tests.Training;

/// <summary>
/// The toolkit's plotting code: the rasterizer's coverage, the PNG writer, the embedded font's glyphs, the figures' text,
/// and (in child processes under strace) that no plot, in any command that draws one, opens a system font file or
/// directory.
/// </summary>
public class PlotTests
{
    /// <summary>A decoded 8-bit RGB PNG; every chunk's CRC is checked.</summary>
    internal sealed record Png(int Width, int Height, byte[] Rgb)
    {
        public (int R, int G, int B) At(int x, int y) => (Rgb[(y * Width + x) * 3], Rgb[(y * Width + x) * 3 + 1], Rgb[(y * Width + x) * 3 + 2]);

        public int Dark(int left, int top, int right, int bottom)
        {
            int n = 0;
            for (int y = top; y < bottom; y++)
                for (int x = left; x < right; x++)
                {
                    var (r, g, b) = At(x, y);
                    if (r + g + b < 200) n++;
                }
            return n;
        }

        public static Png Decode(byte[] file)
        {
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, file[..8]);
            int at = 8, width = 0, height = 0;
            using var idat = new MemoryStream();
            while (at < file.Length)
            {
                int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
                string type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
                var body = file.AsSpan(at + 8, length);
                uint crc = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at + 8 + length));
                Assert.Equal(crc, Crc(file.AsSpan(at + 4, length + 4)));
                if (type == "IHDR")
                {
                    width = BinaryPrimitives.ReadInt32BigEndian(body);
                    height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                    Assert.Equal(8, body[8]);
                    Assert.Equal(2, body[9]);
                }
                else if (type == "IDAT") idat.Write(body);
                at += 12 + length;
                if (type == "IEND") break;
            }
            idat.Position = 0;
            using var z = new ZLibStream(idat, CompressionMode.Decompress);
            using var raw = new MemoryStream();
            z.CopyTo(raw);
            var data = raw.ToArray();
            int rowBytes = width * 3;
            Assert.Equal((rowBytes + 1) * height, data.Length);
            var rgb = new byte[rowBytes * height];
            for (int y = 0; y < height; y++)
            {
                int filter = data[y * (rowBytes + 1)];
                for (int i = 0; i < rowBytes; i++)
                {
                    int a = i >= 3 ? rgb[y * rowBytes + i - 3] : 0, b = y > 0 ? rgb[(y - 1) * rowBytes + i] : 0;
                    int c = i >= 3 && y > 0 ? rgb[(y - 1) * rowBytes + i - 3] : 0;
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    int predictor = filter switch
                    {
                        0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2,
                        4 => pa <= pb && pa <= pc ? a : pb <= pc ? b : c,
                        _ => throw new InvalidDataException($"PNG filter {filter}"),
                    };
                    rgb[y * rowBytes + i] = unchecked((byte)(data[y * (rowBytes + 1) + 1 + i] + predictor));
                }
            }
            return new Png(width, height, rgb);
        }

        private static uint Crc(ReadOnlySpan<byte> data)
        {
            uint c = 0xFFFFFFFF;
            foreach (byte b in data)
            {
                c ^= b;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
            return ~c;
        }
    }

    [Fact]
    public void TheRasterCoversPixelsByArea()
    {
        var raster = new Raster(40, 20);
        var rect = new Shape();
        rect.AddRect(10, 5, 20.5f, 15); // the right column is half covered
        raster.Fill(rect, Rgba.Black);
        Assert.Equal((0, 0, 0), ToInts(raster.Pixel(12, 10)));
        Assert.Equal((0, 0, 0), ToInts(raster.Pixel(19, 5)));
        Assert.InRange(raster.Pixel(20, 10).R, 120, 135);
        Assert.Equal((255, 255, 255), ToInts(raster.Pixel(9, 10)));
        Assert.Equal((255, 255, 255), ToInts(raster.Pixel(21, 10)));
        Assert.Equal((255, 255, 255), ToInts(raster.Pixel(12, 15)));

        // One shape's overlapping parts are painted once (a translucent line does not darken where its segments meet), and
        // an opposite contour cuts a hole.
        var twice = new Shape();
        twice.AddRect(25, 2, 35, 8);
        twice.AddRect(25, 2, 35, 8);
        twice.AddCircle(30, 14, 5);
        twice.AddCircle(30, 14, 2, clockwise: false);
        raster.Fill(twice, Rgba.Black.WithAlpha(0.5f));
        Assert.InRange(raster.Pixel(30, 5).R, 126, 129);
        Assert.InRange(raster.Pixel(30, 10).R, 126, 129);
        Assert.Equal(255, raster.Pixel(30, 14).R);

        // Shapes partly outside the image or the clip are cut there, not wrapped or smeared.
        raster.Clip = (0, 0, 5, 20);
        var wide = new Shape();
        wide.AddRect(-50, 0, 100, 2);
        raster.Fill(wide, Rgba.Black);
        Assert.Equal(0, raster.Pixel(0, 1).R);
        Assert.Equal(0, raster.Pixel(4, 1).R);
        Assert.Equal(255, raster.Pixel(5, 1).R);
        Assert.Equal(255, raster.Pixel(39, 1).R);
    }

    private static (int, int, int) ToInts((byte R, byte G, byte B) p) => (p.R, p.G, p.B);

    [Fact]
    public void ThePngHoldsThePixels()
    {
        var raster = new Raster(7, 3);
        var dot = new Shape();
        dot.AddRect(2, 1, 3, 2);
        raster.Fill(dot, new Rgba(10, 200, 30));
        var png = Png.Decode(raster.EncodePng());
        Assert.Equal((7, 3), (png.Width, png.Height));
        Assert.Equal((10, 200, 30), png.At(2, 1));
        Assert.Equal((255, 255, 255), png.At(3, 1));
        Assert.Equal((255, 255, 255), png.At(2, 0));
    }

    [Fact]
    public void TheEmbeddedFontDrawsGlyphsWithTheirHolesAndWidths()
    {
        var font = OutlineFont.Regular;
        Assert.Equal(2048, font.UnitsPerEm);
        Assert.NotEqual(0, font.GlyphOf('A'));
        Assert.NotEqual(0, font.GlyphOf('é'));   // a composite glyph (e + accent)
        Assert.NotEqual(0, font.GlyphOf('\u2212'));
        Assert.Equal(0, font.GlyphOf('\u4e00')); // not in the subset: the missing-glyph box
        Assert.True(font.Measure("WW", 20) > 2 * font.Measure("ii", 20));
        Assert.Equal(2 * font.Measure("a", 20), font.Measure("aa", 20), 3);

        // "O" at 80 px: ink on its ring, none in its counter; "é" has ink above the x-height (the accent).
        var raster = new Raster(200, 100);
        var text = new Shape();
        font.AddText(text, "Oé", 80, 10, 85);
        raster.Fill(text, Rgba.Black);
        int oWidth = (int)font.Measure("O", 80);
        Assert.Equal(255, raster.Pixel(10 + oWidth / 2, 55).R);
        Assert.True(raster.Pixel(10 + oWidth / 2, 85 - 2).R < 60, "the bottom of the O's ring");
        int accentX = 10 + oWidth + (int)font.Measure("e", 80) / 2;
        int inkAboveX = 0;
        for (int y = 5; y < 35; y++)
            for (int x = accentX - 15; x < accentX + 15; x++)
                if (raster.Pixel(x, y).R < 128) inkAboveX++;
        Assert.True(inkAboveX > 20, $"the accent of é: {inkAboveX} dark pixels");
    }

    [Fact]
    public void TicksAreRoundAndLabelledCompactly()
    {
        Assert.Equal(["0", "5k", "10k", "15k", "20k", "25k", "30k", "35k"], Chart.NiceTicks(-1000, 36000, 8).Select(t => t.Label));
        Assert.Equal(["0.20", "0.25", "0.30", "0.35", "0.40", "0.45"], Chart.NiceTicks(0.16, 0.47, 6).Select(t => t.Label));
        Assert.Equal(["\u2212200", "\u2212100", "0", "100"], Chart.NiceTicks(-250, 120, 4).Select(t => t.Label));
        Assert.Equal(["0", "0.5M", "1.0M", "1.5M", "2.0M"], Chart.NiceTicks(0, 2_000_000, 4).Select(t => t.Label));
    }

    [Fact]
    public void TheLearningCurveHasItsTextLinesAndLegend()
    {
        using var dir = new TempDir();
        var rows = Enumerable.Range(1, 30).Select(i => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>
        {
            ["env_steps"] = (i * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ep_return_mean"] = (i * 15).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["recent_return_mean"] = (i * 12).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).ToList();
        string path = dir.Sub("curve.png");
        LearningCurve.Write(path, rows, "a title", threshold: 475, recentEpisodes: 100);
        var png = Png.Decode(File.ReadAllBytes(path));
        Assert.Equal((1000, 600), (png.Width, png.Height));
        Assert.True(png.Dark(400, 0, 600, 30) > 150, "the title is drawn");
        Assert.True(png.Dark(0, 150, 30, 450) > 150, "the y-axis label is drawn");
        Assert.True(png.Dark(350, 565, 650, 600) > 150, "the x-axis label is drawn");
        Assert.True(png.Dark(550, 400, 1000, 560) > 400, "the legend's text is drawn");
        Assert.Equal(0, png.Dark(400, 100, 500, 200)); // the middle of the data area holds no text
        int orange = 0;
        for (int y = 30; y < 560; y++)
            for (int x = 80; x < 990; x++)
                if (png.At(x, y) is (> 230, > 100 and < 150, < 40)) orange++;
        Assert.True(orange > 500, $"the recent-mean line is drawn in orange ({orange} pixels)");
        Assert.False(File.Exists(path + ".tmp.png"));
    }

    // Where a font library looks for fonts (Skia's directory font manager: /usr/share/fonts; fontconfig: the rest).
    private static readonly string[] FontPlaces =
    [
        "/usr/share/fonts", "/usr/local/share/fonts", "/etc/fonts", "/var/cache/fontconfig",
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".fonts"),
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local/share/fonts"),
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache/fontconfig"),
    ];

    private static readonly string[] FontFileEndings = [".ttf", ".otf", ".ttc", ".pfb", ".pcf", ".pcf.gz", ".woff", ".woff2"];

    /// <summary>Runs <paramref name="script"/> with bash under strace (following children), and returns every path that an
    /// open, a stat or a directory listing asked for (found or not) in a font place or with a font file's ending.</summary>
    private static List<string> FontPathsTouched(string script, string dir, params string[] extraPlaces)
    {
        string log = Path.Combine(dir, "strace.log");
        var info = new ProcessStartInfo("strace")
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in new[] { "-f", "-qq", "-e", "trace=open,openat,openat2,creat,stat,lstat,newfstatat,statx,access,faccessat,faccessat2,readlink,execve", "-o", log, "bash", "-c", script })
            info.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("this test needs strace (./test.sh installs it: apt-get install strace)", e);
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"strace bash -c '{script}' exited with {p.ExitCode}: {err} {stdout.Result}");
        }
        var places = FontPlaces.Concat(extraPlaces).ToArray();
        var touched = new List<string>();
        foreach (var line in File.ReadLines(log))
        {
            // Quoted path arguments of the traced calls: name("/path", ...) or name(AT_FDCWD, "/path", ...).
            int q = line.IndexOf('"');
            if (q < 0 || line.Contains("execve(", StringComparison.Ordinal)) continue;
            int end = line.IndexOf('"', q + 1);
            if (end < 0) continue;
            string path = line[(q + 1)..end];
            if (places.Any(d => path == d || path.StartsWith(d + "/", StringComparison.Ordinal))
                || FontFileEndings.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                touched.Add(path);
        }
        return touched;
    }

    private static string Rl => Path.Combine(AppContext.BaseDirectory, "rl");

    [Fact]
    public void TheFontCheckSeesAFontFileOrDirectoryBeingRead()
    {
        // The detector itself: a font file opened by name, a directory of fonts listed, and (where fontconfig is installed)
        // a real font library's scan, are all seen.
        using var dir = new TempDir();
        string fonts = dir.Sub("fonts");
        Directory.CreateDirectory(fonts);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "rl.dll"), Path.Combine(fonts, "Some.ttf"));
        Assert.Contains(FontPathsTouched($"head -c 4 '{fonts}/Some.ttf' > /dev/null", dir.Path), p => p.EndsWith("Some.ttf", StringComparison.Ordinal));
        Assert.NotEmpty(FontPathsTouched($"ls '{fonts}' > /dev/null", dir.Path, fonts));
        if (File.Exists("/usr/bin/fc-list"))
            Assert.NotEmpty(FontPathsTouched("fc-list > /dev/null", dir.Path));
    }

    [Fact]
    public void NoPlotReadsASystemFont()
    {
        // Every command that draws: a run's learning curve, a seed group's curve (its seeds in child processes), the
        // comparison figure and a sweep's score plots; then the figures are checked to hold text.
        using var dir = new TempDir();
        string rl = File.Exists(Rl) ? $"'{Rl}'" : $"dotnet '{Rl}.dll'";
        string small = "--plain --set run.stop_when_solved=false --set run.total_steps=2000 --set run.eval_interval=1000 --set run.eval_episodes=2";
        string group = dir.Sub("group"), figure = dir.Sub("compare.png"), sweep = dir.Sub("sweep");
        string script = string.Join(" && ",
            $"{rl} train ars CartPole-v1 --seeds 0-1 --jobs 1 --out '{group}' {small} > /dev/null",
            $"{rl} compare a='{group}' b='{group}/seed-0' --out '{figure}' > /dev/null",
            $"{rl} sweep ars-CartPole-v1.toml --param 'config.step_size=loguniform(0.001,0.1)' --param 'config.policy=choice(linear,mlp)' " +
            $"--trials 2 --rungs 1 --out '{sweep}' --set run.total_steps=1000 --set run.stop_when_solved=false > /dev/null");
        var touched = FontPathsTouched(script, dir.Path);
        Assert.True(touched.Count == 0, "font files or directories were read: " + string.Join(", ", touched.Distinct().Take(10)));

        foreach (var png in new[]
                 {
                     Path.Combine(group, "seed-0", "learning_curve.png"), Path.Combine(group, "learning-curve.png"), figure,
                     Path.Combine(sweep, "score-vs-config.step_size.png"), Path.Combine(sweep, "score-vs-config.policy.png"),
                 })
        {
            var image = Png.Decode(File.ReadAllBytes(png));
            Assert.True(image.Dark(0, 0, image.Width, 30) > 100, $"{png} has a title");
        }
    }
}

/// <summary>The managed SHA-256 of the checkpoints' metrics digest gives the base library's digests.</summary>
public class Sha256Tests
{
    [Fact]
    public void TheManagedDigestEqualsTheBaseLibrarys()
    {
        var random = new Random(5);
        foreach (int length in new[] { 0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 4096 })
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(data), Sha256.Hash(data));
        }
        Assert.Equal("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", Convert.ToHexString(Sha256.Hash("abc"u8)));
    }
}
