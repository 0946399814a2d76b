using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Core.Tests;

public class CheckerTests
{
    [Fact]
    public void ACorrectEnvPassesEveryCheck()
    {
        var report = EnvChecker.Check(new FlawedEnv(Flaw.None), () => new FlawedEnv(Flaw.None));
        Assert.True(report.Ok, report.ToString());
        Assert.All(report.Results, r => Assert.Equal(EnvCheckStatus.Passed, r.Status));
        Assert.Equal(10, report.Results.Count);
    }

    [Fact]
    public void AnEnvOnTheBaseClassPassesThroughTheUntypedEntryWithAndWithoutASecondInstance()
    {
        EnvChecker.Check((IEnv)new CounterEnv(4), () => new CounterEnv(4)).ThrowIfFailed();
        EnvChecker.Check(new CounterEnv(4)).ThrowIfFailed();
    }

    [Theory]
    [InlineData(Flaw.ObservationOutsideSpace, "step outputs and episode end", "outside the observation space")]
    [InlineData(Flaw.NonFiniteReward, "step outputs and episode end", "reward NaN is not finite")]
    [InlineData(Flaw.NoErrorAfterEnd | Flaw.ObservationOutsideSpace, "step outputs and episode end", "outside the observation space")]
    [InlineData(Flaw.NoErrorAfterEnd | Flaw.ObservationOutsideSpace, "step outputs and episode end", "after the episode ended at step 5")]
    [InlineData(Flaw.NoErrorAfterEnd, "step outputs and episode end", "after the episode ended at step 5 (terminated=True, truncated=False) did not throw")]
    [InlineData(Flaw.NoErrorBeforeReset, "step before reset", "did not throw; expected ResetNeededException")]
    [InlineData(Flaw.NondeterministicReset, "reset determinism", "the same seed must give the same observation")]
    [InlineData(Flaw.NondeterministicReset, "determinism", "two instances with the same seed differ (Reset(seed: 42), actions sampled with seed 42, later episodes reset without a seed): run 1 at the reset of episode 0: observation")]
    [InlineData(Flaw.AcceptsInvalidActions, "invalid actions", "Step(2) with an action outside Discrete(2) did not throw")]
    [InlineData(Flaw.CorruptsStateOnInvalidAction, "determinism", "run 1 at step 2 of episode 0: action")]
    [InlineData(Flaw.IgnoresInto, "into buffer", "did not return the given buffer")]
    [InlineData(Flaw.AcceptsUnknownOptions, "reset options", "accepted the unknown option")]
    [InlineData(Flaw.IgnoresSeed, "reset determinism", "Reset with seeds 43 to 47 gave the same start and first steps ([")]
    [InlineData(Flaw.ReseedsOnUnseededReset, "reset determinism", "Reset() after Reset(seed) repeated the seeded start for seeds 43 to 47")]
    [InlineData(Flaw.EntropyOnUnseededReset, "reset determinism", "an unseeded reset must continue the seeded generator (the same after the same seed), not draw from entropy")]
    [InlineData(Flaw.RejectsEmptyOptions, "reset options", "options must not be empty")]
    public void EachFlawIsCaughtByItsCheck(Flaw flaw, string check, string message)
    {
        var report = EnvChecker.Check(new FlawedEnv(flaw), () => new FlawedEnv(flaw));
        Assert.False(report.Ok);
        var failure = Assert.Single(report.Failures, f => f.Name == check);
        Assert.Contains(message, failure.Message);
    }

    [Fact]
    public void AnEnvThatDeclaresAFixedStartMayIgnoreItsSeed()
    {
        var report = EnvChecker.Check(new FlawedEnv(Flaw.IgnoresSeed), () => new FlawedEnv(Flaw.IgnoresSeed), new EnvCheckOptions { FixedStart = true });
        Assert.True(report.Ok, report.ToString());
    }

    [Fact]
    public void ASecondDisposeThatThrowsIsAWarning()
    {
        var report = EnvChecker.Check(new FlawedEnv(Flaw.ThrowsOnSecondDispose), () => new FlawedEnv(Flaw.ThrowsOnSecondDispose));
        Assert.True(report.Ok, report.ToString());
        Assert.Contains("disposing a second time threw ObjectDisposedException", Assert.Single(report.Warnings));
        Assert.Contains("warning: disposing a second time", report.ToString());
        Assert.Empty(EnvChecker.Check(new FlawedEnv(Flaw.None), () => new FlawedEnv(Flaw.None)).Warnings);
    }

