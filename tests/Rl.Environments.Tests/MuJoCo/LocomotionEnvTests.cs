using Rl.Core;
using Rl.Environments.MuJoCo;

namespace Rl.Environments.Tests.MuJoCo;

public class LocomotionEnvTests
{
    public static TheoryData<string, int, int> Envs => new()
    {
        { HopperEnv.Id, 11, 3 },
        { Walker2dEnv.Id, 17, 6 },
        { HalfCheetahEnv.Id, 17, 6 },
        { SwimmerEnv.Id, 8, 2 },
    };

    private static IEnv<double[], float[]> Make(string id, params (string, object)[] kwargs) =>
        Rl.Environments.Envs.Registry.Make<double[], float[]>(id, new MakeOptions { Kwargs = OptionSet.Of(kwargs) });

    private static float[] RandomAction(Rng rng, int size)
    {
        var a = new float[size];
        for (int i = 0; i < size; i++) a[i] = (float)rng.Uniform(-1, 1);
        return a;
    }

    [Theory, MemberData(nameof(Envs))]
    public void SpacesAndRegistrationAreAsDocumented(string id, int obsSize, int actSize)
    {
        var spec = Rl.Environments.Envs.Registry.GetSpec(id);
        Assert.Equal(1000, spec.MaxEpisodeSteps);
        using var env = Make(id);
        Assert.Equal($"Box(-inf, inf, ({obsSize},), float64)", env.ObservationSpace.ToString());
        Assert.Equal($"Box(-1, 1, ({actSize},), float32)", env.ActionSpace.ToString());
        var (obs, _) = env.Reset(seed: 1);
        Assert.Equal(obsSize, obs.Length);
        Assert.True(env.ObservationSpace.Contains(obs));
    }

    [Theory, MemberData(nameof(Envs))]
    public void SameSeedGivesTheSameTrajectoryBitForBit(string id, int obsSize, int actSize)
    {
        (List<double[]> Obs, List<double> Rewards, List<bool> Dones) Run()
        {
            using var env = Make(id);
            var rng = new Rng(7);
            var obs = new List<double[]> { env.Reset(seed: 42).Observation };
            var rewards = new List<double>();
            var dones = new List<bool>();
            for (int t = 0; t < 300; t++)
            {
                var r = env.Step(RandomAction(rng, actSize));
                obs.Add(r.Observation);
                rewards.Add(r.Reward);
                dones.Add(r.Done);
                if (r.Done) obs.Add(env.Reset().Observation);
            }
            return (obs, rewards, dones);
        }
        var a = Run();
        var b = Run();
        Assert.Equal(obsSize, a.Obs[0].Length);
        Assert.Equal(a.Obs.Count, b.Obs.Count);
        for (int i = 0; i < a.Obs.Count; i++) Assert.Equal(a.Obs[i], b.Obs[i]); // exact double equality
        Assert.Equal(a.Rewards, b.Rewards);
        Assert.Equal(a.Dones, b.Dones);

        using var other = Make(id);
        Assert.NotEqual(a.Obs[0], other.Reset(seed: 43).Observation);
    }

    [Theory, MemberData(nameof(Envs))]
    public void ResetNoiseIsSeededAndScaled(string id, int obsSize, int actSize)
    {
        using var env = Make(id);
        var unwrapped = (LocomotionEnv)env.Unwrapped;
        double scale = unwrapped.Options.ResetNoiseScale!.Value;
        env.Reset(seed: 3);
        var qpos0 = unwrapped.Model.Qpos0;
        var qpos = unwrapped.Data.Qpos;
        double maxDev = 0;
        for (int i = 0; i < qpos.Length; i++) maxDev = Math.Max(maxDev, Math.Abs(qpos[i] - qpos0[i]));
        Assert.InRange(maxDev, scale * 0.1, scale);
        Assert.Equal(0.0, unwrapped.Data.Time);
        _ = (obsSize, actSize);
    }

    [Theory, MemberData(nameof(Envs))]
    public void IntoBufferIsFilledAndReturned(string id, int obsSize, int actSize)
    {
        using var env = Make(id);
        var buffer = new double[obsSize];
        var fresh = env.Reset(seed: 5).Observation;
        using var twin = Make(id);
        Assert.Same(buffer, twin.Reset(seed: 5, into: buffer).Observation);
        Assert.Equal(fresh, buffer);
        var action = new float[actSize];
        Assert.Same(buffer, twin.Step(action, buffer).Observation);
        Assert.Equal(env.Step(action).Observation, buffer);
        var e = Assert.Throws<ArgumentException>(() => twin.Step(action, new double[obsSize + 1]));
        Assert.Contains(id, e.Message);
    }

