namespace Rl.Core.Spaces;

/// <summary>Binary vectors (each element 0 or 1) of a given shape, as Gymnasium's <c>MultiBinary(n)</c>; values are <c>byte[]</c>.</summary>
public sealed class MultiBinary : Space<byte[]>
{
    /// <summary>Creates a space of binary arrays with the given shape (e.g. <c>new MultiBinary(5)</c>).</summary>
    /// <exception cref="ArgumentException">If a dimension is not positive.</exception>
    public MultiBinary(params int[] shape) : base(shape)
    {
        if (shape.Length == 0 || shape.Any(d => d <= 0))
            throw new ArgumentException($"MultiBinary shape {FormatShape(shape)} must have positive dimensions.", nameof(shape));
        Size = shape.Aggregate(1, (a, b) => a * b);
    }

    /// <summary>Number of elements.</summary>
    public int Size { get; }

    /// <inheritdoc />
    public override int FlatDim => Size;

    /// <inheritdoc />
    public override byte[] Sample()
    {
        var v = new byte[Size];
        for (int i = 0; i < Size; i++) v[i] = (byte)(Random.NextUInt64() >> 63);
        return v;
    }

    /// <inheritdoc />
    public override string? Explain(byte[] value)
    {
        if (value is null) return "the value is null";
        if (value.Length != Size) return $"has {value.Length} elements but shape {FormatShape(Shape)} needs {Size}";
        for (int i = 0; i < Size; i++)
            if (value[i] > 1) return $"element {i} = {value[i]} is not 0 or 1";
        return null;
    }

    /// <inheritdoc />
    public override void Flatten(byte[] value, Span<float> destination)
    {
        for (int i = 0; i < Size; i++) destination[i] = value[i];
    }

    /// <inheritdoc />
    public override byte[] Copy(byte[] value) => (byte[])value.Clone();

    /// <inheritdoc />
    public override string ToString() => Shape.Count == 1 ? $"MultiBinary({Size})" : $"MultiBinary({FormatShape(Shape)})";

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MultiBinary m && m.Shape.SequenceEqual(Shape);

    /// <inheritdoc />
    public override int GetHashCode() => Size;
}
