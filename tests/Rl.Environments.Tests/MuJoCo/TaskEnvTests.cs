using Rl.Core;
using Rl.Environments.MuJoCo;

namespace Rl.Environments.Tests.MuJoCo;

/// <summary>InvertedPendulum, InvertedDoublePendulum, Reacher, Pusher, Ant and Humanoid: spaces, rewards recomputed from observations, episode ends.</summary>
public class TaskEnvTests
{
    private static IEnv<double[], float[]> Make(string id, params (string, object)[] kwargs) =>
        Rl.Environments.Envs.Registry.Make<double[], float[]>(id, new MakeOptions { Kwargs = OptionSet.Of(kwargs) });

    private static float[] RandomAction(Rng rng, IEnv<double[], float[]> env)
    {
        var space = (Rl.Core.Spaces.Box<float>)env.ActionSpace;
        var a = new float[space.Size];
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.Uniform(space.Low[i], space.High[i]);
        return a;
    }

    public static TheoryData<string, int, string, int, double?> Specs => new()
    {
        { InvertedPendulumEnv.Id, 4, "Box(-3, 3, (1,), float32)", 1000, 950.0 },
        { InvertedDoublePendulumEnv.Id, 9, "Box(-1, 1, (1,), float32)", 1000, 9100.0 },
        { ReacherEnv.Id, 10, "Box(-1, 1, (2,), float32)", 50, -3.75 },
        { PusherEnv.Id, 23, "Box(-2, 2, (7,), float32)", 100, 0.0 },
        { AntEnv.Id, 105, "Box(-1, 1, (8,), float32)", 1000, 6000.0 },
        { HumanoidEnv.Id, 348, "Box(-0.4, 0.4, (17,), float32)", 1000, null },
    };

    [Theory, MemberData(nameof(Specs))]
    public void SpacesLimitsAndThresholdsAreGymnasiumsV5(string id, int obsSize, string actionSpace, int maxSteps, double? threshold)
    {
        var spec = Rl.Environments.Envs.Registry.GetSpec(id);
        Assert.Equal(maxSteps, spec.MaxEpisodeSteps);
        Assert.Equal(threshold, spec.RewardThreshold);
        using var env = Make(id);
        Assert.Equal($"Box(-inf, inf, ({obsSize},), float64)", env.ObservationSpace.ToString());
        Assert.Equal(actionSpace, env.ActionSpace.ToString());
        var (obs, _) = env.Reset(seed: 3);
        Assert.True(env.ObservationSpace.Contains(obs));
        var rng = new Rng(5);
        for (int t = 0; t < 5; t++)
        {
            var step = env.Step(RandomAction(rng, env));
            Assert.True(env.ObservationSpace.Contains(step.Observation));
            Assert.True(double.IsFinite(step.Reward));
        }
    }

    [Fact]
    public void InvertedPendulumPaysOnePerStepUntilThePoleLeavesPointTwoRadians()
    {
        using var env = Make(InvertedPendulumEnv.Id);
        env.Reset(seed: 0);
        int steps = 0;
        StepResult<double[]> step;
        // Pushing one way all the time tips the pole over within a few dozen steps.
        do
        {
            step = env.Step([3f]);
            steps++;
            Assert.Equal(step.Terminated ? 0.0 : 1.0, step.Reward);
            Assert.Equal(step.Terminated, Math.Abs(step.Observation[1]) > 0.2);
        } while (!step.Terminated && steps < 1000);
        Assert.True(step.Terminated && steps < 100, $"terminated after {steps} steps");
    }

    [Fact]
    public void InvertedDoublePendulumRewardIsAliveBonusMinusPenaltiesOfTheTip()
    {
        using var env = Make(InvertedDoublePendulumEnv.Id);
        var idp = (InvertedDoublePendulumEnv)env.Unwrapped;
        env.Reset(seed: 1);
        var step = env.Step([0.3f]);
        var tip = idp.Data.SiteXpos;
        double x = tip[0], y = tip[2];
        var qvel = idp.Data.Qvel;
        double expected = (y > 1 ? 10 : 0) - (0.01 * x * x + (y - 2) * (y - 2)) - (1e-3 * qvel[1] * qvel[1] + 5e-3 * qvel[2] * qvel[2]);
        Assert.Equal(expected, step.Reward, 12);
        var o = step.Observation;
        Assert.Equal(1.0, o[1] * o[1] + o[3] * o[3], 12); // sin² + cos² of the first pole
        Assert.Equal(10.0, (double)step.Info["reward_survive"]!);
    }

