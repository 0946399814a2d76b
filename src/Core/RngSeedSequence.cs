using System.Numerics;

namespace Rl.Core;

/// <summary>
/// numpy's <c>np.random.SeedSequence</c>: hashes a seed of any size (an integer, or a sequence of integers) into a 128-bit
/// entropy pool and expands the pool into as many well-mixed 32- or 64-bit words as a bit generator needs. Equal inputs give
/// exactly numpy's <c>pool</c> and <c>generate_state</c> words, which is what makes <see cref="Pcg64"/> (and so Gymnasium's
/// <c>reset(seed=s)</c>) reproducible across the two.
/// </summary>
/// <remarks>
/// The algorithm is Melissa O'Neill's seed_seq alternative as numpy specifies it: every entropy word goes through a multiplicative
/// hash whose multiplier evolves with each use; the pool words are then cross-mixed so that every input bit affects every pool
/// word; output words hash the pool cyclically with a second evolving multiplier. An integer seed is split into 32-bit words,
/// least significant first (0 is one zero word); a spawn key is appended after the entropy, which is then zero-padded to the
/// pool size.
/// </remarks>
public sealed class SeedSequence
{
    /// <summary>numpy's default pool size in 32-bit words (128 bits).</summary>
    public const int DefaultPoolSize = 4;

    private const uint InitA = 0x43b0d7e5, MultA = 0x931e8875, InitB = 0x8b51f9dd, MultB = 0x58f38ded;
    private const uint MixMultL = 0xca01f9dd, MixMultR = 0x4973f715;
    private const int XShift = 16;

    private readonly uint[] _pool;
    private readonly BigInteger[] _entropy;
    private readonly BigInteger[] _spawnKey;

    /// <summary>Creates a sequence from a non-negative integer seed of any size (numpy's <c>SeedSequence(entropy)</c>).</summary>
    /// <param name="entropy">The seed; numpy accepts integers of any size, and so does this.</param>
    /// <param name="spawnKey">numpy's <c>spawn_key</c>: the position of this sequence in a tree of spawned sequences.</param>
    /// <param name="poolSize">Pool size in 32-bit words, at least <see cref="DefaultPoolSize"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">If a value is negative or the pool is smaller than 4 words.</exception>
    public SeedSequence(BigInteger entropy, IReadOnlyList<BigInteger>? spawnKey = null, int poolSize = DefaultPoolSize)
        : this([entropy], isSequence: false, spawnKey, poolSize)
    {
    }

    /// <summary>Creates a sequence from a sequence of non-negative integers (numpy's <c>SeedSequence([a, b, ...])</c>).</summary>
    /// <param name="entropy">The integers; each is split into 32-bit words and the words are concatenated.</param>
    /// <param name="spawnKey">numpy's <c>spawn_key</c>.</param>
    /// <param name="poolSize">Pool size in 32-bit words, at least <see cref="DefaultPoolSize"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">If a value is negative or the pool is smaller than 4 words.</exception>
    public SeedSequence(IReadOnlyList<BigInteger> entropy, IReadOnlyList<BigInteger>? spawnKey = null, int poolSize = DefaultPoolSize)
        : this(entropy, isSequence: true, spawnKey, poolSize)
    {
    }

    private SeedSequence(IReadOnlyList<BigInteger> entropy, bool isSequence, IReadOnlyList<BigInteger>? spawnKey, int poolSize)
    {
        ArgumentNullException.ThrowIfNull(entropy);
        if (poolSize < DefaultPoolSize)
            throw new ArgumentOutOfRangeException(nameof(poolSize), poolSize, $"the entropy pool must have at least {DefaultPoolSize} words");
        _entropy = [.. entropy];
        _spawnKey = spawnKey is null ? [] : [.. spawnKey];
        IsSequence = isSequence;
        _pool = new uint[poolSize];

        var run = new List<uint>();
        foreach (var e in _entropy) run.AddRange(ToUInt32Words(e, nameof(entropy)));
        var spawn = new List<uint>();
        foreach (var k in _spawnKey) spawn.AddRange(ToUInt32Words(k, nameof(spawnKey)));
        // numpy pads the entropy with zeros to the pool size only when there is a spawn key (its gh-16539 fix).
        if (spawn.Count > 0) while (run.Count < poolSize) run.Add(0);
        run.AddRange(spawn);
        MixEntropy(_pool, run);
    }

