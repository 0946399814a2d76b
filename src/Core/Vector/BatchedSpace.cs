using Rl.Core.Spaces;

namespace Rl.Core.Vector;

/// <summary>
/// The space of a vector environment's batched values: <see cref="Count"/> values of <see cref="Single"/>, one per
/// sub-environment (Gymnasium's <c>batch_space</c>). A value is an array with one element per sub-environment.
/// </summary>
/// <typeparam name="T">The type of one sub-environment's value.</typeparam>
/// <remarks>
/// Sampling draws each element from <see cref="Single"/>'s generator, so <see cref="Seed"/> reseeds the single space
/// (which is the first sub-environment's space object, as in Gymnasium).
/// </remarks>
public sealed class BatchedSpace<T> : Space<T[]>
{
    /// <summary>Creates the space of <paramref name="count"/> values of <paramref name="single"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="count"/> is not positive.</exception>
    public BatchedSpace(Space<T> single, int count) : base([count, .. single.Shape])
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "a batched space needs at least one element");
        Single = single;
        Count = count;
    }

    /// <summary>The space of one element.</summary>
    public Space<T> Single { get; }

    /// <summary>The number of elements (sub-environments).</summary>
    public int Count { get; }

    /// <inheritdoc />
    public override int FlatDim => Count * Single.FlatDim;

    /// <inheritdoc />
    public override void Seed(long seed) => Single.Seed(seed);

    /// <inheritdoc />
    public override T[] Sample()
    {
        var values = new T[Count];
        for (int i = 0; i < Count; i++) values[i] = Single.Sample();
        return values;
    }

    /// <inheritdoc />
    public override string? Explain(T[] value)
    {
        if (value is null) return "the value is null";
        if (value.Length != Count) return $"has {value.Length} elements but the batch has {Count}";
        for (int i = 0; i < Count; i++)
            if (Single.Explain(value[i]) is string reason) return $"element {i}: {reason}";
        return null;
    }

    /// <inheritdoc />
    public override void Flatten(T[] value, Span<float> destination)
    {
        int dim = Single.FlatDim;
        for (int i = 0; i < Count; i++) Single.Flatten(value[i], destination.Slice(i * dim, dim));
    }

    /// <inheritdoc />
    public override T[] Copy(T[] value)
    {
        var copy = new T[value.Length];
        for (int i = 0; i < value.Length; i++) copy[i] = Single.Copy(value[i]);
        return copy;
    }

    /// <inheritdoc />
    public override string ToString() => $"Batch({Count} x {Single})";

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BatchedSpace<T> b && b.Count == Count && b.Single.Equals(Single);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Count, Single);
}
