using Rl.Core.Spaces;
using Rl.Core.Wrappers;

namespace Rl.Core.Input;

/// <summary>One control of a key map: what it does, and the keys that work it (any one of them held is enough).</summary>
public sealed class KeyControl
{
    /// <summary>Creates a control.</summary>
    /// <exception cref="ArgumentException">If the name is empty or no key is given.</exception>
    public KeyControl(string name, params Key[] keys)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a key control needs a name", nameof(name));
        if (keys is null || keys.Length == 0) throw new ArgumentException($"key control '{name}' has no key", nameof(keys));
        Name = name;
        Keys = keys;
    }

    /// <summary>What the control does, shown to the player (e.g. "push left").</summary>
    public string Name { get; }

    /// <summary>The keys that work it.</summary>
    public IReadOnlyList<Key> Keys { get; }

    /// <summary>The keys as shown to players, e.g. "LEFT/A".</summary>
    public string KeyText => string.Join("/", Keys.Select(KeyNames.Of));

    /// <summary>Whether any of its keys is in <paramref name="held"/>.</summary>
    public bool IsHeld(IReadOnlySet<Key> held) => Keys.Any(held.Contains);
}

/// <summary>
/// How a person plays an environment with the keyboard: the controls (shown at start) and the action built from the keys held
/// at a step. Environments describe their map (<see cref="IKeyMapped"/>); windows and play loops read keys and apply it, so
/// environments never touch a window library.
/// </summary>
public abstract class KeyMap
{
    /// <summary>Creates a map over <paramref name="controls"/>.</summary>
    /// <exception cref="ArgumentException">If there is no control or one key works two controls.</exception>
    protected KeyMap(IReadOnlyList<KeyControl> controls, string idleDescription)
    {
        ArgumentNullException.ThrowIfNull(controls);
        if (controls.Count == 0) throw new ArgumentException("a key map needs at least one control", nameof(controls));
        var seen = new Dictionary<Key, string>();
        foreach (var c in controls)
            foreach (var k in c.Keys)
                if (!seen.TryAdd(k, c.Name))
                    throw new ArgumentException($"key {KeyNames.Of(k)} works both '{seen[k]}' and '{c.Name}'", nameof(controls));
        Controls = controls;
        IdleDescription = idleDescription;
    }

    /// <summary>The controls, in the order they are shown.</summary>
    public IReadOnlyList<KeyControl> Controls { get; }

    /// <summary>What happens at a step when no control is held (e.g. "coast straight").</summary>
    public string IdleDescription { get; }

    /// <summary>The action space the map's actions belong to.</summary>
    public abstract Space ActionSpace { get; }

    /// <summary>Whether <paramref name="key"/> works one of the controls.</summary>
    public bool Uses(Key key) => Controls.Any(c => c.Keys.Contains(key));

    /// <summary>
    /// The action for a step at which the keys <paramref name="held"/> are down. <paramref name="previous"/> is the action of
    /// the previous step of the episode (null at its first step), for maps whose idle action repeats it.
    /// </summary>
    public abstract object Action(IReadOnlySet<Key> held, object? previous);

    /// <summary>One line per control ("LEFT/A      push left") and a last one for no key held.</summary>
    public IReadOnlyList<string> HelpLines()
    {
        int width = Controls.Max(c => c.KeyText.Length);
        var lines = Controls.Select(c => $"{c.KeyText.PadRight(width)}  {c.Name}").ToList();
        lines.Add($"{"(none)".PadRight(width)}  {IdleDescription}");
        return lines;
    }
}

/// <summary>A discrete action and the controls held together to choose it.</summary>
/// <param name="Action">The action.</param>
/// <param name="Controls">The controls (all held).</param>
public sealed record KeyChord(int Action, params KeyControl[] Controls);

/// <summary>
/// A key map for <see cref="Discrete"/> actions: the chord whose controls are all held, the one with the most controls
/// when several are (so LEFT+UP beats UP), the first listed on a tie; when none is held, the idle action.
/// </summary>
public sealed class DiscreteKeyMap : KeyMap
{
    private readonly Discrete _space;
    private readonly KeyChord[] _chords;

    /// <summary>Creates the map.</summary>
    /// <param name="space">The action space.</param>
    /// <param name="controls">The controls, in the order they are shown.</param>
    /// <param name="chords">Which controls choose which action.</param>
    /// <param name="idleAction">The action when no chord is held; null: repeat the previous step's action (the first chord's at an episode's first step).</param>
    /// <param name="idleDescription">What the idle action does, for the player.</param>
    /// <exception cref="ArgumentException">If a chord's action is outside the space or it names a control not in <paramref name="controls"/>.</exception>
    public DiscreteKeyMap(Discrete space, IReadOnlyList<KeyControl> controls, IReadOnlyList<KeyChord> chords, int? idleAction, string idleDescription)
        : base(controls, idleDescription)
    {
        _space = space ?? throw new ArgumentNullException(nameof(space));
        ArgumentNullException.ThrowIfNull(chords);
        if (chords.Count == 0) throw new ArgumentException("a discrete key map needs at least one chord", nameof(chords));
        foreach (var chord in chords)
        {
            if (!space.Contains(chord.Action)) throw new ArgumentException($"key chord action {chord.Action} is not in {space}", nameof(chords));
            if (chord.Controls.Length == 0 || chord.Controls.Any(c => !controls.Contains(c)))
                throw new ArgumentException($"key chord for action {chord.Action} must name controls of this map", nameof(chords));
        }
        if (idleAction is int idle && !space.Contains(idle)) throw new ArgumentException($"idle action {idle} is not in {space}", nameof(idleAction));
        _chords = [.. chords];
        IdleAction = idleAction;
    }

