using Rl.Core.Rendering;
using Rl.Environments.Classic;
using Rl.Rendering.Native;

namespace Rl.Rendering.Tests;

[Collection("Display")]
public sealed class WindowTests(XvfbDisplay display)
{
    private static Scene CartPoleScene(double x, double theta)
    {
        var env = new CartPoleEnv();
        env.Reset(seed: 2);
        env.SetState(x, 0, theta, 0);
        var scene = new Scene();
        env.DescribeScene(scene);
        scene.Text("EPISODE 1  STEP 17", 8, 8, 14, Color.Black);
        scene.Bar(8, 28, 120, 8, 0.3f, new Color(40, 160, 40), new Color(210, 210, 210));
        return scene;
    }

    [Fact]
    public void WindowFrameReadsBackEqualToTheHeadlessRender()
    {
        Assert.False(string.IsNullOrEmpty(display.Display));
        using var viewer = new Viewer(600, 400, "window test");
        Assert.Equal((600, 400), viewer.Window.FramebufferSize);
        foreach (var (x, theta) in new[] { (0.0, 0.0), (0.73, 0.17), (-1.9, -0.2) })
        {
            var scene = CartPoleScene(x, theta);
            viewer.Draw(scene);
            var shown = viewer.ReadBackBuffer();
            viewer.Present();
            var headless = HeadlessRenderer.ForCurrentThread.Render(scene);
            Assert.Equal(headless.Shape, shown.Shape);
            // Same rasterizer, same geometry: the frames are expected to be identical. Tolerance: none.
            int differing = 0;
            for (int i = 0; i < shown.Pixels.Length; i += 3)
                if (shown.Pixels[i] != headless.Pixels[i] || shown.Pixels[i + 1] != headless.Pixels[i + 1] || shown.Pixels[i + 2] != headless.Pixels[i + 2])
                    differing++;
            if (differing > 0)
            {
                shown.SavePng(Path.Combine(Path.GetTempPath(), "rl-window-frame.png"));
                headless.SavePng(Path.Combine(Path.GetTempPath(), "rl-headless-frame.png"));
            }
            Assert.Equal(0, differing);
        }
        Assert.Contains("GLFW", viewer.Window.Description);
    }

    [Fact]
    public void KeyPressesAndCloseRequestsReachTheProgram()
    {
        using var viewer = new Viewer(64, 48, "keys", visible: true);
        Assert.False(viewer.IsClosed);
        Assert.False(viewer.Window.TryReadKey(out _));
        viewer.Window.RequestClose();
        Assert.True(viewer.IsClosed);
    }

    [Fact]
    public void NoDisplayGivesAMessageThatSaysWhatToDo()
    {
        string saved = Environment.GetEnvironmentVariable("DISPLAY")!;
        string? wayland = Environment.GetEnvironmentVariable("WAYLAND_DISPLAY");
        try
        {
            XvfbDisplay.SetDisplay(null);
            Environment.SetEnvironmentVariable("WAYLAND_DISPLAY", null);
            var e = Assert.Throws<RenderingUnavailableException>(() => new Viewer(100, 100, "none"));
            Assert.Contains("DISPLAY", e.Message);
            Assert.Contains("xvfb", e.Message);
        }
        finally
        {
            XvfbDisplay.SetDisplay(saved);
            Environment.SetEnvironmentVariable("WAYLAND_DISPLAY", wayland);
        }
    }

    [Fact]
    public void AMissingLibraryIsNamedWithWhatToInstall()
    {
        var e = Assert.Throws<RenderingUnavailableException>(() => NativeLoader.Load(["libnot-a-real-library.so.7"], "apt-get install some-package"));
        Assert.Equal("libnot-a-real-library.so.7 not found: apt-get install some-package", e.Message);
        Assert.Contains("apt-get install libegl1", Native.Egl.InstallHint);
    }
}