    [Theory]
    [InlineData(-1f, 1f, 0)]
    [InlineData(0f, 1f, 0)]
    [InlineData(-2f, 2f, 1)]
    [InlineData(-1f, 3f, 1)]
    [InlineData(float.NegativeInfinity, float.PositiveInfinity, 3)]
    [InlineData(0.5f, 0.5f, 1)]
    public void BoxBoundsGiveGymnasiumsWarnings(float low, float high, int warnings)
    {
        var actions = new Box<float>(low, high, 2);
        var report = EnvChecker.Check(new BoxActionEnv(actions), () => new BoxActionEnv(actions));
        Assert.True(report.Ok, report.ToString());
        Assert.Equal(warnings, report.Warnings.Count);
        if (warnings > 0) Assert.All(report.Warnings, w => Assert.Contains("action space Box", w));
        if (float.IsInfinity(high)) Assert.Contains(report.Warnings, w => w.Contains("+infinity"));
        if (low == high) Assert.Contains(report.Warnings, w => w.Contains("low == high at element 0"));
    }

    [Fact]
    public void InfiniteObservationBoundsAreAWarning()
    {
        var report = EnvChecker.Check(new BoxActionEnv(new Box<float>(-1f, 1f, 2), observationHigh: float.PositiveInfinity));
        Assert.True(report.Ok, report.ToString());
        Assert.Contains("the observation space Box", Assert.Single(report.Warnings));
    }

    // Observation [start, t] (start drawn from the seed), a continuous action that is ignored, episodes of 5 steps.
    private sealed class BoxActionEnv(Box<float> actions, float observationHigh = 1000f) : Env<float[], float[]>
    {
        private readonly Box<float> _observations = new(0f, observationHigh, 2);
        private int _start, _t;
        public override Space<float[]> ObservationSpace => _observations;
        public override Space<float[]> ActionSpace => actions;

        protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into)
        {
            _start = Random.NextInt(100);
            _t = 0;
            return new(Write(into), Info.Empty);
        }

        protected override StepResult<float[]> StepCore(float[] action, float[]? into) => new(Write(into), 1, ++_t >= 5, false, Info.Empty);

        private float[] Write(float[]? into)
        {
            var obs = into ?? new float[2];
            obs[0] = _start;
            obs[1] = _t;
            return obs;
        }
    }

    [Fact]
    public void ThrowIfFailedListsEveryFailure()
    {
        var flaws = Flaw.IgnoresInto | Flaw.AcceptsUnknownOptions | Flaw.NoErrorAfterEnd;
        var e = Assert.Throws<EnvCheckException>(() => EnvChecker.Check(new FlawedEnv(flaws)).ThrowIfFailed());
        Assert.Contains("FlawedEnv(NoErrorAfterEnd, IgnoresInto, AcceptsUnknownOptions)", e.Message);
        Assert.Contains("3 of 10 checks failed", e.Message);
        Assert.Contains("FAILED into buffer", e.Message);
        Assert.Contains("FAILED reset options", e.Message);
        Assert.Contains("FAILED step outputs and episode end", e.Message);
        Assert.Equal(3, e.Report.Failures.Count);
    }

    [Fact]
    public void AnEpisodeThatNeverEndsSkipsTheAfterEndCheck()
    {
        var report = EnvChecker.Check(new CounterEnv(1_000_000), options: new EnvCheckOptions { MaxEpisodeSteps = 50 });
        Assert.True(report.Ok, report.ToString());
        var skipped = Assert.Single(report.Results, r => r.Status == EnvCheckStatus.Skipped);
        Assert.Contains("no episode ended within 50", skipped.Message);
    }

    [Fact]
    public void AFactoryOfTheWrongTypeIsReported()
    {
        var report = EnvChecker.Check((IEnv)new CounterEnv(4), () => new WrongTypes());
        var failure = Assert.Single(report.Failures);
        Assert.Equal("determinism", failure.Name);
        Assert.Contains("not an IEnv<Single[], Int32>", failure.Message);
    }

    private sealed class WrongTypes : Env<int, int>
    {
        private readonly Discrete _space = new(2);
        public override Space<int> ObservationSpace => _space;
        public override Space<int> ActionSpace => _space;
        protected override ResetResult<int> ResetCore(OptionSet options, int into) => new(0, Info.Empty);
        protected override StepResult<int> StepCore(int action, int into) => new(0, 0, true, false, Info.Empty);
    }
}
