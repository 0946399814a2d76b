using Rl.Core;
using Rl.Core.Rendering;
using Rl.Environments.Arcade;
using Rl.Environments.Kart;
using Rl.Rendering;

namespace Rl.Environments.Tests.Kart;

public class KartRenderTests
{
    internal static EnvRegistry PixelRegistry()
    {
        var registry = new EnvRegistry();
        Envs.RegisterBuiltIns(registry);
        KartEnvs.RegisterPixels(registry, RenderingEnvs.MakePixels);
        ArcadeEnvs.RegisterPixels(registry, RenderingEnvs.MakePixels);
        return registry;
    }

    private static Color PixelAt(byte[] rgb, int width, int row, int col)
    {
        int i = (row * width + col) * 3;
        return new Color(rgb[i], rgb[i + 1], rgb[i + 2]);
    }

    [Fact]
    public void KartV0SeesTheRoadAheadFromBehindTheKart()
    {
        using var env = PixelRegistry().Make<byte[], float[]>(KartEnvs.PixelsId, new MakeOptions { Kwargs = OptionSet.Of(("step_info", true)) });
        Assert.Equal(KartEnvs.PixelsId, env.Name);
        Assert.Equal([64, 64, 3], env.ObservationSpace.Shape);
        Assert.Equal(KartEnvs.MaxSteps, env.Spec!.MaxEpisodeSteps);
        var expert = new KartExpert();
        var reset = env.Reset(3);
        Assert.True(env.ObservationSpace.Contains(reset.Observation));
        var road = new HashSet<Color> { KartView.RoadColor, Color.White, Color.Black };
        for (int t = 0; t < 60; t++)
        {
            var r = env.Step(expert.Act(env));
            // The kart sits a quarter of the way up, centred: view x in [-0.7, 0.7] m, y in [-1.2, 1.2] m -> row 48, columns 31-32.
            Assert.Equal(KartView.KartColor, PixelAt(r.Observation, 64, 48, 31));
            Assert.Equal(KartView.KartColor, PixelAt(r.Observation, 64, 48, 32));
            // The aim point lies on the centreline, so its pixel is road (or a white dash / the start line).
            var aim = r.Info.Get<float[]>("aim_point_image");
            int col = (int)((aim[0] + 1) / 2 * 64), row = (int)((aim[1] + 1) / 2 * 64);
            Assert.Contains(PixelAt(r.Observation, 64, row, col), road);
        }
    }

    [Fact]
    public void PixelFramesAreDeterministicAndWrittenIntoTheGivenBuffer()
    {
        var registry = PixelRegistry();
        using var a = registry.Make<byte[], int>(KartEnvs.DiscretePixelsId);
        using var b = registry.Make<byte[], int>(KartEnvs.DiscretePixelsId);
        var buffer = new byte[64 * 64 * 3];
        Assert.Equal(a.Reset(8).Observation, b.Reset(8, into: buffer).Observation);
        var rng = new Rng(1);
        var first = buffer.ToArray();
        for (int t = 0; t < 40; t++)
        {
            int act = rng.NextInt(KartDiscreteEnv.ActionCount);
            var sa = a.Step(act);
            var sb = b.Step(act, buffer);
            Assert.Same(buffer, sb.Observation);
            Assert.Equal(sa.Observation, sb.Observation);
        }
        Assert.False(first.AsSpan().SequenceEqual(buffer), "the view moves with the kart");
    }

    [Fact]
    public void SizeAndGrayscaleOptionsReachTheWrapperAndTheRestTheRace()
    {
        using var env = PixelRegistry().Make<byte[], float[]>(KartEnvs.PixelsId, new MakeOptions
        {
            Kwargs = OptionSet.Of(("width", 96), ("height", 80), ("grayscale", true), ("laps", 2)),
        });
        Assert.Equal([80, 96, 1], env.ObservationSpace.Shape);
        var reset = env.Reset(0);
        Assert.Equal(80 * 96, reset.Observation.Length);
        Assert.Equal(2, reset.Info.Get<int>("laps"));
    }

    [Fact]
    public void PeopleSeeTheWholeTrackWithTheKartOnIt()
    {
        using var env = PixelRegistry().Make<byte[], float[]>(KartEnvs.PixelsId);
        env.Reset(4);
        for (int t = 0; t < 30; t++) env.Step([0f, 1f, 0f]);
        var view = Renderable.Require(env);
        Assert.IsType<KartTrackView<byte[], float[]>>(view);
        var scene = new Scene();
        view.DescribeScene(scene);
        Assert.Equal(KartView.TrackSize, scene.Width);
        var frame = HeadlessRenderer.ForCurrentThread.Render(scene);
        var race = KartExpert.RaceOf(env);
        var cam = scene.Camera;
        // Just behind the kart's centre (the kart is drawn as a triangle pointing forward).
        var p = race.Position - 0.8f * race.Forward;
        int col = (int)((p.X - cam.Left) / (cam.Right - cam.Left) * frame.Width);
        int row = (int)((cam.Top - p.Y) / (cam.Top - cam.Bottom) * frame.Height);
        Assert.Equal(KartView.KartColor, PixelAt(frame.Pixels, frame.Width, row, col));

        // The state id draws the egocentric view unless asked for the track.
        using var state = new KartEnv(camera: KartCamera.Track);
        state.Reset(4);
        state.DescribeScene(scene);
        Assert.Equal(KartView.TrackSize, scene.Width);
        state.Camera = KartCamera.Egocentric;
        state.DescribeScene(scene);
        Assert.Equal(KartView.EgocentricSize, scene.Width);
    }

    [Fact]
    public void BeforeTheFirstResetThePicturesAreEmptyFramesOfTheNativeSize()
    {
        var scene = new Scene();
        using var ego = new KartEnv();
        ego.DescribeScene(scene);
        Assert.Equal(KartView.EgocentricSize, scene.Width);
        Assert.Equal(0, scene.Shapes.Length);
        using var track = new KartDiscreteEnv(camera: KartCamera.Track);
        track.DescribeScene(scene);
        Assert.Equal(KartView.TrackSize, scene.Width);
        Assert.Equal(0, scene.Shapes.Length);
    }

    [Fact]
    public void BatchedRenderingOfManyKartsEqualsRenderingEachAlone()
    {
        var envs = Enumerable.Range(0, 5).Select(_ => new KartEnv()).ToList();
        var expert = new KartExpert();
        for (int i = 0; i < envs.Count; i++)
        {
            envs[i].Reset(i);
            for (int t = 0; t < 10 * i; t++) envs[i].Step(expert.Act(envs[i].Race));
        }
        var batch = BatchPixelRenderer.ForEnvs(envs);
        var frames = envs.Select(_ => new byte[batch.FrameBytes]).ToList();
        batch.Render(frames);
        var scene = new Scene();
        var single = new byte[batch.FrameBytes];
        for (int i = 0; i < envs.Count; i++)
        {
            envs[i].DescribeScene(scene);
            HeadlessRenderer.ForCurrentThread.Render(scene, 64, 64, ColorMode.Rgb, single);
            // Equal only if nothing is drawn outside the frame (the atlas tiles are neighbours).
            Assert.Equal(single, frames[i]);
        }
        foreach (var e in envs) e.Dispose();
    }
}
