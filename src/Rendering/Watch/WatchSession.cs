using System.Globalization;
using Rl.Core;
using Rl.Core.Input;
using Rl.Core.Rendering;
using Rl.Core.Spaces;
using Rl.Rendering.MuJoCo;
using Rl.Rendering.Play;

namespace Rl.Rendering.Watch;

/// <summary>Chooses actions for a watched rollout (a random policy, or a trained one loaded from a checkpoint).</summary>
public interface IWatchPolicy
{
    /// <summary>A short name for the HUD, e.g. "random" or a checkpoint's file name.</summary>
    string Name { get; }

    /// <summary>An action of the environment's action space for <paramref name="observation"/>.</summary>
    object Act(object observation);

    /// <summary>
    /// Called before each episode: a policy that follows a training run loads the newest checkpoint here. Returns a message
    /// to show when something changed (e.g. "loaded step-20000.ckpt"), else null.
    /// </summary>
    string? BeginEpisode();
}

/// <summary>Uniformly random actions from the action space, seeded.</summary>
public sealed class RandomWatchPolicy : IWatchPolicy
{
    private readonly Space _actionSpace;

    /// <summary>Samples from <paramref name="actionSpace"/>, seeded with <paramref name="seed"/>.</summary>
    public RandomWatchPolicy(Space actionSpace, long seed)
    {
        _actionSpace = actionSpace ?? throw new ArgumentNullException(nameof(actionSpace));
        _actionSpace.Seed(seed);
    }

    /// <inheritdoc />
    public string Name => "random";

    /// <inheritdoc />
    public object Act(object observation) => _actionSpace.SampleObject();

    /// <inheritdoc />
    public string? BeginEpisode() => null;
}

/// <summary>How <see cref="WatchSession"/> plays.</summary>
public sealed record WatchOptions
{
    /// <summary>Steps per second; null: the environment's <c>render_fps</c> (30 when it declares none). 0: as fast as possible.</summary>
    public double? Fps { get; init; }

    /// <summary>Episodes to play; null: until the window is closed or the user quits.</summary>
    public int? Episodes { get; init; }

    /// <summary>Seed of the first reset (later resets continue the environment's stream); null: unseeded.</summary>
    public int? Seed { get; init; }

    /// <summary>Show the HUD (step, return, episode, speed, keys). Default true.</summary>
    public bool Hud { get; init; } = true;
}

/// <summary>A finished episode of a watch session.</summary>
/// <param name="Episode">0-based episode index.</param>
/// <param name="Return">Sum of rewards.</param>
/// <param name="Length">Steps taken.</param>
/// <param name="Truncated">Whether it ended by truncation (time limit) rather than termination.</param>
public sealed record WatchedEpisode(int Episode, double Return, int Length, bool Truncated);

/// <summary>
/// Plays live rollouts of an environment in a window, with a HUD (episode, step, return, speed) and keys: Space or P
/// pauses, N / Right / Enter takes a single step while paused, Up / + plays faster, Down / - slower, R restarts the
/// episode, Q / Escape quits. The environment is drawn from the scene it describes; it never touches OpenGL.
/// </summary>
public sealed class WatchSession
{
    /// <summary>The key help shown at the bottom of the HUD and printed at start.</summary>
    public const string KeyHelp = "SPACE pause  N step  UP/DOWN speed  R restart  Q quit";

    private const double MinFps = 0.5, MaxFps = 2000;
    private readonly IEnv _env;
    private readonly IWatchPolicy _policy;
    private readonly IRenderable _source;
    private readonly Scene _scene = new();
    private readonly List<WatchedEpisode> _episodes = [];
    private double _fps;
    private bool _paused, _quit;
    private string? _message;
    private readonly Scene _hud = new();

