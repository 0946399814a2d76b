namespace Rl.Core.Spaces;

/// <summary>
/// A dictionary of named subspaces, as Gymnasium's <c>Dict</c>. Keys are kept in ordinal order (Gymnasium sorts the keys
/// of a plain dict); values are <c>IReadOnlyDictionary&lt;string, object&gt;</c> with exactly those keys.
/// </summary>
public sealed class DictSpace : Space<IReadOnlyDictionary<string, object>>
{
    private readonly KeyValuePair<string, Space>[] _spaces;

    /// <summary>Creates a dictionary space.</summary>
    /// <exception cref="ArgumentException">If there are no entries or a key repeats.</exception>
    public DictSpace(IEnumerable<KeyValuePair<string, Space>> spaces) : base([])
    {
        _spaces = spaces.OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        if (_spaces.Length == 0) throw new ArgumentException("DictSpace needs at least one entry.", nameof(spaces));
        var dup = _spaces.GroupBy(p => p.Key).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new ArgumentException($"DictSpace key '{dup.Key}' appears twice.", nameof(spaces));
    }

    /// <summary>Creates a dictionary space from (key, space) pairs.</summary>
    public DictSpace(params (string Key, Space Space)[] spaces) : this(spaces.Select(p => KeyValuePair.Create(p.Key, p.Space))) { }

    /// <summary>The entries, sorted by key.</summary>
    public IReadOnlyList<KeyValuePair<string, Space>> Spaces => _spaces;

    /// <summary>The subspace for <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">With the valid keys, if the key is unknown.</exception>
    public Space this[string key] =>
        _spaces.FirstOrDefault(p => p.Key == key).Value
        ?? throw new KeyNotFoundException($"{this} has no key '{key}'; keys: {string.Join(", ", _spaces.Select(p => p.Key))}.");

    /// <inheritdoc />
    public override int FlatDim => _spaces.Sum(s => s.Value.FlatDim);

    /// <summary>Seeds this space and derives a distinct seed for each subspace.</summary>
    public override void Seed(long seed)
    {
        base.Seed(seed);
        foreach (var s in _spaces) s.Value.Seed(Random.NextSeed());
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object> Sample() =>
        _spaces.ToDictionary(p => p.Key, p => p.Value.SampleObject(), StringComparer.Ordinal);

    /// <inheritdoc />
    public override string? Explain(IReadOnlyDictionary<string, object> value)
    {
        if (value is null) return "the value is null";
        foreach (var (key, space) in _spaces)
        {
            if (!value.TryGetValue(key, out var v)) return $"key '{key}' is missing";
            if (space.ExplainObject(v) is string why) return $"key '{key}' ({space}): {why}";
        }
        var extra = value.Keys.FirstOrDefault(k => _spaces.All(p => p.Key != k));
        return extra is null ? null : $"key '{extra}' is not in the space";
    }

    /// <inheritdoc />
    public override void Flatten(IReadOnlyDictionary<string, object> value, Span<float> destination)
    {
        int offset = 0;
        foreach (var (key, space) in _spaces)
        {
            space.FlattenObject(value[key], destination.Slice(offset, space.FlatDim));
            offset += space.FlatDim;
        }
    }

    /// <summary>A deep copy: each entry is copied by its subspace.</summary>
    public override IReadOnlyDictionary<string, object> Copy(IReadOnlyDictionary<string, object> value) =>
        _spaces.ToDictionary(p => p.Key, p => p.Value.CopyObject(value[p.Key]), StringComparer.Ordinal);

    /// <inheritdoc />
    public override string ToString() => "Dict(" + string.Join(", ", _spaces.Select(p => $"'{p.Key}': {p.Value}")) + ")";

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DictSpace d && d._spaces.SequenceEqual(_spaces);

    /// <inheritdoc />
    public override int GetHashCode() => _spaces.Length;
}
