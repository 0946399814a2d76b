using System.Runtime.InteropServices;
using Rl.Core;
using Rl.Core.Rendering;
using Rl.Environments.MuJoCo;
using Rl.Rendering.MuJoCo;

namespace Rl.Rendering.Tests;

/// <summary>MuJoCo's own renderer through P/Invoke: the struct layout, and frames that show the body where the camera must see it.</summary>
public sealed unsafe class MuJoCoNativeRenderTests
{
    [Fact]
    public void StructOffsetsMatchWhatMuJoCosDefaultsWrite()
    {
        // mjv_defaultCamera writes type = mjCAMERA_FREE, trackbodyid = -1, distance 2, azimuth 90, elevation -45 (2.2.2's
        // engine_vis_init.c): only the right offsets read those back. The sizes are from sizeof() in the 2.2.2 headers.
        MjrApi.EnsureLoaded();
        byte* camera = (byte*)NativeMemory.AllocZeroed(MjrApi.CameraSize + 64);
        new Span<byte>(camera + MjrApi.CameraSize, 64).Fill(0xAB);
        MjrApi.mjv_defaultCamera(camera);
        Assert.Equal(MjrApi.CameraFree, *(int*)(camera + MjrApi.CameraType));
        Assert.Equal(-1, *(int*)(camera + MjrApi.CameraTrackBodyId));
        Assert.Equal(2.0, *(double*)(camera + MjrApi.CameraDistance));
        Assert.Equal(90.0, *(double*)(camera + MjrApi.CameraAzimuth));
        Assert.Equal(-45.0, *(double*)(camera + MjrApi.CameraElevation));
        // Nothing written past the struct's end.
        Assert.All(new Span<byte>(camera + MjrApi.CameraSize, 64).ToArray(), b => Assert.Equal(0xAB, b));
        NativeMemory.Free(camera);

        // The model's offscreen size (vis.global.offwidth/offheight) defaults to 640 x 480.
        using var env = new HopperEnv();
        byte* model = (byte*)((IMuJoCoRenderable)env).ModelHandle;
        Assert.Equal(640, *(int*)(model + MjrApi.ModelOffWidth));
        Assert.Equal(480, *(int*)(model + MjrApi.ModelOffHeight));
    }

    [Fact]
    public void TheHopperIsWhereTheTrackingCameraMustSeeIt()
    {
        using var env = new HopperEnv(new LocomotionOptions { ResetNoiseScale = 0 });
        env.Reset(seed: 0);
        var renderer = MuJoCoRenderer.ForCurrentThread;
        var frame = renderer.Render(env);
        Assert.Equal((480, 480, 3), (frame.Width, frame.Height, frame.Channels));
        var (geoms, lights) = renderer.SceneCounts(env);
        Assert.True(geoms >= env.Model.NGeom, $"{geoms} scene geoms for {env.Model.NGeom} model geoms");
        Assert.True(lights >= 1);

        int torso = env.Model.GetId(MjObjectType.Geom, "torso_geom");
        var pos = env.Data.GeomXpos;
        var (tx, ty, tz) = (pos[3 * torso], pos[3 * torso + 1], pos[3 * torso + 2]);
        var body = Pixel(frame, Project(env, tx, ty, tz));
        var above = Pixel(frame, Project(env, tx, ty, tz + 0.4));     // sky above the torso's top (z + 0.2)
        var ground = Pixel(frame, Project(env, tx + 0.8, 0.5, 0.0)); // floor beside and behind the foot
        // The hopper is brown (rgba 0.75 0.55 0.35, lit): red well above blue; sky and floor are not.
        Assert.True(body.R > body.B + 40, $"torso pixel {body}");
        Assert.True(above.B > above.R, $"sky pixel {above}");
        Assert.True(Distance(body, above) > 60 && Distance(body, ground) > 60, $"torso {body}, sky {above}, floor {ground}");
        Assert.True(ground.G > 100 && Math.Abs(ground.R - ground.G) < 30, $"floor pixel {ground}");
    }

