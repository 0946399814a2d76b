using Rl.Agents.PolicyGradient;
using Rl.Agents.Rollouts;

namespace Rl.Agents.Tests.PolicyGradient;

public class ReturnsTests
{
    public static TheoryData<double> Gammas => [0.0, 0.5, 0.9, 0.99, 1.0];

    [Theory]
    [MemberData(nameof(Gammas))]
    public void DiscountedReturnSumsDiscountedRewards(double g)
    {
        float[] r = [1, 2, 3];
        Assert.Equal(1 + 2 * g + 3 * g * g, Returns.Discounted(r, g), 6);
        // A truncated episode adds γ^T V(s_T).
        Assert.Equal(1 + 2 * g + 3 * g * g + g * g * g * 10, Returns.Discounted(r, g, bootstrapValue: 10), 5);
    }

    [Theory]
    [MemberData(nameof(Gammas))]
    public void RewardToGoCreditsOnlyLaterRewards(double g)
    {
        float[] r = [1, 2, 3];
        var terminated = new float[3];
        Returns.RewardToGo(r, g, 0, terminated);
        Assert.Equal(1 + 2 * g + 3 * g * g, terminated[0], 5);
        Assert.Equal(2 + 3 * g, terminated[1], 5);
        Assert.Equal(3, terminated[2], 5);

        var truncated = new float[3];
        Returns.RewardToGo(r, g, 10, truncated);
        Assert.Equal(1 + 2 * g + 3 * g * g + 10 * g * g * g, truncated[0], 5);
        Assert.Equal(2 + 3 * g + 10 * g * g, truncated[1], 5);
        Assert.Equal(3 + 10 * g, truncated[2], 5);
    }

    [Theory]
    [MemberData(nameof(Gammas))]
    public void BatchReturnsBootstrapTruncatedEpisodesOnly(double g)
    {
        var batch = new RolloutBatch(observationSize: 1, actionWidth: 1);
        float[] zeros2 = [0, 0];
        batch.AddEpisode(zeros2, zeros2, [1, 1], zeros2, truncated: false, finalObservation: null);
        batch.AddEpisode(zeros2, zeros2, [2, 0], zeros2, truncated: true, finalObservation: [5f]);
        // The bootstrap value offered for the terminated episode must be ignored.
        float[] bootstrap = [100, 4];

        var toGo = Returns.ForBatch(batch, g, rewardToGo: true, bootstrap);
        Assert.Equal(new[] { 1 + g, 1, 2 + 4 * g * g, 4 * g }, toGo.Select(x => (double)x).ToArray(), new Tolerance(1e-5));

        var whole = Returns.ForBatch(batch, g, rewardToGo: false, bootstrap);
        Assert.Equal(new[] { 1 + g, 1 + g, 2 + 4 * g * g, 2 + 4 * g * g }, whole.Select(x => (double)x).ToArray(), new Tolerance(1e-5));
    }

    [Theory]
    [MemberData(nameof(Gammas))]
    public void VTraceOnPolicyIsTheRewardToGoAndItsAdvantage(double g)
    {
        // Two episodes back to back: [1, 2, 3] terminated, then [4, 5] truncated with V(final) = 10.
        float[] r = [1, 2, 3, 4, 5];
        float[] v = [0.5f, -1, 2, 0.25f, 3];
        StepEnd[] ends = [StepEnd.Continues, StepEnd.Continues, StepEnd.Terminated, StepEnd.Continues, StepEnd.Truncated];
        float[] finals = [0, 0, 0, 0, 10];
        var targets = new float[5];
        var advantages = new float[5];
        VTrace.Compute(r, v, [1, 1, 1, 1, 1], ends, finals, g, c: 1.0, targets, advantages);
        var first = new float[3];
        var second = new float[2];
        Returns.RewardToGo(r.AsSpan(0, 3), g, 0, first);
        Returns.RewardToGo(r.AsSpan(3, 2), g, 10, second);
        float[] expected = [.. first, .. second];
        for (int t = 0; t < 5; t++)
        {
            Assert.Equal(expected[t], targets[t], 4);
            Assert.Equal(expected[t] - v[t], advantages[t], 4);
        }
    }

    [Theory]
    [MemberData(nameof(Gammas))]
    public void VTraceTruncatesPerDecisionWeights(double g)
    {
        // r = [1, 2] then terminal; V = [0.5, 1]; ρ = [2, 0.5]; c = 1, so ρ̄ = c̄ = [1, 0.5].
        // t = 1: δ = 0.5 (2 − 1) = 0.5, v = 1 + 0.5 = 1.5, A = 2 − 1 = 1.
        // t = 0: δ = 1 + γ·1 − 0.5, v = 0.5 + δ + γ·1·(1.5 − 1) = 1 + 1.5γ, A = 1 + γ·1.5 − 0.5.
        var targets = new float[2];
        var advantages = new float[2];
        VTrace.Compute([1, 2], [0.5f, 1], [2, 0.5f], [StepEnd.Continues, StepEnd.Terminated], [0, 0], g, 1.0, targets, advantages);
        Assert.Equal(1 + 1.5 * g, targets[0], 5);
        Assert.Equal(1.5, targets[1], 5);
        Assert.Equal(0.5 + 1.5 * g, advantages[0], 5);
        Assert.Equal(1.0, advantages[1], 5);

        // With c = 3 the first weight is no longer cut: δ0 = 2 (1 + γ − 0.5), v0 = 0.5 + δ0 + γ·1·0.5.
        VTrace.Compute([1, 2], [0.5f, 1], [2, 0.5f], [StepEnd.Continues, StepEnd.Terminated], [0, 0], g, 3.0, targets, advantages);
        Assert.Equal(0.5 + 2 * (0.5 + g) + 0.5 * g, targets[0], 5);
    }

    [Fact]
    public void VTraceBootstrapsTruncatedStepsFromTheFinalValue()
    {
        var targets = new float[1];
        var advantages = new float[1];
        VTrace.Compute([1], [0.2f], [0.3f], [StepEnd.Truncated], [3], 0.9, 1.0, targets, advantages);
        // δ = 0.3 (1 + 0.9·3 − 0.2); v = 0.2 + δ (the trace term vanishes: v_T = V(s_T)); A = 1 + 0.9·3 − 0.2.
        Assert.Equal(0.2 + 0.3 * 3.5, targets[0], 5);
        Assert.Equal(3.5, advantages[0], 5);
        Assert.Throws<ArgumentException>(() => VTrace.Compute([1], [0], [1], [StepEnd.Continues], [0], 0.9, 1, targets, advantages));
    }

    private sealed class Tolerance(double eps) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= eps;
        public int GetHashCode(double obj) => 0;
    }
}
