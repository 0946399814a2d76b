using Rl.Core;
using Rl.Core.Wrappers;
using Rl.Environments.Classic;

namespace Rl.Environments.Tests;

/// <summary>CartPole-v1 against the published equations (Barto, Sutton and Anderson 1983, as Gymnasium implements them).</summary>
public class CartPoleDynamicsTests
{
    // The published constants, written out here rather than read from CartPoleEnv.
    private const double G = 9.8, MCart = 1.0, MPole = 0.1, HalfLength = 0.5, Force = 10.0, Tau = 0.02;

    /// <summary>One step of the equations of motion, by hand: explicit Euler in the order x, x_dot, theta, theta_dot.</summary>
    private static (double X, double XDot, double Theta, double ThetaDot) Euler((double X, double XDot, double Theta, double ThetaDot) s, int action, bool semiImplicit = false)
    {
        double f = action == 1 ? Force : -Force;
        double total = MCart + MPole, poleMassLength = MPole * HalfLength;
        double cos = Math.Cos(s.Theta), sin = Math.Sin(s.Theta);
        double temp = (f + poleMassLength * s.ThetaDot * s.ThetaDot * sin) / total;
        double thetaAcc = (G * sin - cos * temp) / (HalfLength * (4.0 / 3.0 - MPole * cos * cos / total));
        double xAcc = temp - poleMassLength * thetaAcc * cos / total;
        if (!semiImplicit)
            return (s.X + Tau * s.XDot, s.XDot + Tau * xAcc, s.Theta + Tau * s.ThetaDot, s.ThetaDot + Tau * thetaAcc);
        double xDot = s.XDot + Tau * xAcc, thetaDot = s.ThetaDot + Tau * thetaAcc;
        return (s.X + Tau * xDot, xDot, s.Theta + Tau * thetaDot, thetaDot);
    }

    private static CartPoleEnv At(double x, double xDot, double theta, double thetaDot, bool suttonBarto = false, bool semiImplicit = false)
    {
        var env = new CartPoleEnv(suttonBarto, semiImplicit);
        env.Reset(seed: 0);
        env.SetState(x, xDot, theta, thetaDot);
        return env;
    }

    private static void AssertState((double, double, double, double) expected, (double, double, double, double) actual)
    {
        var (e0, e1, e2, e3) = expected;
        var (a0, a1, a2, a3) = actual;
        Assert.Equal(e0, a0, 1e-14);
        Assert.Equal(e1, a1, 1e-14);
        Assert.Equal(e2, a2, 1e-14);
        Assert.Equal(e3, a3, 1e-14);
    }

    [Theory]
    // Values from the same equations evaluated independently in double precision (Python floats).
    [InlineData(0, 0.009600000000000001, -0.21553901710278936, 0.030799999999999998, 0.34199522377603914)]
    [InlineData(1, 0.009600000000000001, 0.17467919574755525, 0.030799999999999998, -0.2430687179600081)]
    public void OneStepFromAKnownStateFollowsThePublishedEquations(int action, double x, double xDot, double theta, double thetaDot)
    {
        var start = (0.01, -0.02, 0.03, 0.04);
        // Action 1 by hand: temp = (10 + 0.05 * 0.04^2 * sin 0.03) / 1.1 = 9.090913...; theta_acc = (9.8 sin 0.03 - cos 0.03 * temp) /
        // (0.5 (4/3 - 0.1 cos^2 0.03 / 1.1)) = -14.1534...; theta_dot' = 0.04 + 0.02 * theta_acc = -0.24307...
        Assert.Equal(-0.2430687179600081, Euler(start, 1).ThetaDot, 1e-15);
        var env = At(start.Item1, start.Item2, start.Item3, start.Item4);
        var r = env.Step(action);

        AssertState((x, xDot, theta, thetaDot), env.State);
        AssertState(Euler(start, action), env.State);
        Assert.Equal([(float)x, (float)xDot, (float)theta, (float)thetaDot], r.Observation);
        Assert.Equal(1.0, r.Reward);
        Assert.False(r.Terminated);
        Assert.False(r.Truncated);
    }

