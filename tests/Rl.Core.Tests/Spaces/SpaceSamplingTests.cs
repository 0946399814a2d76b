using Rl.Core.Spaces;

namespace Rl.Core.Tests.Spaces;

/// <summary>Seeded sampling and membership, checked the same way for every kind of space.</summary>
public class SpaceSamplingTests
{
    private static readonly Dictionary<string, Func<Space>> Spaces = new()
    {
        ["Discrete(2)"] = () => new Discrete(2),
        ["Discrete(5, start=-2)"] = () => new Discrete(5, start: -2),
        ["Box float32 bounded"] = () => new Box<float>(-1f, 2f, 3),
        ["Box float32 bounded below"] = () => new Box<float>(0.5f, float.PositiveInfinity, 4),
        ["Box float32 bounded above"] = () => new Box<float>(float.NegativeInfinity, -0.5f, 4),
        ["Box float32 unbounded"] = () => new Box<float>(float.NegativeInfinity, float.PositiveInfinity, 4),
        ["Box float32 per-element"] = () => new Box<float>([0f, -5f, 10f, float.NegativeInfinity], [1f, -4f, 10f, 3f]),
        ["Box float64 bounded"] = () => new Box<double>(-10.0, 10.0, 2, 3),
        ["Box float64 unbounded"] = () => new Box<double>(double.NegativeInfinity, double.PositiveInfinity, 5),
        ["Box uint8 (64, 64, 3)"] = () => new Box<byte>(0, 255, 64, 64, 3),
        ["Box uint8 narrow"] = () => new Box<byte>(10, 20, 6),
        ["MultiDiscrete"] = () => new MultiDiscrete([3, 2, 4], [0, -1, 5]),
        ["MultiBinary(6)"] = () => new MultiBinary(6),
        ["MultiBinary((2, 3))"] = () => new MultiBinary(2, 3),
        ["Tuple"] = () => new TupleSpace(new Discrete(3), new Box<float>(-1f, 1f, 2), new MultiBinary(3)),
        ["Dict"] = () => new DictSpace(("position", new Box<double>(-2.0, 2.0, 2)), ("mode", new Discrete(4, start: 1)),
            ("nested", new TupleSpace(new Discrete(2), new MultiDiscrete([2, 2])))),
    };

    public static TheoryData<string> SpaceNames => new(Spaces.Keys);

    // Flattening gives every kind of value one comparable form (one-hot for discrete parts).
    private static float[] FlatSamples(Space space, long seed, int count)
    {
        space.Seed(seed);
        var flat = new float[space.FlatDim * count];
        for (int i = 0; i < count; i++) space.FlattenObject(space.SampleObject(), flat.AsSpan(i * space.FlatDim, space.FlatDim));
        return flat;
    }

    [Theory]
    [MemberData(nameof(SpaceNames))]
    public void SameSeedGivesSameSamples(string name)
    {
        var a = FlatSamples(Spaces[name](), 42, 64);
        var b = FlatSamples(Spaces[name](), 42, 64);
        Assert.Equal(a, b);
    }

    [Theory]
    [MemberData(nameof(SpaceNames))]
    public void ReseedingRestartsTheStream(string name)
    {
        var space = Spaces[name]();
        var a = FlatSamples(space, 7, 32);
        FlatSamples(space, 99, 5);
        Assert.Equal(a, FlatSamples(space, 7, 32));
    }

    [Theory]
    [MemberData(nameof(SpaceNames))]
    public void DifferentSeedsGiveDifferentSamples(string name) =>
        Assert.NotEqual(FlatSamples(Spaces[name](), 1, 64), FlatSamples(Spaces[name](), 2, 64));

    [Theory]
    [MemberData(nameof(SpaceNames))]
    public void SamplesAreContained(string name)
    {
        var space = Spaces[name]();
        space.Seed(3);
        int count = space.FlatDim > 1000 ? 20 : 500; // an image already has thousands of elements per sample
        for (int i = 0; i < count; i++)
        {
            var value = space.SampleObject();
            Assert.True(space.ContainsObject(value), $"{space} does not contain its sample {Space.FormatValue(value)}: {space.ExplainObject(value)}");
        }
    }

    [Theory]
    [MemberData(nameof(SpaceNames))]
    public void RejectsValuesOfAnotherType(string name)
    {
        var space = Spaces[name]();
        object wrong = space.ValueType == typeof(string) ? 1 : "text";
        string? why = space.ExplainObject(wrong);
        Assert.NotNull(why);
        Assert.Contains("String", why);
        Assert.Contains(space.ValueType.Name, why);
        Assert.Contains("null", space.ExplainObject(null));
    }

    [Theory]
    [MemberData(nameof(SpaceNames))]
    public void CopyIsDeepAndEqual(string name)
    {
        var space = Spaces[name]();
        space.Seed(5);
        var value = space.SampleObject();
        var copy = space.CopyObject(value);
        var a = new float[space.FlatDim];
        var b = new float[space.FlatDim];
        space.FlattenObject(value, a);
        space.FlattenObject(copy, b);
        Assert.Equal(a, b);
        if (value is Array) Assert.NotSame(value, copy);
        if (value is object[] tuple)
            for (int i = 0; i < tuple.Length; i++)
                if (tuple[i] is Array) Assert.NotSame(tuple[i], ((object[])copy)[i]);
    }
}
