using System.Globalization;
using Rl.Core;
using Rl.Core.Demonstrations;
using Rl.Core.Input;
using Rl.Core.Rendering;
using Rl.Rendering.Input;
using Rl.Rendering.MuJoCo;

namespace Rl.Rendering.Play;

/// <summary>How <see cref="PlaySession"/> plays.</summary>
public sealed record PlayOptions
{
    /// <summary>
    /// Frames per second: in real time one step per frame; turn-based, how often keys are checked (at least 30).
    /// Null: a pace a person can follow, the environment's <c>render_fps</c> but at most <see cref="HudText.HumanFps"/>
    /// (see <see cref="HudText.HumanPace"/>). 0: as fast as possible.
    /// </summary>
    public double? Fps { get; init; }

    /// <summary>Turn-based: each step waits for a press of a mapped key (held keys join it). Default false (real time).</summary>
    public bool TurnBased { get; init; }

    /// <summary>Completed episodes to play; null: until the player quits or closes the window.</summary>
    public int? Episodes { get; init; }

    /// <summary>Seed of the first reset (later resets continue the environment's stream); null: unseeded.</summary>
    public int? Seed { get; init; }

    /// <summary>Show the HUD (episode, step, return, mode; the key map while waiting or paused). Default true.</summary>
    public bool Hud { get; init; } = true;
}

/// <summary>An episode played in a <see cref="PlaySession"/>.</summary>
/// <param name="Episode">0-based index among the session's episodes (discarded ones included).</param>
/// <param name="Return">Sum of rewards.</param>
/// <param name="Length">Steps taken.</param>
/// <param name="Completed">Whether it ended by termination or truncation (false: discarded or quit mid-way).</param>
/// <param name="File">The demonstration file it was saved to; null when not saved.</param>
public sealed record PlayedEpisode(int Episode, double Return, int Length, bool Completed, string? File);

/// <summary>
/// A person plays an environment in a window with the keyboard, through the environment's <see cref="KeyMap"/>, and every
/// completed episode is saved through a <see cref="DemonstrationWriter"/>. Keys besides the map's: P pauses, BACKSPACE
/// discards the current episode and starts a new one, ESCAPE (or closing the window) quits, dropping the episode in progress.
/// In real time an episode starts when a mapped key is first pressed or held (so the player has time to read the keys)
/// and then steps once per frame with the keys held; turn-based, each press of a mapped key is one step.
/// </summary>
public sealed class PlaySession
{
    /// <summary>Pauses and resumes.</summary>
    public const Key PauseKey = Key.P;

    /// <summary>Discards the current episode.</summary>
    public const Key DiscardKey = Key.Backspace;

    /// <summary>Quits.</summary>
    public const Key QuitKey = Key.Escape;

    /// <summary>The session keys' help line.</summary>
    public const string SessionKeyHelp = "P pause  BACKSPACE discard  ESC quit";

    private readonly IEnv _env;
    private readonly DemonstrationWriter? _writer;
    private readonly IRenderable _source;
    private readonly Scene _scene = new();
    private readonly List<PlayedEpisode> _episodes = [];
    private readonly HashSet<Key> _tapped = [], _held = [];
    private readonly Queue<Key> _events = new();
    private readonly Key[] _mapKeys;
    private readonly double _fps;
    private bool _paused, _quit, _waiting;
    private string? _message;
    private readonly Scene _hud = new();
    private readonly int _hudHeight;

