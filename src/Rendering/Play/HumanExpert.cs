using System.Globalization;
using Rl.Core;
using Rl.Core.Experts;
using Rl.Core.Input;
using Rl.Core.Rendering;
using Rl.Core.Spaces;
using Rl.Rendering.Input;
using Rl.Rendering.MuJoCo;

namespace Rl.Rendering.Play;

/// <summary>How a <see cref="HumanExpert"/> labels.</summary>
public sealed record HumanExpertOptions
{
    /// <summary>
    /// Labels per second in real time (each visited state is shown for one frame and labelled with the keys held then).
    /// Null: a pace a person can follow (<see cref="HudText.HumanPace"/>). 0: as fast as possible, as <c>rl play --fps 0</c>.
    /// </summary>
    public double? Fps { get; init; }

    /// <summary>Turn-based: each state waits for a press of a mapped key (held keys join it). Default false.</summary>
    public bool TurnBased { get; init; }

    /// <summary>Show the HUD (labels so far, the person's label, the keys). Default true.</summary>
    public bool Hud { get; init; } = true;
}

/// <summary>
/// A person as the expert of imitation learning (DAgger with <c>--human</c>): every state the learner visits is shown in a
/// window and labelled with the action the person's held keys mean under the environment's <see cref="KeyMap"/>, while the
/// learner (or the β mixture) drives. Labelling waits for the first key; P pauses; ESC or closing the window stops with
/// <see cref="OperationCanceledException"/>. Use it on one thread (the window's).
/// </summary>
public sealed class HumanExpert : IExpert, IDisposable
{
    private readonly IRenderable _source;
    private readonly Scene _scene = new();
    private readonly HashSet<Key> _tapped = [], _held = [];
    private readonly Queue<Key> _events = new();
    private readonly Key[] _mapKeys;
    private readonly Scene _hud = new();
    private readonly int _hudHeight;
    private readonly double _fps;
    private readonly bool _ownsViewer;
    private Viewer? _viewer;
    private IKeySource? _keys;
    private object? _previous;
    private bool _paused, _waiting = true;
    private int _episodes;

    /// <summary>
    /// A human expert for <paramref name="env"/>. Without <paramref name="viewer"/> a window is opened at the first label;
    /// without <paramref name="keys"/> the window's keyboard is read (a <see cref="KeyScript"/> drives it in tests).
    /// </summary>
    /// <exception cref="ArgumentException">If the environment cannot render or has no key map, or the fps is not positive.</exception>
    public HumanExpert(IEnv env, HumanExpertOptions? options = null, Viewer? viewer = null, IKeySource? keys = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        Options = options ?? new HumanExpertOptions();
        if (Options.Fps is double f && !(f >= 0 && double.IsFinite(f)))
            throw new ArgumentException($"human expert: fps = {f} must be 0 (as fast as possible) or positive");
        KeyMap = KeyMaps.Require(env);
        if (KeyMap.Uses(PlaySession.PauseKey) || KeyMap.Uses(PlaySession.QuitKey))
            throw new ArgumentException($"human expert: the key map of '{env.Name}' uses P or ESC, which labelling keeps for pause and quit");
        _source = SceneSources.Require(env);
        _mapKeys = KeyMap.Controls.SelectMany(c => c.Keys).ToArray();
        _fps = Options.Fps ?? HudText.HumanPace(env);
        _hudHeight = Options.Hud ? HudText.BandHeight(2 + HelpLines().Count) : 0;
        _viewer = viewer;
        _keys = keys;
        _ownsViewer = viewer is null;
        Name = "human";
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The options.</summary>
    public HumanExpertOptions Options { get; }

    /// <summary>The environment's key map.</summary>
    public KeyMap KeyMap { get; }

    /// <summary>States labelled so far.</summary>
    public long Labels { get; private set; }

    /// <summary>The key help printed at start: the map, then the labelling keys.</summary>
    public IReadOnlyList<string> HelpLines() =>
        [.. KeyMap.HelpLines(), "P pause  ESC stop training", Options.TurnBased ? "TURN-BASED: each key press labels one state" : "labelling starts at the first key"];

    /// <inheritdoc />
    public void EpisodeStarted(IEnv env)
    {
        _previous = null;
        _episodes++;
    }

    /// <inheritdoc />
    /// <exception cref="OperationCanceledException">When the person pressed ESC or closed the window.</exception>
    public object Label(IEnv env, object observation)
    {
        var (viewer, keys) = Ensure();
        while (true)
        {
            if (viewer.IsClosed) throw new OperationCanceledException("human expert: the labelling window was closed");
            keys.Poll();
            while (keys.TryReadKey(out var k)) _events.Enqueue(k);
            _tapped.Clear();
            bool turn = false;
            // Turn-based, the presses of one frame make one turn, a key pressed again the next turn (as in PlaySession).
            while (!turn && _events.TryPeek(out var key))
            {
                if (Options.TurnBased && _tapped.Count > 0 && _tapped.Contains(key))
                {
                    turn = true;
                    break;
                }
                _events.Dequeue();
                if (key == PlaySession.QuitKey) throw new OperationCanceledException("human expert: the person stopped labelling (ESC)");
                if (key == PlaySession.PauseKey) _paused = !_paused;
                else if (KeyMap.Uses(key) && !_paused) _tapped.Add(key);
            }
            turn |= _tapped.Count > 0;
            _held.Clear();
            _held.UnionWith(_tapped);
            foreach (var k in _mapKeys)
                if (keys.IsKeyDown(k)) _held.Add(k);
            if (_waiting && _held.Count > 0) _waiting = false;
            bool label = !_paused && !_waiting && (!Options.TurnBased || turn);
            object? action = label ? KeyMap.Action(_held, _previous) : null;
            Show(viewer, action);
            viewer.WaitForNextFrame(_fps);
            if (action is null) continue;
            _previous = action;
            Labels++;
            return action;
        }
    }

    private (Viewer, IKeySource) Ensure()
    {
        if (_viewer is null)
        {
            _source.DescribeScene(_scene);
            var (w, h) = HudText.WindowSize(_scene.Width, _scene.Height);
            _viewer = new Viewer(w, h + _hudHeight, "rl dagger: your keys label the states");
            _viewer.Window.Focus();
        }
        _keys ??= _viewer.Window;
        return (_viewer, _keys);
    }

    private void Show(Viewer viewer, object? action)
    {
        _source.DescribeScene(_scene);
        if (!Options.Hud) viewer.Show(_scene);
        else
        {
            string status = string.Create(CultureInfo.InvariantCulture, $"EPISODE {_episodes}  LABELS {Labels}");
            string mode = _paused ? "PAUSED (P resumes)"
                : _waiting ? "PRESS A KEY TO START LABELLING"
                : action is null ? "PRESS A KEY TO LABEL THIS STATE"
                : "YOUR LABEL " + Space.FormatValue(action);
            var lines = new List<(string Text, Color Color)> { (status, Color.Black), (mode, action is null ? new Color(200, 30, 30) : Color.Black) };
            if (_paused || _waiting || Labels == 0) lines.AddRange(HelpLines().Select(l => (l, new Color(40, 40, 90))));
            HudText.Draw(_hud, viewer.Window.FramebufferSize.Width, _hudHeight, lines);
            viewer.Show(_scene, _hud);
        }
    }

    /// <summary>Closes the window if this expert opened it.</summary>
    public void Dispose()
    {
        if (_ownsViewer) _viewer?.Dispose();
        _viewer = null;
    }
}
