using Rl.Core;
using Rl.Environments.Classic;

namespace Rl.Environments.Tests.Classic;

/// <summary>Registration, options, determinism and bad input of the classic-control environments.</summary>
public class ClassicEnvsTests
{
    public static TheoryData<string, int?, double?> Registered => new()
    {
        { "CartPole-v1", 500, 475.0 },
        { "Pendulum-v1", 200, null },
        { "MountainCar-v0", 200, -110.0 },
        { "MountainCarContinuous-v0", 999, 90.0 },
        { "Acrobot-v1", 500, -100.0 },
    };

    [Theory]
    [MemberData(nameof(Registered))]
    public void RegisteredWithGymnasiumsTimeLimitAndThreshold(string id, int? maxSteps, double? threshold)
    {
        var spec = Envs.Registry.Specs.Single(s => s.Id == id);
        Assert.Equal(maxSteps, spec.MaxEpisodeSteps);
        Assert.Equal(threshold, spec.RewardThreshold);
    }

    [Theory]
    [InlineData("Pendulum-v1", "Box(-2, 2, (1,), float32)", "Box([-1 -1 -8], [1 1 8], (3,), float32)")]
    [InlineData("MountainCar-v0", "Discrete(3)", "Box([-1.2 -0.07], [0.6 0.07], (2,), float32)")]
    [InlineData("MountainCarContinuous-v0", "Box(-1, 1, (1,), float32)", "Box([-1.2 -0.07], [0.6 0.07], (2,), float32)")]
    [InlineData("Acrobot-v1", "Discrete(3)", "Box([-1 -1 -1 -1 -12.566371 -28.274334], [1 1 1 1 12.566371 28.274334], (6,), float32)")]
    public void SpacesAreGymnasiums(string id, string action, string observation)
    {
        using var env = Envs.Make(id);
        Assert.Equal(action, env.ActionSpace.ToString());
        Assert.Equal(observation, env.ObservationSpace.ToString());
    }

    [Theory]
    [InlineData("Pendulum-v1")]
    [InlineData("MountainCar-v0")]
    [InlineData("MountainCarContinuous-v0")]
    [InlineData("Acrobot-v1")]
    public void TwoCopiesWithTheSameSeedAgreeStepForStepAndUntilTruncation(string id)
    {
        using var a = Envs.Make(id);
        using var b = Envs.Make(id);
        var actions = a.ActionSpace;
        var rng = new Rng(9);
        Assert.Equal(Flat(a.ResetObject(seed: 4).Observation), Flat(b.ResetObject(seed: 4).Observation));
        int steps = 0;
        while (true)
        {
            object action = actions is Rl.Core.Spaces.Discrete ? rng.NextInt(3) : new[] { (float)rng.Uniform(-1, 1) };
            var ra = a.StepObject(action);
            var rb = b.StepObject(action);
            steps++;
            Assert.Equal(Flat(ra.Observation), Flat(rb.Observation));
            Assert.Equal((ra.Reward, ra.Terminated, ra.Truncated), (rb.Reward, rb.Terminated, rb.Truncated));
            if (ra.Terminated || ra.Truncated) { Assert.True(ra.Terminated || steps == a.Spec!.MaxEpisodeSteps); break; }
        }
        // An unseeded reset continues the stream: both copies start the next episode at the same, new state.
        var next = Flat(a.ResetObject().Observation);
        Assert.Equal(next, Flat(b.ResetObject().Observation));
        Assert.NotEqual(Flat(Envs.Make(id).ResetObject(seed: 4).Observation), next);
    }

    private static float[] Flat(object obs) => (float[])obs;

    [Fact]
    public void KeywordOptionsChangeTheDynamics()
    {
        var moon = (PendulumEnv)Envs.Make("Pendulum-v1", ("g", 1.62)).Unwrapped;
        Assert.Equal(1.62, moon.Gravity);
        moon.Reset(seed: 0);
        moon.SetState(1.0, 0.0);
        moon.Step([0f]);
        // θ̇' = (3 g / 2) sin(1) dt with g = 1.62.
        Assert.Equal(3 * 1.62 / 2 * Math.Sin(1.0) * 0.05, moon.State.ThetaDot, 15);

        var car = (MountainCarEnv)Envs.Make("MountainCar-v0", ("goal_velocity", 0.01)).Unwrapped;
        car.Reset(seed: 0);
        car.SetState(0.55, 0.0);
        Assert.False(car.Step(1).Terminated); // at the flag but too slow
        var car2 = (MountainCarEnv)Envs.Make("MountainCar-v0").Unwrapped;
        car2.Reset(seed: 0);
        car2.SetState(0.55, 0.0);
        Assert.True(car2.Step(1).Terminated);

        var nips = (AcrobotEnv)Envs.Make("Acrobot-v1", ("book_or_nips", "nips")).Unwrapped;
        var book = (AcrobotEnv)Envs.Make("Acrobot-v1").Unwrapped;
        nips.Reset(seed: 1);
        book.Reset(seed: 1);
        Assert.NotEqual(nips.Step(2).Observation, book.Step(2).Observation);
    }

