using System.Collections;
using System.Globalization;

namespace Rl.Core;

/// <summary>
/// Named options (Gymnasium's <c>options</c> dict for <c>reset</c> and keyword arguments for <c>make</c>). Values may be
/// numbers, booleans or strings (from a command line); the typed getters convert and name the key in every error.
/// </summary>
public sealed class OptionSet : IReadOnlyDictionary<string, object>
{
    private readonly Dictionary<string, object> _items;

    /// <summary>The empty option set.</summary>
    public static readonly OptionSet Empty = new(new Dictionary<string, object>());

    /// <summary>Creates an option set from entries (copied; keys are case-sensitive).</summary>
    public OptionSet(IEnumerable<KeyValuePair<string, object>> items) =>
        _items = new Dictionary<string, object>(items, StringComparer.Ordinal);

    /// <summary>Creates an option set from (key, value) pairs.</summary>
    public static OptionSet Of(params (string Key, object Value)[] items) => new(items.Select(p => KeyValuePair.Create(p.Key, p.Value)));

    /// <summary>Parses <c>key=value</c> strings (as given on a command line).</summary>
    /// <exception cref="FormatException">If an item has no '='.</exception>
    public static OptionSet Parse(IEnumerable<string> items)
    {
        var list = new List<KeyValuePair<string, object>>();
        foreach (var item in items)
        {
            int eq = item.IndexOf('=');
            if (eq <= 0) throw new FormatException($"option '{item}' is not of the form key=value");
            list.Add(KeyValuePair.Create(item[..eq].Trim(), (object)item[(eq + 1)..].Trim()));
        }
        return new OptionSet(list);
    }

    /// <summary>Throws if a key is not one of <paramref name="allowed"/>; <paramref name="context"/> names who is asking.</summary>
    /// <exception cref="ArgumentException">Naming the unknown key and the valid keys.</exception>
    public void EnsureOnly(IReadOnlyCollection<string> allowed, string context)
    {
        foreach (var key in _items.Keys)
            if (!allowed.Contains(key))
                throw new ArgumentException(
                    $"{context}: unknown option '{key}'; valid options: {(allowed.Count == 0 ? "(none)" : string.Join(", ", allowed))}");
    }

    /// <summary>The value of <paramref name="key"/> as a double, or <paramref name="fallback"/> if absent.</summary>
    /// <exception cref="ArgumentException">If the value is not a number.</exception>
    public double GetDouble(string key, double fallback) => _items.TryGetValue(key, out var v) ? ToDouble(key, v) : fallback;

    /// <summary>The value of <paramref name="key"/> as an int, or <paramref name="fallback"/> if absent.</summary>
    /// <exception cref="ArgumentException">If the value is not an integer.</exception>
    public int GetInt(string key, int fallback)
    {
        if (!_items.TryGetValue(key, out var v)) return fallback;
        double d = ToDouble(key, v);
        if (d != Math.Floor(d) || d < int.MinValue || d > int.MaxValue)
            throw new ArgumentException($"option '{key}' = {Spaces.Space.FormatValue(v)} is not an integer");
        return (int)d;
    }

    /// <summary>The value of <paramref name="key"/> as a bool, or <paramref name="fallback"/> if absent.</summary>
    /// <exception cref="ArgumentException">If the value is not true/false.</exception>
    public bool GetBool(string key, bool fallback)
    {
        if (!_items.TryGetValue(key, out var v)) return fallback;
        return v switch
        {
            bool b => b,
            string s when bool.TryParse(s, out var b) => b,
            string s when s == "1" => true,
            string s when s == "0" => false,
            _ => throw new ArgumentException($"option '{key}' = {Spaces.Space.FormatValue(v)} is not true or false"),
        };
    }

    /// <summary>The value of <paramref name="key"/> as a string, or <paramref name="fallback"/> if absent.</summary>
    public string? GetString(string key, string? fallback) =>
        _items.TryGetValue(key, out var v) ? Convert.ToString(v, CultureInfo.InvariantCulture) : fallback;

    private static double ToDouble(string key, object v)
    {
        switch (v)
        {
            case double d: return d;
            case float f: return f;
            case int i: return i;
            case long l: return l;
            case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d): return d;
            case IConvertible c when v is not string and not bool:
                return c.ToDouble(CultureInfo.InvariantCulture);
            default: throw new ArgumentException($"option '{key}' = {Spaces.Space.FormatValue(v)} is not a number");
        }
    }

    /// <inheritdoc />
    public object this[string key] => _items[key];

    /// <inheritdoc />
    public IEnumerable<string> Keys => _items.Keys;

    /// <inheritdoc />
    public IEnumerable<object> Values => _items.Values;

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _items.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out object value) => _items.TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => "{" + string.Join(", ", _items.Select(p => $"{p.Key}={Spaces.Space.FormatValue(p.Value)}")) + "}";
}
