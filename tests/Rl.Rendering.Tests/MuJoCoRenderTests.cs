using Rl.Core;
using Rl.Core.Rendering;
using Rl.Environments;
using Rl.Environments.MuJoCo;
using Rl.Rendering.Video;

namespace Rl.Rendering.Tests;

/// <summary>Headless renders of the MuJoCo locomotion environments: the bodies are where the simulation says and the view follows them.</summary>
public sealed class MuJoCoRenderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rl-mujoco-render-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static bool IsBackgroundOrGround(Frame f, int col, int row)
    {
        var c = (f[col, row, 0], f[col, row, 1], f[col, row, 2]);
        return c == (LocomotionEnv.SkyColor.R, LocomotionEnv.SkyColor.G, LocomotionEnv.SkyColor.B);
    }

    /// <summary>The pixel (column, row from the top) showing world point (wx, wy) through the env's current camera.</summary>
    private static (int Col, int Row) PixelOf(LocomotionEnv env, double wx, double wy)
    {
        var cam = env.RenderCamera;
        double col = (wx - cam.Left) / (cam.Right - cam.Left) * LocomotionEnv.ScreenSize;
        double row = (cam.Top - wy) / (cam.Top - cam.Bottom) * LocomotionEnv.ScreenSize;
        return ((int)col, (int)row);
    }

    private static (byte, byte, byte) Rgb(Frame f, (int Col, int Row) p) => (f[p.Col, p.Row, 0], f[p.Col, p.Row, 1], f[p.Col, p.Row, 2]);

    [Fact]
    public void HopperTorsoIsDrawnWhereItIsAndTheViewFollowsIt()
    {
        using var env = new HopperEnv();
        env.Reset(seed: 0);
        Assert.Contains("rgb_array", env.Metadata.RenderModes);
        Assert.Contains("human", env.Metadata.RenderModes);
        var before = HeadlessRenderer.ForCurrentThread.Render(env);
        Assert.Equal([LocomotionEnv.ScreenSize, LocomotionEnv.ScreenSize, 3], before.Shape);

        // The torso capsule runs from z 1.05 to 1.45 at x ~ 0: its colour is drawn at its middle, the sky beside it.
        var torsoColor = (ToByte(0.75f), ToByte(0.55f), ToByte(0.35f));
        double x0 = env.Data.Qpos[0], z0 = env.Data.Qpos[1];
        var torso = PixelOf(env, x0, z0 + 0.1);
        Assert.Equal(torsoColor, Rgb(before, torso));
        Assert.True(IsBackgroundOrGround(before, torso.Col + 40, torso.Row), "sky 0.27 m to the right of the torso");
        Assert.Equal(LocomotionEnv.ScreenSize / 2, torso.Col, tolerance: 1);
        // Below ground level the frame is ground, not sky.
        var ground = PixelOf(env, x0 + 1, -0.2);
        Assert.False(IsBackgroundOrGround(before, ground.Col, ground.Row));

        // Move the hopper 1.25 m forward: the camera follows, so the torso stays in the middle column while the ground stripes
        // (0.5 m wide, fixed to the world) shift by half a stripe and change colour under a fixed pixel.
        env.Data.Qpos[0] += 1.25;
        env.Data.Forward();
        var after = HeadlessRenderer.ForCurrentThread.Render(env);
        Assert.Equal(torso, PixelOf(env, env.Data.Qpos[0], z0 + 0.1));
        Assert.Equal(torsoColor, Rgb(after, torso));
        int groundRow = PixelOf(env, 0, -0.3).Row;
        int changed = Enumerable.Range(0, LocomotionEnv.ScreenSize).Count(c => Rgb(before, (c, groundRow)) != Rgb(after, (c, groundRow)));
        Assert.True(changed > LocomotionEnv.ScreenSize / 2, $"the ground should slide under the moving camera; {changed} pixels of the row changed");
    }

    [Fact]
    public void StepsMoveTheLegsAndDescribingLeavesTheStateAlone()
    {
        using var env = new HopperEnv();
        env.Reset(seed: 1);
        var first = HeadlessRenderer.ForCurrentThread.Render(env);
        var qpos = env.Data.Qpos.ToArray();
        var again = HeadlessRenderer.ForCurrentThread.Render(env);
        Assert.Equal(qpos, env.Data.Qpos.ToArray());
        Assert.Equal(first.Pixels, again.Pixels);
        for (int t = 0; t < 5; t++) Assert.False(env.Step([0.5f, -0.5f, 0.5f]).Done);
        var later = HeadlessRenderer.ForCurrentThread.Render(env);
        Assert.NotEqual(first.Pixels, later.Pixels);
    }

    [Theory]
    [InlineData(HopperEnv.Id)]
    [InlineData(Walker2dEnv.Id)]
    [InlineData(HalfCheetahEnv.Id)]
    [InlineData(SwimmerEnv.Id)]
    public void EveryLocomotionEnvDrawsItsBodyAtTheCameraTarget(string id)
    {
        using var env = Envs.Make(id);
        env.ResetObject(seed: 2);
        var loco = (LocomotionEnv)env.Unwrapped;
        Assert.Equal(["rgb_array", "human"], env.Metadata.RenderModes);
        var frame = HeadlessRenderer.ForCurrentThread.Render(Renderable.Require(env));
        // The root body's frame origin lies inside one of its geoms for every model: that pixel is not sky or floor.
        var target = loco.CameraTarget;
        var centre = PixelOf(loco, target.X, target.Y);
        var body = Rgb(frame, centre);
        var scene = new Scene();
        loco.DescribeScene(scene);
        Assert.NotEqual((scene.Background.R, scene.Background.G, scene.Background.B), body);
        Assert.Equal(LocomotionEnv.ScreenSize / 2, centre.Col, tolerance: 1);
    }

    [Fact]
    public void HopperVideoDecodes()
    {
        using var env = new RecordVideo<double[], float[]>(new HopperEnv(), new RecordVideoOptions
        {
            Directory = _dir, Format = VideoFormat.Gif, Width = 120, Height = 120, EpisodeTrigger = _ => true,
        });
        env.Reset(seed: 3);
        for (int t = 0; t < 5; t++) env.Step([0.5f, -0.5f, 0.2f]);
        env.Dispose();
        var path = Assert.Single(env.VideosWritten);
        var gif = GifReader.Read(path);
        Assert.Equal((120, 120), (gif.Width, gif.Height));
        Assert.Equal(6, gif.Frames.Count);
        // Not a blank video: each frame has both sky and body/ground pixels.
        Assert.All(gif.Frames, f => Assert.True(f.Distinct().Count() > 3));
    }

    private static byte ToByte(float unit) => (byte)MathF.Round(unit * 255);
}