    [Fact]
    public void ResetOptionsSetTheStartRanges()
    {
        var pendulum = (PendulumEnv)Envs.Make("Pendulum-v1").Unwrapped;
        pendulum.Reset(seed: 3, options: OptionSet.Of(("x_init", 0.0), ("y_init", 0.0)));
        Assert.Equal((0.0, 0.0), pendulum.State);
        var car = (MountainCarEnv)Envs.Make("MountainCar-v0").Unwrapped;
        car.Reset(seed: 3, options: OptionSet.Of(("low", -0.3), ("high", -0.3)));
        Assert.Equal((-0.3, 0.0), car.State);
        var acrobot = (AcrobotEnv)Envs.Make("Acrobot-v1").Unwrapped;
        acrobot.Reset(seed: 3, options: OptionSet.Of(("low", 0.5), ("high", 0.5)));
        Assert.Equal(((double)0.5f, (double)0.5f, (double)0.5f, (double)0.5f), acrobot.State);
    }

    [Fact]
    public void BadOptionsAndActionsAreRefusedNamingWhatWasWrong()
    {
        var e1 = Assert.Throws<ArgumentException>(() => Envs.Make("Pendulum-v1", ("gravity", 9.8)));
        Assert.Contains("gravity", e1.Message, StringComparison.Ordinal);
        var e2 = Assert.ThrowsAny<ArgumentException>(() => Envs.Make("Pendulum-v1", ("g", double.NaN)));
        Assert.Contains("'g'", e2.Message, StringComparison.Ordinal);
        var e3 = Assert.Throws<ArgumentException>(() => Envs.Make("Acrobot-v1", ("book_or_nips", "paper")));
        Assert.Contains("'paper'", e3.Message, StringComparison.Ordinal);

        using var pendulum = Envs.Make("Pendulum-v1");
        var e4 = Assert.Throws<ArgumentException>(() => pendulum.ResetObject(seed: 0, options: OptionSet.Of(("x_init", -1.0))));
        Assert.Contains("x_init=-1", e4.Message, StringComparison.Ordinal);
        var e5 = Assert.Throws<ArgumentException>(() => pendulum.ResetObject(seed: 0, options: OptionSet.Of(("low", 0.0))));
        Assert.Contains("low", e5.Message, StringComparison.Ordinal);
        pendulum.ResetObject(seed: 0);
        Assert.Throws<InvalidActionException>(() => pendulum.StepObject(new[] { 2.5f }));

        using var car = Envs.Make("MountainCar-v0");
        var e6 = Assert.Throws<ArgumentException>(() => car.ResetObject(seed: 0, options: OptionSet.Of(("low", 0.0), ("high", -1.0))));
        Assert.Contains("low=0 and high=-1", e6.Message, StringComparison.Ordinal);
        car.ResetObject(seed: 0);
        Assert.Throws<InvalidActionException>(() => car.StepObject(3));
        using var continuous = Envs.Make("MountainCarContinuous-v0");
        continuous.ResetObject(seed: 0);
        Assert.Throws<InvalidActionException>(() => continuous.StepObject(new[] { float.NaN }));
    }

    [Fact]
    public void PendulumNormalisesTheAngleAsNumpysFlooredModulo()
    {
        Assert.Equal(-Math.PI, PendulumEnv.NormalizeAngle(Math.PI));
        Assert.Equal(0.5, PendulumEnv.NormalizeAngle(0.5 + 2 * Math.PI), 12);
        Assert.Equal(-0.5, PendulumEnv.NormalizeAngle(-0.5 - 4 * Math.PI), 12);
        Assert.Equal(3.0, PendulumEnv.NormalizeAngle(3.0 - 2 * Math.PI), 12);
        // Reward at the bottom, at rest, without torque: -π² (θ = π normalises to -π).
        var env = (PendulumEnv)Envs.Make("Pendulum-v1").Unwrapped;
        env.Reset(seed: 0);
        env.SetState(Math.PI, 0);
        Assert.Equal(-Math.PI * Math.PI, env.Step([0f]).Reward);
    }
}
