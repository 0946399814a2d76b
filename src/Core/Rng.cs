using System.Numerics;
using System.Runtime.CompilerServices;

namespace Rl.Core;

/// <summary>
/// A small, fast, seedable pseudo-random generator (xoshiro256** seeded through SplitMix64) whose full state can be
/// saved and restored, so checkpoints can resume a run bit for bit. Every random source in the toolkit uses it:
/// the same seed gives the same stream on every machine.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private bool _hasSpareGaussian;
    private double _spareGaussian;

    /// <summary>Creates a generator from a 64-bit seed.</summary>
    /// <param name="seed">Any value; equal seeds give equal streams.</param>
    public Rng(long seed)
    {
        ulong x = unchecked((ulong)seed);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>Creates a generator seeded from the operating system's entropy (not reproducible).</summary>
    public static Rng FromEntropy() => new(BitConverter.ToInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)));

    private static ulong SplitMix(ref ulong x)
    {
        unchecked
        {
            ulong z = x += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Returns 64 uniformly random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        unchecked
        {
            ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = BitOperations.RotateLeft(_s3, 45);
            return result;
        }
    }

    /// <summary>Returns a uniform double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Returns a uniform float in [0, 1) with 24 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1UL << 24));

    /// <summary>Returns a uniform double in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Returns a uniform integer in [0, <paramref name="maxExclusive"/>) without modulo bias.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="maxExclusive"/> is not positive.</exception>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "must be positive");
        return (int)NextUInt64((ulong)maxExclusive);
    }

    /// <summary>Returns a uniform integer in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    public int NextInt(int minInclusive, int maxExclusive)
    {
        if (maxExclusive <= minInclusive)
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, $"must exceed minInclusive={minInclusive}");
        return (int)(minInclusive + (long)NextUInt64((ulong)((long)maxExclusive - minInclusive)));
    }

    /// <summary>Returns a uniform integer in [0, <paramref name="bound"/>) (Lemire's method with rejection).</summary>
    public ulong NextUInt64(ulong bound)
    {
        if (bound == 0) throw new ArgumentOutOfRangeException(nameof(bound), "must be positive");
        ulong threshold = unchecked(0 - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            ulong hi = Math.BigMul(r, bound, out ulong lo);
            if (lo >= threshold) return hi;
        }
    }

    /// <summary>Returns a standard normal sample (Marsaglia's polar method; the spare value is part of the state).</summary>
    public double NextGaussian()
    {
        if (_hasSpareGaussian)
        {
            _hasSpareGaussian = false;
            return _spareGaussian;
        }
        double u, v, s;
        do
        {
            u = 2.0 * NextDouble() - 1.0;
            v = 2.0 * NextDouble() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        double m = Math.Sqrt(-2.0 * Math.Log(s) / s);
        _spareGaussian = v * m;
        _hasSpareGaussian = true;
        return u * m;
    }

    /// <summary>Returns a normal sample with the given mean and standard deviation.</summary>
    public double NextGaussian(double mean, double std) => mean + std * NextGaussian();

    /// <summary>Fills <paramref name="destination"/> with standard normal samples.</summary>
    public void FillGaussian(Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)NextGaussian();
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher-Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Derives an independent child generator; the parent advances by one draw.</summary>
    public Rng Spawn() => new(unchecked((long)NextUInt64()));

    /// <summary>Derives a seed for a sub-component (for example an environment of a vector) from this generator.</summary>
    public int NextSeed() => (int)(NextUInt64() >> 33);

    /// <summary>The complete state, for checkpoints.</summary>
    public RngState State
    {
        get => new(_s0, _s1, _s2, _s3, _hasSpareGaussian, _spareGaussian);
        set
        {
            if ((value.S0 | value.S1 | value.S2 | value.S3) == 0)
                throw new ArgumentException("An all-zero xoshiro256** state is invalid (the generator would only return zeros).", nameof(value));
            (_s0, _s1, _s2, _s3, _hasSpareGaussian, _spareGaussian) =
                (value.S0, value.S1, value.S2, value.S3, value.HasSpareGaussian, value.SpareGaussian);
        }
    }
}

/// <summary>The serializable state of an <see cref="Rng"/>.</summary>
/// <param name="S0">State word 0.</param>
/// <param name="S1">State word 1.</param>
/// <param name="S2">State word 2.</param>
/// <param name="S3">State word 3.</param>
/// <param name="HasSpareGaussian">Whether a cached second normal sample is pending.</param>
/// <param name="SpareGaussian">The cached normal sample.</param>
public readonly record struct RngState(ulong S0, ulong S1, ulong S2, ulong S3, bool HasSpareGaussian, double SpareGaussian);
