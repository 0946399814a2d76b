using System.Numerics;

namespace Rl.Core;

/// <summary>
/// numpy's <c>np.random.Generator</c> over a <see cref="Pcg64"/> bit generator, for the draws environments that copy Gymnasium
/// need: Gymnasium seeds every environment with <c>Generator(PCG64(SeedSequence(seed)))</c>, so with this generator
/// <c>Reset(seed: s)</c> starts where Gymnasium's <c>reset(seed=s)</c> starts.
/// </summary>
public sealed class NumpyGenerator
{
    /// <summary>Creates <c>Generator(PCG64(SeedSequence(seed)))</c>.</summary>
    /// <param name="seed">A non-negative integer of any size.</param>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="seed"/> is negative.</exception>
    public NumpyGenerator(BigInteger seed) : this(new Pcg64(new SeedSequence(seed)))
    {
    }

    /// <summary>Creates a generator over the given bit generator (numpy's <c>Generator(bit_generator)</c>).</summary>
    public NumpyGenerator(Pcg64 bitGenerator) => BitGenerator = bitGenerator ?? throw new ArgumentNullException(nameof(bitGenerator));

    /// <summary>Creates a generator seeded from the operating system's entropy (numpy's <c>default_rng()</c>; not reproducible).</summary>
    public static NumpyGenerator FromEntropy() =>
        new(new BigInteger(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16), isUnsigned: true));

    /// <summary>
    /// The generator Gymnasium's <c>reset(seed=seed)</c> makes, for the toolkit's <c>int</c> seeds: Gymnasium refuses negative
    /// seeds, so a negative seed s stands for s + 2^32 (every int seed still gives its own stream).
    /// </summary>
    public static NumpyGenerator ForEnvSeed(int seed) => new(new BigInteger((uint)seed));

    /// <summary>The bit generator (numpy's <c>bit_generator</c>).</summary>
    public Pcg64 BitGenerator { get; }

    /// <summary>numpy's <c>random()</c>: a uniform double in [0, 1).</summary>
    public double Random() => BitGenerator.NextDouble();

    /// <summary>numpy's <c>uniform(low, high)</c>: <c>low + (high - low) * random()</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If high - low is negative or not finite (numpy's errors).</exception>
    public double Uniform(double low, double high)
    {
        double range = CheckedRange(low, high);
        return low + range * BitGenerator.NextDouble();
    }

    /// <summary>numpy's <c>uniform(low, high, size)</c> with scalar bounds: fills <paramref name="destination"/> in order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If high - low is negative or not finite.</exception>
    public void Uniform(double low, double high, Span<double> destination)
    {
        double range = CheckedRange(low, high);
        for (int i = 0; i < destination.Length; i++) destination[i] = low + range * BitGenerator.NextDouble();
    }

    /// <summary>
    /// numpy's <c>uniform(low, high, size)</c> with array bounds, broadcast over a one-dimensional <paramref name="destination"/>:
    /// each bound has one element or as many as the destination; element i is <c>low[i] + (high[i] - low[i]) * random()</c>.
    /// </summary>
    /// <exception cref="ArgumentException">If a bound's length does not broadcast to the destination's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">If some high - low is negative or not finite (checked before anything is drawn).</exception>
    public void Uniform(ReadOnlySpan<double> low, ReadOnlySpan<double> high, Span<double> destination)
    {
        int n = destination.Length;
        if (low.Length != 1 && low.Length != n)
            throw new ArgumentException($"uniform: low has {low.Length} elements, which does not broadcast to size {n}", nameof(low));
        if (high.Length != 1 && high.Length != n)
            throw new ArgumentException($"uniform: high has {high.Length} elements, which does not broadcast to size {n}", nameof(high));
        for (int i = 0; i < n; i++) CheckedRange(low[low.Length == 1 ? 0 : i], high[high.Length == 1 ? 0 : i]);
        for (int i = 0; i < n; i++)
        {
            double lo = low[low.Length == 1 ? 0 : i], hi = high[high.Length == 1 ? 0 : i];
            destination[i] = lo + (hi - lo) * BitGenerator.NextDouble();
        }
    }

    private static double CheckedRange(double low, double high)
    {
        double range = high - low;
        if (!double.IsFinite(range))
            throw new ArgumentOutOfRangeException(nameof(high), $"uniform: the range high - low = {high} - {low} is not finite (numpy: Range exceeds valid bounds)");
        if (range < 0)
            throw new ArgumentOutOfRangeException(nameof(high), $"uniform: high = {high} is below low = {low} (numpy: high - low < 0)");
        return range;
    }
}
