using Rl.Training.Experiments;

namespace Rl.Experiments.Tests.Experiments;

public class StatisticsTests
{
    [Fact]
    public void InterquartileMeanDropsAQuarterOfTheValuesFromEachEnd()
    {
        // 8 values: floor(8/4) = 2 dropped from each end, mean of 3, 4, 5, 6.
        Assert.Equal(4.5, RobustStatistics.InterquartileMean([8, 1, 7, 2, 6, 3, 5, 4]), 12);
        // 5 values: floor(5/4) = 1 dropped from each end (scipy trim_mean), mean of 3, 7, 10.
        Assert.Equal(20.0 / 3, RobustStatistics.InterquartileMean([10, 1, 7, 3, 100]), 12);
        // 4 values: the outlier 40 and the lowest go.
        Assert.Equal(2.5, RobustStatistics.InterquartileMean([1, 2, 3, 40]), 12);
        // 3 values: floor(3/4) = 0, the plain mean.
        Assert.Equal(2.0, RobustStatistics.InterquartileMean([1, 2, 3]), 12);
        Assert.Equal(7.0, RobustStatistics.InterquartileMean([7]), 12);
        Assert.Equal(11.2, RobustStatistics.TrimmedMean([10, 1, 7, 3, 35], 0), 12);
    }

    [Fact]
    public void PercentilesInterpolateLinearlyBetweenOrderStatistics()
    {
        Assert.Equal(1.75, RobustStatistics.Percentile([4, 1, 3, 2], 25), 12);  // position 0.75
        Assert.Equal(2.5, RobustStatistics.Median([4, 1, 3, 2]), 12);
        Assert.Equal(4.0, RobustStatistics.Percentile([4, 1, 3, 2], 100), 12);
        Assert.Equal(1.0, RobustStatistics.Percentile([4, 1, 3, 2], 0), 12);
    }

    [Fact]
    public void StatisticsRejectEmptyOrNaNInputWithAMessage()
    {
        Assert.Contains("at least one", Assert.Throws<ArgumentException>(() => RobustStatistics.InterquartileMean([])).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => RobustStatistics.InterquartileMean([1, double.NaN])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => RobustStatistics.TrimmedMean([1, 2], 0.5));
        Assert.Contains("task 1 has no scores", Assert.Throws<ArgumentException>(() => new StratifiedBootstrap().InterquartileMean([[1.0], []])).Message);
    }

    [Fact]
    public void BootstrapIntervalIsDeterministicGivenItsSeedAndContainsTheEstimate()
    {
        double[] scores = [412, 380, 455, 120, 500, 490, 300, 470];
        var a = new StratifiedBootstrap { Seed = 7, Repetitions = 5_000 }.InterquartileMean(scores);
        var b = new StratifiedBootstrap { Seed = 7, Repetitions = 5_000 }.InterquartileMean(scores);
        var c = new StratifiedBootstrap { Seed = 8, Repetitions = 5_000 }.InterquartileMean(scores);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(RobustStatistics.InterquartileMean(scores), a.Estimate, 12); // (380+412+455+470)/4
        Assert.Equal(429.25, a.Estimate, 12);
        Assert.True(a.Lower <= a.Estimate && a.Estimate <= a.Upper, $"{a}");
        Assert.True(a.Lower < a.Upper);
        // Every resampled IQM lies within the range of the scores.
        Assert.True(a.Lower >= 120 && a.Upper <= 500, $"{a}");
    }

    [Fact]
    public void BootstrapOfTwoValuesMatchesTheHandComputedDistribution()
    {
        // Resampling [1, 2] with replacement: means 1 (p 1/4), 1.5 (1/2), 2 (1/4); the 2.5th and 97.5th percentiles of many
        // repetitions are 1 and 2, and the interval of a constant sample is that constant.
        var ci = new StratifiedBootstrap { Seed = 1, Repetitions = 20_000 }.Interval([[1.0, 2.0]], t => RobustStatistics.Mean(t[0]));
        Assert.Equal(1.0, ci.Lower, 12);
        Assert.Equal(2.0, ci.Upper, 12);
        Assert.Equal(1.5, ci.Estimate, 12);
        var constant = new StratifiedBootstrap { Repetitions = 100 }.InterquartileMean([5.0, 5.0, 5.0]);
        Assert.Equal((5.0, 5.0, 5.0), (constant.Lower, constant.Estimate, constant.Upper));
    }

    [Fact]
    public void StratifiedBootstrapResamplesWithinEachTask()
    {
        // Task A scores are all 0, task B all 100 (and B has twice the runs). Resampling within each task keeps 4 zeros and
        // 8 hundreds in every repetition, so the mean is always 200/3; resampling across tasks would spread it.
        double[] a = [0, 0, 0, 0];
        double[] b = [100, 100, 100, 100, 100, 100, 100, 100];
        var ci = new StratifiedBootstrap { Seed = 3, Repetitions = 2_000 }.Interval([a, b], t => RobustStatistics.Mean(t.SelectMany(x => x)));
        Assert.Equal(800.0 / 12, ci.Lower, 9);
        Assert.Equal(800.0 / 12, ci.Upper, 9);
        // Within a task the resampling does vary.
        var varied = new StratifiedBootstrap { Seed = 3, Repetitions = 2_000 }.InterquartileMean([[0.0, 10, 20, 30], [100.0, 100]]);
        Assert.True(varied.Lower < varied.Upper);
    }

    [Fact]
    public void ConfidenceIntervalsTellWhetherTheyOverlap()
    {
        Assert.True(new ConfidenceInterval(1, 0, 2, 0.95).DisjointFrom(new ConfidenceInterval(4, 3, 5, 0.95)));
        Assert.False(new ConfidenceInterval(1, 0, 3, 0.95).DisjointFrom(new ConfidenceInterval(4, 3, 5, 0.95)));
    }

    [Theory]
    [InlineData("0-4", new long[] { 0, 1, 2, 3, 4 })]
    [InlineData("0,3,7", new long[] { 0, 3, 7 })]
    [InlineData(" 0-2, 10 ", new long[] { 0, 1, 2, 10 })]
    [InlineData("5", new long[] { 5 })]
    [InlineData("-2--1", new long[] { -2, -1 })]
    public void SeedListsParseRangesAndLists(string text, long[] expected)
    {
        Assert.Equal(expected, SeedList.Parse(text));
        Assert.Equal(expected, SeedList.Parse(SeedList.Format(expected)));
    }

    [Theory]
    [InlineData("4-0", "backwards")]
    [InlineData("a", "not a whole number")]
    [InlineData("1,2,1", "appears twice")]
    [InlineData("1,,2", "empty entry")]
    [InlineData("0-100000", "more than")]
    public void BadSeedListsAreRefusedByName(string text, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => SeedList.Parse(text)).Message);
}
