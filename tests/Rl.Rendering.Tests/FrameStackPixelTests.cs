using Rl.Core;
using Rl.Core.Spaces;
using Rl.Core.Wrappers;
using Rl.Environments;
using Rl.Environments.Arcade;

namespace Rl.Rendering.Tests;

/// <summary>FrameStack over pixel observations: shape (k, H, W, C), oldest frame first, deterministic under a seed.</summary>
public sealed class FrameStackPixelTests
{
    private static EnvRegistry Registry()
    {
        var r = new EnvRegistry();
        Envs.RegisterBuiltIns(r);
        RenderingEnvs.Register(r);
        ArcadeEnvs.RegisterPixels(r, RenderingEnvs.MakePixels);
        return r;
    }

    [Theory]
    [InlineData(RenderingEnvs.CartPolePixelsId, false)]
    [InlineData(RenderingEnvs.CartPolePixelsId, true)]
    [InlineData(ArcadeEnvs.BreakoutPixelsId, false)]
    public void StackedFramesAreTheLastKFramesOldestFirst(string id, bool grayscale)
    {
        const int K = 4;
        var registry = Registry();
        var make = new MakeOptions { Kwargs = OptionSet.Of(("width", 48), ("height", 40), ("grayscale", grayscale)) };
        int channels = grayscale ? 1 : 3, frame = 40 * 48 * channels;
        using var single = registry.Make<byte[], int>(id, make);
        using var stacked = new FrameStack<byte, int>(registry.Make<byte[], int>(id, make), K);
        using var twin = new FrameStack<byte, int>(registry.Make<byte[], int>(id, make), K);

        Assert.Equal([K, 40, 48, channels], stacked.ObservationSpace.Shape);
        Assert.IsType<Box<byte>>(stacked.ObservationSpace);

        var history = new List<byte[]> { single.Reset(seed: 3).Observation };
        var obs = stacked.Reset(seed: 3).Observation;
        var into = new byte[K * frame];
        Assert.Same(into, twin.Reset(seed: 3, into: into).Observation);
        Assert.Equal(obs, into);
        Assert.True(stacked.ObservationSpace.Contains(obs));
        // After a reset: k - 1 copies of the first frame, then the first frame.
        for (int i = 0; i < K; i++) Assert.Equal(history[0], obs.AsSpan(i * frame, frame).ToArray());

        var rng = new Rng(11);
        int actions = ((Discrete)single.ActionSpace).N;
        bool sawDifferentFrames = false;
        for (int t = 0; t < 30; t++)
        {
            int action = rng.NextInt(actions);
            var s = single.Step(action);
            var r = stacked.Step(action);
            var rt = twin.Step(action, into);
            history.Add(s.Observation);
            Assert.Equal(s.Reward, r.Reward);
            Assert.Equal(r.Observation, rt.Observation); // same seed, same actions: same stacks
            Assert.True(stacked.ObservationSpace.Contains(r.Observation));
            for (int i = 0; i < K; i++)
            {
                var expected = history[Math.Max(0, history.Count - K + i)];
                Assert.Equal(expected, r.Observation.AsSpan(i * frame, frame).ToArray());
            }
            sawDifferentFrames |= !r.Observation.AsSpan(0, frame).SequenceEqual(r.Observation.AsSpan((K - 1) * frame, frame));
            if (s.Done) break;
        }
        Assert.True(sawDifferentFrames, $"{id}: the stack must show motion");
    }
}