    [Theory, MemberData(nameof(Envs))]
    public void ContractViolationsGiveClearExceptions(string id, int obsSize, int actSize)
    {
        using var env = Make(id);
        var zero = new float[actSize];
        var before = Assert.Throws<ResetNeededException>(() => env.Step(zero));
        Assert.Contains(id, before.Message);
        env.Reset(seed: 0);

        var nan = new float[actSize];
        nan[0] = float.NaN;
        var e = Assert.Throws<InvalidActionException>(() => env.Step(nan));
        Assert.Contains(id, e.Message);
        Assert.Contains("NaN", e.Message);

        var big = new float[actSize];
        big[actSize - 1] = 1.5f;
        Assert.Contains("outside [-1, 1]", Assert.Throws<InvalidActionException>(() => env.Step(big)).Message);
        Assert.Contains($"needs {actSize}", Assert.Throws<InvalidActionException>(() => env.Step(new float[actSize + 1])).Message);
        _ = obsSize;
    }

    [Theory]
    [InlineData(HopperEnv.Id)]
    [InlineData(Walker2dEnv.Id)]
    public void ZeroActionFallsAndTerminatesThenStepIsRefused(string id)
    {
        using var env = Make(id);
        var unwrapped = (LocomotionEnv)env.Unwrapped;
        var (zLow, _) = unwrapped.Options.HealthyZRange!.Value;
        var (angleLow, angleHigh) = unwrapped.Options.HealthyAngleRange!.Value;
        env.Reset(seed: 11);
        var zero = new float[env.ActionSpace.Shape[0]];
        StepResult<double[]> r = default;
        int steps = 0;
        while (steps < 1000 && !(r = env.Step(zero)).Done) steps++;
        Assert.True(r.Terminated, $"{id} with zero torque should fall within 1000 steps");
        Assert.False(r.Truncated);
        Assert.InRange(steps, 5, 999);
        double z = unwrapped.Data.Qpos[1], pitch = unwrapped.Data.Qpos[2];
        Assert.True(z <= zLow || pitch <= angleLow || pitch >= angleHigh, $"z={z}, pitch={pitch} should be outside the healthy ranges");
        Assert.False(unwrapped.LastStep.Healthy);
        Assert.Equal(0.0, r.Info.Get<double>("reward_survive")); // no healthy bonus on the falling step
        var after = Assert.Throws<ResetNeededException>(() => env.Step(zero));
        Assert.Contains("after the episode ended", after.Message);
    }

    // Healthy by hand, from the documented ranges: hopper z > 0.7, |pitch| < 0.2, |qpos[2:]|, |qvel| < 100; walker 0.8 < z < 2,
    // |pitch| < 1; the cheetah and swimmer have no healthy bonus.
    private static double HealthyBonusByHand(string id, double[] qpos, double[] qvel) => id switch
    {
        HopperEnv.Id => qpos[1] > 0.7 && Math.Abs(qpos[2]) < 0.2 && qpos[2..].Concat(qvel).All(v => Math.Abs(v) < 100) ? 1.0 : 0.0,
        Walker2dEnv.Id => qpos[1] > 0.8 && qpos[1] < 2.0 && Math.Abs(qpos[2]) < 1.0 ? 1.0 : 0.0,
        _ => 0.0,
    };

    [Theory]
    [InlineData(HopperEnv.Id, 1e-3, 0.008)]
    [InlineData(Walker2dEnv.Id, 1e-3, 0.008)]
    [InlineData(HalfCheetahEnv.Id, 0.1, 0.05)]
    [InlineData(SwimmerEnv.Id, 1e-4, 0.04)]
    public void RewardComponentsMatchAHandComputation(string id, double ctrlWeight, double dt)
    {
        using var env = Make(id);
        var unwrapped = (LocomotionEnv)env.Unwrapped;
        Assert.Equal(dt, unwrapped.Dt, 15);
        env.Reset(seed: 21);
        var rng = new Rng(2);
        bool hasHealth = id is HopperEnv.Id or Walker2dEnv.Id, sawUnhealthy = false;
        for (int t = 0; t < 40; t++)
        {
            var action = RandomAction(rng, env.ActionSpace.Shape[0]);
            double xBefore = unwrapped.Data.Qpos[0];
            var r = env.Step(action);
            double[] qpos = unwrapped.Data.Qpos.ToArray(), qvel = unwrapped.Data.Qvel.ToArray();
            double ctrlCost = ctrlWeight * action.Sum(a => (double)a * a);
            double bonus = HealthyBonusByHand(id, qpos, qvel);
            double expected = 1.0 * (qpos[0] - xBefore) / dt + bonus - ctrlCost;
            Assert.Equal(expected, r.Reward, 12);
            Assert.Equal((qpos[0] - xBefore) / dt, r.Info.Get<double>("x_velocity"), 12);
            Assert.Equal(-ctrlCost, r.Info.Get<double>("reward_ctrl"), 15);
            Assert.Equal(bonus, r.Info.Get<double>("reward_survive"));
            Assert.Equal(qpos[0], r.Info.Get<double>("x_position"));
            Assert.Equal(r.Reward, unwrapped.LastStep.RewardForward + unwrapped.LastStep.RewardSurvive + unwrapped.LastStep.RewardCtrl, 12);
            Assert.Equal((t + 1) * dt, unwrapped.Data.Time, 12);
            Assert.Equal(hasHealth && bonus == 0, r.Terminated);
            Assert.Equal(!hasHealth || bonus == 1, unwrapped.LastStep.Healthy);
            sawUnhealthy |= hasHealth && bonus == 0;
            if (r.Done) break;
        }
        // Random torques topple the hopper and the walker within 40 steps, so the unhealthy branch is checked too.
        Assert.Equal(hasHealth, sawUnhealthy);
    }

