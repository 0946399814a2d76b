using System.Globalization;
using System.Numerics;
using Rl.Core;
using Rl.Environments.Classic;

namespace Rl.Environments.Tests.Classic;

/// <summary>SeedSequence, PCG64 and Generator.uniform against Debian's numpy, value for value.</summary>
public class NumpyRngTests
{
    // Small, 32-bit edge, above 2^32, above 2^63, above 2^64 and far above (numpy takes integers of any size).
    private static readonly string[] Seeds =
        ["0", "1", "42", "4294967295", "4294967296", "9223372036854775813", "18446744073709551623", "1267650600228229401496703205379",
         "123456789012345678901234567890123456789"];

    private static BigInteger Big(string s) => BigInteger.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void SeedSequencePoolAndGeneratedWordsMatchNumpy()
    {
        var lines = NumpyReference.Run($$"""
            import numpy as np
            for s in [{{string.Join(", ", Seeds)}}]:
                q = np.random.SeedSequence(s)
                print(' '.join(str(int(v)) for v in q.pool))
                print(' '.join(str(int(v)) for v in q.generate_state(7)))
                print(' '.join(str(int(v)) for v in q.generate_state(5, np.uint64)))
            q = np.random.SeedSequence([3, 2**40 + 1, 0], spawn_key=(7,), pool_size=6)
            print(' '.join(str(int(v)) for v in q.pool))
            print(' '.join(str(int(v)) for v in q.spawn(2)[1].generate_state(3, np.uint64)))
            """);
        for (int i = 0; i < Seeds.Length; i++)
        {
            var q = new SeedSequence(Big(Seeds[i]));
            Assert.Equal(NumpyReference.UInt64s(lines[3 * i]), q.Pool.Select(v => (ulong)v));
            Assert.Equal(NumpyReference.UInt64s(lines[3 * i + 1]), q.GenerateState(7).Select(v => (ulong)v));
            Assert.Equal(NumpyReference.UInt64s(lines[3 * i + 2]), q.GenerateState64(5));
        }
        var seq = new SeedSequence([3, (BigInteger.One << 40) + 1, 0], spawnKey: [7], poolSize: 6);
        Assert.Equal(NumpyReference.UInt64s(lines[^2]), seq.Pool.Select(v => (ulong)v));
        Assert.Equal(NumpyReference.UInt64s(lines[^1]), seq.Spawn(2)[1].GenerateState64(3));
    }

    [Fact]
    public void Pcg64StreamsMatchNumpyIncludingBufferedHalfWords()
    {
        var lines = NumpyReference.Run($$"""
            import numpy as np
            for s in [{{string.Join(", ", Seeds)}}]:
                b = np.random.PCG64(np.random.SeedSequence(s))
                c = b.ctypes
                u64 = [int(v) for v in b.random_raw(4)]
                # next_uint32 keeps the high half of a 64-bit draw for the next call; a 64-bit draw in between leaves it pending.
                mixed = [c.next_uint32(c.state), c.next_uint64(c.state), c.next_uint32(c.state), c.next_uint32(c.state)]
                print(' '.join(str(v) for v in u64 + mixed))
                print(' '.join(repr(c.next_double(c.state)) for _ in range(3)))
            """);
        for (int i = 0; i < Seeds.Length; i++)
        {
            var b = new Pcg64(new SeedSequence(Big(Seeds[i])));
            ulong[] got = [b.NextUInt64(), b.NextUInt64(), b.NextUInt64(), b.NextUInt64(), b.NextUInt32(), b.NextUInt64(), b.NextUInt32(), b.NextUInt32()];
            Assert.Equal(NumpyReference.UInt64s(lines[2 * i]), got);
            Assert.Equal(NumpyReference.Doubles(lines[2 * i + 1]), new[] { b.NextDouble(), b.NextDouble(), b.NextDouble() });
        }
    }

