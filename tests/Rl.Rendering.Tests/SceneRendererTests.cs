using System.Numerics;
using Rl.Core.Rendering;

namespace Rl.Rendering.Tests;

/// <summary>The renderer draws each kind of primitive where the scene puts it.</summary>
public sealed class SceneRendererTests
{
    private static readonly Color Red = new(255, 0, 0), Blue = new(0, 0, 255);

    private static Scene Pixels100()
    {
        var s = new Scene();
        s.Begin(100, 100, Color.White, Camera2D.Pixels(100, 100));
        return s;
    }

    private static int Count(Frame f, Color c)
    {
        int n = 0;
        for (int i = 0; i < f.Pixels.Length; i += 3)
            if (f.Pixels[i] == c.R && f.Pixels[i + 1] == c.G && f.Pixels[i + 2] == c.B) n++;
        return n;
    }

    [Fact]
    public void ConcavePolygonCoversItsArea()
    {
        var s = Pixels100();
        // An L shape: 60x20 bottom bar plus a 20x40 upright, area 1200 + 800 = 2000 pixels.
        s.Polygon([new(10, 10), new(70, 10), new(70, 30), new(30, 30), new(30, 70), new(10, 70)], Red);
        var f = HeadlessRenderer.ForCurrentThread.Render(s);
        Assert.Equal(2000, Count(f, Red));
        Assert.Equal(255, f[50, 49, 1]); // the notch of the L stays white
    }

    [Fact]
    public void WorldCameraMapsToTheFrameAndYPointsUp()
    {
        var s = new Scene();
        s.Begin(200, 100, Color.White, new Camera2D(-1, 1, -0.5f, 0.5f));
        s.Rect(new Vector2(0, 0), new Vector2(1, 0.5f), Red); // the top-right quadrant
        var f = HeadlessRenderer.ForCurrentThread.Render(s);
        Assert.Equal(100 * 50, Count(f, Red));
        Assert.Equal((255, 0), (f[150, 25, 0], f[150, 25, 1])); // top-right is red
        Assert.Equal(255, f[50, 75, 1]); // bottom-left stays white
    }

    [Fact]
    public void ImagesKeepTheirTopRowAtTheTop()
    {
        var image = new Image(2, 2);
        image.SetPixel(0, 0, Red);
        image.SetPixel(1, 0, Red);
        image.SetPixel(0, 1, Blue);
        image.SetPixel(1, 1, Blue);
        var s = Pixels100();
        s.Image(image, new Vector2(0, 0), new Vector2(100, 100), Color.White); // world: min is bottom-left
        var f = HeadlessRenderer.ForCurrentThread.Render(s);
        Assert.Equal(5000, Count(f, Red));
        Assert.Equal(255, f[50, 10, 0]); // top half red
        Assert.Equal(255, f[50, 90, 2]); // bottom half blue
        image.SetPixel(0, 0, Blue);
        image.SetPixel(1, 0, Blue);
        image.MarkChanged();
        Assert.Equal(10000, Count(HeadlessRenderer.ForCurrentThread.Render(s), Blue));
    }

    [Fact]
    public void HudTextAndBarsAreDrawnInScreenCoordinates()
    {
        var s = Pixels100();
        s.Text("8", 10, 10, 7, Color.Black); // one glyph, 1 px per font pixel: "8" has 17 set pixels
        s.Bar(0, 90, 100, 10, 0.25f, Red, Blue);
        var f = HeadlessRenderer.ForCurrentThread.Render(s);
        Assert.Equal(17, Count(f, Color.Black));
        Assert.Equal((255, 0), (f[10, 10, 0], f[11, 10, 0])); // the glyph starts at (10, 10), y down: " ### " on its top row
        Assert.Equal(250, Count(f, Red));
        Assert.Equal(750, Count(f, Blue));
    }

    [Fact]
    public void TranslucentShapesBlend()
    {
        var s = Pixels100();
        s.Rect(new Vector2(0, 0), new Vector2(100, 100), new Color(0, 0, 0, 128));
        var f = HeadlessRenderer.ForCurrentThread.Render(s);
        Assert.InRange(f[5, 5, 0], 126, 128);
    }

    [Fact]
    public void EachThreadRendersWithItsOwnContext()
    {
        var s = Pixels100();
        s.Circle(new Vector2(50, 50), 20, Blue);
        var here = HeadlessRenderer.ForCurrentThread.Render(s).Pixels;
        var frames = new byte[2][];
        var threads = Enumerable.Range(0, 2).Select(i => new Thread(() => frames[i] = HeadlessRenderer.ForCurrentThread.Render(s).Pixels)).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(here, frames[0]);
        Assert.Equal(here, frames[1]);
        Assert.InRange(Count(new Frame(100, 100, 3, here), Blue), 1230, 1284); // pi * 20^2 = 1257
        var other = HeadlessRenderer.ForCurrentThread;
        Exception? caught = null;
        var t = new Thread(() =>
        {
            try { other.Render(s); }
            catch (Exception x) { caught = x; }
        });
        t.Start();
        t.Join();
        var e = Assert.IsType<InvalidOperationException>(caught);
        Assert.Contains("ForCurrentThread", e.Message);
    }

    [Fact]
    public void BadSceneInputIsRejectedWithAReason()
    {
        var s = new Scene();
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Begin(0, 10, Color.White, Camera2D.Pixels(1, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Begin(10, 10, Color.White, new Camera2D(1, 1, 0, 1)));
        Assert.Contains("3 corners", Assert.Throws<ArgumentException>(() => s.Polygon([new(0, 0), new(1, 1)], Red)).Message);
    }
}
