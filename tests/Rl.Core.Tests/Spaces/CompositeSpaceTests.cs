using Rl.Core.Spaces;

namespace Rl.Core.Tests.Spaces;

public class TupleSpaceTests
{
    private static TupleSpace Make() => new(new Discrete(2), new Box<float>(-1f, 1f, 2));

    [Fact]
    public void ToStringListsTheSubspaces() =>
        Assert.Equal("Tuple(Discrete(2), Box(-1, 1, (2,), float32))", Make().ToString());

    [Fact]
    public void ContainsChecksEveryEntry()
    {
        var space = Make();
        Assert.True(space.Contains([1, new[] { 0.5f, -1f }]));
        Assert.Equal("has 1 entries but the tuple has 2", space.Explain([1]));
        Assert.Equal("entry 0 (Discrete(2)): 2 is outside {0, ..., 1}", space.Explain([2, new[] { 0f, 0f }]));
        Assert.Equal("entry 1 (Box(-1, 1, (2,), float32)): element 1 is NaN", space.Explain([0, new[] { 0f, float.NaN }]));
        Assert.Contains("entry 1", space.Explain([0, new[] { 0.0, 0.0 }]));
        Assert.Contains("Double[]", space.Explain([0, new[] { 0.0, 0.0 }]));
    }

    [Fact]
    public void FlattenConcatenatesTheParts()
    {
        var space = Make();
        Assert.Equal(4, space.FlatDim);
        var flat = new float[4];
        space.Flatten([1, new[] { 0.5f, -0.5f }], flat);
        Assert.Equal([0f, 1f, 0.5f, -0.5f], flat);
    }

    [Fact]
    public void CopyClonesTheArrays()
    {
        var space = Make();
        var value = new object[] { 1, new[] { 0.5f, -0.5f } };
        var copy = space.Copy(value);
        ((float[])copy[1])[0] = 0.9f;
        Assert.Equal(0.5f, ((float[])value[1])[0]);
        Assert.Equal(1, copy[0]);
    }

    [Fact]
    public void SeedingSeedsTheSubspaces()
    {
        var a = Make();
        var b = Make();
        a.Seed(5);
        b.Seed(5);
        for (int i = 0; i < 20; i++)
        {
            var x = a.Sample();
            var y = b.Sample();
            Assert.Equal(x[0], y[0]);
            Assert.Equal((float[])x[1], (float[])y[1]);
        }
    }

    [Fact]
    public void RejectsAnEmptyTuple() => Assert.Throws<ArgumentException>(() => new TupleSpace());
}

public class DictSpaceTests
{
    private static DictSpace Make() => new(("position", new Box<float>(-1f, 1f, 2)), ("mode", new Discrete(3)));

    private static Dictionary<string, object> Value(int mode, params float[] position) =>
        new() { ["mode"] = mode, ["position"] = position };

    [Fact]
    public void KeysAreSortedAndToStringIsGymnasiumStyle()
    {
        var space = Make();
        Assert.Equal(["mode", "position"], space.Spaces.Select(p => p.Key));
        Assert.Equal("Dict('mode': Discrete(3), 'position': Box(-1, 1, (2,), float32))", space.ToString());
        Assert.Equal(new Discrete(3), space["mode"]);
        Assert.Contains("keys: mode, position", Assert.Throws<KeyNotFoundException>(() => space["speed"]).Message);
    }

    [Fact]
    public void ContainsChecksKeysAndValues()
    {
        var space = Make();
        Assert.True(space.Contains(Value(2, 0.25f, -1f)));
        Assert.Equal("key 'position' is missing", space.Explain(new Dictionary<string, object> { ["mode"] = 0 }));
        var extra = Value(0, 0f, 0f);
        extra["speed"] = 1.0;
        Assert.Equal("key 'speed' is not in the space", space.Explain(extra));
        Assert.Equal("key 'position' (Box(-1, 1, (2,), float32)): element 0 is NaN", space.Explain(Value(0, float.NaN, 0f)));
        Assert.Equal("key 'mode' (Discrete(3)): 3 is outside {0, ..., 2}", space.Explain(Value(3, 0f, 0f)));
        Assert.Contains("key 'mode'", space.Explain(new Dictionary<string, object> { ["mode"] = 1L, ["position"] = new float[2] }));
    }

    [Fact]
    public void FlattenConcatenatesInKeyOrder()
    {
        var space = Make();
        Assert.Equal(5, space.FlatDim);
        var flat = new float[5];
        space.Flatten(Value(2, 0.25f, -1f), flat);
        Assert.Equal([0f, 0f, 1f, 0.25f, -1f], flat);
    }

    [Fact]
    public void CopyClonesTheArrays()
    {
        var space = Make();
        var value = Value(1, 0.5f, 0.5f);
        var copy = space.Copy(value);
        ((float[])copy["position"])[1] = -0.5f;
        Assert.Equal(0.5f, ((float[])value["position"])[1]);
    }

    [Fact]
    public void RejectsDuplicateAndMissingKeys()
    {
        Assert.Contains("'a' appears twice",
            Assert.Throws<ArgumentException>(() => new DictSpace(("a", new Discrete(2)), ("a", new Discrete(3)))).Message);
        Assert.Throws<ArgumentException>(() => new DictSpace());
    }
}
