using Rl.Core.Spaces;

namespace Rl.Core.Tests.Spaces;

public class DiscreteTests
{
    [Fact]
    public void SamplesCoverEveryValueFromStart()
    {
        var space = new Discrete(5, start: -2);
        space.Seed(11);
        var counts = new int[5];
        for (int i = 0; i < 5000; i++) counts[space.Sample() + 2]++;
        // 1000 expected per value; the standard deviation is about 28.
        Assert.All(counts, c => Assert.InRange(c, 850, 1150));
    }

    [Theory]
    [InlineData(-2, true)]
    [InlineData(2, true)]
    [InlineData(0, true)]
    [InlineData(3, false)]
    [InlineData(-3, false)]
    [InlineData(int.MaxValue, false)]
    [InlineData(int.MinValue, false)]
    public void ContainsExactlyTheRange(int value, bool expected) => Assert.Equal(expected, new Discrete(5, start: -2).Contains(value));

    [Fact]
    public void ContainsDoesNotOverflowNearTheIntLimits()
    {
        var high = new Discrete(3, start: int.MaxValue - 2);
        Assert.True(high.Contains(int.MaxValue));
        Assert.False(high.Contains(int.MinValue));
        var low = new Discrete(3, start: int.MinValue);
        Assert.True(low.Contains(int.MinValue + 2));
        Assert.False(low.Contains(int.MaxValue));
    }

    [Fact]
    public void ExplainNamesTheValueAndTheRange()
    {
        var space = new Discrete(5, start: -2);
        Assert.Null(space.Explain(1));
        Assert.Equal("3 is outside {-2, ..., 2}", space.Explain(3));
        Assert.Contains("Int64", space.ExplainObject(3L));
    }

    [Fact]
    public void ToStringIsGymnasiumStyle()
    {
        Assert.Equal("Discrete(2)", new Discrete(2).ToString());
        Assert.Equal("Discrete(5, start=-2)", new Discrete(5, start: -2).ToString());
    }

    [Fact]
    public void FlattenIsOneHotFromStart()
    {
        var space = new Discrete(4, start: 1);
        var flat = new float[4];
        space.Flatten(3, flat);
        Assert.Equal([0f, 0f, 1f, 0f], flat);
        Assert.Equal(4, space.FlatDim);
        var error = Assert.Throws<ArgumentException>(() => space.Flatten(5, flat));
        Assert.Contains("5", error.Message);
    }

    [Fact]
    public void RejectsBadConstruction()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Discrete(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Discrete(-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Discrete(5, start: int.MaxValue - 1));
    }

    [Fact]
    public void EqualityUsesNAndStart()
    {
        Assert.Equal(new Discrete(3, 1), new Discrete(3, 1));
        Assert.NotEqual(new Discrete(3, 1), new Discrete(3));
        Assert.NotEqual(new Discrete(3), new Discrete(4));
    }
}
