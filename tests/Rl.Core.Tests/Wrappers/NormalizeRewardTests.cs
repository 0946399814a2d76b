using Rl.Core.Wrappers;

namespace Rl.Core.Tests.Wrappers;

public class NormalizeRewardTests
{
    private static double VarianceWithPrior(params double[] data) => HandComputed.WithPrior(data).Var;

    [Fact]
    public void ScalesRewardsByTheStdOfTheDiscountedReturn()
    {
        // Rewards 1, 2, 3 with gamma 0.9: discounted returns 1, 2.9, 5.61.
        var env = new CountingEnv<float>().NormalizeReward(gamma: 0.9);
        env.Reset(seed: 0);
        var r1 = env.Step(0).Reward;
        var r2 = env.Step(0).Reward;
        var r3 = env.Step(0).Reward;
        Assert.Equal(5.61, env.DiscountedReturn, 1e-12);
        Assert.Equal(1 / Math.Sqrt(VarianceWithPrior(1) + 1e-8), r1, 1e-9);
        Assert.Equal(2 / Math.Sqrt(VarianceWithPrior(1, 2.9) + 1e-8), r2, 1e-9);
        Assert.Equal(3 / Math.Sqrt(VarianceWithPrior(1, 2.9, 5.61) + 1e-8), r3, 1e-9);
        Assert.Equal(1 / Math.Sqrt(VarianceWithPrior(1, 2.9, 5.61) + 1e-8), env.Scale, 1e-9);
    }

    [Fact]
    public void TheReturnRestartsAfterTheEpisodeEnds()
    {
        var env = new CountingEnv<float>(terminateAt: 2).NormalizeReward(gamma: 0.9);
        env.Reset();
        env.Step(0);
        var end = env.Step(0);
        Assert.True(end.Terminated);
        Assert.Equal(2 / Math.Sqrt(VarianceWithPrior(1, 2.9) + 1e-8), end.Reward, 1e-9);
        Assert.Equal(0, env.DiscountedReturn);
        env.Reset();
        var next = env.Step(0);
        Assert.Equal(1, env.DiscountedReturn); // not 0.9 * 2.9 + 1
        Assert.Equal(1 / Math.Sqrt(VarianceWithPrior(1, 2.9, 1) + 1e-8), next.Reward, 1e-9);
    }

    [Fact]
    public void TheReturnRestartsAfterTruncationAndAtReset()
    {
        var env = new CountingEnv<float>().WithTimeLimit(2).NormalizeReward(gamma: 0.5);
        env.Reset();
        env.Step(0);
        Assert.True(env.Step(0).Truncated);
        Assert.Equal(0, env.DiscountedReturn);
        env.Reset();
        env.Step(0);
        Assert.Equal(1, env.DiscountedReturn);
        env.Reset();
        Assert.Equal(0, env.DiscountedReturn);
    }

    [Fact]
    public void FrozenStatisticsKeepTheScale()
    {
        var env = new CountingEnv<float>().NormalizeReward();
        env.Reset();
        env.Step(0);
        env.Step(0);
        env.UpdateStatistics = false;
        double scale = env.Scale;
        double count = env.Statistics.Count;
        Assert.Equal(3 * scale, env.Step(0).Reward, 1e-12);
        Assert.Equal(4 * scale, env.Step(0).Reward, 1e-12);
        Assert.Equal(count, env.Statistics.Count);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void RejectsGammaOutsideTheUnitInterval(double gamma)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CountingEnv<float>().NormalizeReward(gamma));
        Assert.Contains("gamma must be in (0, 1]", error.Message);
        Assert.Contains("CountingEnv", error.Message);
    }

    [Fact]
    public void AcceptsGammaOneAndRejectsABadEpsilon()
    {
        Assert.Equal(1.0, new CountingEnv<float>().NormalizeReward(1.0).Gamma);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CountingEnv<float>().NormalizeReward(epsilon: -1));
    }

    [Fact]
    public void ForwardsTheObservationBuffer() =>
        IntoContract.Holds(() => new CountingEnv<float>(terminateAt: 6).NormalizeReward(), t => t % 2);
}
