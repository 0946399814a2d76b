using Rl.Core.Spaces;
using Rl.Core.Wrappers;

namespace Rl.Core.Tests.Wrappers;

public class FrameStackTests
{
    [Fact]
    public void StacksTheLastFramesOldestFirst()
    {
        // Inner observations: [1, 2] at reset, then [2, 4], [3, 6], [4, 8], [5, 10].
        var env = new CountingEnv<float>().FrameStack(3);
        Assert.Equal([1f, 2f, 1f, 2f, 1f, 2f], env.Reset().Observation);
        Assert.Equal([1f, 2f, 1f, 2f, 2f, 4f], env.Step(0).Observation);
        Assert.Equal([1f, 2f, 2f, 4f, 3f, 6f], env.Step(0).Observation);
        Assert.Equal([2f, 4f, 3f, 6f, 4f, 8f], env.Step(0).Observation);
        Assert.Equal([3f, 6f, 4f, 8f, 5f, 10f], env.Step(0).Observation);
        // A reset forgets the previous episode's frames.
        Assert.Equal([1f, 2f, 1f, 2f, 1f, 2f], env.Reset().Observation);
        Assert.Equal([1f, 2f, 1f, 2f, 2f, 4f], env.Step(0).Observation);
    }

    [Fact]
    public void ZeroPaddingFillsTheStackWithZeros()
    {
        var env = new CountingEnv<float>().FrameStack(3, FramePadding.Zero);
        Assert.Equal([0f, 0f, 0f, 0f, 1f, 2f], env.Reset().Observation);
        Assert.Equal([0f, 0f, 1f, 2f, 2f, 4f], env.Step(0).Observation);
        env.Step(0);
        env.Step(0);
        Assert.Equal([0f, 0f, 0f, 0f, 1f, 2f], env.Reset().Observation);
    }

    [Fact]
    public void ZeroPaddingIsMovedIntoTheBounds()
    {
        // Bounds [5, 1e6]: zero is outside, so the padding is 5, as Gymnasium's create_zero_array does.
        var env = new CountingEnv<float>(low: 5).FrameStack(2, FramePadding.Zero);
        Assert.Equal([5f, 5f, 6f, 7f], env.Reset().Observation);
        Assert.True(env.ObservationSpace.Contains(env.Reset().Observation));
    }

    [Fact]
    public void StacksBytePixelsWithStackedBounds()
    {
        var env = new CountingEnv<byte>(shape: [2, 2], low: 0, high: 200).FrameStack(4);
        var space = Assert.IsType<Box<byte>>(env.ObservationSpace);
        Assert.Equal([4, 2, 2], space.Shape);
        Assert.Equal("Box(0, 200, (4, 2, 2), uint8)", space.ToString());
        var reset = env.Reset().Observation;
        Assert.Equal(16, reset.Length);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, reset[12..]);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, reset[..4]);
        var obs = env.Step(0).Observation;
        Assert.Equal(new byte[] { 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 2, 4, 6, 8 }, obs);
        Assert.True(space.Contains(obs));
    }

    [Fact]
    public void StackedBoundsRepeatPerElementBounds()
    {
        var inner = new ScriptedEnv<float[]>(new Box<float>([0f, -1f], [1f, 2f]), _ => [0.5f, 0f]);
        var space = (Box<float>)inner.FrameStack(2).ObservationSpace;
        Assert.Equal([0f, -1f, 0f, -1f], space.Low.ToArray());
        Assert.Equal([1f, 2f, 1f, 2f], space.High.ToArray());
        Assert.Equal([2, 2], space.Shape);
    }

    [Fact]
    public void OneFrameIsTheInnerObservation()
    {
        var env = new CountingEnv<float>().FrameStack(1);
        Assert.Equal([1f, 2f], env.Reset().Observation);
        Assert.Equal([2f, 4f], env.Step(0).Observation);
        Assert.Equal([1, 2], env.ObservationSpace.Shape);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CountingEnv<float>().FrameStack(0));
        Assert.Contains("positive stack size", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CountingEnv<float>().FrameStack(2, (FramePadding)7));
        var notBox = Assert.Throws<ArgumentException>(() =>
            new ScriptedEnv<float[]>(new AnyFloatsSpace(), _ => new float[2]).FrameStack(2));
        Assert.Contains("AnyFloats(2)", notBox.Message);
    }

    [Fact]
    public void AWrongBufferIsRejectedBeforeTheInnerEnvironmentMoves()
    {
        var inner = new CountingEnv<float>();
        var env = inner.FrameStack(3);
        env.Reset();
        var error = Assert.Throws<ArgumentException>(() => env.Step(0, new float[5]));
        Assert.Contains("needs 6", error.Message);
        Assert.Equal(0, inner.TotalSteps);
    }

    [Fact]
    public void ForwardsTheObservationBuffer()
    {
        IntoContract.Holds(() => new CountingEnv<float>(terminateAt: 6).FrameStack(3), t => t % 2);
        IntoContract.Holds(() => new CountingEnv<byte>(shape: [2, 2], terminateAt: 5).FrameStack(4, FramePadding.Zero), t => t % 2);
    }
}
