using Rl.Core.Spaces;

namespace Rl.Core.Tests.Spaces;

public class MultiDiscreteTests
{
    private static readonly MultiDiscrete Space = new([3, 2, 4], [0, -1, 5]);

    [Fact]
    public void SamplesCoverEachElementsRange()
    {
        Space.Seed(8);
        var seen = new[] { new HashSet<int>(), new HashSet<int>(), new HashSet<int>() };
        for (int i = 0; i < 500; i++)
        {
            var v = Space.Sample();
            for (int j = 0; j < 3; j++) seen[j].Add(v[j]);
        }
        Assert.Equal([0, 1, 2], seen[0].Order());
        Assert.Equal([-1, 0], seen[1].Order());
        Assert.Equal([5, 6, 7, 8], seen[2].Order());
    }

    [Fact]
    public void ContainsRejectsWrongLengthAndOutOfRange()
    {
        Assert.True(Space.Contains([2, -1, 8]));
        Assert.Equal("has 2 elements but the space has 3", Space.Explain([0, 0]));
        Assert.Equal("element 2 = 9 is outside {5, ..., 8}", Space.Explain([0, 0, 9]));
        Assert.Equal("element 1 = -2 is outside {-1, ..., 0}", Space.Explain([0, -2, 5]));
        Assert.NotNull(Space.Explain([int.MaxValue, 0, 5]));
        Assert.NotNull(Space.Explain([0, int.MinValue, 5]));
        Assert.Contains("Int64[]", Space.ExplainObject(new long[3]));
    }

    [Fact]
    public void ToStringIsGymnasiumStyle()
    {
        Assert.Equal("MultiDiscrete([3 2 4], start=[0 -1 5])", Space.ToString());
        Assert.Equal("MultiDiscrete([2 5])", new MultiDiscrete([2, 5]).ToString());
    }

    [Fact]
    public void FlattenConcatenatesOneHots()
    {
        var flat = new float[9];
        Space.Flatten([2, -1, 8], flat);
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f, 0f, 0f, 1f], flat);
        Assert.Equal(9, Space.FlatDim);
        Assert.Throws<ArgumentException>(() => Space.Flatten([3, 0, 5], flat));
    }

    [Fact]
    public void RejectsBadConstruction()
    {
        Assert.Throws<ArgumentException>(() => new MultiDiscrete([]));
        Assert.Throws<ArgumentException>(() => new MultiDiscrete([2, 0]));
        Assert.Throws<ArgumentException>(() => new MultiDiscrete([2, 2], [0]));
        Assert.Throws<ArgumentException>(() => new MultiDiscrete([3], [int.MaxValue]));
    }
}

public class MultiBinaryTests
{
    [Fact]
    public void SamplesAreFairBits()
    {
        var space = new MultiBinary(8);
        space.Seed(9);
        int ones = 0;
        for (int i = 0; i < 1000; i++) ones += space.Sample().Sum(b => b);
        // 4000 expected; the standard deviation is about 45.
        Assert.InRange(ones, 3800, 4200);
    }

    [Fact]
    public void ContainsRejectsNonBinaryAndWrongLength()
    {
        var space = new MultiBinary(4);
        Assert.True(space.Contains([1, 0, 1, 1]));
        Assert.Equal("element 1 = 2 is not 0 or 1", space.Explain([0, 2, 0, 0]));
        Assert.Equal("has 3 elements but shape (4,) needs 4", space.Explain([0, 0, 0]));
        Assert.Contains("Int32[]", space.ExplainObject(new[] { 0, 1, 0, 1 }));
    }

    [Fact]
    public void ToStringAndShape()
    {
        Assert.Equal("MultiBinary(4)", new MultiBinary(4).ToString());
        var grid = new MultiBinary(2, 3);
        Assert.Equal("MultiBinary((2, 3))", grid.ToString());
        Assert.Equal([2, 3], grid.Shape);
        Assert.Equal(6, grid.FlatDim);
    }

    [Fact]
    public void FlattenCopiesBits()
    {
        var flat = new float[4];
        new MultiBinary(4).Flatten([1, 0, 1, 1], flat);
        Assert.Equal([1f, 0f, 1f, 1f], flat);
    }

    [Fact]
    public void RejectsBadConstruction()
    {
        Assert.Throws<ArgumentException>(() => new MultiBinary());
        Assert.Throws<ArgumentException>(() => new MultiBinary(3, 0));
    }
}
