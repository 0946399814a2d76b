using System.Collections;

namespace Rl.Core;

/// <summary>
/// The ordered, immutable key set of <see cref="Info"/>s: an environment that reports the same keys at every step creates it
/// once and builds each step's info with <see cref="Create"/>, so the keys are neither copied nor hashed per step. Lookups
/// compare keys ordinally, by a linear scan up to 16 keys and through an index above.
/// </summary>
public sealed class InfoKeys : IReadOnlyList<string>
{
    /// <summary>The largest key count looked up by a linear scan; larger key sets build a hash index once.</summary>
    internal const int LinearLookupLimit = 16;

    private readonly string[] _keys;
    private readonly Dictionary<string, int>? _index;

    /// <summary>The empty key set.</summary>
    internal static readonly InfoKeys None = new([], null);

    /// <summary>Creates a key set (copied).</summary>
    /// <exception cref="ArgumentNullException">If a key is null.</exception>
    /// <exception cref="ArgumentException">Naming a key that appears more than once.</exception>
    public InfoKeys(params ReadOnlySpan<string> keys) : this(Distinct(keys), null)
    {
    }

    // A copy of keys, checked: none null, none repeated (ordinal comparison).
    private static string[] Distinct(ReadOnlySpan<string> keys)
    {
        var copy = keys.ToArray();
        var seen = new HashSet<string>(copy.Length, StringComparer.Ordinal);
        for (int i = 0; i < copy.Length; i++)
        {
            if (copy[i] is null) throw new ArgumentNullException(nameof(keys), $"info keys: key {i} is null");
            if (!seen.Add(copy[i])) throw Repeated(copy[i]);
        }
        return copy;
    }

    // Takes ownership of distinct keys and their index (null up to LinearLookupLimit keys; built here if missing above).
    internal InfoKeys(string[] keys, Dictionary<string, int>? index)
    {
        _keys = keys;
        if (index is null && keys.Length > LinearLookupLimit)
        {
            index = new Dictionary<string, int>(keys.Length, StringComparer.Ordinal);
            for (int i = 0; i < keys.Length; i++) index.Add(keys[i], i);
        }
        _index = keys.Length > LinearLookupLimit ? index : null;
    }

    /// <summary>The number of keys.</summary>
    public int Count => _keys.Length;

    /// <summary>Key <paramref name="index"/> (0-based, in order).</summary>
    public string this[int index] => _keys[index];

    /// <summary>The position of <paramref name="key"/> (ordinal comparison), or -1 if absent.</summary>
    /// <exception cref="ArgumentNullException">If <paramref name="key"/> is null.</exception>
    public int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_index is not null) return _index.TryGetValue(key, out int at) ? at : -1;
        var keys = _keys;
        for (int i = 0; i < keys.Length; i++)
            if (ReferenceEquals(keys[i], key) || string.Equals(keys[i], key, StringComparison.Ordinal)) return i;
        return -1;
    }

    /// <summary>
    /// An info with these keys and <paramref name="values"/> (one per key, in key order; copied). It allocates the info and its
    /// values array only: box small int values with <see cref="Info.BoxedInt"/> to share their boxes.
    /// </summary>
    /// <exception cref="ArgumentException">If the number of values is not the number of keys.</exception>
    public Info Create(params ReadOnlySpan<object?> values)
    {
        if (values.Length != _keys.Length)
            throw new ArgumentException($"info keys [{string.Join(", ", _keys)}] need {_keys.Length} values, got {values.Length}", nameof(values));
        return _keys.Length == 0 ? Info.Empty : new Info(this, values.ToArray());
    }

    // These keys and then `key` (not present).
    internal InfoKeys Append(string key)
    {
        var keys = new string[_keys.Length + 1];
        _keys.CopyTo(keys, 0);
        keys[^1] = key;
        return new InfoKeys(keys, null);
    }

    /// <summary>Enumerates the keys in order.</summary>
    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_keys).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => "[" + string.Join(", ", _keys) + "]";

    private static ArgumentException Repeated(string key) => new($"info keys: '{key}' is given more than once", "keys");
}