    /// <summary>The action when nothing is held; null repeats the previous action.</summary>
    public int? IdleAction { get; }

    /// <inheritdoc />
    public override Space ActionSpace => _space;

    /// <inheritdoc />
    public override object Action(IReadOnlySet<Key> held, object? previous)
    {
        ArgumentNullException.ThrowIfNull(held);
        KeyChord? best = null;
        foreach (var chord in _chords)
            if ((best is null || chord.Controls.Length > best.Controls.Length) && chord.Controls.All(c => c.IsHeld(held)))
                best = chord;
        if (best is not null) return best.Action;
        return IdleAction ?? (previous as int? ?? _chords[0].Action);
    }
}

/// <summary>What holding a control adds to one component of a continuous action.</summary>
/// <param name="Control">The control.</param>
/// <param name="Component">The index in the action vector.</param>
/// <param name="Value">Added while held.</param>
public sealed record KeyPush(KeyControl Control, int Component, float Value);

/// <summary>
/// A key map for <see cref="Box{T}"/> float actions: the idle vector plus the pushes of the held controls, clipped to the
/// box (so LEFT and RIGHT together cancel).
/// </summary>
public sealed class BoxKeyMap : KeyMap
{
    private readonly Box<float> _space;
    private readonly float[] _idle;
    private readonly KeyPush[] _pushes;

    /// <summary>Creates the map.</summary>
    /// <exception cref="ArgumentException">If the idle action is not in the box or a push names a component outside it.</exception>
    public BoxKeyMap(Box<float> space, float[] idle, IReadOnlyList<KeyPush> pushes, string idleDescription)
        : base(Distinct(pushes), idleDescription)
    {
        _space = space ?? throw new ArgumentNullException(nameof(space));
        ArgumentNullException.ThrowIfNull(idle);
        if (space.Explain(idle) is string why) throw new ArgumentException($"idle action is not in {space}: {why}", nameof(idle));
        foreach (var p in pushes)
            if (p.Component < 0 || p.Component >= space.Size)
                throw new ArgumentException($"key push '{p.Control.Name}' names component {p.Component} of a {space.Size}-component action", nameof(pushes));
        _idle = [.. idle];
        _pushes = [.. pushes];
    }

    /// <inheritdoc />
    public override Space ActionSpace => _space;

    /// <inheritdoc />
    public override object Action(IReadOnlySet<Key> held, object? previous)
    {
        ArgumentNullException.ThrowIfNull(held);
        var a = (float[])_idle.Clone();
        foreach (var p in _pushes)
            if (p.Control.IsHeld(held)) a[p.Component] += p.Value;
        _space.Clip(a);
        return a;
    }

    private static IReadOnlyList<KeyControl> Distinct(IReadOnlyList<KeyPush> pushes)
    {
        ArgumentNullException.ThrowIfNull(pushes);
        return pushes.Select(p => p.Control).Distinct().ToList();
    }
}

/// <summary>An environment that a person can play with the keyboard.</summary>
public interface IKeyMapped
{
    /// <summary>The key map (the same instance on every call is fine: maps are immutable).</summary>
    KeyMap KeyMap { get; }
}

/// <summary>Finds the key map in a chain of wrappers.</summary>
public static class KeyMaps
{
    /// <summary>The outermost <see cref="IKeyMapped"/> map in <paramref name="env"/>'s wrapper chain whose actions fit the outer action space, else null.</summary>
    public static KeyMap? Find(IEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        IEnv? e = env;
        while (e is not null)
        {
            if (e is IKeyMapped m && Fits(m.KeyMap, env)) return m.KeyMap;
            e = e is IWrapper w ? w.InnerEnv : null;
        }
        return env.Unwrapped is IKeyMapped u && Fits(u.KeyMap, env) ? u.KeyMap : null;
    }

    /// <summary>The key map of <paramref name="env"/>.</summary>
    /// <exception cref="ArgumentException">Naming the environment when it has none (it cannot be played by a person).</exception>
    public static KeyMap Require(IEnv env) =>
        Find(env) ?? throw new ArgumentException(
            $"environment '{env.Name}' ({env.Unwrapped.GetType().Name}) has no key map, so a person cannot play it: its action space {env.ActionSpace} is not mapped to keys (environments that have one implement IKeyMapped)");

    // A wrapper that changes the action type (e.g. rescaling) makes the inner map's actions meaningless outside.
    private static bool Fits(KeyMap map, IEnv env) => env.ActionSpace.ContainsObject(map.Action(new HashSet<Key>(), null));
}