    /// <summary>Prepares to watch <paramref name="env"/> driven by <paramref name="policy"/>.</summary>
    /// <exception cref="ArgumentException">If the environment cannot render.</exception>
    public WatchSession(IEnv env, IWatchPolicy policy, WatchOptions? options = null)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        Options = options ?? new WatchOptions();
        if (Options.Fps is < 0) throw new ArgumentException($"watch: fps = {Options.Fps} must not be negative");
        if (Options.Episodes is < 1) throw new ArgumentException($"watch: episodes = {Options.Episodes} must be at least 1");
        _source = SceneSources.Require(env);
        _fps = Options.Fps ?? (env.Metadata.RenderFps > 0 ? env.Metadata.RenderFps : 30);
    }

    /// <summary>The options.</summary>
    public WatchOptions Options { get; }

    /// <summary>The episodes finished so far.</summary>
    public IReadOnlyList<WatchedEpisode> Episodes => _episodes;

    /// <summary>Total environment steps taken.</summary>
    public long TotalSteps { get; private set; }

    /// <summary>Whether the user quit (Q, Escape or closing the window) before the requested episodes were played.</summary>
    public bool Quit => _quit;

    /// <summary>Called with a line for each finished episode and each policy message (e.g. for the console).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The native size of the environment's picture (the window size <see cref="Run()"/> uses).</summary>
    public (int Width, int Height) NativeSize
    {
        get
        {
            _source.DescribeScene(_scene);
            return (_scene.Width, _scene.Height);
        }
    }

    /// <summary>The HUD band's height above the picture (0 without a HUD): four lines and the episode's progress bar.</summary>
    public int HudHeight => Options.Hud ? HudText.BandHeight(4, bar: true) : 0;

    /// <summary>The window size <see cref="Run()"/> uses: the picture at its native size with the HUD band above it.</summary>
    public (int Width, int Height) WindowSize
    {
        get
        {
            var (w, h) = NativeSize;
            return (w, h + HudHeight);
        }
    }

    /// <summary>Opens a window of the environment's native size (plus the HUD band) and plays until done or quit.</summary>
    /// <exception cref="Native.RenderingUnavailableException">If no window can be opened; the message says what to install or set.</exception>
    public void Run()
    {
        var (w, h) = WindowSize;
        using var viewer = new Viewer(w, h, $"rl watch {_env.Name}");
        Run(viewer);
    }

    /// <summary>Plays in <paramref name="viewer"/> until the requested episodes are done, the user quits, or the window closes.</summary>
    public void Run(Viewer viewer)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        bool first = true;
        while (!_quit && !viewer.IsClosed && (Options.Episodes is not int n || _episodes.Count < n))
        {
            string? change = _policy.BeginEpisode();
            if (first) Log?.Invoke($"watching {_env.Name} with policy {_policy.Name} at {FormatFps(_fps)} steps/s; keys: {KeyHelp}");
            if (change is not null)
            {
                _message = change;
                Log?.Invoke(change);
            }
            var observation = _env.ResetObject(first ? Options.Seed : null).Observation;
            first = false;
            int step = 0;
            double ret = 0;
            bool done = false, truncated = false, restart = false;
            Show(viewer, step, ret);
            while (!done && !restart && !_quit && !viewer.IsClosed)
            {
                bool singleStep = false;
                while (viewer.Window.TryReadKey(out var key))
                {
                    switch (key)
                    {
                        case Key.Space or Key.P: _paused = !_paused; break;
                        case Key.N or Key.Right or Key.Enter or Key.Period: singleStep = _paused; break;
                        case Key.Up or Key.Equal or Key.KeypadAdd: _fps = Math.Min(MaxFps, _fps <= 0 ? MaxFps : _fps * 1.5); break;
                        case Key.Down or Key.Minus or Key.KeypadSubtract: _fps = Math.Max(MinFps, (_fps <= 0 ? MaxFps : _fps) / 1.5); break;
                        case Key.R: restart = true; break;
                        case Key.Q or Key.Escape: _quit = true; break;
                    }
                    if (singleStep || restart || _quit) break; // one step per key press
                }
                if (_quit || restart) break;
                if (!_paused || singleStep)
                {
                    var r = _env.StepObject(_policy.Act(observation));
                    observation = r.Observation;
                    step++;
                    TotalSteps++;
                    ret += r.Reward;
                    done = r.Terminated || r.Truncated;
                    truncated = r.Truncated && !r.Terminated;
                }
                Show(viewer, step, ret);
                viewer.WaitForNextFrame(_paused ? 30 : _fps);
            }
            if (done)
            {
                var e = new WatchedEpisode(_episodes.Count, ret, step, truncated);
                _episodes.Add(e);
                Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"episode {e.Episode}: return {e.Return:0.###}, {e.Length} steps{(e.Truncated ? " (truncated)" : "")}"));
            }
        }
        _quit |= viewer.IsClosed && (Options.Episodes is not int m || _episodes.Count < m);
    }

    private void Show(Viewer viewer, int step, double ret)
    {
        _source.DescribeScene(_scene);
        if (!Options.Hud)
        {
            viewer.Show(_scene);
            return;
        }
        string status = string.Create(CultureInfo.InvariantCulture,
            $"EPISODE {_episodes.Count}  STEP {step}  RETURN {ret:0.##}");
        string speed = (_paused ? "PAUSED" : $"{FormatFps(_fps)} STEPS/S") + $"  POLICY {_policy.Name}";
        var lines = new List<(string Text, Color Color)>
        {
            (status, Color.Black), (speed, _paused ? new Color(200, 30, 30) : Color.Black), (KeyHelp, new Color(90, 90, 90)),
        };
        if (_message is not null) lines.Add((_message, new Color(20, 110, 20)));
        float? progress = _env.Spec?.MaxEpisodeSteps is int limit and > 0 ? step / (float)limit : null;
        HudText.Draw(_hud, viewer.Window.FramebufferSize.Width, HudHeight, lines, progress);
        viewer.Show(_scene, _hud);
    }

    private static string FormatFps(double fps) => fps <= 0 ? "MAX" : fps.ToString("0.#", CultureInfo.InvariantCulture);
}
