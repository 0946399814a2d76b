using System.Diagnostics;
using Rl.Core;
using Rl.Core.Demonstrations;
using Rl.Core.Input;
using Rl.Core.Spaces;
using Rl.Core.Wrappers;
using Rl.Environments;
using Rl.Rendering.Input;
using Rl.Rendering.Play;

namespace Rl.Rendering.Tests;

/// <summary>The play loop driven by scripted keys and by real X key events sent to the GLFW window (xdotool).</summary>
[Collection("Display")]
public sealed class PlaySessionTests(XvfbDisplay display) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rl-play-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Remembers every transition the play loop takes, episode by episode.</summary>
    private sealed class StepLog<TObs, TAct>(IEnv<TObs, TAct> inner) : Wrapper<TObs, TAct>(inner)
    {
        public List<(List<TObs> Obs, List<TAct> Actions, List<double> Rewards, List<bool> Terminated, List<bool> Truncated)> Episodes { get; } = [];

        public override ResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, TObs? into = default)
        {
            var r = Inner.Reset(seed, options, into);
            Episodes.Add(([r.Observation], [], [], [], []));
            return r;
        }

        public override StepResult<TObs> Step(TAct action, TObs? into = default)
        {
            var r = Inner.Step(action, into);
            var e = Episodes[^1];
            e.Obs.Add(r.Observation);
            e.Actions.Add(action);
            e.Rewards.Add(r.Reward);
            e.Terminated.Add(r.Terminated);
            e.Truncated.Add(r.Truncated);
            return r;
        }
    }

    private static StepLog<TObs, TAct> Logged<TObs, TAct>(string id, int? maxSteps = null) =>
        new(Envs.Make<TObs, TAct>(id, new MakeOptions { MaxEpisodeSteps = maxSteps }));

    private List<PlayedEpisode> Play(IEnv env, string script, PlayOptions options, bool record = true)
    {
        var session = new PlaySession(env, record ? DemonstrationWriter.For(_dir, env) : null, options);
        var (w, h) = session.WindowSize;
        using var viewer = new Viewer(w, h, "play test");
        session.Run(viewer, new KeyScript(script));
        return [.. session.Episodes];
    }

    // Every saved episode equals, array for array, a logged episode the loop played to its end.
    private static void AssertLoadsBackIdentical<TAct>(DemonstrationSet set, StepLog<float[], TAct> log, List<PlayedEpisode> played)
    {
        var completed = played.Where(p => p.Completed).ToList();
        Assert.Equal(completed.Count, set.Episodes.Count);
        Assert.Empty(set.Skipped);
        for (int i = 0; i < completed.Count; i++)
        {
            var saved = set.Episodes[i];
            var logged = log.Episodes[completed[i].Episode];
            Assert.Equal(completed[i].File, Path.GetFileName(saved.File));
            Assert.Equal(logged.Actions.Count, saved.Length);
            for (int t = 0; t <= saved.Length; t++)
                Assert.Equal(logged.Obs[t], (float[])saved.Observation(t));
            for (int t = 0; t < saved.Length; t++)
                Assert.Equal((object?)logged.Actions[t], saved.Action(t));
            Assert.Equal(logged.Rewards, saved.Rewards);
            Assert.Equal(logged.Terminated, saved.Terminated);
            Assert.Equal(logged.Truncated, saved.Truncated);
        }
    }

    [Fact]
    public void ScriptedCartPoleEpisodesAreSavedAndLoadBackIdentical()
    {
        Assert.False(string.IsNullOrEmpty(display.Display));
        using var env = Logged<float[], int>("CartPole-v1");
        var played = Play(env, "RIGHT *4\nLEFT *400\n", new PlayOptions { Fps = 0, Episodes = 2, Seed = 7 });

        Assert.Equal(2, played.Count);
        Assert.All(played, p => Assert.True(p.Completed));
        var set = DemonstrationSet.Load(_dir, env);
        AssertLoadsBackIdentical(set, env, played);
        Assert.Equal([1, 1, 1, 1], env.Episodes[0].Actions.Take(4));
        Assert.All(env.Episodes[0].Actions.Skip(4), a => Assert.Equal(0, a));
        Assert.Equal(7, set.Manifest.Episodes[0].Seed);
        Assert.Null(set.Manifest.Episodes[1].Seed);

        // The recording is a real trajectory: replaying its actions from the seed reproduces it.
        using var replay = Envs.Make<float[], int>("CartPole-v1");
        var first = set.Episodes[0];
        Assert.Equal((float[])first.Observation(0), replay.Reset(seed: 7).Observation);
        for (int t = 0; t < first.Length; t++)
            Assert.Equal((float[])first.Observation(t + 1), replay.Step((int)first.Action(t)).Observation);
    }

    [Fact]
    public void PauseStopsSteppingDiscardDropsTheEpisodeAndQuitDropsTheOneInProgress()
    {
        using var env = Logged<float[], int>("CartPole-v1");
        // RIGHT: step 1; P: pause; RIGHT x5 while paused: no step; P: resume, one idle step (repeats RIGHT); BACKSPACE:
        // discard. Next episode: LEFT x3 then the script ends (ESC) in the middle of it.
        var played = Play(env, "RIGHT\nP\nRIGHT *5\nP\nBACKSPACE\nLEFT *3\n", new PlayOptions { Fps = 0, Seed = 1 });

        Assert.Equal(2, played.Count);
        Assert.Equal(new PlayedEpisode(0, 2, 2, false, null), played[0]);
        Assert.Equal([1, 1], env.Episodes[0].Actions);
        Assert.Equal(new PlayedEpisode(1, 3, 3, false, null), played[1]);
        Assert.Equal([0, 0, 0], env.Episodes[1].Actions);
        var set = DemonstrationSet.Load(_dir, env);
        Assert.Empty(set.Episodes);
        Assert.Empty(Directory.GetFiles(_dir, "*.npz"));
    }

    [Fact]
    public void TurnBasedKartStepsOncePerPressWithTheHeldChord()
    {
        using var env = Logged<float[], float[]>("KartState-v0", maxSteps: 3);
        // Frames without a press take no step, however long a key is held.
        var played = Play(env, "UP+LEFT *4\n- *3\nUP\nDOWN+RIGHT\n", new PlayOptions { Fps = 0, TurnBased = true, Episodes = 1, Seed = 3 });

        Assert.Single(played);
        Assert.True(played[0].Completed);
        Assert.Equal(3, played[0].Length);
        Assert.Equal([[-1f, 1f, 0f], [0f, 1f, 0f], [1f, 0f, 1f]], env.Episodes[0].Actions);
        AssertLoadsBackIdentical(DemonstrationSet.Load(_dir, env), env, played);
    }

    [Fact]
    public void DiscreteKartAndBreakoutArePlayable()
    {
        using var kart = Logged<float[], int>("KartStateDiscrete-v0", maxSteps: 4);
        var played = Play(kart, "UP+LEFT\nUP\nDOWN+RIGHT\nLEFT\n", new PlayOptions { Fps = 0, TurnBased = true, Episodes = 1 }, record: false);
        Assert.True(played[0].Completed);
        Assert.Equal([4, 3, 8, 1], kart.Episodes[0].Actions);

        using var breakout = Logged<float[], int>("BreakoutState-v0", maxSteps: 5);
        played = Play(breakout, "LEFT *2\n- *2\nRIGHT\n", new PlayOptions { Fps = 0, Episodes = 1 }, record: false);
        Assert.True(played[0].Completed);
        Assert.Equal([1, 1, 0, 0, 2], breakout.Episodes[0].Actions);
    }

    [Fact]
    public void PixelVariantsArePlayedWithTheKeyMapOfTheEnvironmentTheyWrap()
    {
        RenderingEnvs.EnsureRegistered(Envs.Registry);
        using var env = Logged<byte[], int>(RenderingEnvs.CartPolePixelsId, maxSteps: 3);
        Assert.Same(Environments.Classic.CartPoleEnv.Keys, KeyMaps.Require(env));
        var played = Play(env, "RIGHT\nLEFT\nRIGHT\n", new PlayOptions { Fps = 0, TurnBased = true, Episodes = 1, Seed = 5 });
        Assert.True(played[0].Completed);
        Assert.Equal([1, 0, 1], env.Episodes[0].Actions);
        var saved = Assert.Single(DemonstrationSet.Load(_dir, env).Episodes);
        for (int t = 0; t <= 3; t++) Assert.Equal(env.Episodes[0].Obs[t], (byte[])saved.Observation(t));
    }

    [Fact]
    public void AnEnvironmentWithoutKeysIsRefusedByName()
    {
        using var env = new NoKeys();
        var ex = Assert.Throws<ArgumentException>(() => new PlaySession(env, null));
        Assert.Contains("NoKeys", ex.Message);
        Assert.Contains("no key map", ex.Message);
    }

    [Fact]
    public void RealKeyEventsThroughTheGlfwWindowAreRecorded()
    {
        string? xdotool = new[] { "/usr/bin/xdotool", "/usr/local/bin/xdotool" }.FirstOrDefault(File.Exists);
        Assert.True(xdotool is not null, "xdotool is needed to send key events to the window (apt-get install xdotool; test.sh installs it)");
        using var env = Logged<float[], int>("CartPole-v1");
        var session = new PlaySession(env, DemonstrationWriter.For(_dir, env), new PlayOptions { TurnBased = true, Seed = 11, Fps = 60 });
        var (w, h) = session.WindowSize;
        const string title = "rl play xdotool test";
        using var viewer = new Viewer(w, h, title);
        viewer.Window.Focus();
        const int presses = 40;
        // xdotool waits for the window and sends it X key events (press and release) as a keyboard would: 40 presses of
        // RIGHT, then ESC. With --window it addresses the window itself, so another test's window taking the focus of the
        // shared display cannot steal keys. Cart-pole pushed right every step falls within a few dozen steps, so at least
        // one episode completes.
        var psi = new ProcessStartInfo(xdotool!) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in (string[])["search", "--sync", "--name", title, "key", "--window", "%1", "--delay", "40",
                     .. Enumerable.Repeat("Right", presses), "Escape"])
            psi.ArgumentList.Add(a);
        using var typist = Process.Start(psi)!;
        (int Code, string Err) sent = (-1, "");
        // Not a task: the session must run on this thread (the window's), and xunit forbids blocking on tasks.
        var watcher = new Thread(() =>
        {
            bool exited = typist.WaitForExit(60_000);
            if (!exited) typist.Kill();
            sent = (exited ? typist.ExitCode : -1, typist.StandardError.ReadToEnd());
            // Whatever happened, end the session so a failure cannot hang the test run.
            Thread.Sleep(1000);
            viewer.Window.PostKey(Key.Escape);
        });
        watcher.Start();
        session.Run(viewer, viewer.Window);
        watcher.Join();
        var (code, err) = sent;
        Assert.True(code == 0, $"xdotool failed ({code}): {err}");

        int steps = env.Episodes.Sum(e => e.Actions.Count);
        Assert.Equal(presses, steps);
        Assert.All(env.Episodes, e => Assert.All(e.Actions, a => Assert.Equal(1, a)));
        Assert.True(session.Completed >= 1, $"no episode completed in {steps} steps");
        Assert.True(session.Quit);
        AssertLoadsBackIdentical(DemonstrationSet.Load(_dir, env), env, [.. session.Episodes]);
    }

    private sealed class NoKeys : Env<float[], int>
    {
        public override Space<float[]> ObservationSpace { get; } = new Box<float>(0f, 1f, 1);
        public override Space<int> ActionSpace { get; } = new Discrete(2);
        protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into) => new(into ?? [0f], Info.Empty);
        protected override StepResult<float[]> StepCore(int action, float[]? into) => new(into ?? [0f], 0, true, false, Info.Empty);
    }
}