    [Fact]
    public void ObservationIsPositionsWithoutXThenClippedVelocities()
    {
        using var env = Make(HopperEnv.Id);
        var unwrapped = (LocomotionEnv)env.Unwrapped;
        env.Reset(seed: 4);
        unwrapped.Data.Qvel[3] = 25; // beyond the clip
        var obs = env.Step(new float[3]).Observation;
        var qpos = unwrapped.Data.Qpos.ToArray();
        var qvel = unwrapped.Data.Qvel.ToArray();
        Assert.Equal(qpos[1..], obs[..5]);
        Assert.Equal(qvel.Select(v => Math.Clamp(v, -10, 10)), obs[5..]);

        using var withX = Make(HopperEnv.Id, ("exclude_current_positions_from_observation", false));
        Assert.Equal(12, withX.Reset(seed: 4).Observation.Length);
    }

    [Fact]
    public void CheetahNeverTerminatesAndIsTruncatedAt1000Steps()
    {
        using var env = Make(HalfCheetahEnv.Id);
        env.Reset(seed: 8);
        var rng = new Rng(9);
        StepResult<double[]> r = default;
        for (int t = 1; t <= 1000; t++)
        {
            r = env.Step(RandomAction(rng, 6));
            Assert.False(r.Terminated);
            Assert.Equal(t == 1000, r.Truncated);
        }
        Assert.Throws<ResetNeededException>(() => env.Step(new float[6]));
    }

    [Fact]
    public void KwargsChangeTheTaskAndUnknownKeysAreRejected()
    {
        using var env = Make(HopperEnv.Id, ("ctrl_cost_weight", 0.5), ("healthy_reward", 2.0), ("healthy_z_range", "0.5, inf"),
            ("frame_skip", 2), ("reset_noise_scale", 0.0));
        var unwrapped = (HopperEnv)env.Unwrapped;
        Assert.Equal((0.5, double.PositiveInfinity), unwrapped.Options.HealthyZRange);
        Assert.Equal(0.004, unwrapped.Dt, 15);
        env.Reset(seed: 1);
        Assert.Equal(unwrapped.Model.Qpos0.ToArray(), unwrapped.Data.Qpos.ToArray()); // no noise
        var r = env.Step([1f, 0f, 0f]);
        Assert.Equal(-0.5, r.Info.Get<double>("reward_ctrl"), 15);
        Assert.Equal(2.0, r.Info.Get<double>("reward_survive"));

        var unknown = Assert.Throws<ArgumentException>(() => Make(HopperEnv.Id, ("healthy_x_range", "0,1")));
        Assert.Contains("healthy_x_range", unknown.Message);
        Assert.Contains("healthy_z_range", unknown.Message); // lists the valid keys
        var cheetahHealth = Assert.Throws<ArgumentException>(() => Make(HalfCheetahEnv.Id, ("healthy_reward", 1.0)));
        Assert.Contains("healthy_reward", cheetahHealth.Message);
        var badSkip = Assert.Throws<ArgumentException>(() => Make(Walker2dEnv.Id, ("frame_skip", 0)));
        Assert.Contains("frame_skip", badSkip.Message);
        var badRange = Assert.Throws<ArgumentException>(() => Make(Walker2dEnv.Id, ("healthy_angle_range", "1,-1")));
        Assert.Contains("healthy_angle_range", badRange.Message);
        var notRange = Assert.Throws<ArgumentException>(() => Make(Walker2dEnv.Id, ("healthy_z_range", "tall")));
        Assert.Contains(Walker2dEnv.Id, notRange.Message);
    }

    [Fact]
    public void SteppingWithoutStepInfoIntoABufferAllocatesNothing()
    {
        using var env = Make(HopperEnv.Id, ("step_info", false), ("terminate_when_unhealthy", false));
        var buffer = new double[11];
        var action = new float[] { 0.1f, -0.2f, 0.3f };
        env.Reset(seed: 1, into: buffer);
        for (int i = 0; i < 200; i++) env.Step(action, buffer); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 500; i++) env.Step(action, buffer);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void DisposeReleasesAndDoubleDisposeIsHarmless()
    {
        var env = new HopperEnv();
        env.Reset(seed: 1);
        env.Step(new float[3]);
        var data = env.Data;
        env.Dispose();
        env.Dispose();
        Assert.True(data.IsClosed);
        Assert.True(env.Model.IsClosed && env.Model.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => env.Reset(seed: 1));
    }

    [Fact]
    public void ShippedModelsLoadAndUnknownNamesAreReported()
    {
        foreach (var name in MuJoCoModels.Names)
        {
            using var model = MuJoCoModels.Load(name);
            Assert.True(model.Nu > 0);
        }
        var e = Assert.Throws<ArgumentException>(() => MuJoCoModels.GetXml("octopus.xml"));
        Assert.Contains("hopper.xml", e.Message);
    }
}
