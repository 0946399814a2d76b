using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Rl.Core;

/// <summary>
/// The auxiliary diagnostic information returned by <c>Reset</c> and <c>Step</c> (Gymnasium's <c>info</c> dict).
/// Immutable: <see cref="With(string, object?)"/> returns a new instance, so an <see cref="Info"/> kept by a caller never changes,
/// and a step that reports nothing returns the shared <see cref="Empty"/> without allocating.
/// </summary>
public sealed class Info : IReadOnlyDictionary<string, object?>
{
    private static readonly Dictionary<string, object?> NoItems = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object?> _items;

    /// <summary>The info with no entries.</summary>
    public static readonly Info Empty = new(NoItems);

    private Info(Dictionary<string, object?> items) => _items = items;

    /// <summary>Creates an info from entries (copied).</summary>
    public static Info From(IEnumerable<KeyValuePair<string, object?>> items) =>
        new(new Dictionary<string, object?>(items, StringComparer.Ordinal));

    /// <summary>Creates an info from (key, value) pairs.</summary>
    public static Info Of(params (string Key, object? Value)[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        // Sized once and filled in a loop: this runs every step of every environment that reports an info.
        var d = new Dictionary<string, object?>(items.Length, StringComparer.Ordinal);
        foreach (var (key, value) in items) d[key] = value;
        return new Info(d);
    }

    /// <summary>A copy with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    public Info With(string key, object? value)
    {
        var d = new Dictionary<string, object?>(_items, StringComparer.Ordinal) { [key] = value };
        return new Info(d);
    }

    /// <summary>A copy with all of <paramref name="other"/>'s entries added (overwriting equal keys).</summary>
    public Info With(Info other)
    {
        if (other.Count == 0) return this;
        if (Count == 0) return other;
        var d = new Dictionary<string, object?>(_items, StringComparer.Ordinal);
        foreach (var (k, v) in other._items) d[k] = v;
        return new Info(d);
    }

    /// <summary>The value of <paramref name="key"/> as <typeparamref name="T"/>.</summary>
    /// <exception cref="KeyNotFoundException">Naming the key and the keys present.</exception>
    /// <exception cref="InvalidCastException">Naming the key, the expected and the actual type.</exception>
    public T Get<T>(string key)
    {
        if (!_items.TryGetValue(key, out var v))
            throw new KeyNotFoundException($"info has no key '{key}'; keys: [{string.Join(", ", _items.Keys)}]");
        if (v is T t) return t;
        throw new InvalidCastException($"info['{key}'] is {v?.GetType().Name ?? "null"}, not {typeof(T).Name}");
    }

    /// <summary>Gets the value of <paramref name="key"/> if present and of type <typeparamref name="T"/>.</summary>
    public bool TryGet<T>(string key, [MaybeNullWhen(false)] out T value)
    {
        if (_items.TryGetValue(key, out var v) && v is T t)
        {
            value = t;
            return true;
        }
        value = default;
        return false;
    }

    /// <inheritdoc />
    public object? this[string key] => _items[key];

    /// <inheritdoc />
    public IEnumerable<string> Keys => _items.Keys;

    /// <inheritdoc />
    public IEnumerable<object?> Values => _items.Values;

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _items.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value) => _items.TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => "{" + string.Join(", ", _items.Select(p => $"{p.Key}: {Spaces.Space.FormatValue(p.Value)}")) + "}";
}
