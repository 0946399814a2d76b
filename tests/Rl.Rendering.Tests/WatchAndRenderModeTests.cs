using Rl.Core.Input;
using Rl.Core;
using Rl.Environments;
using Rl.Environments.Classic;
using Rl.Rendering.Watch;

namespace Rl.Rendering.Tests;

[Collection("Display")]
public sealed class WatchAndRenderModeTests(XvfbDisplay display)
{
    private static IEnv CartPole()
    {
        var registry = new EnvRegistry();
        Envs.RegisterBuiltIns(registry);
        return registry.Make(CartPoleEnv.Id);
    }

    [Fact]
    public void KeysPauseSingleStepAndQuit()
    {
        Assert.NotNull(display.Display);
        using var env = CartPole();
        var session = new WatchSession(env, new RandomWatchPolicy(env.ActionSpace, 1), new WatchOptions { Fps = 0, Seed = 4 });
        using var viewer = new Viewer(600, 400, "watch test");
        foreach (var key in new[] { Key.Space, Key.N, Key.N, Key.Q }) viewer.Window.PostKey(key);
        session.Run(viewer);
        Assert.Equal(2, session.TotalSteps);
        Assert.True(session.Quit);
        Assert.Empty(session.Episodes);
    }

    [Fact]
    public void SeededSessionsPlayTheSameEpisodes()
    {
        List<WatchedEpisode> Play()
        {
            using var env = CartPole();
            var lines = new List<string>();
            var session = new WatchSession(env, new RandomWatchPolicy(env.ActionSpace, 9), new WatchOptions { Fps = 0, Seed = 11, Episodes = 3 })
            {
                Log = lines.Add,
            };
            using var viewer = new Viewer(600, 400, "watch test", visible: false);
            session.Run(viewer);
            Assert.False(session.Quit);
            Assert.Equal(3, lines.Count(l => l.StartsWith("episode ", StringComparison.Ordinal)));
            Assert.Equal(session.Episodes.Sum(e => (long)e.Length), session.TotalSteps);
            return session.Episodes.ToList();
        }
        var a = Play();
        var b = Play();
        Assert.Equal(3, a.Count);
        Assert.Equal(a, b);
        Assert.All(a, e => Assert.Equal(e.Length, e.Return)); // CartPole pays 1 per step
    }

    [Fact]
    public void RgbArrayModeReturnsTheFrameAndHumanModeShowsAWindow()
    {
        var inner = new CartPoleEnv();
        using var rgb = new RenderedEnv<float[], int>(inner, RenderModes.RgbArray);
        rgb.Reset(seed: 3);
        var frame = rgb.Render()!;
        Assert.Equal([400, 600, 3], frame.Shape);
        Assert.Equal(HeadlessRenderer.ForCurrentThread.Render(inner).Pixels, frame.Pixels);
        using var small = new RenderedEnv<float[], int>(new CartPoleEnv(), RenderModes.RgbArray, 160, 120);
        small.Reset(seed: 3);
        Assert.Equal([120, 160, 3], small.Render()!.Shape);

        using var human = (RenderedEnv<float[], int>)Rl.Rendering.RenderingEnvs.WithRenderMode(new CartPoleEnv(), RenderModes.Human);
        human.Reset(seed: 3);
        human.Step(1);
        Assert.Null(human.Render());

        var e = Assert.Throws<ArgumentException>(() => new RenderedEnv<float[], int>(new CartPoleEnv(), "ansi"));
        Assert.Contains("'ansi'", e.Message);
    }
}
