using Rl.Core.Spaces;

namespace Rl.Core.Tests.Spaces;

public class BoxTests
{
    private static (double Mean, double Std) Moments(IEnumerable<double> values)
    {
        var v = values.ToArray();
        double mean = v.Average();
        return (mean, Math.Sqrt(v.Select(x => (x - mean) * (x - mean)).Average()));
    }

    private static IEnumerable<double> Samples<T>(Box<T> box, int count, int element) where T : unmanaged, System.Numerics.INumber<T>
    {
        box.Seed(17);
        for (int i = 0; i < count; i++) yield return double.CreateChecked(box.Sample()[element]);
    }

    [Fact]
    public void BoundedSamplesAreUniform()
    {
        var (mean, std) = Moments(Samples(new Box<float>(-1f, 2f, 3), 20000, 1));
        Assert.InRange(mean, 0.5 - 0.03, 0.5 + 0.03);
        Assert.InRange(std, 3 / Math.Sqrt(12) - 0.02, 3 / Math.Sqrt(12) + 0.02);
    }

    [Fact]
    public void HalfBoundedSamplesAreShiftedExponentials()
    {
        var below = Samples(new Box<double>(0.5, double.PositiveInfinity, 2), 20000, 0).ToArray();
        Assert.All(below, x => Assert.True(x >= 0.5));
        var (mean, std) = Moments(below);
        Assert.InRange(mean, 1.5 - 0.04, 1.5 + 0.04);
        Assert.InRange(std, 1 - 0.04, 1 + 0.04);

        var above = Samples(new Box<double>(double.NegativeInfinity, -0.5, 2), 20000, 1).ToArray();
        Assert.All(above, x => Assert.True(x <= -0.5));
        Assert.InRange(above.Average(), -1.5 - 0.04, -1.5 + 0.04);
    }

    [Fact]
    public void UnboundedSamplesAreStandardNormal()
    {
        var (mean, std) = Moments(Samples(new Box<float>(float.NegativeInfinity, float.PositiveInfinity, 4), 20000, 2));
        Assert.InRange(mean, -0.04, 0.04);
        Assert.InRange(std, 0.96, 1.04);
    }

    [Fact]
    public void PerElementBoundsApplyToTheirElement()
    {
        var box = new Box<float>([0f, -5f, 10f], [1f, -4f, 10f]);
        box.Seed(1);
        for (int i = 0; i < 1000; i++)
        {
            var v = box.Sample();
            Assert.InRange(v[0], 0f, 1f);
            Assert.InRange(v[1], -5f, -4f);
            Assert.Equal(10f, v[2]);
        }
        Assert.True(box.IsBounded);
        Assert.Equal(-5.0, box.LowAt(1));
        Assert.Equal(-4.0, box.HighAt(1));
    }

    [Fact]
    public void Uint8ImageBoxSamplesEveryByte()
    {
        var box = new Box<byte>(0, 255, 64, 64, 3);
        Assert.Equal([64, 64, 3], box.Shape);
        Assert.Equal(64 * 64 * 3, box.Size);
        Assert.Equal(DType.UInt8, box.DType);
        box.Seed(2);
        var pixels = box.Sample();
        Assert.Equal(12288, pixels.Length);
        Assert.Contains((byte)0, pixels);
        Assert.Contains((byte)255, pixels);
        Assert.Equal("Box(0, 255, (64, 64, 3), uint8)", box.ToString());
    }

    [Fact]
    public void NarrowUint8BoxStaysInBounds()
    {
        var box = new Box<byte>(10, 20, 6);
        box.Seed(4);
        var seen = new HashSet<byte>();
        for (int i = 0; i < 500; i++) seen.UnionWith(box.Sample());
        Assert.Equal(Enumerable.Range(10, 11).Select(x => (byte)x), seen.Order());
        Assert.Contains("element 0 = 21", box.Explain([21, 10, 10, 10, 10, 10]));
    }

