namespace Rl.Core.Spaces;

/// <summary>The integers {start, ..., start + n - 1}, as Gymnasium's <c>Discrete(n, start)</c>.</summary>
public sealed class Discrete : Space<int>
{
    /// <summary>Creates a discrete space of <paramref name="n"/> values starting at <paramref name="start"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="n"/> is not positive or start + n - 1 overflows an int.</exception>
    public Discrete(int n, int start = 0) : base([])
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Discrete space needs n > 0.");
        if ((long)start + n - 1 > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(start), start, $"Discrete({n}, start={start}): the largest value exceeds int.MaxValue.");
        N = n;
        Start = start;
    }

    /// <summary>The number of values.</summary>
    public int N { get; }

    /// <summary>The smallest value.</summary>
    public int Start { get; }

    /// <inheritdoc />
    public override int FlatDim => N;

    /// <inheritdoc />
    public override int Sample() => Start + Random.NextInt(N);

    /// <inheritdoc />
    // In long arithmetic: value - Start can overflow an int. Unchecked: a negative difference must wrap to a large ulong
    // (Debug builds check overflow, and the checked cast would throw for any value below Start).
    public override bool Contains(int value) => unchecked((ulong)((long)value - Start)) < (ulong)N;

    /// <inheritdoc />
    public override string? Explain(int value) =>
        Contains(value) ? null : $"{value} is outside {{{Start}, ..., {Start + N - 1}}}";

    /// <inheritdoc />
    public override void Flatten(int value, Span<float> destination)
    {
        if (!Contains(value))
            throw new ArgumentException($"{this}: cannot flatten {value}: {Explain(value)}.", nameof(value));
        destination[..N].Clear();
        destination[value - Start] = 1f;
    }

    /// <inheritdoc />
    public override string ToString() => Start == 0 ? $"Discrete({N})" : $"Discrete({N}, start={Start})";

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Discrete d && d.N == N && d.Start == Start;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(N, Start);
}
