using Rl.Core.Spaces;
using Rl.Core.Wrappers;

namespace Rl.Core.Tests.Wrappers;

public class FlattenObservationTests
{
    [Fact]
    public void FlattensADictionaryInKeyOrderWithOneHotParts()
    {
        var space = new DictSpace(("position", new Box<float>(-1f, 1f, 2)), ("mode", new Discrete(3)));
        var inner = new ScriptedEnv<IReadOnlyDictionary<string, object>>(space,
            t => new Dictionary<string, object> { ["position"] = new[] { 0.5f, -0.1f * t }, ["mode"] = t % 3 });
        var env = inner.FlattenObservation();

        var box = Assert.IsType<Box<float>>(env.ObservationSpace);
        Assert.Equal([5], box.Shape);
        Assert.Equal([0f, 0f, 0f, -1f, -1f], box.Low.ToArray());
        Assert.Equal([1f, 1f, 1f, 1f, 1f], box.High.ToArray());

        Assert.Equal([1f, 0f, 0f, 0.5f, 0f], env.Reset().Observation);
        Assert.Equal([0f, 1f, 0f, 0.5f, -0.1f], env.Step(0).Observation);
        var obs = env.Step(0).Observation;
        Assert.Equal([0f, 0f, 1f, 0.5f, -0.2f], obs);
        Assert.True(box.Contains(obs));
    }

    [Fact]
    public void FlattensATupleWithStartAndBinaryParts()
    {
        var space = new TupleSpace(new Discrete(2, start: 1), new MultiBinary(2), new Box<double>(0.0, 10.0, 1));
        var env = new ScriptedEnv<object[]>(space, t => [1 + t % 2, new byte[] { 1, 0 }, new[] { 2.5 * t }]).FlattenObservation();
        Assert.Equal("Box(0, [1 1 1 1 10], (5,), float32)", env.ObservationSpace.ToString());
        Assert.Equal([1f, 0f, 1f, 0f, 0f], env.Reset().Observation);
        Assert.Equal([0f, 1f, 1f, 0f, 2.5f], env.Step(0).Observation);
    }

    [Fact]
    public void FlattensADiscreteObservationToOneHot()
    {
        var env = new ScriptedEnv<int>(new Discrete(4), t => t % 4).FlattenObservation();
        Assert.Equal("Box(0, 1, (4,), float32)", env.ObservationSpace.ToString());
        Assert.Equal([1f, 0f, 0f, 0f], env.Reset().Observation);
        Assert.Equal([0f, 1f, 0f, 0f], env.Step(0).Observation);
    }

    [Fact]
    public void FlattensImagesInRowMajorOrder()
    {
        var env = new CountingEnv<byte>(shape: [2, 2, 1], high: 255).FlattenObservation();
        Assert.Equal("Box(0, 255, (4,), float32)", env.ObservationSpace.ToString());
        Assert.Equal([1f, 2f, 3f, 4f], env.Reset().Observation);
        Assert.Equal([2f, 4f, 6f, 8f], env.Step(0).Observation);
    }

    [Fact]
    public void AWrongBufferIsRejectedBeforeTheInnerEnvironmentMoves()
    {
        var inner = new CountingEnv<float>();
        var env = inner.FlattenObservation();
        env.Reset();
        Assert.Contains("needs 2", Assert.Throws<ArgumentException>(() => env.Step(0, new float[3])).Message);
        Assert.Equal(0, inner.TotalSteps);
    }

    [Fact]
    public void ForwardsTheObservationBuffer()
    {
        IntoContract.Holds(() => new CountingEnv<byte>(shape: [3], terminateAt: 4).FlattenObservation(), t => t % 2);
        var space = new DictSpace(("a", new Discrete(3)), ("b", new Box<float>(0f, 9f, 1)));
        IntoContract.Holds(() => new ScriptedEnv<IReadOnlyDictionary<string, object>>(space,
            t => new Dictionary<string, object> { ["a"] = t % 3, ["b"] = new[] { t % 9f } }).FlattenObservation(), t => 0);
    }
}