/// <summary><c>rl watch Hopper-v1</c>'s path: a watch session in a (hidden) window, and the rgb_array render mode.</summary>
[Collection("Display")]
public sealed class MuJoCoWatchTests(XvfbDisplay display)
{
    [Fact]
    public void WatchSessionPlaysAHopperEpisodeInAWindow()
    {
        Assert.NotNull(display.Display);
        using var env = Envs.Make(HopperEnv.Id);
        var lines = new List<string>();
        var session = new Watch.WatchSession(env, new Watch.RandomWatchPolicy(env.ActionSpace, 1), new Watch.WatchOptions { Fps = 0, Seed = 2, Episodes = 1 })
        {
            Log = lines.Add,
        };
        using var viewer = new Viewer(LocomotionEnv.ScreenSize, LocomotionEnv.ScreenSize, "hopper watch test", visible: false);
        session.Run(viewer);
        var episode = Assert.Single(session.Episodes);
        Assert.True(episode.Length is > 0 and < 1000, $"a random hopper falls within the time limit; it lasted {episode.Length} steps");
        Assert.Contains(lines, l => l.StartsWith("episode 0", StringComparison.Ordinal));
    }

    [Fact]
    public void WatchShowsMuJoCosPictureOfAReacherEpisodeInTheWindow()
    {
        Assert.NotNull(display.Display);
        using var env = Envs.Make(ReacherEnv.Id);
        var session = new Watch.WatchSession(env, new Watch.RandomWatchPolicy(env.ActionSpace, 1), new Watch.WatchOptions { Fps = 0, Seed = 2, Episodes = 1 });
        using var viewer = new Viewer(240, 240, "reacher watch test", visible: false);
        session.Run(viewer);
        Assert.Equal(50, Assert.Single(session.Episodes).Length); // the Reacher's time limit
        // The window path: MuJoCo draws in its compatibility-profile EGL context, the window (a GLFW core context on the same
        // thread) shows that picture pixel for pixel.
        var scene = new Scene();
        MuJoCo.SceneSources.Require(env, 240, 240).DescribeScene(scene);
        viewer.Draw(scene);
        var shown = viewer.ReadBackBuffer();
        var expected = MuJoCo.MuJoCoRenderer.ForCurrentThread.Render((ReacherEnv)env.Unwrapped, 240, 240);
        Assert.Equal(expected.Pixels, shown.Pixels);
    }

    [Fact]
    public void RgbArrayModeReturnsTheHopperFrame()
    {
        // The hand-drawn view (MuJoCo's renderer is checked in MuJoCoNativeRenderTests).
        var inner = new HopperEnv(new LocomotionOptions { Renderer = MuJoCoRendererKind.Sketch });
        using var rgb = new RenderedEnv<double[], float[]>(inner, RenderModes.RgbArray);
        rgb.Reset(seed: 3);
        rgb.Step([0.1f, 0.2f, -0.1f]);
        var frame = rgb.Render()!;
        Assert.Equal([LocomotionEnv.ScreenSize, LocomotionEnv.ScreenSize, 3], frame.Shape);
        Assert.Equal(HeadlessRenderer.ForCurrentThread.Render(inner).Pixels, frame.Pixels);
    }
}
