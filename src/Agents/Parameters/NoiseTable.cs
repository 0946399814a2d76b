using Rl.Core;

namespace Rl.Agents.Parameters;

/// <summary>
/// A large block of standard normal numbers generated once from a seed (Salimans et al. 2017's shared noise table). A
/// perturbation ε of a d-dimensional parameter vector is the slice <c>[offset, offset + d)</c>, so a perturbation is fully
/// described by one integer: rollout workers (threads here, machines in a distributed run) rebuild the same table from
/// (seed, size) and exchange only offsets, never vectors.
/// </summary>
public sealed class NoiseTable
{
    // Generated in fixed chunks, each from its own generator, so the table is the same whatever the thread count.
    private const int ChunkSize = 1 << 16;
    private static readonly Dictionary<(long Seed, int Size), WeakReference<NoiseTable>> Cache = [];
    private static readonly Lock CacheGate = new();
    private static NoiseTable? _lastShared;
    private readonly float[] _values;

    /// <summary>Generates a table of <paramref name="size"/> standard normal floats from <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="size"/> is not positive.</exception>
    public NoiseTable(long seed, int size)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, "noise table size must be positive");
        Seed = seed;
        _values = new float[size];
        int chunks = (size + ChunkSize - 1) / ChunkSize;
        Parallel.For(0, chunks, c =>
        {
            var rng = new Rng(unchecked(seed * 0x5851F42D4C957F2DL + c));
            var span = _values.AsSpan(c * ChunkSize, Math.Min(ChunkSize, size - c * ChunkSize));
            FillGaussian(rng, span);
        });
    }

    /// <summary>
    /// The table for (<paramref name="seed"/>, <paramref name="size"/>), shared by every caller that asks for the same pair
    /// while it is alive (it is read-only), so several agents or benchmark runs generate it once.
    /// </summary>
    public static NoiseTable Shared(long seed, int size)
    {
        lock (CacheGate)
        {
            if (Cache.TryGetValue((seed, size), out var weak) && weak.TryGetTarget(out var table)) return _lastShared = table;
            table = new NoiseTable(seed, size);
            Cache[(seed, size)] = new WeakReference<NoiseTable>(table);
            _lastShared = table; // keeps the latest table alive between runs made one after another
            return table;
        }
    }

    /// <summary>The seed the table was generated from.</summary>
    public long Seed { get; }

    /// <summary>The number of floats in the table.</summary>
    public int Size => _values.Length;

    /// <summary>The perturbation of <paramref name="dimension"/> elements that starts at <paramref name="offset"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If the slice does not fit in the table.</exception>
    public ReadOnlySpan<float> Slice(int offset, int dimension)
    {
        if (offset < 0 || dimension < 0 || offset > _values.Length - dimension)
            throw new ArgumentOutOfRangeException(nameof(offset), offset,
                $"noise slice [{offset}, {(long)offset + dimension}) lies outside the table of {_values.Length} floats");
        return _values.AsSpan(offset, dimension);
    }

    /// <summary>Draws the offset of a new perturbation of <paramref name="dimension"/> elements, uniformly over the table.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If the table is smaller than <paramref name="dimension"/>.</exception>
    public int SampleOffset(Rng rng, int dimension)
    {
        if (dimension > _values.Length)
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension,
                $"a perturbation of {dimension} parameters does not fit in a noise table of {_values.Length} floats");
        return rng.NextInt(_values.Length - dimension + 1);
    }

    // Box-Muller in double: two normals per pair of uniforms, faster than the polar method for bulk generation.
    private static void FillGaussian(Rng rng, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i += 2)
        {
            double u1 = 1.0 - rng.NextDouble(); // in (0, 1], so the logarithm is finite
            double u2 = rng.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            var (sin, cos) = Math.SinCos(2.0 * Math.PI * u2);
            destination[i] = (float)(r * cos);
            if (i + 1 < destination.Length) destination[i + 1] = (float)(r * sin);
        }
    }
}