    /// <summary>The integers the sequence was made from (one element unless it was made from a sequence).</summary>
    public IReadOnlyList<BigInteger> Entropy => _entropy;

    /// <summary>Whether the entropy was given as a sequence of integers rather than one integer.</summary>
    public bool IsSequence { get; }

    /// <summary>numpy's <c>spawn_key</c>.</summary>
    public IReadOnlyList<BigInteger> SpawnKey => _spawnKey;

    /// <summary>How many children <see cref="Spawn"/> has made so far (numpy's <c>n_children_spawned</c>).</summary>
    public int ChildrenSpawned { get; private set; }

    /// <summary>The mixed entropy pool (numpy's <c>pool</c>), a copy.</summary>
    public uint[] Pool => (uint[])_pool.Clone();

    /// <summary>
    /// Splits a non-negative integer into 32-bit words, least significant first; 0 gives one zero word (numpy's
    /// <c>_coerce_to_uint32_array</c> for an integer).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="value"/> is negative.</exception>
    public static uint[] ToUInt32Words(BigInteger value, string paramName = "value")
    {
        if (value.Sign < 0)
            throw new ArgumentOutOfRangeException(paramName, value, "seed entropy must be a non-negative integer (as numpy's SeedSequence requires)");
        if (value.IsZero) return [0u];
        var words = new List<uint>();
        while (!value.IsZero)
        {
            words.Add((uint)(value & uint.MaxValue));
            value >>= 32;
        }
        return [.. words];
    }

    private static uint HashMix(uint value, ref uint hashConst)
    {
        unchecked
        {
            value ^= hashConst;
            hashConst *= MultA;
            value *= hashConst;
            return value ^ (value >> XShift);
        }
    }

    private static uint Mix(uint x, uint y)
    {
        unchecked
        {
            uint result = MixMultL * x - MixMultR * y;
            return result ^ (result >> XShift);
        }
    }

    private static void MixEntropy(uint[] pool, List<uint> entropy)
    {
        uint hashConst = InitA;
        // The first pool-size entropy words (zeros beyond the entropy's end) fill the pool through the hash...
        for (int i = 0; i < pool.Length; i++)
            pool[i] = HashMix(i < entropy.Count ? entropy[i] : 0u, ref hashConst);
        // ...every pool word is mixed into every other, so late words affect early ones...
        for (int src = 0; src < pool.Length; src++)
            for (int dst = 0; dst < pool.Length; dst++)
                if (src != dst) pool[dst] = Mix(pool[dst], HashMix(pool[src], ref hashConst));
        // ...and entropy beyond the pool size is mixed into every pool word.
        for (int src = pool.Length; src < entropy.Count; src++)
            for (int dst = 0; dst < pool.Length; dst++)
                pool[dst] = Mix(pool[dst], HashMix(entropy[src], ref hashConst));
    }

    /// <summary>numpy's <c>generate_state(n_words, np.uint32)</c>: <paramref name="count"/> 32-bit words from the pool.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="count"/> is negative.</exception>
    public uint[] GenerateState(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var state = new uint[count];
        uint hashConst = InitB;
        unchecked
        {
            for (int i = 0; i < count; i++)
            {
                uint v = _pool[i % _pool.Length] ^ hashConst;
                hashConst *= MultB;
                v *= hashConst;
                state[i] = v ^ (v >> XShift);
            }
        }
        return state;
    }

    /// <summary>
    /// numpy's <c>generate_state(n_words, np.uint64)</c>: twice as many 32-bit words, each pair read little-endian (the first
    /// word is the low half).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="count"/> is negative.</exception>
    public ulong[] GenerateState64(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var words = GenerateState(checked(count * 2));
        var state = new ulong[count];
        for (int i = 0; i < count; i++) state[i] = words[2 * i] | ((ulong)words[2 * i + 1] << 32);
        return state;
    }

    /// <summary>numpy's <c>spawn(n)</c>: <paramref name="count"/> children whose spawn keys extend this one's.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="count"/> is negative.</exception>
    public SeedSequence[] Spawn(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var children = new SeedSequence[count];
        for (int i = 0; i < count; i++)
            children[i] = new SeedSequence(_entropy, IsSequence, [.. _spawnKey, ChildrenSpawned + i], _pool.Length);
        ChildrenSpawned += count;
        return children;
    }
}
