using Rl.Core;
using Rl.Core.Input;
using Rl.Core.Rendering;
using Rl.Environments;
using Rl.Environments.Arcade;
using Rl.Rendering.Input;
using Rl.Rendering.Play;
using Rl.Rendering.Watch;

namespace Rl.Rendering.Tests;

/// <summary>
/// The HUD sits in a band above the picture: the picture is whole and fills the rest of the window, and the text stays
/// inside the window's width (the 480-pixel Hopper window, Breakout's top bricks). Frames are captured as shown and saved
/// under the temporary folder (rl-hud-*.png) for a person to look at.
/// </summary>
[Collection("Display")]
public sealed class HudLayoutTests(XvfbDisplay display)
{
    private static readonly string Shots = Path.Combine(Path.GetTempPath(), "rl-hud-shots");

    private static bool Same(Frame f, int x, int y, Frame g, int gx, int gy) =>
        f[x, y, 0] == g[gx, gy, 0] && f[x, y, 1] == g[gx, gy, 1] && f[x, y, 2] == g[gx, gy, 2];

    [Fact]
    public void PlayingBreakoutShowsTheWholeFieldBelowTheHud()
    {
        Assert.NotNull(display.Display);
        using var env = new BreakoutEnv();
        var session = new PlaySession(env, null, new PlayOptions { Fps = 0, Episodes = 1, Seed = 3 });
        var (w, h) = session.WindowSize;
        using var viewer = new Viewer(w, h, "hud test");
        Frame? shown = null;
        viewer.Capture = f => shown ??= f;
        session.Run(viewer, new KeyScript("-"));
        Assert.NotNull(shown);
        Directory.CreateDirectory(Shots);
        shown!.SavePng(Path.Combine(Shots, "rl-hud-breakout-play.png"));
        Assert.Equal((w, h), (shown.Width, shown.Height));

        // The picture below the band is the environment's frame scaled up, pixel for pixel: nothing covers the bricks.
        env.Reset(seed: 3);
        var native = HeadlessRenderer.ForCurrentThread.Render(env);
        int k = w / native.Width, band = h - native.Height * k;
        Assert.True(band > 0, "the HUD band is above the picture");
        Assert.Equal(w, native.Width * k); // the picture fills the window's width
        int mismatches = 0;
        for (int y = 0; y < native.Height; y++)
            for (int x = 0; x < native.Width; x++)
                if (!Same(shown, x * k + k / 2, band + y * k + k / 2, native, x, y)) mismatches++;
        Assert.True(mismatches < native.Width * native.Height / 100, $"{mismatches} picture pixels differ from the environment's frame");

        // rl play Breakout-v0 plays the pixel id: the same window.
        var registry = new EnvRegistry();
        Envs.RegisterBuiltIns(registry);
        ArcadeEnvs.RegisterPixels(registry, RenderingEnvs.MakePixels);
        using var pixels = registry.Make(ArcadeEnvs.BreakoutPixelsId);
        Assert.Equal((w, h), new PlaySession(pixels, null, new PlayOptions { Fps = 0 }).WindowSize);
    }

    [Fact]
    public void TheWatchHudFitsTheHopperWindow()
    {
        Assert.NotNull(display.Display);
        using var env = Envs.Make("Hopper-v1");
        var session = new WatchSession(env, new RandomWatchPolicy(env.ActionSpace, 1), new WatchOptions { Fps = 0, Episodes = 1, Seed = 2 });
        var (w, h) = session.WindowSize;
        using var viewer = new Viewer(w, h, "hud test");
        var frames = new List<Frame>();
        viewer.Capture = frames.Add;
        viewer.Window.PostKey(Key.Space);
        viewer.Window.PostKey(Key.Q);
        session.Run(viewer);
        var shown = Assert.Single(frames);
        Directory.CreateDirectory(Shots);
        shown.SavePng(Path.Combine(Shots, "rl-hud-hopper-watch.png"));
        // Text pixels (dark on the light band) stop short of the right edge: every line fits the width.
        int band = session.HudHeight, rightmost = 0;
        for (int y = 0; y < band; y++)
            for (int x = 0; x < w; x++)
                if (shown[x, y, 0] < 120 && shown[x, y, 1] < 120 && shown[x, y, 2] < 120) rightmost = Math.Max(rightmost, x);
        Assert.InRange(rightmost, w / 3, w - 4);
    }

    [Fact]
    public void HumanPlayDefaultsToAPaceAPersonCanFollow()
    {
        using var cartPole = Envs.Make("CartPole-v1");
        Assert.Equal(50, cartPole.Metadata.RenderFps);
        Assert.Equal(15, HudText.HumanPace(cartPole));
        using var kart = Envs.Make("KartStateDiscrete-v0");
        Assert.Equal(10, HudText.HumanPace(kart)); // slower games keep their own pace
        // 0 means as fast as possible for labelling as for play.
        using var expert = new HumanExpert(cartPole, new HumanExpertOptions { Fps = 0 });
        Assert.Throws<ArgumentException>(() => new HumanExpert(cartPole, new HumanExpertOptions { Fps = -1 }));
    }
}
