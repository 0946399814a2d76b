using Rl.Core.Spaces;
using Rl.Core.Wrappers;

namespace Rl.Core.Tests.Wrappers;

public class NormalizeObservationTests
{
    private static (double Mean, double Var) WithPrior(params double[] data) => HandComputed.WithPrior(data);

    [Fact]
    public void NormalizesWithStatisticsOfResetAndStepObservations()
    {
        // Element 0 sees 1, 2, 3 and element 1 sees 2, 4, 6 (reset, then two steps).
        var env = new CountingEnv<float>().NormalizeObservation();
        var first = env.Reset(seed: 0).Observation;
        env.Step(0);
        var obs = env.Step(0).Observation;

        var (m0, v0) = WithPrior(1, 2, 3);
        var (m1, v1) = WithPrior(2, 4, 6);
        Assert.Equal(m0, env.Statistics.Mean[0], 1e-12);
        Assert.Equal(v0, env.Statistics.Variance[0], 1e-12);
        Assert.Equal(m1, env.Statistics.Mean[1], 1e-12);
        Assert.Equal(v1, env.Statistics.Variance[1], 1e-12);
        Assert.Equal((3 - m0) / Math.Sqrt(v0 + 1e-8), obs[0], 1e-5);
        Assert.Equal((6 - m1) / Math.Sqrt(v1 + 1e-8), obs[1], 1e-5);

        // The first observation is normalized with the statistics of itself alone (count 1 + 1e-4).
        var (f0, fv0) = WithPrior(1);
        Assert.Equal((1 - f0) / Math.Sqrt(fv0 + 1e-8), first[0], 1e-4);
    }

    [Fact]
    public void FrozenStatisticsStayPutAndStillNormalize()
    {
        var env = new CountingEnv<float>().NormalizeObservation();
        env.Reset();
        env.Step(0);
        env.UpdateStatistics = false;
        var mean = env.Statistics.Mean.ToArray();
        var variance = env.Statistics.Variance.ToArray();
        double count = env.Statistics.Count;

        var obs = env.Step(0).Observation; // raw [3, 6]
        env.Reset();
        Assert.Equal(count, env.Statistics.Count);
        Assert.Equal(mean, env.Statistics.Mean.ToArray());
        Assert.Equal(variance, env.Statistics.Variance.ToArray());
        Assert.Equal((3 - mean[0]) / Math.Sqrt(variance[0] + 1e-8), obs[0], 1e-5);

        env.UpdateStatistics = true;
        env.Step(0);
        Assert.Equal(count + 1, env.Statistics.Count, 1e-12);
    }

    [Fact]
    public void StatisticsCanBeRestoredFromACheckpoint()
    {
        var env = new CountingEnv<float>().NormalizeObservation();
        env.Statistics.Set([1.0, 2.0], [4.0, 16.0], 100);
        env.UpdateStatistics = false;
        var obs = env.Reset().Observation; // raw [1, 2]
        Assert.Equal(0f, obs[0], 1e-6);
        Assert.Equal(0f, obs[1], 1e-6);
        obs = env.Step(0).Observation; // raw [2, 4]
        Assert.Equal(0.5, obs[0], 1e-6);
        Assert.Equal(0.5, obs[1], 1e-6);
    }

    [Fact]
    public void ObservationSpaceIsUnboundedWithTheSameShape()
    {
        var env = new CountingEnv<float>(shape: [2, 3]).NormalizeObservation();
        Assert.Equal("Box(-inf, inf, (2, 3), float32)", env.ObservationSpace.ToString());
        Assert.Equal(6, env.Statistics.Size);
    }

    [Fact]
    public void RejectsAnotherSpaceAndABadEpsilon()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new NormalizeObservation<int>(new ScriptedEnv<float[]>(new AnyFloatsSpace(), _ => new float[2])));
        Assert.Contains("ScriptedEnv", error.Message);
        Assert.Contains("AnyFloats(2)", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CountingEnv<float>().NormalizeObservation(epsilon: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CountingEnv<float>().NormalizeObservation(epsilon: double.NaN));
    }

    [Fact]
    public void ForwardsTheObservationBuffer() =>
        IntoContract.Holds(() => new CountingEnv<float>(terminateAt: 6).NormalizeObservation(), t => t % 2);
}
