using System.Numerics;
using System.Runtime.CompilerServices;

namespace Rl.Core;

/// <summary>
/// numpy's default bit generator <c>np.random.PCG64</c>: a 128-bit linear congruential generator whose 64-bit outputs are the
/// XSL-RR permutation of the state (the high and low halves xor-ed, rotated right by the top 6 bits). Seeded from a
/// <see cref="SeedSequence"/> exactly as numpy seeds it, so the same seed gives numpy's stream bit for bit.
/// </summary>
/// <remarks>
/// Step: <c>state = state * 0x2360ED051FC65DA4_4385DF649FCCF645 + inc</c> (mod 2^128), then output
/// <c>rotr64(hi ^ lo, state &gt;&gt; 122)</c>. Seeding (PCG's <c>srandom_r</c>): from four 64-bit words w of
/// <c>generate_state(4, uint64)</c>, initstate = (w0 &lt;&lt; 64) | w1, inc = (((w2 &lt;&lt; 64) | w3) &lt;&lt; 1) | 1;
/// state = 0, step, state += initstate, step. 32-bit draws use the low half of a 64-bit draw and keep the high half for the
/// next 32-bit draw, as numpy does.
/// </remarks>
public sealed class Pcg64
{
    /// <summary>PCG's default 128-bit multiplier, which numpy uses.</summary>
    public static readonly UInt128 Multiplier = new(2549297995355413924UL, 4865540595714422341UL);

    private UInt128 _state;
    private UInt128 _inc;
    private bool _hasUInt32;
    private uint _uinteger;

    /// <summary>Seeds the generator from a seed sequence (numpy's <c>PCG64(seed_seq)</c>).</summary>
    public Pcg64(SeedSequence seedSequence)
    {
        ArgumentNullException.ThrowIfNull(seedSequence);
        var w = seedSequence.GenerateState64(4);
        Seed(new UInt128(w[0], w[1]), new UInt128(w[2], w[3]));
    }

    /// <summary>Seeds the generator from an integer seed (numpy's <c>PCG64(seed)</c>, through a <see cref="SeedSequence"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="seed"/> is negative.</exception>
    public Pcg64(BigInteger seed) : this(new SeedSequence(seed))
    {
    }

    /// <summary>Seeds the generator directly with PCG's initial state and stream selector.</summary>
    public Pcg64(UInt128 initState, UInt128 initSequence) => Seed(initState, initSequence);

    private void Seed(UInt128 initState, UInt128 initSequence)
    {
        _state = 0;
        _inc = (initSequence << 1) | 1;
        Step();
        _state = unchecked(_state + initState);
        Step();
        _hasUInt32 = false;
        _uinteger = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Step() => _state = unchecked(_state * Multiplier + _inc);

    /// <summary>Returns the next 64 random bits (numpy's <c>next_uint64</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        Step();
        ulong hi = unchecked((ulong)(_state >> 64)), lo = unchecked((ulong)_state);
        return BitOperations.RotateRight(hi ^ lo, (int)(hi >> 58));
    }

    /// <summary>Returns the next 32 random bits (numpy's <c>next_uint32</c>: halves of one 64-bit draw, low half first).</summary>
    public uint NextUInt32()
    {
        if (_hasUInt32)
        {
            _hasUInt32 = false;
            return _uinteger;
        }
        ulong next = NextUInt64();
        _hasUInt32 = true;
        _uinteger = (uint)(next >> 32);
        return unchecked((uint)next);
    }

    /// <summary>Returns a uniform double in [0, 1) with 53 random bits (numpy's <c>next_double</c>: (next_uint64 &gt;&gt; 11) * 2^-53).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>The complete state (numpy's <c>bit_generator.state</c>: state, inc, has_uint32, uinteger), for checkpoints.</summary>
    public Pcg64State State
    {
        get => new(_state, _inc, _hasUInt32, _uinteger);
        set
        {
            if ((value.Increment & 1) == 0)
                throw new ArgumentException("A PCG64 increment must be odd (numpy always makes it odd).", nameof(value));
            (_state, _inc, _hasUInt32, _uinteger) = (value.State, value.Increment, value.HasUInt32, value.UInteger);
        }
    }
}

/// <summary>The serializable state of a <see cref="Pcg64"/>, with numpy's field meanings.</summary>
/// <param name="State">The 128-bit LCG state.</param>
/// <param name="Increment">The odd 128-bit increment (numpy's <c>inc</c>).</param>
/// <param name="HasUInt32">Whether half of a 64-bit draw is buffered for the next 32-bit draw.</param>
/// <param name="UInteger">The buffered 32 bits.</param>
public readonly record struct Pcg64State(UInt128 State, UInt128 Increment, bool HasUInt32, uint UInteger);
