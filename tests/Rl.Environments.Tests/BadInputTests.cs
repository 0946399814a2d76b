using Rl.Core;
using Rl.Core.Spaces;
using Rl.Environments.Classic;

namespace Rl.Environments.Tests;

/// <summary>Bad input raises an exception naming the environment, the space and the value, and never corrupts the state.</summary>
public class BadInputTests
{
    private static IEnv<float[], int> CartPole(int seed)
    {
        var env = Envs.Make<float[], int>("CartPole-v1");
        env.Reset(seed);
        return env;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void ADiscreteActionOutsideTheSpaceIsRejected(int action)
    {
        var env = CartPole(4);
        var e = Assert.Throws<InvalidActionException>(() => env.Step(action));
        Assert.Contains("CartPole-v1", e.Message);
        Assert.Contains("Discrete(2)", e.Message);
        Assert.Contains($"action {action} ", e.Message);
        Assert.Equal(action, e.Value);
        AssertStillStepsLikeAFreshEnv(env, 4, stepsTaken: 0);
    }

    [Theory]
    [InlineData("left", "\"left\"", "String")]
    [InlineData(1.5, "1.5", "Double")]
    [InlineData(true, "True", "Boolean")]
    public void AWrongTypeThroughStepObjectIsRejected(object action, string shown, string typeName)
    {
        var env = CartPole(4);
        var e = Assert.Throws<InvalidActionException>(() => env.StepObject(action));
        Assert.Contains("CartPole-v1", e.Message);
        Assert.Contains("Discrete(2)", e.Message);
        Assert.Contains(shown, e.Message);
        Assert.Contains(typeName, e.Message);
        AssertStillStepsLikeAFreshEnv(env, 4, stepsTaken: 0);
    }

    [Fact]
    public void ExactNumbersThroughStepObjectAreConverted()
    {
        var env = CartPole(4);
        Assert.False(env.StepObject(1L).Done);
        Assert.False(env.StepObject(0.0).Done);
        Assert.Throws<InvalidActionException>(() => env.StepObject(2L));
    }

    private static void AssertStillStepsLikeAFreshEnv(IEnv<float[], int> env, int seed, int stepsTaken)
    {
        var reference = CartPole(seed);
        for (int t = 0; t < stepsTaken; t++) reference.Step(1); // the tests step with action 1
        for (int t = 0; t < 5; t++)
        {
            var a = env.Step(1);
            var b = reference.Step(1);
            Assert.Equal(b.Observation, a.Observation);
            Assert.Equal(b.Reward, a.Reward);
        }
    }

    [Theory]
    [InlineData(new[] { float.NaN, 0f }, "element 0 is NaN", "NaN")]
    [InlineData(new[] { 0.5f }, "has 1 elements but shape (2,) needs 2", "[0.5]")]
    [InlineData(new[] { 0f, 0f, 0f }, "has 3 elements", "[0, 0, 0]")]
    [InlineData(new[] { 2f, 0f }, "element 0 = 2 is outside [-1, 1]", "[2, 0]")]
    [InlineData(new[] { 0f, float.NegativeInfinity }, "element 1 = -Infinity is outside [-1, 1]", "-Infinity")]
    public void ABoxActionWithNaNWrongLengthOrOutOfBoundsIsRejected(float[] action, string reason, string shown)
    {
        var env = new PushEnv();
        env.Reset(seed: 1);
        env.Step([0.5f, -0.5f]);
        var e = Assert.Throws<InvalidActionException>(() => env.Step(action));
        Assert.Contains("PushEnv", e.Message);
        Assert.Contains("Box(-1, 1, (2,), float32)", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.Contains(shown, e.Message);
        // Not clamped and not applied: the position moved only by the valid step.
        Assert.Equal([0.5f, -0.5f], env.Position);
        Assert.Equal([0.75f, -0.75f], env.Step([0.25f, -0.25f]).Observation);
    }

    [Fact]
    public void BoxActionsThroughStepObjectAreConvertedOrRejected()
    {
        var env = new PushEnv();
        env.Reset(seed: 1);
        Assert.Equal([0.5f, 0f], (float[])env.StepObject(new[] { 0.5, 0.0 }).Observation);
        var e = Assert.Throws<InvalidActionException>(() => env.StepObject(new[] { double.NaN, 0.0 }));
        Assert.Contains("NaN", e.Message);
        e = Assert.Throws<InvalidActionException>(() => env.StepObject("up"));
        Assert.Contains("expected a value of type Single[] but got String", e.Message);
        Assert.Equal([0.5f, 0f], env.Position);
    }

    [Fact]
    public void StepBeforeResetIsAnError()
    {
        var e = Assert.Throws<ResetNeededException>(() => Envs.Make<float[], int>("CartPole-v1").Step(0));
        Assert.Contains("CartPole-v1", e.Message);
        Assert.Contains("before Reset", e.Message);
        e = Assert.Throws<ResetNeededException>(() => new CartPoleEnv().Step(0));
        Assert.Contains("CartPoleEnv", e.Message);
        Assert.Contains("before Reset", e.Message);
    }

    [Fact]
    public void StepAfterTerminationIsAnError()
    {
        var env = Envs.Make<float[], int>("CartPole-v1");
        env.Reset(seed: 0);
        ((CartPoleEnv)env.Unwrapped).SetState(2.39, 1.0, 0, 0);
        Assert.True(env.Step(1).Terminated);
        var e = Assert.Throws<ResetNeededException>(() => env.Step(1));
        Assert.Contains("CartPole-v1", e.Message);
        Assert.Contains("after the episode ended", e.Message);
        // Also on the unwrapped environment, which enforces the contract itself.
        var raw = (CartPoleEnv)env.Unwrapped;
        e = Assert.Throws<ResetNeededException>(() => raw.Step(1));
        Assert.Contains("after the episode ended", e.Message);
        env.Reset();
        Assert.False(env.Step(1).Done);
    }

    [Fact]
    public void StepAfterTruncationIsAnError()
    {
        var env = Envs.Make<float[], int>("CartPole-v1", new MakeOptions { MaxEpisodeSteps = 3 });
        env.Reset(seed: 0);
        env.Step(0);
        env.Step(1);
        Assert.True(env.Step(0).Truncated);
        var e = Assert.Throws<ResetNeededException>(() => env.Step(1));
        Assert.Contains("CartPole-v1", e.Message);
        Assert.Contains("time limit 3", e.Message);
    }

    [Fact]
    public void AnUnknownResetOptionIsRejectedListingTheValidOnes()
    {
        var env = Envs.Make<float[], int>("CartPole-v1");
        var e = Assert.Throws<ArgumentException>(() => env.Reset(seed: 1, OptionSet.Of(("lo", -0.1))));
        Assert.Contains("CartPole-v1", e.Message);
        Assert.Contains("'lo'", e.Message);
        Assert.Contains("low, high", e.Message);
    }

    [Theory]
    [InlineData(0.1, -0.1)]
    [InlineData(double.NegativeInfinity, 0.0)]
    [InlineData(double.NaN, 0.0)]
    public void InvalidResetBoundsAreRejectedWithoutTouchingTheEpisodeOrTheGenerator(double low, double high)
    {
        var env = CartPole(8);
        env.Step(1);
        var e = Assert.Throws<ArgumentException>(() => env.Reset(seed: 123, OptionSet.Of(("low", low), ("high", high))));
        Assert.Contains("CartPole-v1", e.Message);
        Assert.Contains($"low={low.ToString(System.Globalization.CultureInfo.InvariantCulture)}", e.Message);
        Assert.Contains($"high={high.ToString(System.Globalization.CultureInfo.InvariantCulture)}", e.Message);
        // The running episode continues, and the next unseeded reset continues the seed-8 stream.
        AssertStillStepsLikeAFreshEnv(env, 8, stepsTaken: 1);
        var reference = CartPole(8);
        Assert.Equal(reference.Reset().Observation, env.Reset().Observation);
    }

    [Fact]
    public void ANonNumericResetOptionIsRejectedNamingIt()
    {
        var env = Envs.Make<float[], int>("CartPole-v1");
        var e = Assert.Throws<ArgumentException>(() => env.Reset(seed: 1, OptionSet.Parse(["low=abc"])));
        Assert.Contains("'low'", e.Message);
        Assert.Contains("abc", e.Message);
    }

    /// <summary>A point in the plane pushed by a Box action; the observation is the position.</summary>
    private sealed class PushEnv : Env<float[], float[]>
    {
        private static readonly Box<float> Positions = new(-10f, 10f, 2);
        private static readonly Box<float> Pushes = new(-1f, 1f, 2);
        private readonly float[] _position = new float[2];

        public override Space<float[]> ObservationSpace => Positions;
        public override Space<float[]> ActionSpace => Pushes;
        public float[] Position => (float[])_position.Clone();

        protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into)
        {
            Array.Clear(_position);
            return new(Write(into), Info.Empty);
        }

        protected override StepResult<float[]> StepCore(float[] action, float[]? into)
        {
            for (int i = 0; i < 2; i++) _position[i] += action[i];
            return new(Write(into), 0, false, false, Info.Empty);
        }

        private float[] Write(float[]? into)
        {
            var obs = into ?? new float[2];
            _position.CopyTo(obs, 0);
            return obs;
        }
    }
}
