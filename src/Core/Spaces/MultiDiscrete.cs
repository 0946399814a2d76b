namespace Rl.Core.Spaces;

/// <summary>A vector of independent discrete choices, as Gymnasium's <c>MultiDiscrete(nvec, start)</c>; values are <c>int[]</c>.</summary>
public sealed class MultiDiscrete : Space<int[]>
{
    private readonly int[] _nvec;
    private readonly int[] _start;

    /// <summary>Creates a space where element i takes values in {start[i], ..., start[i] + nvec[i] - 1}.</summary>
    /// <exception cref="ArgumentException">If any count is not positive or the arrays differ in length.</exception>
    public MultiDiscrete(int[] nvec, int[]? start = null) : base([nvec.Length])
    {
        if (nvec.Length == 0) throw new ArgumentException("MultiDiscrete needs at least one element.", nameof(nvec));
        if (nvec.Any(n => n <= 0)) throw new ArgumentException($"MultiDiscrete counts must be positive: [{string.Join(", ", nvec)}].", nameof(nvec));
        start ??= new int[nvec.Length];
        if (start.Length != nvec.Length)
            throw new ArgumentException($"MultiDiscrete start has {start.Length} elements but nvec has {nvec.Length}.", nameof(start));
        for (int i = 0; i < nvec.Length; i++)
            if ((long)start[i] + nvec[i] - 1 > int.MaxValue)
                throw new ArgumentException($"MultiDiscrete element {i}: start {start[i]} + {nvec[i]} - 1 exceeds int.MaxValue.", nameof(start));
        _nvec = (int[])nvec.Clone();
        _start = (int[])start.Clone();
    }

    /// <summary>The number of values of each element.</summary>
    public ReadOnlySpan<int> Nvec => _nvec;

    /// <summary>The smallest value of each element.</summary>
    public ReadOnlySpan<int> Start => _start;

    /// <inheritdoc />
    public override int FlatDim => _nvec.Sum();

    /// <inheritdoc />
    public override int[] Sample()
    {
        var v = new int[_nvec.Length];
        for (int i = 0; i < v.Length; i++) v[i] = _start[i] + Random.NextInt(_nvec[i]);
        return v;
    }

    /// <inheritdoc />
    public override string? Explain(int[] value)
    {
        if (value is null) return "the value is null";
        if (value.Length != _nvec.Length) return $"has {value.Length} elements but the space has {_nvec.Length}";
        for (int i = 0; i < value.Length; i++)
            if (unchecked((ulong)((long)value[i] - _start[i])) >= (ulong)_nvec[i]) // long: the difference can overflow an int; unchecked: negatives wrap
                return $"element {i} = {value[i]} is outside {{{_start[i]}, ..., {_start[i] + _nvec[i] - 1}}}";
        return null;
    }

    /// <inheritdoc />
    public override void Flatten(int[] value, Span<float> destination)
    {
        if (Explain(value) is string why) throw new ArgumentException($"{this}: cannot flatten {FormatValue(value)}: {why}.", nameof(value));
        int offset = 0;
        for (int i = 0; i < _nvec.Length; i++)
        {
            destination.Slice(offset, _nvec[i]).Clear();
            destination[offset + value[i] - _start[i]] = 1f;
            offset += _nvec[i];
        }
    }

    /// <inheritdoc />
    public override int[] Copy(int[] value) => (int[])value.Clone();

    /// <inheritdoc />
    public override string ToString() =>
        _start.All(s => s == 0) ? $"MultiDiscrete([{string.Join(" ", _nvec)}])" : $"MultiDiscrete([{string.Join(" ", _nvec)}], start=[{string.Join(" ", _start)}])";

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MultiDiscrete m && m._nvec.SequenceEqual(_nvec) && m._start.SequenceEqual(_start);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_nvec.Length, _nvec[0]);
}