    /// <summary>Prepares a session; <paramref name="writer"/> null plays without recording.</summary>
    /// <exception cref="ArgumentException">If the environment cannot render, has no key map, or its map uses a session key.</exception>
    public PlaySession(IEnv env, DemonstrationWriter? writer, PlayOptions? options = null)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        _writer = writer;
        Options = options ?? new PlayOptions();
        if (Options.Fps is < 0 || Options.Fps is double f && !double.IsFinite(f))
            throw new ArgumentException($"play: fps = {Options.Fps} must be 0 (as fast as possible) or positive");
        if (Options.Episodes is < 1) throw new ArgumentException($"play: episodes = {Options.Episodes} must be at least 1");
        KeyMap = KeyMaps.Require(env);
        foreach (var k in new[] { PauseKey, DiscardKey, QuitKey })
            if (KeyMap.Uses(k))
                throw new ArgumentException($"play: the key map of '{env.Name}' uses {KeyNames.Of(k)}, which the play session keeps for itself ({SessionKeyHelp})");
        _source = SceneSources.Require(env);
        _mapKeys = KeyMap.Controls.SelectMany(c => c.Keys).ToArray();
        _fps = Options.Fps ?? HudText.HumanPace(env);
        // Room for the status, mode and message lines and the whole help, so the window never changes size.
        _hudHeight = Options.Hud ? HudText.BandHeight(3 + HelpLines().Count) : 0;
    }

    /// <summary>The options.</summary>
    public PlayOptions Options { get; }

    /// <summary>The environment's key map.</summary>
    public KeyMap KeyMap { get; }

    /// <summary>Every episode played so far (saved, discarded, and one cut off by quitting).</summary>
    public IReadOnlyList<PlayedEpisode> Episodes => _episodes;

    /// <summary>The episodes that were completed (and saved when recording).</summary>
    public int Completed => _episodes.Count(e => e.Completed);

    /// <summary>Whether the player quit (ESCAPE or closing the window) before the requested episodes were played.</summary>
    public bool Quit => _quit;

    /// <summary>Called with a line for each episode saved or discarded (e.g. for the console).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The key map and the session keys, one line each, as shown at start.</summary>
    public IReadOnlyList<string> HelpLines() =>
        [.. KeyMap.HelpLines(), SessionKeyHelp, Options.TurnBased ? "TURN-BASED: each key press is one step" : "the episode starts at the first key"];

    /// <summary>
    /// The window size: the environment's picture scaled by a whole factor to about 480 pixels high when it is smaller
    /// (small pixel games would be unplayably tiny at their native size), with the HUD band above it.
    /// </summary>
    public (int Width, int Height) WindowSize
    {
        get
        {
            _source.DescribeScene(_scene);
            var (w, h) = HudText.WindowSize(_scene.Width, _scene.Height);
            return (w, h + _hudHeight);
        }
    }

    /// <summary>Opens a window and plays, reading the window's keyboard, until done or quit.</summary>
    /// <exception cref="Native.RenderingUnavailableException">If no window can be opened; the message says what to install or set.</exception>
    public void Run()
    {
        var (w, h) = WindowSize;
        using var viewer = new Viewer(w, h, $"rl play {_env.Name}");
        viewer.Window.Focus();
        Run(viewer, viewer.Window);
    }

    /// <summary>
    /// Plays in <paramref name="viewer"/> with keys from <paramref name="keys"/> (the viewer's window, or a
    /// <see cref="KeyScript"/>) until the requested episodes are completed, the player quits, or the window closes.
    /// </summary>
    public void Run(Viewer viewer, IKeySource keys)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(keys);
        bool first = true;
        while (!_quit && !viewer.IsClosed && (Options.Episodes is not int n || Completed < n))
        {
            int? seed = first ? Options.Seed : null;
            first = false;
            PlayEpisode(viewer, keys, seed);
        }
        _quit |= viewer.IsClosed && (Options.Episodes is not int m || Completed < m);
    }

    private void PlayEpisode(Viewer viewer, IKeySource keys, int? seed)
    {
        var observation = _env.ResetObject(seed).Observation;
        _writer?.BeginEpisode(observation, seed);
        object? previous = null;
        int step = 0;
        double ret = 0;
        bool done = false, discard = false;
        _waiting = !Options.TurnBased;
        Show(viewer, step, ret);
        void Step(IKeySource keys)
        {
            // A key pressed and released between two frames still counts as held for the next step.
            _held.Clear();
            _held.UnionWith(_tapped);
            foreach (var k in _mapKeys)
                if (keys.IsKeyDown(k)) _held.Add(k);
            var action = KeyMap.Action(_held, previous);
            var r = _env.StepObject(action);
            _writer?.Record(action, r.Observation, r.Reward, r.Terminated, r.Truncated, r.Info);
            previous = action;
            step++;
            ret += r.Reward;
            done = r.Terminated || r.Truncated;
        }

        while (!done && !discard && !_quit && !viewer.IsClosed)
        {
            keys.Poll();
            while (keys.TryReadKey(out var k)) _events.Enqueue(k);
            _tapped.Clear();
            // Events in order. Turn-based, the mapped keys pressed in one frame make one turn (a chord such as UP+LEFT),
            // but a key pressed again, or a session key, ends the turn first: so no press is lost or merged however slow
            // the frames are, and presses after an episode's last step wait for the next episode.
            while (!done && !discard && !_quit && _events.TryPeek(out var key))
            {
                bool mapped = KeyMap.Uses(key);
                if (Options.TurnBased && _tapped.Count > 0 && (!mapped || _tapped.Contains(key)))
                {
                    Step(keys);
                    _tapped.Clear();
                    continue;
                }
                _events.Dequeue();
                if (key == PauseKey) _paused = !_paused;
                else if (key == DiscardKey) discard = true;
                else if (key == QuitKey) _quit = true;
                else if (mapped && !(Options.TurnBased && _paused)) _tapped.Add(key);
            }
            if (discard || _quit) break;
            if (!done && Options.TurnBased && _tapped.Count > 0) Step(keys);
            else if (!done && !Options.TurnBased)
            {
                if (_waiting && (_tapped.Count > 0 || _mapKeys.Any(keys.IsKeyDown))) _waiting = false;
                if (!_paused && !_waiting) Step(keys);
            }
            Show(viewer, step, ret);
            viewer.WaitForNextFrame(Options.TurnBased || _paused || _waiting ? (_fps <= 0 ? 0 : Math.Max(_fps, 30)) : _fps);
        }
        string? file = null;
        if (done && _writer is not null) file = _writer.EndEpisode().File;
        else _writer?.DiscardEpisode();
        var e = new PlayedEpisode(_episodes.Count, ret, step, done, file);
        _episodes.Add(e);
        string what = done
            ? file is null ? "completed" : $"saved {file}"
            : discard ? "discarded" : "dropped (quit mid-episode)";
        _message = string.Create(CultureInfo.InvariantCulture, $"episode {e.Episode}: {what}: return {e.Return:0.###}, {e.Length} steps");
        Log?.Invoke(_message);
    }

    private void Show(Viewer viewer, int step, double ret)
    {
        _source.DescribeScene(_scene);
        if (!Options.Hud)
        {
            viewer.Show(_scene);
            return;
        }
        DrawHud(step, ret, viewer.Window.FramebufferSize.Width);
        viewer.Show(_scene, _hud);
    }

    private void DrawHud(int step, double ret, int width)
    {
        string status = string.Create(CultureInfo.InvariantCulture,
            $"EPISODE {_episodes.Count}  STEP {step}  RETURN {ret:0.##}  SAVED {Completed}");
        string mode = _paused ? "PAUSED (P resumes)"
            : _waiting ? "PRESS A KEY TO START"
            : Options.TurnBased ? "TURN-BASED: PRESS A KEY PER STEP"
            : string.Create(CultureInfo.InvariantCulture, $"{(_fps <= 0 ? "MAX" : _fps.ToString("0.#", CultureInfo.InvariantCulture))} STEPS/S");
        var lines = new List<(string Text, Color Color)> { (status, Color.Black), (mode, _paused || _waiting ? new Color(200, 30, 30) : Color.Black) };
        if (_message is not null) lines.Add((_message, new Color(20, 110, 20)));
        if (_paused || _waiting || step == 0) lines.AddRange(HelpLines().Select(l => (l, new Color(40, 40, 90))));
        else lines.Add((SessionKeyHelp, new Color(90, 90, 90)));
        HudText.Draw(_hud, width, _hudHeight, lines);
    }
}
