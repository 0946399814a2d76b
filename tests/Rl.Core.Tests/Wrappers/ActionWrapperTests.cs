using Rl.Core.Spaces;
using Rl.Core.Wrappers;

namespace Rl.Core.Tests.Wrappers;

public class ClipActionTests
{
    private static ActionEchoEnv Inner() => new([-1f, 0f], [1f, 2f]);

    [Fact]
    public void ClipsIntoTheInnerBoundsWithoutTouchingTheCallersArray()
    {
        var inner = Inner();
        var env = inner.ClipAction();
        env.Reset();
        var action = new[] { -5f, 1f };
        env.Step(action);
        Assert.Equal([-1f, 1f], inner.LastAction);
        Assert.Equal([-5f, 1f], action);
        Assert.NotSame(action, inner.LastActionArray);
        env.Step([float.PositiveInfinity, float.NegativeInfinity]);
        Assert.Equal([1f, 0f], inner.LastAction);
        env.Step([0.25f, 1.5f]);
        Assert.Equal([0.25f, 1.5f], inner.LastAction);
    }

    [Fact]
    public void ActionSpaceIsUnboundedWithTheInnerShape()
    {
        var env = Inner().ClipAction();
        Assert.Equal("Box(-inf, inf, (2,), float32)", env.ActionSpace.ToString());
        Assert.Equal(Inner().ObservationSpace, env.ObservationSpace);
    }

    [Fact]
    public void RejectsNaNAndWrongLengthsClearly()
    {
        var env = Inner().ClipAction();
        env.Reset();
        var nan = Assert.Throws<InvalidActionException>(() => env.Step([0f, float.NaN]));
        Assert.Contains("ActionEchoEnv", nan.Message);
        Assert.Contains("element 1 is NaN", nan.Message);
        Assert.Contains("Box(-inf, inf, (2,), float32)", nan.Message);
        var length = Assert.Throws<InvalidActionException>(() => env.Step([0f, 0f, 0f]));
        Assert.Contains("has 3 elements", length.Message);
    }

    [Fact]
    public void RejectsAnActionSpaceThatIsNotABox()
    {
        var error = Assert.Throws<ArgumentException>(() => new ClipAction<float[]>(new AnyActionEnv()));
        Assert.Contains("AnyActionEnv", error.Message);
        Assert.Contains("ClipAction needs a float32 Box", error.Message);
        Assert.Contains("AnyFloats(2)", error.Message);
    }

    [Fact]
    public void ForwardsTheObservationBuffer() => IntoContract.Holds(() => Inner().ClipAction(), t => [t - 5f, t * 0.1f]);
}

public class RescaleActionTests
{
    private static ActionEchoEnv Inner() => new([0f, -10f], [4f, 10f]);

    [Theory]
    [InlineData(-1f, -1f, 0f, -10f)]
    [InlineData(1f, 1f, 4f, 10f)]
    [InlineData(0f, 0f, 2f, 0f)]
    [InlineData(0.5f, -0.5f, 3f, -5f)]
    public void MapsMinMaxOntoTheInnerBounds(float a0, float a1, float e0, float e1)
    {
        var inner = Inner();
        var env = inner.RescaleAction();
        env.Reset();
        env.Step([a0, a1]);
        Assert.Equal(e0, inner.LastAction[0], 1e-6);
        Assert.Equal(e1, inner.LastAction[1], 1e-6);
    }

    [Fact]
    public void PerElementRangesMapElementwise()
    {
        var inner = Inner();
        var env = new RescaleAction<float[]>(inner, [0f, 0f], [1f, 10f]);
        Assert.Equal("Box(0, [1 10], (2,), float32)", env.ActionSpace.ToString());
        env.Reset();
        env.Step([0.5f, 5f]);
        Assert.Equal([2f, 0f], inner.LastAction);
        env.Step([1f, 10f]);
        Assert.Equal([4f, 10f], inner.LastAction);
        env.Step([0f, 0f]);
        Assert.Equal([0f, -10f], inner.LastAction);
    }

    [Fact]
    public void RejectsActionsOutsideMinMax()
    {
        var env = Inner().RescaleAction();
        env.Reset();
        var error = Assert.Throws<InvalidActionException>(() => env.Step([1.5f, 0f]));
        Assert.Contains("element 0 = 1.5 is outside [-1, 1]", error.Message);
        Assert.Throws<InvalidActionException>(() => env.Step([0f, float.NaN]));
    }

    [Fact]
    public void RejectsAnUnboundedInnerSpaceNamingEnvironmentAndSpace()
    {
        var inner = new ActionEchoEnv([-1f, float.NegativeInfinity], [1f, 1f]);
        var error = Assert.Throws<ArgumentException>(() => inner.RescaleAction());
        Assert.Contains("ActionEchoEnv", error.Message);
        Assert.Contains("Box([-1 -inf], 1, (2,), float32)", error.Message);
        Assert.Contains("bounded", error.Message);
    }

    [Fact]
    public void RejectsBadRanges()
    {
        Assert.Contains("min[0] < max[0]", Assert.Throws<ArgumentException>(() => Inner().RescaleAction(1f, 1f)).Message);
        Assert.Throws<ArgumentException>(() => Inner().RescaleAction(2f, -2f));
        Assert.Throws<ArgumentException>(() => Inner().RescaleAction(float.NegativeInfinity, 1f));
        Assert.Contains("3 and 2 elements", Assert.Throws<ArgumentException>(() =>
            new RescaleAction<float[]>(Inner(), [0f, 0f, 0f], [1f, 1f])).Message);
        Assert.Contains("RescaleAction needs a float32 Box", Assert.Throws<ArgumentException>(() =>
            new RescaleAction<float[]>(new AnyActionEnv())).Message);
    }

    [Fact]
    public void ForwardsTheObservationBuffer() => IntoContract.Holds(() => Inner().RescaleAction(), t => [(t % 5) / 5f, -0.5f]);
}

/// <summary>An environment whose float[] action space is not a Box.</summary>
internal sealed class AnyActionEnv : Env<float[], float[]>
{
    public override Space<float[]> ObservationSpace { get; } = new Box<float>(-1f, 1f, 2);
    public override Space<float[]> ActionSpace { get; } = new AnyFloatsSpace();
    protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into) => new(into ?? new float[2], Info.Empty);
    protected override StepResult<float[]> StepCore(float[] action, float[]? into) => new(into ?? new float[2], 0, false, false, Info.Empty);
}
