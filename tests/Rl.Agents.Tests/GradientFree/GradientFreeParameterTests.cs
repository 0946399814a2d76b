using Rl.Agents.Parameters;
using Rl.Core;

namespace Rl.Agents.Tests.GradientFree;

public class GradientFreeParameterTests
{
    [Fact]
    public void NoiseTableIsSeededStandardNormalAndShared()
    {
        var a = new NoiseTable(7, 1 << 20);
        var b = new NoiseTable(7, 1 << 20);
        var c = new NoiseTable(8, 1 << 20);
        Assert.True(a.Slice(0, a.Size).SequenceEqual(b.Slice(0, b.Size)));
        Assert.False(a.Slice(0, 1000).SequenceEqual(c.Slice(0, 1000)));
        double mean = 0, square = 0;
        foreach (float x in a.Slice(0, a.Size)) (mean, square) = (mean + x, square + x * x);
        mean /= a.Size;
        double std = Math.Sqrt(square / a.Size - mean * mean);
        Assert.InRange(mean, -0.005, 0.005);
        Assert.InRange(std, 0.995, 1.005);
        Assert.Same(NoiseTable.Shared(7, 4096), NoiseTable.Shared(7, 4096));
    }

    [Fact]
    public void NoiseOffsetsStayInsideTheTable()
    {
        var table = new NoiseTable(1, 100);
        var rng = new Rng(0);
        for (int i = 0; i < 1000; i++)
        {
            int offset = table.SampleOffset(rng, 90);
            Assert.InRange(offset, 0, 10);
            Assert.Equal(90, table.Slice(offset, 90).Length);
        }
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => table.Slice(50, 60));
        Assert.Contains("[50, 110)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => table.SampleOffset(rng, 101));
    }

    [Theory]
    [InlineData(new[] { 10.0, 30.0, 20.0 }, new[] { -0.5, 0.5, 0.0 })]
    [InlineData(new[] { 1.0, 1.0 }, new[] { -0.5, 0.5 })] // ties ranked by index
    [InlineData(new[] { 5.0, 4.0, 3.0, 2.0, 1.0 }, new[] { 0.5, 0.25, 0.0, -0.25, -0.5 })]
    public void CenteredRanksMapRanksOntoMinusHalfToHalf(double[] returns, double[] expected)
    {
        var shaped = new double[returns.Length];
        FitnessTools.Shape(FitnessShaping.CenteredRanks, returns, shaped);
        Assert.Equal(expected, shaped);
    }

    [Fact]
    public void NormalizationSubtractsTheMeanAndDividesByTheStd()
    {
        var shaped = new double[3];
        FitnessTools.Shape(FitnessShaping.Normalize, [1.0, 2.0, 3.0], shaped);
        double z = 1 / Math.Sqrt(2.0 / 3);
        Assert.Equal([-z, 0, z], shaped.Select(x => Math.Round(x, 12)), new DoubleComparer());
        FitnessTools.Shape(FitnessShaping.Normalize, [4.0, 4.0], shaped);
        Assert.Equal([0.0, 0.0], shaped[..2]);
    }

    [Fact]
    public void TopIndicesAreBestFirstWithTiesByIndex() =>
        Assert.Equal([1, 2], FitnessTools.TopIndices([3.0, 5.0, 5.0, 1.0], 2));

    [Fact]
    public void AdamFirstStepMovesEachParameterByTheStepSizeInTheGradientsDirection()
    {
        var adam = new FlatAdam(2);
        float[] theta = [1, 1];
        adam.Step(theta, [2f, -0.5f], stepSize: 0.1);
        // m̂ = g and v̂ = g² after one step, so the step is α·g/|g|.
        Assert.Equal(1.1f, theta[0], 5);
        Assert.Equal(0.9f, theta[1], 5);
        Assert.Equal(1, adam.T);
    }

    [Fact]
    public void PerturbAndAxpyFollowTheirFormulas()
    {
        var destination = new float[2];
        ParameterMath.Perturb([1f, 2f], 0.5f, [2f, -2f], destination);
        Assert.Equal([2f, 1f], destination);
        ParameterMath.Perturb([1f, 2f], 0.5f, [1f, 3f], [2f, -2f], destination);
        Assert.Equal([2f, -1f], destination);
        ParameterMath.Axpy(2f, [1f, 1f], destination);
        Assert.Equal([4f, 1f], destination);
        Assert.Equal(5, ParameterMath.Norm([3f, 4f]), 10);
    }

    private sealed class DoubleComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-9;
        public int GetHashCode(double obj) => 0;
    }
}
