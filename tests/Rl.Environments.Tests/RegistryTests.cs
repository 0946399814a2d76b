using Rl.Core;
using Rl.Core.Wrappers;
using Rl.Environments.Classic;

namespace Rl.Environments.Tests;

public class RegistryTests
{
    [Fact]
    public void AnUnknownIdListsTheRegisteredEnvironments()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => Envs.Make("NoSuchEnv-v1"));
        Assert.Contains("'NoSuchEnv-v1' is not registered", e.Message);
        Assert.Contains("registered environments:", e.Message);
        Assert.Contains("CartPole-v1", e.Message);
    }

    [Fact]
    public void AnUnknownVersionListsTheRegisteredVersions()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => Envs.Make("CartPole-v0"));
        Assert.Contains("'CartPole-v0' is not registered", e.Message);
        Assert.Contains("registered versions of CartPole: CartPole-v1", e.Message);
    }

    [Fact]
    public void AnUnknownKwargIsRejectedListingTheValidOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => Envs.Make("CartPole-v1", ("gravity", 3.7)));
        Assert.Contains("CartPole-v1", e.Message);
        Assert.Contains("'gravity'", e.Message);
        Assert.Contains("sutton_barto_reward", e.Message);
        Assert.Contains("kinematics_integrator", e.Message);
    }

    [Fact]
    public void AnInvalidKwargValueIsRejectedNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => Envs.Make("CartPole-v1", ("kinematics_integrator", "rk4")));
        Assert.Contains("kinematics_integrator", e.Message);
        Assert.Contains("rk4", e.Message);
        e = Assert.Throws<ArgumentException>(() => Envs.Make("CartPole-v1", ("sutton_barto_reward", "maybe")));
        Assert.Contains("maybe", e.Message);
    }

    [Fact]
    public void TheSpecCarriesThresholdAndTimeLimit()
    {
        var spec = Envs.Registry.GetSpec("CartPole-v1");
        Assert.Equal(475.0, spec.RewardThreshold);
        Assert.Equal(500, spec.MaxEpisodeSteps);
        Assert.Equal(1, spec.Version);
        Assert.Equal("CartPole", spec.Name);
        using var env = Envs.Make("CartPole-v1");
        Assert.Equal(475.0, env.Spec!.RewardThreshold);
        Assert.Equal("CartPole-v1", env.Name);
    }

    [Fact]
    public void MaxEpisodeStepsCanBeOverriddenOrDisabled()
    {
        var env = Envs.Make<float[], int>("CartPole-v1", new MakeOptions { MaxEpisodeSteps = 10 });
        var cartPole = (CartPoleEnv)env.Unwrapped;
        Assert.Equal(10, env.Spec!.MaxEpisodeSteps);
        env.Reset(seed: 0);
        for (int t = 1; t <= 10; t++)
        {
            cartPole.SetState(0, 0, 0, 0);
            Assert.Equal(t == 10, env.Step(0).Truncated);
        }

        var raw = Envs.Make("CartPole-v1", new MakeOptions { DisableTimeLimit = true });
        Assert.IsType<CartPoleEnv>(raw);
        Assert.IsType<TimeLimit<float[], int>>(Envs.Make("CartPole-v1"));
    }

    [Fact]
    public void TypedMakeNamesTheActualTypes()
    {
        var e = Assert.Throws<InvalidCastException>(() => Envs.Make<double[], int>("CartPole-v1"));
        Assert.Contains("Single[]", e.Message);
        Assert.Contains("Int32", e.Message);
    }
}