    [Fact]
    public void GeneratorUniformMatchesNumpyForScalarAndArrayBounds()
    {
        var lines = NumpyReference.Run("""
            import numpy as np
            for s in [0, 7, 2**64 + 7]:
                g = np.random.Generator(np.random.PCG64(np.random.SeedSequence(s)))
                out = list(g.random(2)) + list(g.uniform(-2.5, 7.0, size=3)) + [g.uniform(1.0, 1.0)]
                out += list(g.uniform([0.0, 1.0, -np.pi], [1.0, 10.0, np.pi]))
                out += list(g.uniform(-3.0, [1.0, 2.0, 3.0, 4.0], size=4))
                print(' '.join(repr(float(v)) for v in out))
            """);
        string[] seeds = ["0", "7", "18446744073709551623"];
        for (int i = 0; i < seeds.Length; i++)
        {
            var g = new NumpyGenerator(Big(seeds[i]));
            var got = new List<double> { g.Random(), g.Random() };
            var three = new double[3];
            g.Uniform(-2.5, 7.0, three);
            got.AddRange(three);
            got.Add(g.Uniform(1.0, 1.0)); // an empty range still draws
            g.Uniform([0.0, 1.0, -Math.PI], [1.0, 10.0, Math.PI], three);
            got.AddRange(three);
            var four = new double[4];
            g.Uniform([-3.0], [1.0, 2.0, 3.0, 4.0], four);
            got.AddRange(four);
            Assert.Equal(NumpyReference.Doubles(lines[i]), got);
        }
    }

    [Fact]
    public void BadArgumentsAreRefusedWithTheirNames()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SeedSequence(-1));
        Assert.Contains("non-negative", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SeedSequence(1, poolSize: 3));
        var g = new NumpyGenerator(1);
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => g.Uniform(-double.MaxValue, double.MaxValue));
        Assert.Contains("not finite", r.Message, StringComparison.Ordinal);
        Assert.Contains("below low", Assert.Throws<ArgumentOutOfRangeException>(() => g.Uniform(1.0, -1.0)).Message, StringComparison.Ordinal);
        var b = Assert.Throws<ArgumentException>(() => g.Uniform([0.0, 1.0], [1.0, 2.0, 3.0], new double[3]));
        Assert.Contains("low has 2 elements", b.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pcg64StateRoundTripsAndRefusesAnEvenIncrement()
    {
        var a = new Pcg64(5);
        a.NextUInt32();
        var saved = a.State;
        var expected = new[] { a.NextUInt32(), a.NextUInt32(), unchecked((uint)a.NextUInt64()) };
        var b = new Pcg64(99) { State = saved };
        Assert.Equal(expected, new[] { b.NextUInt32(), b.NextUInt32(), unchecked((uint)b.NextUInt64()) });
        Assert.Throws<ArgumentException>(() => b.State = saved with { Increment = 2 });
    }

    [Fact]
    public void CartPoleSeededResetsGiveGymnasiumsStartStatesAndContinueTheStream()
    {
        // Gymnasium's CartPole-v1: reset(seed=s) draws np_random.uniform(-0.05, 0.05, size=(4,)) from
        // Generator(PCG64(SeedSequence(s))); a later reset() without a seed draws the next four.
        var lines = NumpyReference.Run("""
            import numpy as np
            for s in [0, 1, 123456]:
                g = np.random.Generator(np.random.PCG64(np.random.SeedSequence(s)))
                for _ in range(3):
                    print(' '.join(repr(float(v)) for v in g.uniform(-0.05, 0.05, size=(4,))))
            """);
        int k = 0;
        foreach (int seed in new[] { 0, 1, 123456 })
        {
            var env = new CartPoleEnv();
            for (int episode = 0; episode < 3; episode++, k++)
            {
                var obs = env.Reset(seed: episode == 0 ? seed : null).Observation;
                var s = env.State;
                Assert.Equal(NumpyReference.Doubles(lines[k]), new[] { s.X, s.XDot, s.Theta, s.ThetaDot });
                Assert.Equal(NumpyReference.Doubles(lines[k]).Select(v => (float)v), obs);
            }
        }
        // The figure the issue quotes for Gymnasium's reset(seed=0).
        var first = new CartPoleEnv().Reset(seed: 0).Observation;
        Assert.Equal([0.0137, -0.0230, -0.0459, -0.0483], first.Select(v => Math.Round(v, 4)));
    }
}
