using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Rl.Core;

/// <summary>
/// The auxiliary diagnostic information returned by <c>Reset</c> and <c>Step</c> (Gymnasium's <c>info</c> dict).
/// Immutable: <see cref="With(string, object?)"/> returns a new instance, so an <see cref="Info"/> kept by a caller never changes,
/// and a step that reports nothing returns the shared <see cref="Empty"/> without allocating.
/// </summary>
/// <remarks>
/// An info is an ordered key set (<see cref="InfoKeys"/>) and one value per key. The entries enumerate in the order their
/// keys were first given (as a <see cref="Dictionary{TKey, TValue}"/> filled once does); lookups compare keys ordinally.
/// An environment that reports the same keys at every step creates their <see cref="InfoKeys"/> once and each info with
/// <see cref="InfoKeys.Create"/>: a new info then costs one values array and the info object (88 bytes for four
/// values), and every info of that environment shares the key set. Because an info never changes, an environment may also
/// return the same instance again (or hand one instance to several callers) whenever its values are the same.
/// </remarks>
public sealed class Info : IReadOnlyDictionary<string, object?>
{
    // Never written after construction and never handed out: the info's immutability rests on it.
    private readonly InfoKeys _keys;
    private readonly object?[] _values;

    /// <summary>The info with no entries.</summary>
    public static readonly Info Empty = new(InfoKeys.None, []);

    // Takes ownership of values (values.Length == keys.Count).
    internal Info(InfoKeys keys, object?[] values)
    {
        _keys = keys;
        _values = values;
    }

    /// <summary>Creates an info from entries (copied).</summary>
    /// <exception cref="ArgumentNullException">If a key is null.</exception>
    /// <exception cref="ArgumentException">Naming a key that appears more than once.</exception>
    public static Info From(IEnumerable<KeyValuePair<string, object?>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var builder = new Builder(items.TryGetNonEnumeratedCount(out int n) ? n : 4);
        foreach (var (key, value) in items) builder.Add(key, value, replace: false);
        return builder.ToInfo();
    }

    /// <summary>Creates an info from (key, value) pairs; a key given more than once keeps its first place and its last value.</summary>
    /// <exception cref="ArgumentNullException">If a key is null.</exception>
    public static Info Of(params ReadOnlySpan<(string Key, object? Value)> items)
    {
        if (items.IsEmpty) return Empty;
        var builder = new Builder(items.Length);
        foreach (var (key, value) in items) builder.Add(key, value, replace: true);
        return builder.ToInfo();
    }

    /// <summary>
    /// A boxed <see cref="int"/> for an info value: for 0 to 1,023 the same shared box at every call (no allocation once it
    /// exists), otherwise a new box. Boxes are immutable, so sharing them between infos is safe.
    /// </summary>
    public static object BoxedInt(int value)
    {
        if (value < 0 || value >= SmallInts.Length) return value;
        return SmallInts[value] ??= value; // a race boxes twice; either box is correct
    }

    private static readonly object?[] SmallInts = new object?[1024];

    /// <summary>The info's keys, in order (shared, immutable; no allocation).</summary>
    public InfoKeys Keys => _keys;

    /// <summary>A copy with <paramref name="key"/> set to <paramref name="value"/> (an existing key keeps its place; a new one comes last).</summary>
    /// <exception cref="ArgumentNullException">If <paramref name="key"/> is null.</exception>
    public Info With(string key, object? value)
    {
        int i = _keys.IndexOf(key);
        if (i >= 0)
        {
            var values = (object?[])_values.Clone();
            values[i] = value;
            return new Info(_keys, values);
        }
        var extended = new object?[_values.Length + 1];
        _values.CopyTo(extended, 0);
        extended[^1] = value;
        return new Info(_keys.Append(key), extended);
    }