    [Fact]
    public void FramesFollowTheStateAndDependOnItAlone()
    {
        using var env = new HopperEnv();
        env.Reset(seed: 1);
        var renderer = MuJoCoRenderer.ForCurrentThread;
        var first = renderer.Render(env).Pixels;
        Assert.Equal(first, renderer.Render(env).Pixels); // no hidden camera state between frames
        // Tilt the torso: the tracking camera still centres the hopper, but the picture changes.
        env.Data.Qpos[2] = 0.6;
        env.Data.Forward();
        var tilted = renderer.Render(env).Pixels;
        Assert.NotEqual(first, tilted);
        // Smaller frames: the same picture at another size (observation-sized rendering, no rescaling pass).
        var small = renderer.Render(env, 64, 48);
        Assert.Equal((64, 48), (small.Width, small.Height));
        Assert.True(small.Pixels.Distinct().Count() > 10);
    }

    [Fact]
    public void RenderModesAndPixelObservationsUseMuJoCosRendererUnlessSketchIsAsked()
    {
        using var native = (IEnv<double[], float[]>)RenderingEnvs.WithRenderMode(
            Rl.Environments.Envs.Make(HopperEnv.Id), RenderModes.RgbArray);
        native.Reset(seed: 2);
        var frame = ((RenderedEnv<double[], float[]>)native).Render()!;
        var unwrapped = (HopperEnv)native.Unwrapped;
        Assert.Equal(MuJoCoRenderer.ForCurrentThread.Render(unwrapped).Pixels, frame.Pixels);

        using var sketch = (IEnv<double[], float[]>)RenderingEnvs.WithRenderMode(
            Rl.Environments.Envs.Registry.Make(HopperEnv.Id, new MakeOptions { Kwargs = OptionSet.Of(("renderer", "sketch")) }), RenderModes.RgbArray);
        sketch.Reset(seed: 2);
        var drawn = ((RenderedEnv<double[], float[]>)sketch).Render()!;
        Assert.Equal(HeadlessRenderer.ForCurrentThread.Render((HopperEnv)sketch.Unwrapped).Pixels, drawn.Pixels);
        Assert.NotEqual(frame.Pixels, drawn.Pixels);

        using var pixels = (IEnv<byte[], float[]>)RenderingEnvs.WithPixelObservations(Rl.Environments.Envs.Make(HopperEnv.Id),
            new PixelObservationOptions { Width = 32, Height = 32 });
        var (obs, _) = pixels.Reset(seed: 2);
        Assert.Equal(MuJoCoRenderer.ForCurrentThread.Render((HopperEnv)pixels.Unwrapped, 32, 32).Pixels, obs);

        // Through a scene (what the window and video use): the same pixels as the direct frame.
        var scene = SceneSources.Require(native);
        Assert.IsType<MuJoCoScene>(scene);
        Assert.Equal(frame.Pixels, HeadlessRenderer.ForCurrentThread.Render(scene).Pixels);
    }

    public static TheoryData<string> AllMuJoCoEnvs => new()
    {
        HopperEnv.Id, Walker2dEnv.Id, HalfCheetahEnv.Id, SwimmerEnv.Id, InvertedPendulumEnv.Id, InvertedDoublePendulumEnv.Id,
        ReacherEnv.Id, PusherEnv.Id, AntEnv.Id, HumanoidEnv.Id,
    };

    [Theory, MemberData(nameof(AllMuJoCoEnvs))]
    public void EveryMuJoCoEnvDrawsAScenedFrameThatFollowsTheState(string id)
    {
        using var env = (IEnv<double[], float[]>)Rl.Environments.Envs.Make(id);
        var mujoco = (IMuJoCoRenderable)env.Unwrapped;
        env.Reset(seed: 0);
        var renderer = MuJoCoRenderer.ForCurrentThread;
        var first = renderer.Render(mujoco, 96, 96);
        var (geoms, _) = renderer.SceneCounts(mujoco);
        Assert.True(geoms >= ((MuJoCoEnv)env.Unwrapped).Model.NGeom, $"{id}: {geoms} scene geoms");
        // Not blank: sky, floor and body give many colours.
        Assert.True(first.Pixels.Chunk(3).Select(p => (p[0], p[1], p[2])).Distinct().Count() > 50, $"{id}: a nearly uniform frame");
        var rng = new Rng(1);
        var space = (Rl.Core.Spaces.Box<float>)env.ActionSpace;
        for (int t = 0; t < 10; t++)
        {
            var a = new float[space.Size];
            for (int i = 0; i < a.Length; i++) a[i] = (float)rng.Uniform(space.Low[i], space.High[i]);
            if (env.Step(a).Done) break;
        }
        Assert.NotEqual(first.Pixels, renderer.Render(mujoco, 96, 96).Pixels);
    }

