namespace Rl.Core.Tests;

public class RngTests
{
    [Fact]
    public void MatchesTheReferenceXoshiro256StarStarSeededBySplitMix64()
    {
        // Computed from the published reference code of SplitMix64 (four outputs from seed 42 as the state) and xoshiro256**.
        var rng = new Rng(42);
        Assert.Equal(0x15780b2e0c2ec716UL, rng.NextUInt64());
        Assert.Equal(0x6104d9866d113a7eUL, rng.NextUInt64());
        Assert.Equal(0xae17533239e499a1UL, rng.NextUInt64());
    }

    [Fact]
    public void SameSeedGivesSameStreamAndOtherSeedsDiffer()
    {
        var a = new Rng(123);
        var b = new Rng(123);
        var c = new Rng(124);
        var sa = Enumerable.Range(0, 1000).Select(_ => a.NextUInt64()).ToArray();
        Assert.Equal(sa, Enumerable.Range(0, 1000).Select(_ => b.NextUInt64()));
        Assert.NotEqual(sa, Enumerable.Range(0, 1000).Select(_ => c.NextUInt64()));
    }

    private static double[] Mixed(Rng rng, int count) =>
        Enumerable.Range(0, count).Select(i => (i % 4) switch
        {
            0 => rng.NextDouble(),
            1 => rng.NextGaussian(),
            2 => rng.NextInt(1000),
            _ => rng.NextFloat(),
        }).ToArray();

    [Fact]
    public void RestoredStateContinuesTheSameStream()
    {
        var rng = new Rng(7);
        Mixed(rng, 33); // 8 normal draws: no spare pending
        rng.NextGaussian(); // leaves the spare normal pending: it is part of the state
        var saved = rng.State;
        Assert.True(saved.HasSpareGaussian);
        var expected = Mixed(rng, 200);

        rng.State = saved;
        Assert.Equal(expected, Mixed(rng, 200));

        var other = new Rng(999) { State = saved };
        Assert.Equal(expected, Mixed(other, 200));
    }

    [Fact]
    public void AllZeroStateIsRejected() =>
        Assert.Throws<ArgumentException>(() => new Rng(1).State = new RngState(0, 0, 0, 0, false, 0));

    [Fact]
    public void NextIntStaysInRangeAndIsRoughlyUniform()
    {
        var rng = new Rng(5);
        var counts = new int[7];
        for (int i = 0; i < 70000; i++) counts[rng.NextInt(7)]++;
        // 10000 expected per value; the standard deviation is about 93.
        Assert.All(counts, c => Assert.InRange(c, 9550, 10450));

        var seen = new HashSet<int>();
        for (int i = 0; i < 1000; i++)
        {
            int v = rng.NextInt(-3, 4);
            Assert.InRange(v, -3, 3);
            seen.Add(v);
        }
        Assert.Equal(7, seen.Count);
        for (int i = 0; i < 1000; i++) Assert.InRange(rng.NextInt(int.MinValue, int.MaxValue), int.MinValue, int.MaxValue - 1);
        Assert.Equal(0, rng.NextInt(1));
    }

    [Fact]
    public void NextIntRejectsEmptyRanges()
    {
        var rng = new Rng(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextInt(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextInt(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextInt(5, 5));
    }

    [Fact]
    public void UniformDoublesAndFloatsAreInTheUnitInterval()
    {
        var rng = new Rng(6);
        var d = Enumerable.Range(0, 100000).Select(_ => rng.NextDouble()).ToArray();
        Assert.All(d, x => Assert.True(x is >= 0 and < 1));
        Assert.InRange(d.Average(), 0.5 - 0.005, 0.5 + 0.005); // standard error 0.0009
        var f = Enumerable.Range(0, 100000).Select(_ => rng.NextFloat()).ToArray();
        Assert.All(f, x => Assert.True(x is >= 0 and < 1));
        Assert.All(Enumerable.Range(0, 1000).Select(_ => rng.Uniform(-2, 3)), x => Assert.True(x is >= -2 and < 3));
    }

    [Fact]
    public void GaussianHasTheRequestedMeanAndStd()
    {
        var rng = new Rng(8);
        const int n = 200000;
        var x = Enumerable.Range(0, n).Select(_ => rng.NextGaussian()).ToArray();
        double mean = x.Average();
        double std = Math.Sqrt(x.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, -0.01, 0.01); // standard error 0.0022
        Assert.InRange(std, 0.99, 1.01);
        // About 68.3% within one standard deviation.
        Assert.InRange(x.Count(v => Math.Abs(v) < 1) / (double)n, 0.678, 0.688);

        var y = Enumerable.Range(0, n).Select(_ => rng.NextGaussian(3, 2)).ToArray();
        Assert.InRange(y.Average(), 3 - 0.02, 3 + 0.02);
        Assert.InRange(Math.Sqrt(y.Select(v => (v - 3) * (v - 3)).Average()), 1.98, 2.02);
    }

    [Fact]
    public void ShuffleIsADeterministicPermutation()
    {
        int[] a = [.. Enumerable.Range(0, 50)];
        int[] b = [.. a];
        new Rng(3).Shuffle(a.AsSpan());
        new Rng(3).Shuffle(b.AsSpan());
        Assert.Equal(a, b);
        Assert.NotEqual(Enumerable.Range(0, 50), a);
        Assert.Equal(Enumerable.Range(0, 50), a.Order());
    }

    [Fact]
    public void SpawnedGeneratorsAreDeterministicAndIndependentOfTheParent()
    {
        var p1 = new Rng(10);
        var p2 = new Rng(10);
        var c1 = p1.Spawn();
        var c2 = p2.Spawn();
        Assert.Equal(c1.NextUInt64(), c2.NextUInt64());
        Assert.NotEqual(p1.NextUInt64(), c1.NextUInt64());
        Assert.InRange(new Rng(11).NextSeed(), 0, int.MaxValue);
    }
}