    /// <summary>A copy with all of <paramref name="other"/>'s entries added (overwriting equal keys, which keep their place).</summary>
    public Info With(Info other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count == 0) return this;
        if (Count == 0 || ReferenceEquals(_keys, other._keys)) return other; // every entry overwritten, in the same order
        var builder = new Builder(Count + other.Count);
        for (int i = 0; i < _values.Length; i++) builder.Add(_keys[i], _values[i], replace: true);
        for (int i = 0; i < other._values.Length; i++) builder.Add(other._keys[i], other._values[i], replace: true);
        return builder.ToInfo();
    }

    /// <summary>The value of <paramref name="key"/> as <typeparamref name="T"/>.</summary>
    /// <exception cref="KeyNotFoundException">Naming the key and the keys present.</exception>
    /// <exception cref="InvalidCastException">Naming the key, the expected and the actual type.</exception>
    public T Get<T>(string key)
    {
        int i = _keys.IndexOf(key);
        if (i < 0) throw Missing(key);
        var v = _values[i];
        if (v is T t) return t;
        throw new InvalidCastException($"info['{key}'] is {v?.GetType().Name ?? "null"}, not {typeof(T).Name}");
    }

    /// <summary>Gets the value of <paramref name="key"/> if present and of type <typeparamref name="T"/>.</summary>
    public bool TryGet<T>(string key, [MaybeNullWhen(false)] out T value)
    {
        int i = _keys.IndexOf(key);
        if (i >= 0 && _values[i] is T t)
        {
            value = t;
            return true;
        }
        value = default;
        return false;
    }

    /// <inheritdoc />
    /// <exception cref="KeyNotFoundException">Naming the key and the keys present.</exception>
    public object? this[string key]
    {
        get
        {
            int i = _keys.IndexOf(key);
            return i >= 0 ? _values[i] : throw Missing(key);
        }
    }

    IEnumerable<string> IReadOnlyDictionary<string, object?>.Keys => _keys;

    /// <inheritdoc />
    public IEnumerable<object?> Values => Array.AsReadOnly(_values);

    /// <inheritdoc />
    public int Count => _values.Length;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _keys.IndexOf(key) >= 0;

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        int i = _keys.IndexOf(key);
        if (i >= 0)
        {
            value = _values[i];
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>Enumerates the entries in key order (a <c>foreach</c> over an <see cref="Info"/> allocates nothing).</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<KeyValuePair<string, object?>> IEnumerable<KeyValuePair<string, object?>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => "{" + string.Join(", ", this.Select(p => $"{p.Key}: {Spaces.Space.FormatValue(p.Value)}")) + "}";

    private KeyNotFoundException Missing(string key) => new($"info has no key '{key}'; keys: [{string.Join(", ", _keys)}]");

    /// <summary>The enumerator of an <see cref="Info"/>'s entries.</summary>
    public struct Enumerator : IEnumerator<KeyValuePair<string, object?>>
    {
        private readonly Info _info;
        private int _index;

        internal Enumerator(Info info)
        {
            _info = info;
            _index = -1;
        }

        /// <inheritdoc />
        public readonly KeyValuePair<string, object?> Current => new(_info._keys[_index], _info._values[_index]);

        readonly object IEnumerator.Current => Current;

        /// <inheritdoc />
        public bool MoveNext() => ++_index < _info._values.Length;

        /// <inheritdoc />
        public void Reset() => _index = -1;

        /// <inheritdoc />
        public readonly void Dispose() { }
    }

    // Collects entries in order: a repeated key keeps its first place and takes the new value (replace) or is an error.
    private struct Builder(int capacity)
    {
        private string[] _keys = new string[Math.Max(capacity, 1)];
        private object?[] _values = new object?[Math.Max(capacity, 1)];
        private int _count;
        private Dictionary<string, int>? _index;

        public void Add(string key, object? value, bool replace)
        {
            ArgumentNullException.ThrowIfNull(key);
            int at = Find(key);
            if (at >= 0)
            {
                if (!replace) throw new ArgumentException($"info: the key '{key}' is given more than once", nameof(key));
                _values[at] = value;
                return;
            }
            if (_count == _keys.Length)
            {
                Array.Resize(ref _keys, _count * 2);
                Array.Resize(ref _values, _count * 2);
            }
            _index?.Add(key, _count);
            _keys[_count] = key;
            _values[_count++] = value;
            if (_index is null && _count > InfoKeys.LinearLookupLimit)
            {
                _index = new Dictionary<string, int>(_count * 2, StringComparer.Ordinal);
                for (int i = 0; i < _count; i++) _index.Add(_keys[i], i);
            }
        }

        private readonly int Find(string key)
        {
            if (_index is not null) return _index.TryGetValue(key, out int i) ? i : -1;
            for (int i = 0; i < _count; i++)
                if (string.Equals(_keys[i], key, StringComparison.Ordinal)) return i;
            return -1;
        }

        public Info ToInfo()
        {
            if (_count == 0) return Empty;
            if (_count < _keys.Length)
            {
                Array.Resize(ref _keys, _count);
                Array.Resize(ref _values, _count);
            }
            return new Info(new InfoKeys(_keys, _index), _values);
        }
    }
}