    [Fact]
    public void SeveralStepsFollowThePublishedEquations()
    {
        var state = (0.01, -0.02, 0.03, 0.04);
        var env = At(state.Item1, state.Item2, state.Item3, state.Item4);
        foreach (int a in new[] { 1, 1, 0, 1, 0 })
        {
            env.Step(a);
            state = Euler(state, a);
            AssertState(state, env.State);
        }
        AssertState((0.03133333989170178, 0.17349499275068458, 0.0006599578018962032, -0.21681286835696195), env.State);
    }

    [Fact]
    public void SemiImplicitEulerUpdatesVelocitiesFirst()
    {
        var raw = (CartPoleEnv)Envs.Make("CartPole-v1", new MakeOptions
        {
            Kwargs = OptionSet.Of(("kinematics_integrator", "semi-implicit euler")),
            DisableTimeLimit = true,
        });
        raw.Reset(seed: 0);
        raw.SetState(0.01, -0.02, 0.03, 0.04);
        raw.Step(1);
        AssertState((0.013493583914951104, 0.17467919574755525, 0.025138625640799838, -0.2430687179600081), raw.State);
        AssertState(Euler((0.01, -0.02, 0.03, 0.04), 1, semiImplicit: true), raw.State);
    }

    [Theory]
    [InlineData(2.39, 1.0, 0.0, 0.0, true)]     // x -> 2.41 > 2.4
    [InlineData(-2.39, -1.0, 0.0, 0.0, true)]   // x -> -2.41
    [InlineData(2.37, 1.0, 0.0, 0.0, false)]    // x -> 2.39
    [InlineData(2.4, 0.0, 0.0, 0.0, false)]     // exactly on the bound is not beyond it
    [InlineData(0.0, 0.0, 0.2, 1.0, true)]      // theta -> 0.22 > 12 degrees (0.20944)
    [InlineData(0.0, 0.0, -0.2, -1.0, true)]
    [InlineData(0.0, 0.0, 0.2, 0.4, false)]     // theta -> 0.208 < 0.20944
    public void TerminatesBeyondTwoPointFourOrTwelveDegrees(double x, double xDot, double theta, double thetaDot, bool terminated)
    {
        var env = At(x, xDot, theta, thetaDot);
        var r = env.Step(0);
        Assert.Equal(terminated, r.Terminated);
        Assert.Equal(1.0, r.Reward); // the terminating step is rewarded too
        Assert.Equal(12 * 2 * Math.PI / 360, CartPoleEnv.ThetaThresholdRadians, 1e-15);
    }

    [Fact]
    public void RewardIsOnePerStepIncludingTheLast()
    {
        var env = Envs.Make<float[], int>("CartPole-v1");
        env.Reset(seed: 3);
        var rng = new Rng(3);
        double total = 0;
        int steps = 0;
        StepResult<float[]> r;
        do
        {
            r = env.Step(rng.NextInt(2));
            total += r.Reward;
            steps++;
        } while (!r.Done);
        Assert.True(r.Terminated);
        Assert.Equal(1.0, r.Reward);
        Assert.Equal(steps, total);
        Assert.InRange(steps, 8, 100);
    }

    [Fact]
    public void SuttonBartoRewardIsZeroPerStepAndMinusOneOnTermination()
    {
        var env = At(2.3, 1.0, 0.0, 0.0, suttonBarto: true);
        var rewards = new List<double>();
        StepResult<float[]> r;
        do
        {
            r = env.Step(1);
            rewards.Add(r.Reward);
        } while (!r.Terminated);
        Assert.True(rewards.Count > 2);
        Assert.All(rewards.SkipLast(1), x => Assert.Equal(0.0, x));
        Assert.Equal(-1.0, rewards[^1]);

        var made = Envs.Make<float[], int>("CartPole-v1", new MakeOptions { Kwargs = OptionSet.Of(("sutton_barto_reward", true)) });
        made.Reset(seed: 1);
        Assert.Equal(0.0, made.Step(0).Reward);
    }

