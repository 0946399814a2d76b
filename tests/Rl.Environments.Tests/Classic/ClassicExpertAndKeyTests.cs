using Rl.Core;
using Rl.Core.Experts;
using Rl.Core.Input;
using Rl.Environments.Classic;
using Rl.Environments.Experts;

namespace Rl.Environments.Tests.Classic;

/// <summary>The scripted experts reach the tasks' goals; the key maps do what they say, and rocking with them wins mountain car.</summary>
public class ClassicExpertAndKeyTests
{
    private static (double Mean, List<double> Returns, IEnv Env) RunExpert(string id, int episodes)
    {
        var env = Envs.Make(id);
        var expert = ScriptedExperts.For(id, env);
        var returns = new List<double>();
        for (int e = 0; e < episodes; e++)
        {
            var obs = env.ResetObject(seed: 1000 + e).Observation;
            double total = 0;
            while (true)
            {
                var r = env.StepObject(expert.Label(env, obs));
                total += r.Reward;
                obs = r.Observation;
                if (r.Terminated || r.Truncated) break;
            }
            returns.Add(total);
        }
        return (returns.Average(), returns, env);
    }

    [Fact]
    public void MountainCarExpertBeatsTheThresholdOnEveryStart()
    {
        var (mean, returns, _) = RunExpert(MountainCarEnv.Id, 100);
        Assert.True(mean >= -110, $"mean {mean}");
        Assert.All(returns, r => Assert.True(r > -200, "every episode reaches the flag before the time limit"));
    }

    [Fact]
    public void ContinuousMountainCarExpertBeatsTheThreshold()
    {
        var (mean, returns, _) = RunExpert(ContinuousMountainCarEnv.Id, 100);
        Assert.True(mean >= 90, $"mean {mean}");
        Assert.All(returns, r => Assert.True(r > 80));
    }

    [Fact]
    public void PendulumExpertSwingsUpAndBalances()
    {
        var (mean, _, env) = RunExpert(PendulumEnv.Id, 30);
        Assert.True(mean > -200, $"mean {mean}");
        // The last episode ends upright and nearly at rest.
        var (theta, thetaDot) = ((PendulumEnv)env.Unwrapped).State;
        Assert.InRange(PendulumEnv.NormalizeAngle(theta), -0.05, 0.05);
        Assert.InRange(thetaDot, -0.1, 0.1);
    }

    [Fact]
    public void ExpertsRefuseOtherEnvironments()
    {
        using var cartPole = Envs.Make("CartPole-v1");
        cartPole.ResetObject(seed: 0);
        var e = Assert.Throws<ArgumentException>(() => new PendulumExpert().Label(cartPole, new float[4]));
        Assert.Contains("CartPole-v1", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ((IExpert)new MountainCarExpert()).Label(cartPole, new float[4]));
    }

    [Fact]
    public void MountainCarKeysAreGymnasiumsAndRockingWins()
    {
        var keys = ClassicKeys.MountainCar;
        Assert.Equal(1, keys.Action(new HashSet<Key>(), null));
        Assert.Equal(0, keys.Action(new HashSet<Key> { Key.Left }, null));
        Assert.Equal(2, keys.Action(new HashSet<Key> { Key.D }, null));
        Assert.Equal(1, keys.Action(new HashSet<Key> { Key.Left, Key.Right }, null));
        // A player who holds the arrow the car is moving (RIGHT from rest) reaches the flag well within 200 steps.
        using var env = Envs.Make<float[], int>(MountainCarEnv.Id);
        var obs = env.Reset(seed: 7).Observation;
        Assert.Same(keys, KeyMaps.Find(env));
        int steps = 0;
        while (true)
        {
            var held = new HashSet<Key> { obs[1] >= 0 ? Key.Right : Key.Left };
            var r = env.Step((int)keys.Action(held, null));
            steps++;
            obs = r.Observation;
            if (r.Terminated || r.Truncated) { Assert.True(r.Terminated, "the car reaches the flag"); break; }
        }
        Assert.True(steps < 200);
    }

    [Fact]
    public void ContinuousKeyMapsPushAndTurnBothWays()
    {
        Assert.Equal(new[] { -1f }, (float[])ClassicKeys.MountainCarContinuous.Action(new HashSet<Key> { Key.Left }, null));
        Assert.Equal(new[] { 0f }, (float[])ClassicKeys.MountainCarContinuous.Action(new HashSet<Key> { Key.Left, Key.Right }, null));
        Assert.Equal(new[] { 2f }, (float[])ClassicKeys.Pendulum.Action(new HashSet<Key> { Key.A }, null));
        Assert.Equal(new[] { -2f }, (float[])ClassicKeys.Pendulum.Action(new HashSet<Key> { Key.Right }, null));
        Assert.Equal(new[] { 0f }, (float[])ClassicKeys.Pendulum.Action(new HashSet<Key>(), null));
        Assert.Equal(2, ClassicKeys.Acrobot.Action(new HashSet<Key> { Key.Left }, null));
        Assert.Equal(0, ClassicKeys.Acrobot.Action(new HashSet<Key> { Key.Right }, null));
        Assert.Equal(1, ClassicKeys.Acrobot.Action(new HashSet<Key>(), null));
    }
}
