using Rl.Core;
using Rl.Core.Vector;
using Rl.Environments.Python;
using static Rl.Environments.Tests.PythonBridge.PythonTestSupport;

namespace Rl.Environments.Tests.PythonBridge;

public class PythonVectorEnvTests
{
    public PythonVectorEnvTests() => EnsureReady();

    private static PythonVectorEnv<float[], int> CartPoles(int n, AutoresetMode mode, int? maxSteps = null) =>
        PythonVectorEnv.Make<float[], int>("CartPole-v1", n, Options() with { MaxEpisodeSteps = maxSteps }, mode);

    [Fact]
    public void Sub_environments_match_single_environments_seeded_seed_plus_index()
    {
        using var vec = CartPoles(3, AutoresetMode.NextStep);
        var singles = Enumerable.Range(0, 3).Select(_ => Make<float[], int>("CartPole-v1")).ToArray();
        try
        {
            var reset = vec.Reset(seed: 5);
            for (int i = 0; i < 3; i++) Assert.Equal(singles[i].Reset(seed: 5 + i).Observation, reset.Observations[i]);
            var rng = new Rng(9);
            int[] actions = new int[3];
            for (int t = 0; t < 8; t++)
            {
                for (int i = 0; i < 3; i++) actions[i] = rng.NextInt(2);
                var step = vec.Step(actions);
                for (int i = 0; i < 3; i++)
                {
                    var s = singles[i].Step(actions[i]);
                    Assert.Equal(s.Observation, step.Observations[i]);
                    Assert.Equal(s.Reward, step.Rewards[i]);
                }
            }
            Assert.Equal("PythonVectorEnv(gym:CartPole-v1 x 3)", vec.Name);
            Assert.Equal(3, vec.Envs.Select(e => e.ProcessId).Distinct().Count());
        }
        finally
        {
            foreach (var s in singles) s.Dispose();
        }
    }

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    [InlineData(AutoresetMode.Disabled)]
    public void It_behaves_as_the_core_sync_vector_env_over_the_same_python_envs(AutoresetMode mode)
    {
        const int n = 2;
        using var vec = CartPoles(n, mode, maxSteps: 4);
        IVectorEnv<float[], int> reference = new SyncVectorEnv<float[], int>(
            Enumerable.Range(0, n).Select(_ => (Func<IEnv<float[], int>>)(() => Envs.Make<float[], int>("gym:CartPole-v1", Options() with { MaxEpisodeSteps = 4 }))), mode);
        using (reference)
        {
            IVectorEnv<float[], int> tested = vec;
            Assert.Equal(reference.ObservationSpace, tested.ObservationSpace);
            Assert.Equal(reference.ActionSpace, tested.ActionSpace);
            var r1 = tested.Reset(seed: 21);
            var r2 = reference.Reset(seed: 21);
            Assert.Equal(r2.CopyObservations(), r1.CopyObservations());
            var rng = new Rng(5);
            var actions = new int[n];
            for (int t = 0; t < 10; t++)
            {
                for (int i = 0; i < n; i++) actions[i] = rng.NextInt(2);
                if (mode == AutoresetMode.Disabled && t > 0 && t % 4 == 0)
                {
                    tested.Reset(mask: [true, true]);
                    reference.Reset(mask: [true, true]);
                }
                var a = tested.Step(actions);
                var b = reference.Step(actions);
                Assert.Equal(b.CopyObservations(), a.CopyObservations());
                for (int i = 0; i < n; i++)
                {
                    Assert.Equal(b.Rewards[i], a.Rewards[i]);
                    Assert.Equal((b.Terminated[i], b.Truncated[i]), (a.Terminated[i], a.Truncated[i]));
                    Assert.Equal(b.AutoresetEnvs[i], a.AutoresetEnvs[i]);
                    Assert.Equal(b.NextObservation(i), a.NextObservation(i));
                }
            }
        }
    }

    [Fact]
    public void Next_step_autoreset_resets_on_the_following_step_and_ignores_that_action()
    {
        using var vec = CartPoles(2, AutoresetMode.NextStep, maxSteps: 2);
        vec.Reset(seed: 1);
        vec.Step([0, 1]);
        var end = vec.Step([0, 1]);
        Assert.True(end.Truncated[0] && end.Truncated[1]);
        var last = end.CopyObservations();

        var next = vec.Step([1, 1]);
        Assert.True(next.AutoresetEnvs[0] && next.AutoresetEnvs[1]);
        Assert.Equal(0.0, next.Rewards[0]);
        Assert.False(next.Done(0));
        Assert.NotEqual(last[0], next.Observations[0]);
        Assert.All(next.Observations[0], v => Assert.InRange(v, -0.05f, 0.05f));
        Assert.False(vec.Step([1, 1]).AutoresetEnvs[0]);
    }