    [Fact]
    public void ReacherRewardIsMinusDistanceMinusControlAndTheTargetStaysInItsDisc()
    {
        using var env = Make(ReacherEnv.Id);
        for (int seed = 0; seed < 20; seed++)
        {
            var (obs, _) = env.Reset(seed: seed);
            Assert.True(Math.Sqrt(obs[4] * obs[4] + obs[5] * obs[5]) < 0.2);
        }
        var step = env.Step([0.5f, -0.25f]);
        var o = step.Observation;
        double distance = Math.Sqrt(o[8] * o[8] + o[9] * o[9]); // fingertip and target are at the same height
        Assert.Equal(-distance - (0.25 + 0.0625), step.Reward, 12);
        Assert.False(step.Terminated);
    }

    [Fact]
    public void PusherRewardIsMadeOfTheDistancesInItsObservation()
    {
        using var env = Make(PusherEnv.Id);
        env.Reset(seed: 2);
        var step = env.Step([0.1f, 0.2f, 0, 0, 0, 0, -0.1f]);
        var o = step.Observation;
        static double Dist(double[] o, int a, int b) =>
            Math.Sqrt(Math.Pow(o[a] - o[b], 2) + Math.Pow(o[a + 1] - o[b + 1], 2) + Math.Pow(o[a + 2] - o[b + 2], 2));
        double expected = -Dist(o, 17, 20) - 0.1 * (0.01 + 0.04 + 0.01) - 0.5 * Dist(o, 17, 14);
        Assert.Equal(expected, step.Reward, 6);
        // The object starts at least 0.17 from the goal.
        var (start, _) = env.Reset(seed: 4);
        Assert.True(Math.Sqrt(Math.Pow(start[17] - start[20], 2) + Math.Pow(start[18] - start[21], 2)) > 0.17);
    }

    [Fact]
    public void AntObservesClippedContactForcesAndPaysForThem()
    {
        using var env = Make(AntEnv.Id);
        var ant = (AntEnv)env.Unwrapped;
        env.Reset(seed: 0);
        var rng = new Rng(1);
        double contactSeen = 0;
        for (int t = 0; t < 30; t++)
        {
            var step = env.Step(RandomAction(rng, env));
            var forces = step.Observation.AsSpan(27);
            double squares = 0;
            foreach (double f in forces)
            {
                Assert.InRange(f, -1.0, 1.0);
                squares += f * f;
            }
            // The world body's forces (left out of the observation) are zero, so the cost is the observation's.
            Assert.Equal(-5e-4 * squares, (double)step.Info["reward_contact"]!, 12);
            contactSeen += squares;
            double z = ant.Data.Qpos[2];
            Assert.Equal(z is >= 0.2 and <= 1.0 ? 1.0 : 0.0, (double)step.Info["reward_survive"]!);
            Assert.Equal(z is < 0.2 or > 1.0, step.Terminated);
            if (step.Terminated) break; // random torques can make the ant jump above 1 m, as in Gymnasium
        }
        Assert.True(contactSeen > 0, "the ant lands on the floor: contact forces must show");
        using var without = Make(AntEnv.Id, ("include_cfrc_ext_in_observation", false), ("exclude_current_positions_from_observation", false));
        Assert.Equal("Box(-inf, inf, (29,), float64)", without.ObservationSpace.ToString());
    }

    [Fact]
    public void HumanoidFallsAndItsContactCostIsClipped()
    {
        using var env = Make(HumanoidEnv.Id);
        env.Reset(seed: 0);
        int steps = 0;
        StepResult<double[]> step;
        do
        {
            step = env.Step(new float[17]);
            steps++;
            Assert.InRange(-(double)step.Info["reward_contact"]!, 0.0, 10.0);
        } while (!step.Terminated && steps < 1000);
        // With no torque the humanoid collapses: its torso drops below 1 m.
        Assert.True(step.Terminated && steps < 200, $"terminated after {steps} steps");
        Assert.Equal(0.0, (double)step.Info["reward_survive"]!);
        using var small = Make(HumanoidEnv.Id, ("include_cinert_in_observation", false), ("include_cvel_in_observation", false),
            ("include_qfrc_actuator_in_observation", false), ("include_cfrc_ext_in_observation", false));
        Assert.Equal("Box(-inf, inf, (45,), float64)", small.ObservationSpace.ToString());
    }

    [Fact]
    public void AModelWithoutTheBodiesATaskNeedsIsReportedWithTheFile()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "arm.xml");
        File.WriteAllText(path, """
            <mujoco><worldbody><body name="a"><joint name="j0" type="hinge"/><geom size="0.1"/>
              <body name="b"><joint name="j1" type="hinge"/><geom size="0.1"/>
              <body name="c"><joint name="j2" type="slide"/><geom size="0.1"/>
              <body name="d"><joint name="j3" type="slide" axis="0 1 0"/><geom size="0.1"/></body></body></body></body></worldbody>
            <actuator><motor joint="j0"/></actuator></mujoco>
            """);
        var e = Assert.Throws<MuJoCoException>(() => Make(ReacherEnv.Id, ("xml_file", path)));
        Assert.Contains("fingertip", e.Message);
        Assert.Contains(path, e.Message);
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("rl-mujoco-task-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