    [Fact]
    public void ContainsRejectsWrongLengthOutOfBoundsAndNaN()
    {
        var box = new Box<float>(-1f, 2f, 4);
        Assert.True(box.Contains([-1f, 2f, 0f, 1.5f]));
        Assert.Equal("has 3 elements but shape (4,) needs 4", box.Explain([0f, 0f, 0f]));
        Assert.Equal("element 1 = 3.5 is outside [-1, 2]", box.Explain([0f, 3.5f, 0f, 0f]));
        Assert.Equal("element 2 is NaN", box.Explain([0f, 0f, float.NaN, 0f]));
        Assert.Equal("element 3 is NaN", box.ExplainObject(new[] { 0f, 0f, 0f, float.NaN }));
        Assert.Contains("Double[]", box.ExplainObject(new double[4]));
        Assert.False(box.ContainsObject(new double[4]));
        Assert.False(box.ContainsObject(null));
    }

    [Fact]
    public void UnboundedBoxAcceptsInfinityButNotNaN()
    {
        var box = new Box<double>(double.NegativeInfinity, double.PositiveInfinity, 2);
        Assert.True(box.Contains([double.PositiveInfinity, double.NegativeInfinity]));
        Assert.Equal("element 0 is NaN", box.Explain([double.NaN, 0]));
        Assert.False(box.IsBounded);
    }

    [Fact]
    public void ToStringIsGymnasiumStyle()
    {
        Assert.Equal("Box(-inf, inf, (4,), float32)", new Box<float>(float.NegativeInfinity, float.PositiveInfinity, 4).ToString());
        Assert.Equal("Box(-1, 1, (2,), float32)", new Box<float>(-1f, 1f, 2).ToString());
        Assert.Equal("Box(0, 1.5, (2, 3), float64)", new Box<double>(0.0, 1.5, 2, 3).ToString());
        // float32 bounds print with the digits that identify the float, as NumPy prints them.
        Assert.Equal("Box([-4.8 -inf -0.41887903 -inf], [4.8 inf 0.41887903 inf], (4,), float32)",
            new Box<float>([-4.8f, float.NegativeInfinity, -0.41887903f, float.NegativeInfinity],
                [4.8f, float.PositiveInfinity, 0.41887903f, float.PositiveInfinity]).ToString());
        Assert.Equal("Box(0, 1e+20, (1,), float64)", new Box<double>(0.0, 1e20, 1).ToString());
    }

    [Fact]
    public void FlattenCopiesElementsInRowMajorOrder()
    {
        var flat = new float[4];
        new Box<double>(0.0, 10.0, 2, 2).Flatten([1.0, 2.5, 3.0, 4.0], flat);
        Assert.Equal([1f, 2.5f, 3f, 4f], flat);
        var bytes = new float[3];
        new Box<byte>(0, 255, 3).Flatten([0, 7, 255], bytes);
        Assert.Equal([0f, 7f, 255f], bytes);
    }

    [Fact]
    public void ClipMovesElementsIntoTheirBounds()
    {
        var box = new Box<float>([-1f, -1f, 0f], [2f, 2f, 5f]);
        var v = new[] { -5f, 0.5f, 9f };
        box.Clip(v);
        Assert.Equal([-1f, 0.5f, 5f], v);
        Assert.Throws<ArgumentException>(() => box.Clip(new float[2]));
    }

    [Fact]
    public void RejectsBadConstruction()
    {
        Assert.Contains("low[1]=3 exceeds high[1]=2", Assert.Throws<ArgumentException>(() => new Box<float>([0f, 3f], [1f, 2f])).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => new Box<double>([double.NaN], [1.0])).Message);
        Assert.Contains("(3,) needs 3", Assert.Throws<ArgumentException>(() => new Box<float>([0f, 0f], [1f, 1f], [3])).Message);
        Assert.Contains("non-positive", Assert.Throws<ArgumentException>(() => new Box<float>(0f, 1f, 2, 0)).Message);
    }

    [Fact]
    public void ShapeIsACopyOfTheCallersArray()
    {
        int[] shape = [2, 3];
        var box = new Box<float>(0f, 1f, shape);
        shape[0] = 7;
        Assert.Equal([2, 3], box.Shape);
    }

    [Fact]
    public void EqualityComparesShapeAndBounds()
    {
        Assert.Equal(new Box<float>(-1f, 1f, 2), new Box<float>([-1f, -1f], [1f, 1f]));
        Assert.NotEqual(new Box<float>(-1f, 1f, 2), new Box<float>(-1f, 2f, 2));
        Assert.NotEqual(new Box<float>(0f, 1f, 2, 3), new Box<float>(0f, 1f, 3, 2));
    }
}