    [Fact]
    public void Same_step_autoreset_reports_the_final_observation_beside_the_reset_one()
    {
        using var vec = CartPoles(2, AutoresetMode.SameStep, maxSteps: 2);
        using var single = Make<float[], int>("CartPole-v1");
        vec.Reset(seed: 3);
        single.Reset(seed: 3);
        vec.Step([1, 0]);
        single.Step(1);
        var end = vec.Step([1, 0]);
        var expectedFinal = single.Step(1).Observation;

        Assert.True(end.Truncated[0]);
        Assert.Equal(expectedFinal, end.FinalObservations[0]);
        Assert.Equal(expectedFinal, end.NextObservation(0));
        Assert.NotNull(end.FinalInfos[0]);
        Assert.Equal(single.Reset().Observation, end.Observations[0]); // the worker's reset continues the seeded stream
        Assert.False(vec.Step([0, 0]).Done(0));
    }

    [Fact]
    public void Disabled_autoreset_refuses_to_step_a_finished_sub_environment_until_a_masked_reset()
    {
        using var vec = CartPoles(2, AutoresetMode.Disabled, maxSteps: 1);
        vec.Reset(seed: 0);
        Assert.True(vec.Step([0, 0]).Done(1));
        var e = Assert.Throws<ResetNeededException>(() => vec.Step([0, 0]));
        Assert.Contains("sub-env 0", e.Message);
        var before = vec.Reset(mask: [false, true]).CopyObservations();
        Assert.Throws<ResetNeededException>(() => vec.Step([0, 0]));
        vec.Reset(mask: [true, false]);
        Assert.False(vec.Step([0, 0]).AutoresetEnvs[0]);
        Assert.Equal(2, before.Length);
    }

    [Fact]
    public void A_python_exception_in_one_worker_names_it_and_the_others_stay_in_step()
    {
        using var vec = PythonVectorEnv.Make<float[], int>("rl_testenvs.testing:FaultyEnv", 3,
            new MakeOptions { Kwargs = OptionSet.Of(("fail_seed", 11)) });
        vec.Reset(seed: 10);
        var e = Assert.Throws<PythonEnvException>(() => vec.Step([0, 0, 0]));
        Assert.Contains("sub-env 1", e.Message);
        Assert.Contains("boom for seed 11", e.Message);

        // Every reply was read, so the next calls line up with their answers.
        var r = vec.Reset(seed: 20);
        Assert.Equal(20L, r.Infos[0]["seed"]);
        Assert.Equal(22L, r.Infos[2]["seed"]);
        var s = vec.Step([0, 0, 0]);
        Assert.Equal([1f], s.Observations[2]);
    }

    [Fact]
    public void Observations_are_written_as_one_contiguous_batch()
    {
        using var vec = CartPoles(2, AutoresetMode.NextStep);
        var r = vec.Reset(seed: 4);
        var batch = new float[2 * vec.ObservationDim];
        vec.WriteObservations(batch);
        Assert.Equal(r.Observations[0], batch[..4]);
        Assert.Equal(r.Observations[1], batch[4..]);
        Assert.Throws<ArgumentException>(() => vec.WriteObservations(new float[3]));
    }

    [Fact]
    public void Bad_calls_are_rejected_before_anything_is_sent()
    {
        using var vec = CartPoles(2, AutoresetMode.NextStep);
        Assert.Throws<ResetNeededException>(() => vec.Step([0, 0]));
        vec.Reset(seed: 0);
        Assert.Throws<ArgumentException>(() => vec.Step([0]));
        var e = Assert.Throws<InvalidActionException>(() => vec.Step([0, 5]));
        Assert.Contains("sub-env 1", e.Message);
        Assert.Equal(1.0, vec.Step([0, 1]).Rewards[1]); // still in step
    }

    [Fact]
    public void Dispose_stops_every_worker()
    {
        var vec = CartPoles(3, AutoresetMode.NextStep);
        var pids = vec.Envs.Select(e => e.ProcessId).ToArray();
        vec.Reset(seed: 0);
        vec.Dispose();
        Assert.All(pids, pid => Assert.True(WaitGone(pid), $"worker {pid} is still there"));
    }

    [Fact]
    public void A_failure_while_starting_stops_the_workers_already_started()
    {
        var e = Assert.Throws<PythonEnvException>(() =>
            PythonVectorEnv.Make<float[], int>("rl_testenvs.testing:FaultyEnv", 3, new MakeOptions { Kwargs = OptionSet.Of(("init_error", true)) }));
        Assert.Equal(PythonFailure.EnvironmentError, e.Failure);
        Assert.Empty(WaitNoWorkers("FaultyEnv"));
    }
}
