namespace Rl.Core.Spaces;

/// <summary>A fixed-length tuple of subspaces, as Gymnasium's <c>Tuple</c>; values are <c>object[]</c> with one entry per subspace.</summary>
public sealed class TupleSpace : Space<object[]>
{
    private readonly Space[] _spaces;

    /// <summary>Creates a tuple of the given subspaces.</summary>
    /// <exception cref="ArgumentException">If no subspace is given.</exception>
    public TupleSpace(params Space[] spaces) : base([])
    {
        if (spaces.Length == 0) throw new ArgumentException("TupleSpace needs at least one subspace.", nameof(spaces));
        _spaces = (Space[])spaces.Clone();
    }

    /// <summary>The subspaces, in order.</summary>
    public IReadOnlyList<Space> Spaces => _spaces;

    /// <inheritdoc />
    public override int FlatDim => _spaces.Sum(s => s.FlatDim);

    /// <summary>Seeds this space and derives a distinct seed for each subspace.</summary>
    public override void Seed(long seed)
    {
        base.Seed(seed);
        foreach (var s in _spaces) s.Seed(Random.NextSeed());
    }

    /// <inheritdoc />
    public override object[] Sample() => _spaces.Select(s => s.SampleObject()).ToArray();

    /// <inheritdoc />
    public override string? Explain(object[] value)
    {
        if (value is null) return "the value is null";
        if (value.Length != _spaces.Length) return $"has {value.Length} entries but the tuple has {_spaces.Length}";
        for (int i = 0; i < value.Length; i++)
            if (_spaces[i].ExplainObject(value[i]) is string why) return $"entry {i} ({_spaces[i]}): {why}";
        return null;
    }

    /// <inheritdoc />
    public override void Flatten(object[] value, Span<float> destination)
    {
        int offset = 0;
        for (int i = 0; i < _spaces.Length; i++)
        {
            _spaces[i].FlattenObject(value[i], destination.Slice(offset, _spaces[i].FlatDim));
            offset += _spaces[i].FlatDim;
        }
    }

    /// <summary>A deep copy: each entry is copied by its subspace.</summary>
    public override object[] Copy(object[] value)
    {
        var copy = new object[value.Length];
        for (int i = 0; i < value.Length; i++) copy[i] = _spaces[i].CopyObject(value[i]);
        return copy;
    }

    /// <inheritdoc />
    public override string ToString() => "Tuple(" + string.Join(", ", _spaces.Select(s => s.ToString())) + ")";

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TupleSpace t && t._spaces.SequenceEqual(_spaces);

    /// <inheritdoc />
    public override int GetHashCode() => _spaces.Length;
}
