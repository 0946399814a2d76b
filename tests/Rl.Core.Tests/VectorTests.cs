using Rl.Core;
using Rl.Core.Spaces;
using Rl.Core.Vector;

namespace Rl.Core.Tests;

public class VectorTests
{
    // Sub-env 0 ends after 2 steps, sub-env 1 after 3.
    private static IVectorEnv<float[], int> Make(bool threaded, AutoresetMode mode, bool truncate = false, int n = 2)
    {
        var factories = Enumerable.Range(0, n).Select(i => (Func<IEnv<float[], int>>)(() => new CounterEnv(2 + i, truncate)));
        return threaded
            ? new ThreadedVectorEnv<float[], int>(factories, mode, workers: 2)
            : new SyncVectorEnv<float[], int>(factories, mode);
    }

    private static void AssertEnv(VectorStepResult<float[]> r, int i, float start, float t, double reward, bool terminated, bool truncated)
    {
        Assert.Equal([start, t], r.Observations[i]);
        Assert.Equal(reward, r.Rewards[i]);
        Assert.Equal(terminated, r.Terminated[i]);
        Assert.Equal(truncated, r.Truncated[i]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NextStepResetsOnTheStepAfterTheEndIgnoringTheAction(bool threaded)
    {
        int[] s = CounterEnv.Starts(7, 2), u = CounterEnv.Starts(8, 2);
        Assert.NotEqual(s[0], s[1]);
        Assert.NotEqual(u[0], u[1]);
        using var env = Make(threaded, AutoresetMode.NextStep);

        var reset = env.Reset(seed: 7);
        Assert.Equal([s[0], 0f], reset.Observations[0]);
        Assert.Equal([u[0], 0f], reset.Observations[1]);

        var r = env.Step([1, 1]);
        AssertEnv(r, 0, s[0], 1, 11, false, false);
        AssertEnv(r, 1, u[0], 1, 11, false, false);
        Assert.False(r.AutoresetEnvs[0] || r.AutoresetEnvs[1]);

        r = env.Step([2, 2]);
        AssertEnv(r, 0, s[0], 2, 22, true, false); // the final observation of episode 0
        AssertEnv(r, 1, u[0], 2, 22, false, false);
        Assert.Equal(2, r.Infos[0].Get<int>("t"));
        Assert.Equal([s[0], 2f], r.NextObservation(0));

        r = env.Step([0, 0]);
        AssertEnv(r, 0, s[1], 0, 0, false, false); // reset; action 0 ignored; reward 0
        Assert.True(r.AutoresetEnvs[0]);
        Assert.Equal(s[1], r.Infos[0].Get<int>("start"));
        AssertEnv(r, 1, u[0], 3, 30, true, false);
        Assert.False(r.AutoresetEnvs[1]);

        r = env.Step([1, 2]);
        AssertEnv(r, 0, s[1], 1, 11, false, false);
        AssertEnv(r, 1, u[1], 0, 0, false, false);
        Assert.False(r.AutoresetEnvs[0]);
        Assert.True(r.AutoresetEnvs[1]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SameStepResetsInTheEndingStepAndReportsTheFinalObservation(bool threaded)
    {
        int[] s = CounterEnv.Starts(7, 3), u = CounterEnv.Starts(8, 2);
        using var env = Make(threaded, AutoresetMode.SameStep);
        env.Reset(seed: 7);

        var r = env.Step([1, 1]);
        AssertEnv(r, 0, s[0], 1, 11, false, false);
        Assert.Null(r.FinalInfos[0]);

        r = env.Step([2, 2]);
        AssertEnv(r, 0, s[1], 0, 22, true, false); // reward and flags of the ending step, observation of the reset
        Assert.Equal([s[0], 2f], r.FinalObservations[0]);
        Assert.Equal([s[0], 2f], r.NextObservation(0));
        Assert.Equal(2, r.FinalInfos[0]!.Get<int>("t"));
        Assert.Equal(s[1], r.Infos[0].Get<int>("start"));
        AssertEnv(r, 1, u[0], 2, 22, false, false);
        Assert.Null(r.FinalInfos[1]);
        Assert.False(r.AutoresetEnvs[0]);

        r = env.Step([0, 0]);
        AssertEnv(r, 0, s[1], 1, 10, false, false); // the action is applied to the new episode
        Assert.Null(r.FinalInfos[0]);
        AssertEnv(r, 1, u[1], 0, 30, true, false);
        Assert.Equal([u[0], 3f], r.FinalObservations[1]);

        r = env.Step([1, 1]);
        AssertEnv(r, 0, s[2], 0, 21, true, false);
        Assert.Equal([s[1], 2f], r.FinalObservations[0]);
        AssertEnv(r, 1, u[1], 1, 11, false, false);
    }

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void FinalObservationEqualsWhatASingleEnvProduced(AutoresetMode mode)
    {
        var single = new CounterEnv(3);
        single.Reset(11);
        int[] actions = [2, 0, 1];
        float[] expected = [];
        foreach (int a in actions) expected = single.Step(a).Observation;

        using var env = new SyncVectorEnv<float[], int>([() => new CounterEnv(3)], mode);
        env.Reset(seed: 11);
        VectorStepResult<float[]> r = default;
        foreach (int a in actions) r = env.Step([a]);
        Assert.True(r.Terminated[0]);
        Assert.Equal(expected, r.NextObservation(0));
        Assert.Equal(expected, mode == AutoresetMode.SameStep ? r.FinalObservations[0] : r.Observations[0]);
    }

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    [InlineData(AutoresetMode.Disabled)]
    public void TruncationIsReportedAsTruncatedNotTerminated(AutoresetMode mode)
    {
        using var env = Make(threaded: false, mode, truncate: true, n: 1);
        env.Reset(seed: 1);
        env.Step([0]);
        var r = env.Step([0]);
        Assert.True(r.Truncated[0]);
        Assert.False(r.Terminated[0]);
        Assert.True(r.Done(0));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DisabledModeRefusesToStepAFinishedSubEnvUntilItIsReset(bool threaded)
    {
        int[] s = CounterEnv.Starts(3, 2);
        using var env = Make(threaded, AutoresetMode.Disabled);
        env.Reset(seed: 3);
        env.Step([0, 0]);
        var r = env.Step([0, 0]);
        Assert.True(r.Terminated[0]);
        Assert.Equal([s[0], 2f], r.Observations[0]);

        var e = Assert.Throws<ResetNeededException>(() => env.Step([0, 0]));
        Assert.Contains("sub-env 0", e.Message);
        Assert.Contains("Disabled", e.Message);
        Assert.Contains(env.Name, e.Message);
        // Nothing was stepped: sub-env 1 is still at t = 2.
        Assert.Equal(2, ((CounterEnv)env.Envs[1]).T);

        var reset = env.Reset(mask: [true, false]);
        Assert.Equal([s[1], 0f], reset.Observations[0]);
        r = env.Step([1, 1]);
        AssertEnv(r, 0, s[1], 1, 11, false, false);
        AssertEnv(r, 1, CounterEnv.Starts(4, 1)[0], 3, 31, true, false);
    }

    [Fact]
    public void ResetSeedsSubEnvIWithSeedPlusIAndForwardsOptions()
    {
        using var env = Make(threaded: false, AutoresetMode.NextStep, n: 4);
        var r = env.Reset(seed: 100);
        for (int i = 0; i < 4; i++) Assert.Equal(CounterEnv.Starts(100 + i, 1)[0], r.Observations[i][0]);

        r = env.Reset(options: OptionSet.Of(("start", 42)));
        Assert.All(r.Observations.ToArray(), o => Assert.Equal(42f, o[0]));

        var e = Assert.Throws<ArgumentException>(() => env.Reset(options: OptionSet.Of(("bogus", 1))));
        Assert.Contains("bogus", e.Message);
        Assert.Contains("start", e.Message);
        Assert.Throws<ArgumentException>(() => env.Reset(mask: [true]));
    }

    [Fact]
    public void StepBeforeResetThrows()
    {
        using var env = Make(threaded: false, AutoresetMode.NextStep);
        var e = Assert.Throws<ResetNeededException>(() => env.Step([0, 0]));
        Assert.Contains("before", e.Message);
        env.Reset(seed: 1, mask: [true, false]);
        e = Assert.Throws<ResetNeededException>(() => env.Step([0, 0]));
        Assert.Contains("sub-env 1", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BadActionsAreRejectedBeforeAnythingIsStepped(bool threaded)
    {
        using var env = Make(threaded, AutoresetMode.NextStep);
        env.Reset(seed: 5);

        var count = Assert.Throws<ArgumentException>(() => env.Step([0, 0, 0]));
        Assert.Contains("expected 2 actions", count.Message);
        Assert.Contains("got 3", count.Message);
        Assert.Throws<ArgumentException>(() => env.Step([1]));

        var bad = Assert.Throws<InvalidActionException>(() => env.Step([1, 5]));
        Assert.Contains("sub-env 1", bad.Message);
        Assert.Contains("Discrete(3)", bad.Message);
        Assert.Contains("5", bad.Message);
        Assert.Throws<InvalidActionException>(() => env.Step([-1, 0]));

        // The rejected calls changed nothing: the next step is the first of the episode.
        var r = env.Step([1, 2]);
        AssertEnv(r, 0, CounterEnv.Starts(5, 1)[0], 1, 11, false, false);
        AssertEnv(r, 1, CounterEnv.Starts(6, 1)[0], 1, 12, false, false);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AFailingSubEnvDoesNotStopTheOthersAndItsErrorIsThrown(bool threaded)
    {
        // Sub-env 1 throws in its second step; 0 and 2 (one a wrapper, one not) are stepped all the same.
        var factories = new Func<IEnv<float[], int>>[]
        {
            () => new CounterEnv(10),
            () => new Rl.Core.Wrappers.TransformReward<float[], int>(new CounterEnv(10), r => r == 21 ? throw new InvalidOperationException("sub-env 1 failed") : r),
            () => new Rl.Core.Wrappers.TimeLimit<float[], int>(new CounterEnv(10), 100),
        };
        using IVectorEnv<float[], int> env = threaded
            ? new ThreadedVectorEnv<float[], int>(factories, AutoresetMode.NextStep, workers: 2)
            : new SyncVectorEnv<float[], int>(factories, AutoresetMode.NextStep);
        env.Reset(seed: 1);
        env.Step([1, 1, 1]);
        var e = Assert.Throws<InvalidOperationException>(() => env.Step([1, 1, 1]));
        Assert.Equal("sub-env 1 failed", e.Message);
        Assert.Equal(2, ((CounterEnv)env.Envs[0]).T);
        Assert.Equal(2, ((CounterEnv)env.Envs[2].Unwrapped).T);
        // The error was thrown once: the next step goes on (sub-env 1's reward is no longer 21).
        var r = env.Step([0, 0, 0]);
        Assert.Equal(30, r.Rewards[0]);
        Assert.Equal(30, r.Rewards[2]);
    }

    [Fact]
    public void ThreadedMatchesSyncOverManyEpisodes()
    {
        foreach (var mode in new[] { AutoresetMode.NextStep, AutoresetMode.SameStep })
        {
            var factories = Enumerable.Range(0, 5).Select(i => (Func<IEnv<float[], int>>)(() => new CounterEnv(2 + i % 3))).ToList();
            using var sync = new SyncVectorEnv<float[], int>(factories, mode);
            using var threaded = new ThreadedVectorEnv<float[], int>(factories, mode, workers: 3);
            Assert.Equal(3, threaded.Workers);
            Assert.Equal(sync.Reset(seed: 9).CopyObservations(), threaded.Reset(seed: 9).CopyObservations());
            var rng = new Rng(1);
            var actions = new int[5];
            for (int t = 0; t < 50; t++)
            {
                for (int i = 0; i < 5; i++) actions[i] = rng.NextInt(3);
                var a = sync.Step(actions);
                var b = threaded.Step(actions);
                Assert.Equal(a.CopyObservations(), b.CopyObservations());
                Assert.Equal(a.Rewards.ToArray(), b.Rewards.ToArray());
                Assert.Equal(a.Terminated.ToArray(), b.Terminated.ToArray());
                for (int i = 0; i < 5; i++) Assert.Equal(a.NextObservation(i), b.NextObservation(i));
            }
        }
    }

    [Fact]
    public void WriteObservationsGivesOneContiguousBatch()
    {
        using var env = Make(threaded: false, AutoresetMode.NextStep, n: 3);
        var r = env.Reset(seed: 2);
        Assert.Equal(2, env.ObservationDim);
        var batch = new float[6];
        env.WriteObservations(batch);
        Assert.Equal(r.Observations.ToArray().SelectMany(o => o).ToArray(), batch);
        var e = Assert.Throws<ArgumentException>(() => env.WriteObservations(new float[5]));
        Assert.Contains("6", e.Message);
    }

    [Fact]
    public void ObservationBuffersAreReusedAndCopiesAreNot()
    {
        using var env = Make(threaded: false, AutoresetMode.NextStep, n: 1);
        var r = env.Reset(seed: 2);
        var buffer = r.Observations[0];
        var copy = r.CopyObservations()[0];
        var s = env.Step([0]);
        Assert.Same(buffer, s.Observations[0]);
        Assert.Equal(1f, buffer[1]);
        Assert.Equal(0f, copy[1]);
    }

    [Fact]
    public void SpacesAreBatched()
    {
        using var env = Make(threaded: false, AutoresetMode.NextStep, n: 3);
        Assert.Equal(3, env.NumEnvs);
        Assert.Equal("Batch(3 x Discrete(3))", env.ActionSpace.ToString());
        Assert.Equal([3, 2], env.ObservationSpace.Shape);
        Assert.Equal(6, env.ObservationSpace.FlatDim);
        env.ActionSpace.Seed(4);
        var actions = env.ActionSpace.Sample();
        Assert.Equal(3, actions.Length);
        Assert.True(env.ActionSpace.Contains(actions));
        Assert.Contains("element 1", env.ActionSpace.Explain([0, 3, 0]));
        Assert.Contains("2 elements", env.ActionSpace.Explain([0, 1]));
        Assert.Equal(env.Envs[0].ActionSpace, env.SingleActionSpace);
        Assert.Equal("SyncVectorEnv(CounterEnv x 3)", env.Name);
    }

    [Fact]
    public void SubEnvsWithDifferentSpacesAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new SyncVectorEnv<int, int>(
            [() => new ConstantEnv(2), () => new ConstantEnv(3)]));
        Assert.Contains("sub-env 1", e.Message);
        Assert.Contains("Discrete(3)", e.Message);
        Assert.Throws<ArgumentException>(() => new SyncVectorEnv<int, int>([]));
    }

    [Fact]
    public void NonArrayObservationsAreFlattenedOneHot()
    {
        using var env = new SyncVectorEnv<int, int>([() => new ConstantEnv(3), () => new ConstantEnv(3)]);
        env.Reset(seed: 0);
        var batch = new float[6];
        env.WriteObservations(batch);
        Assert.Equal([0f, 1f, 0f, 0f, 1f, 0f], batch);
    }

    /// <summary>Observes the constant 1 in Discrete(n); episodes end after one step.</summary>
    private sealed class ConstantEnv(int n) : Env<int, int>
    {
        private readonly Discrete _space = new(n);
        public override Space<int> ObservationSpace => _space;
        public override Space<int> ActionSpace => _space;
        protected override ResetResult<int> ResetCore(OptionSet options, int into) => new(1, Info.Empty);
        protected override StepResult<int> StepCore(int action, int into) => new(1, 0, true, false, Info.Empty);
    }
}
