using Rl.Core;
using Rl.Core.Rendering;
using Rl.Core.Spaces;
using Rl.Environments;
using Rl.Environments.Classic;

namespace Rl.Rendering.Tests;

public sealed class PixelObservationTests
{
    private static EnvRegistry Registry()
    {
        var r = new EnvRegistry();
        Envs.RegisterBuiltIns(r);
        RenderingEnvs.Register(r);
        return r;
    }

    [Fact]
    public void CartPolePixelsHasImageObservations()
    {
        using var env = Registry().Make<byte[], int>(RenderingEnvs.CartPolePixelsId);
        Assert.Equal(RenderingEnvs.CartPolePixelsId, env.Name);
        Assert.Equal([64, 64, 3], env.ObservationSpace.Shape);
        Assert.IsType<Box<byte>>(env.ObservationSpace);
        var obs = env.Reset(seed: 0).Observation;
        Assert.Equal(64 * 64 * 3, obs.Length);
        Assert.True(env.ObservationSpace.Contains(obs));
        Assert.Contains(obs, b => b == 0); // the black cart and track are visible
        Assert.Contains(obs, b => b == 255); // on white
        Assert.Equal(500, env.Spec!.MaxEpisodeSteps);
    }

    [Fact]
    public void SizeGrayscaleAndInnerOptionsAreHonoured()
    {
        var registry = Registry();
        using var gray = registry.Make<byte[], int>(RenderingEnvs.CartPolePixelsId, new MakeOptions
        {
            Kwargs = OptionSet.Of(("width", 84), ("height", 48), ("grayscale", true), ("sutton_barto_reward", true)),
        });
        using var rgb = registry.Make<byte[], int>(RenderingEnvs.CartPolePixelsId, new MakeOptions
        {
            Kwargs = OptionSet.Of(("width", 84), ("height", 48)),
        });
        Assert.Equal([48, 84, 1], gray.ObservationSpace.Shape);
        var g = gray.Reset(seed: 5).Observation;
        var c = rgb.Reset(seed: 5).Observation;
        Assert.Equal(48 * 84, g.Length);
        for (int i = 0; i < g.Length; i++) Assert.Equal(PixelConvert.Gray(c[3 * i], c[3 * i + 1], c[3 * i + 2]), g[i]);
        Assert.Equal(0.0, gray.Step(1).Reward); // the Sutton-Barto option reached CartPole
        var e = Assert.Throws<ArgumentException>(() => registry.Make(RenderingEnvs.CartPolePixelsId, new MakeOptions { Kwargs = OptionSet.Of(("colour", 1)) }));
        Assert.Contains("colour", e.Message);
    }

    [Fact]
    public void SameSeedSameFramesAndIntoBufferIsUsed()
    {
        var registry = Registry();
        using var a = registry.Make<byte[], int>(RenderingEnvs.CartPolePixelsId);
        using var b = registry.Make<byte[], int>(RenderingEnvs.CartPolePixelsId);
        var into = new byte[64 * 64 * 3];
        var oa = a.Reset(seed: 42).Observation;
        var ob = b.Reset(seed: 42, into: into).Observation;
        Assert.Same(into, ob);
        Assert.Equal(oa, ob);
        var rng = new Rng(7);
        bool sawChange = false;
        for (int t = 0; t < 40; t++)
        {
            int action = rng.NextInt(2);
            var sa = a.Step(action);
            var sb = b.Step(action, into);
            Assert.Same(into, sb.Observation);
            Assert.Equal(sa.Observation, sb.Observation);
            sawChange |= !sa.Observation.AsSpan().SequenceEqual(oa);
            if (sa.Done) break;
        }
        Assert.True(sawChange, "frames must change as the cart moves");
    }

    [Fact]
    public void PixelsFollowTheHiddenState()
    {
        var env = new CartPoleEnv();
        using var pixels = new PixelObservation<float[], int>(env);
        pixels.Reset(seed: 1);
        env.SetState(-2.0, 0, 0, 0);
        var left = pixels.Step(0).Observation;
        int row = 64 - 1 - (int)Math.Floor(92 / 400.0 * 64);
        int firstBlack = Enumerable.Range(0, 64).First(c => left[(row * 64 + c) * 3] == 0);
        Assert.InRange(firstBlack, 3, 8); // x near -2.0 m: the cart is at the left edge
    }

    [Fact]
    public void AnEnvironmentThatCannotRenderIsRejectedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => new PixelObservation<float[], int>(new NoPicture()));
        Assert.Contains("NoPicture", e.Message);
        Assert.Contains("cannot render", e.Message);
    }

    [Fact]
    public void BatchedAtlasFramesEqualSingleRenders()
    {
        var envs = Enumerable.Range(0, 300).Select(i =>
        {
            var e = new CartPoleEnv();
            e.Reset(seed: i);
            e.SetState(-2.3 + 4.6 * i / 299.0, 0, 0.2 * Math.Sin(i), 0);
            return e;
        }).ToList();
        var options = new PixelObservationOptions();
        var batch = BatchPixelRenderer.ForEnvs(envs, options);
        Assert.True(HeadlessRenderer.ForCurrentThread.FramesPerPass(64, 64) < 300, "the test must span several passes");
        var all = new byte[300 * batch.FrameBytes];
        batch.Render(all);
        foreach (int i in new[] { 0, 1, 17, 255, 256, 299 })
        {
            var single = HeadlessRenderer.ForCurrentThread.Render(envs[i], 64, 64).Pixels;
            Assert.True(all.AsSpan(i * batch.FrameBytes, batch.FrameBytes).SequenceEqual(single), $"frame {i} differs");
        }
        Assert.False(all.AsSpan(0, batch.FrameBytes).SequenceEqual(all.AsSpan(299 * batch.FrameBytes, batch.FrameBytes)));
    }

    private sealed class NoPicture : Env<float[], int>
    {
        public override Space<float[]> ObservationSpace { get; } = new Box<float>(0f, 1f, 1);
        public override Space<int> ActionSpace { get; } = new Discrete(2);
        protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into) => new(into ?? [0f], Info.Empty);
        protected override StepResult<float[]> StepCore(int action, float[]? into) => new(into ?? [0f], 0, true, false, Info.Empty);
    }
}
