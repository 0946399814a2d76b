namespace Rl.Core.Tests;

public class RunningMeanStdTests
{
    private static double[][] Data(int count, int size, long seed)
    {
        var rng = new Rng(seed);
        // Elements with different scales and offsets, so a mix-up between elements shows.
        return Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, size).Select(i => 10.0 * i + (i + 1) * rng.NextGaussian()).ToArray())
            .ToArray();
    }

    private static (double Mean, double Var) TwoPass(double[][] data, int i) => HandComputed.Moments(data.Select(x => x[i]).ToArray());

    [Fact]
    public void WithoutPseudoCountUpdatesGiveTheTwoPassStatistics()
    {
        var data = Data(200, 3, 1);
        var rms = new RunningMeanStd(3, epsilon: 0);
        foreach (var x in data) rms.Update(x);
        Assert.Equal(200, rms.Count);
        for (int i = 0; i < 3; i++)
        {
            var (mean, var) = TwoPass(data, i);
            Assert.Equal(mean, rms.Mean[i], 1e-10);
            Assert.Equal(var, rms.Variance[i], 1e-10);
        }
    }

    [Fact]
    public void PseudoCountActsAsAPriorOfMeanZeroAndVarianceOne()
    {
        var data = Data(50, 2, 2);
        var rms = new RunningMeanStd(2);
        foreach (var x in data) rms.Update(x);
        for (int i = 0; i < 2; i++)
        {
            var (mean, var) = HandComputed.WithPrior(data.Select(x => x[i]).ToArray());
            Assert.Equal(mean, rms.Mean[i], 1e-10);
            Assert.Equal(var, rms.Variance[i], 1e-10);
        }
        Assert.Equal(50 + 1e-4, rms.Count, 1e-12);
    }

    [Fact]
    public void FloatAndDoubleUpdatesAgree()
    {
        var a = new RunningMeanStd(2);
        var b = new RunningMeanStd(2);
        foreach (var x in new[] { new[] { 1f, -2f }, [0.5f, 4f], [3f, 3f] })
        {
            a.Update(x);
            b.Update(x.Select(v => (double)v).ToArray());
        }
        Assert.Equal(a.Mean.ToArray(), b.Mean.ToArray());
        Assert.Equal(a.Variance.ToArray(), b.Variance.ToArray());
    }

    [Fact]
    public void MergeEqualsSequentialUpdates()
    {
        var data = Data(120, 3, 3);
        var sequential = new RunningMeanStd(3);
        foreach (var x in data) sequential.Update(x);

        var first = new RunningMeanStd(3);
        var second = new RunningMeanStd(3, epsilon: 0);
        foreach (var x in data.Take(70)) first.Update(x);
        foreach (var x in data.Skip(70)) second.Update(x);
        first.Merge(second);

        // The same from batch moments computed elsewhere (two-pass).
        var fromMoments = new RunningMeanStd(3);
        foreach (var x in data.Take(70)) fromMoments.Update(x);
        var batch = data.Skip(70).ToArray();
        var moments = Enumerable.Range(0, 3).Select(i => TwoPass(batch, i)).ToArray();
        fromMoments.Merge(moments.Select(p => p.Mean).ToArray(), moments.Select(p => p.Var).ToArray(), batch.Length);

        foreach (var merged in new[] { first, fromMoments })
        {
            Assert.Equal(sequential.Count, merged.Count, 1e-9);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(sequential.Mean[i], merged.Mean[i], 1e-10);
                Assert.Equal(sequential.Variance[i], merged.Variance[i], 1e-10);
            }
        }
    }

    [Fact]
    public void MergingAnEmptyBatchChangesNothing()
    {
        var rms = new RunningMeanStd(1);
        rms.Update(new[] { 2.0 });
        var before = (rms.Mean[0], rms.Variance[0], rms.Count);
        rms.Merge(new[] { 100.0 }, new[] { 5.0 }, 0);
        Assert.Equal(before, (rms.Mean[0], rms.Variance[0], rms.Count));
    }

    [Fact]
    public void NormalizeUsesMeanAndVarianceAndClips()
    {
        var rms = new RunningMeanStd(3);
        rms.Set([1.0, -2.0, 0.0], [4.0, 0.25, 1.0], 10);
        var y = new float[3];
        rms.Normalize([5f, -2f, 100f], y, epsilon: 0, clip: 10);
        Assert.Equal([2f, 0f, 10f], y);
        rms.Normalize([1f, -1f, 0f], y, epsilon: 1e-8);
        Assert.Equal(1 / Math.Sqrt(0.25 + 1e-8), y[1], 1e-6);
    }

    [Fact]
    public void SetAndCloneAreIndependentCopies()
    {
        var rms = new RunningMeanStd(2);
        double[] mean = [1, 2];
        rms.Set(mean, [3, 4], 5);
        mean[0] = 100;
        Assert.Equal(1, rms.Mean[0]);
        var clone = rms.Clone();
        rms.Update(new[] { 10.0, 10.0 });
        Assert.Equal([1.0, 2.0], clone.Mean.ToArray());
        Assert.Equal([3.0, 4.0], clone.Variance.ToArray());
        Assert.Equal(5, clone.Count);
    }

    [Fact]
    public void RejectsWrongLengthsAndCounts()
    {
        var rms = new RunningMeanStd(2);
        Assert.Contains("2 elements but got a vector of 3", Assert.Throws<ArgumentException>(() => rms.Update(new float[3])).Message);
        Assert.Throws<ArgumentException>(() => rms.Set([0.0, 0.0], [1.0, 1.0], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RunningMeanStd(0));
    }
}