    [Fact]
    public void TruncatesAtExactlyFiveHundredStepsThroughMake()
    {
        var env = Envs.Make<float[], int>("CartPole-v1");
        var cartPole = (CartPoleEnv)env.Unwrapped;
        env.Reset(seed: 0);
        for (int t = 1; t <= 500; t++)
        {
            cartPole.SetState(0, 0, 0, 0); // keep it balanced so only the time limit can end the episode
            var r = env.Step(t % 2);
            Assert.False(r.Terminated);
            Assert.Equal(t == 500, r.Truncated);
            Assert.Equal(1.0, r.Reward);
        }
        Assert.Equal(500, env.Spec!.MaxEpisodeSteps);
        var e = Assert.Throws<ResetNeededException>(() => env.Step(0));
        Assert.Contains("CartPole-v1", e.Message);
    }

    [Fact]
    public void ResetIsUniformInMinusToPlusFiveHundredths()
    {
        var env = new CartPoleEnv();
        var values = new List<double>();
        for (int seed = 0; seed < 200; seed++)
        {
            env.Reset(seed);
            var s = env.State;
            values.AddRange([s.X, s.XDot, s.Theta, s.ThetaDot]);
        }
        Assert.All(values, v => Assert.InRange(v, -0.05, 0.05));
        Assert.True(values.Min() < -0.049 && values.Max() > 0.049);
        Assert.InRange(values.Average(), -0.005, 0.005);
        // Uniform: about a quarter of the values in each quarter of the interval.
        Assert.All(Enumerable.Range(0, 4), q => Assert.InRange(values.Count(v => v >= -0.05 + 0.025 * q && v < -0.025 + 0.025 * q), 160, 240));
    }

    [Fact]
    public void ResetOptionsLowAndHighSetTheBounds()
    {
        var env = new CartPoleEnv();
        for (int seed = 0; seed < 50; seed++)
        {
            env.Reset(seed, OptionSet.Of(("low", -0.2), ("high", -0.1)));
            var s = env.State;
            Assert.All(new[] { s.X, s.XDot, s.Theta, s.ThetaDot }, v => Assert.InRange(v, -0.2, -0.1));
        }
        env.Reset(1, OptionSet.Parse(["low=0.01", "high=0.01"]));
        Assert.Equal((0.01, 0.01, 0.01, 0.01), env.State);
    }

    [Fact]
    public void TheStateIsFloat64AndTheObservationItsFloat32Rounding()
    {
        var env = new CartPoleEnv();
        var obs = env.Reset(seed: 5).Observation;
        var r = env.Step(1);
        var s = env.State;
        Assert.Equal([(float)s.X, (float)s.XDot, (float)s.Theta, (float)s.ThetaDot], r.Observation);
        Assert.NotEqual(s.XDot, (double)r.Observation[1]); // the state keeps the precision the observation drops
        Assert.IsType<float[]>(obs);
    }

    [Fact]
    public void TheSameSeedGivesTheSameTrajectory()
    {
        float[][] Run(int seed)
        {
            var env = Envs.Make<float[], int>("CartPole-v1");
            var rng = new Rng(99);
            var trajectory = new List<float[]> { env.Reset(seed).Observation };
            for (int t = 0; t < 300; t++)
            {
                var r = env.Step(rng.NextInt(2));
                trajectory.Add(r.Observation);
                if (r.Done) trajectory.Add(env.Reset().Observation);
            }
            return trajectory.ToArray();
        }
        Assert.Equal(Run(12), Run(12));
        Assert.NotEqual(Run(12)[0], Run(13)[0]);
    }

    [Fact]
    public void SpacesAndMetadataAreGymnasiums()
    {
        var env = Envs.Make<float[], int>("CartPole-v1");
        Assert.Equal("Discrete(2)", env.ActionSpace.ToString());
        var box = Assert.IsType<Rl.Core.Spaces.Box<float>>(env.ObservationSpace);
        Assert.Equal([4.8f, float.PositiveInfinity, 0.41887903f, float.PositiveInfinity], box.High.ToArray());
        Assert.Equal(box.High.ToArray().Select(h => -h), box.Low.ToArray());
        Assert.Equal(50, env.Metadata.RenderFps);
        Assert.IsType<TimeLimit<float[], int>>(env);
    }
}
