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

/// <summary>Breakout's frames carry what a policy needs: a player that reads only the pixels keeps the ball in play.</summary>
public sealed class BreakoutPixelsTests
{
    [Fact]
    public void APlayerReadingOnlyThePixelsScoresFarMoreThanRandomPlay()
    {
        var registry = new EnvRegistry();
        Envs.RegisterBuiltIns(registry);
        ArcadeEnvs.RegisterPixels(registry, RenderingEnvs.MakePixels);
        var options = new MakeOptions { Kwargs = OptionSet.Of(("width", 32), ("height", 32), ("grayscale", true), ("lives", 1)), MaxEpisodeSteps = 500 };
        using var env = registry.Make<byte[], int>(ArcadeEnvs.BreakoutPixelsId, options);
        double pixelPlayer = 0, random = 0;
        var rng = new Rng(5);
        for (int episode = 0; episode < 5; episode++)
        {
            var obs = env.Reset(200 + episode).Observation;
            StepResult<byte[]> r;
            do
            {
                r = env.Step(FollowTheBall(obs));
                obs = r.Observation;
                pixelPlayer += r.Reward;
            } while (!r.Done);
            env.Reset(200 + episode);
            do
            {
                r = env.Step(rng.NextInt(3));
                random += r.Reward;
            } while (!r.Done);
        }
        Assert.True(pixelPlayer >= 5 * 5 && pixelPlayer >= 10 * Math.Max(random, 1), $"pixel player {pixelPlayer}, random {random} bricks in 5 episodes");
    }

    // The ball is the brightest pixel between the bricks and the paddle; the paddle is the lit run in the bottom rows.
    private static int FollowTheBall(byte[] frame)
    {
        const int W = 32;
        int ballX = -1, best = 0;
        for (int y = 13; y < 28; y++)
            for (int x = 0; x < W; x++)
                if (frame[y * W + x] > best) (best, ballX) = (frame[y * W + x], x);
        double paddleSum = 0;
        int paddleCount = 0;
        for (int y = 28; y < 32; y++)
            for (int x = 0; x < W; x++)
                if (frame[y * W + x] > 0) { paddleSum += x; paddleCount++; }
        if (ballX < 0 || paddleCount == 0) return 0;
        double paddleX = paddleSum / paddleCount;
        return ballX < paddleX - 0.5 ? 1 : ballX > paddleX + 0.5 ? 2 : 0;
    }
}