    [Fact]
    public void AHumanoidVideoIsMuJoCosPicture()
    {
        string dir = Directory.CreateTempSubdirectory("rl-mujoco-video-").FullName;
        try
        {
            var inner = (IEnv<double[], float[]>)Rl.Environments.Envs.Make(HumanoidEnv.Id);
            using (var env = new Video.RecordVideo<double[], float[]>(inner, new Video.RecordVideoOptions
            {
                Directory = dir, Format = Video.VideoFormat.Gif, Width = 64, Height = 64, EpisodeTrigger = _ => true,
            }))
            {
                env.Reset(seed: 1);
                for (int t = 0; t < 4; t++) env.Step(new float[17]);
                var expected = MuJoCoRenderer.ForCurrentThread.Render((HumanoidEnv)inner.Unwrapped, 64, 64);
                env.Dispose();
                var gif = GifReader.Read(Assert.Single(env.VideosWritten));
                Assert.Equal(5, gif.Frames.Count);
                Assert.Equal((64, 64), (gif.Width, gif.Height));
                // GIF quantises colours; the last frame is MuJoCo's within that error on most pixels.
                var last = gif.Frames[^1];
                int close = 0;
                for (int i = 0; i < 64 * 64; i++)
                    if (Math.Abs(last[3 * i] - expected.Pixels[3 * i]) + Math.Abs(last[3 * i + 1] - expected.Pixels[3 * i + 1]) + Math.Abs(last[3 * i + 2] - expected.Pixels[3 * i + 2]) < 48) close++;
                Assert.True(close > 0.9 * 64 * 64, $"{close} of {64 * 64} pixels match MuJoCo's frame");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (byte R, byte G, byte B) Pixel(Frame frame, (int Col, int Row) p)
    {
        int i = (p.Row * frame.Width + p.Col) * 3;
        return (frame.Pixels[i], frame.Pixels[i + 1], frame.Pixels[i + 2]);
    }

    private static double Distance((byte R, byte G, byte B) a, (byte R, byte G, byte B) b) =>
        Math.Abs(a.R - b.R) + Math.Abs(a.G - b.G) + Math.Abs(a.B - b.B);

    /// <summary>
    /// Where a world point appears, from MuJoCo's camera model: the camera looks along (cos el cos az, cos el sin az, sin el)
    /// at the look-at point from <c>distance</c> away, with a vertical field of view of 45° (the model's default fovy).
    /// </summary>
    private static (int Col, int Row) Project(IMuJoCoRenderable env, double x, double y, double z)
    {
        var c = env.Camera;
        double az = c.Azimuth * Math.PI / 180, el = c.Elevation * Math.PI / 180;
        var f = (X: Math.Cos(el) * Math.Cos(az), Y: Math.Cos(el) * Math.Sin(az), Z: Math.Sin(el));
        var eye = (X: c.LookAtX - c.Distance * f.X, Y: c.LookAtY - c.Distance * f.Y, Z: c.LookAtZ - c.Distance * f.Z);
        // right = forward x world-up, normalised; up = right x forward.
        var r = (X: f.Y, Y: -f.X, Z: 0.0);
        double rn = Math.Sqrt(r.X * r.X + r.Y * r.Y);
        r = (r.X / rn, r.Y / rn, 0);
        var u = (X: r.Y * f.Z - r.Z * f.Y, Y: r.Z * f.X - r.X * f.Z, Z: r.X * f.Y - r.Y * f.X);
        var v = (X: x - eye.X, Y: y - eye.Y, Z: z - eye.Z);
        double depth = v.X * f.X + v.Y * f.Y + v.Z * f.Z;
        double sx = (v.X * r.X + v.Y * r.Y + v.Z * r.Z) / depth, sy = (v.X * u.X + v.Y * u.Y + v.Z * u.Z) / depth;
        double scale = env.FrameHeight / 2.0 / Math.Tan(45.0 / 2 * Math.PI / 180);
        return ((int)Math.Round(env.FrameWidth / 2.0 + sx * scale), (int)Math.Round(env.FrameHeight / 2.0 - sy * scale));
    }
}
