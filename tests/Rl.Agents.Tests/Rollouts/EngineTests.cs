using Rl.Agents.Evaluation;
using Rl.Agents.PolicyGradient;
using Rl.Agents.Rollouts;
using Rl.Agents.Tests.PolicyGradient;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Environments;
using TorchSharp;

namespace Rl.Agents.Tests.Rollouts;

/// <summary>Returns and bootstraps through the rollout engine, checked against values computed by hand.</summary>
public class EngineTests
{
    public EngineTests() => torch.set_num_threads(1);

    // The chain (reward 1 per step, observation [t/10, 1], action 1 terminates) with a 4-step time limit. The scripted
    // actor plays 0 in even episodes (truncated after 4 steps, final observation [0.4, 1]) and in odd ones plays 1 at t = 2
    // (terminated after 3 steps). Episodes are counted by their first observation (t = 0).
    [Fact]
    public void CompleteEpisodesGiveHandComputedReturnsAndOnlyTruncationBootstraps()
    {
        using var collector = new LockstepCollector(() => ChainEnv.WithLimit(4), 1, new Rng(1));
        var batch = collector.CollectEpisodes(new ScriptedActor(), minSteps: 0, minEpisodes: 2);

        Assert.Equal(2, batch.Episodes.Count);
        var (truncated, terminated) = (batch.Episodes[0], batch.Episodes[1]);
        Assert.Equal((0, 4, true, 4.0), (truncated.Start, truncated.Length, truncated.Truncated, truncated.Return));
        Assert.Equal(new[] { 0.4f, 1f }, truncated.FinalObservation);
        Assert.Equal((4, 3, false, 3.0), (terminated.Start, terminated.Length, terminated.Truncated, terminated.Return));
        Assert.Null(terminated.FinalObservation); // termination: nothing to bootstrap from
        Assert.Equal(new[] { 0f, 1f, 0.1f, 1f, 0.2f, 1f, 0.3f, 1f, 0f, 1f, 0.1f, 1f, 0.2f, 1f }, batch.Observations.ToArray());
        Assert.Equal(new[] { 0f, 0f, 0f, 0f, 0f, 0f, 1f }, batch.Actions.ToArray());

        // V(s) = 10 s[0]: V(final) = 4 for the truncated episode. γ = 0.5.
        float[] bootstrap = [10 * truncated.FinalObservation![0], 0];
        var toGo = Returns.ForBatch(batch, 0.5, rewardToGo: true, bootstrap);
        // Truncated: G_3 = 1 + 0.5·4 = 3, G_2 = 1 + 0.5·3 = 2.5, G_1 = 1 + 0.5·2.5 = 2.25, G_0 = 1 + 0.5·2.25 = 2.125.
        // Terminated: G_2 = 1, G_1 = 1.5, G_0 = 1.75 (no V after the last step).
        Assert.Equal(new[] { 2.125f, 2.25f, 2.5f, 3f, 1.75f, 1.5f, 1f }, toGo);
        var whole = Returns.ForBatch(batch, 0.5, rewardToGo: false, bootstrap);
        Assert.Equal(new[] { 2.125f, 2.125f, 2.125f, 2.125f, 1.75f, 1.75f, 1.75f }, whole);
    }

    // Two environments, fixed-length collection, time-major rows k = t·2 + i. Env 0 always plays 0 (truncated at t = 3);
    // env 1 plays 1 at t = 2 of each of its episodes (terminated at t = 2).
    [Fact]
    public void FixedLengthStepsMarkTruncationAndTerminationAndKeepTheObservationsToBootstrapFrom()
    {
        using var collector = new LockstepCollector(() => ChainEnv.WithLimit(4), 2, new Rng(1));
        var batch = new StepBatch(stepsPerEnv: 5, numEnvs: 2, observationSize: 2, actionWidth: 1);
        collector.CollectSteps(new ByEnvActor(), batch);

        bool[] truncated = new bool[10], terminated = new bool[10];
        truncated[3 * 2 + 0] = true;
        terminated[2 * 2 + 1] = true;
        Assert.Equal(truncated, batch.Truncated);
        Assert.Equal(terminated, batch.Terminated);
        Assert.Equal(new[] { 0.4f, 1f }, batch.FinalObservations.AsSpan((3 * 2 + 0) * 2, 2).ToArray());
        Assert.Equal(new[] { 0.3f, 1f }, batch.FinalObservations.AsSpan((2 * 2 + 1) * 2, 2).ToArray());
        // After its end each environment starts again at t = 0 within the same step.
        Assert.Equal(new[] { 0f, 1f }, batch.Observations.AsSpan((4 * 2 + 0) * 2, 2).ToArray());
        Assert.Equal(new[] { 0f, 1f }, batch.Observations.AsSpan((3 * 2 + 1) * 2, 2).ToArray());
        Assert.Equal(new[] { 0.1f, 1f, 0.2f, 1f }, batch.LastObservations);
        Assert.Equal([(3.0, 3), (4.0, 4)], batch.FinishedEpisodes);

        // One-step targets y = r + γ V(s') with V(s) = 10 s[0], γ = 0.5: the truncated step bootstraps from its final
        // observation (1 + 0.5·4 = 3), the terminated one does not (1), a running one reads the next row (env 0, t = 0: 1 + 0.5·1).
        double Target(int k)
        {
            if (batch.Terminated[k]) return batch.Rewards[k];
            float next = batch.Truncated[k] ? batch.FinalObservations[k * 2] : batch.Observations[(k + 2) * 2];
            return batch.Rewards[k] + 0.5 * 10 * next;
        }
        Assert.Equal(3, Target(3 * 2 + 0), 5);
        Assert.Equal(1, Target(2 * 2 + 1), 5);
        Assert.Equal(1.5, Target(0), 5);

        // The next call continues the running episodes (no reset): env 0 is at t = 1, env 1 at t = 2.
        collector.CollectSteps(new ByEnvActor(), batch);
        Assert.Equal(new[] { 0.1f, 1f, 0.2f, 1f }, batch.Observations.AsSpan(0, 4).ToArray());
    }

    [Fact]
    public void AnActorOfTheWrongWidthIsRefusedByName()
    {
        using var collector = new LockstepCollector(() => Envs.Make("CartPole-v1"), 2, new Rng(1));
        var e = Assert.Throws<ArgumentException>(() => collector.CollectEpisodes(new WideActor(), 10));
        Assert.Contains("3 floats", e.Message);
        Assert.Contains("Discrete(2)", e.Message);
    }

    [Fact]
    public void EvaluationRunsEpisodeIWithSeedBasePlusIWhateverTheBatching()
    {
        using var agent = new Reinforce(new ReinforceConfig { StepsPerIteration = 500 }, Contexts.For(() => Envs.Make("CartPole-v1"), 2));
        agent.RunIteration();
        Func<IEnv> make = () => Envs.Make("CartPole-v1");
        var all = Evaluator.Evaluate(agent.Policy, make, new EvaluationOptions { Episodes = 12, Seed = 40 });
        var two = Evaluator.Evaluate(agent.Policy, make, new EvaluationOptions { Episodes = 12, Seed = 40, NumEnvs = 2 });
        var sequential = Evaluator.Evaluate(new Boxed(agent.Policy), make, new EvaluationOptions { Episodes = 12, Seed = 40 });
        Assert.Equal(sequential.Lengths, all.Lengths);
        Assert.Equal(sequential.Lengths, two.Lengths);
        Assert.Equal(sequential.Returns, all.Returns);
        Assert.True(all.Lengths.Distinct().Count() > 1, "the episodes should differ in length for this check to mean something");

        // Episode 5 alone with seed 45 is episode 5 of the list.
        var fifth = Evaluator.Evaluate(agent.Policy, make, new EvaluationOptions { Episodes = 1, Seed = 45 });
        Assert.Equal(all.Lengths[5], fifth.Lengths[0]);
    }

    [Fact]
    public void BatchedEvaluationCutsEpisodesAtTheStepLimit()
    {
        using var agent = new Reinforce(new ReinforceConfig(), Contexts.For(() => Envs.Make("CartPole-v1"), 2));
        var result = Evaluator.Evaluate(agent.Policy, () => Envs.Make("CartPole-v1"), new EvaluationOptions { Episodes = 5, MaxSteps = 3, NumEnvs = 2 });
        Assert.Equal([3, 3, 3, 3, 3], result.Lengths);
    }

    [Fact]
    public void EvaluationOptionsOutOfRangeAreNamed()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Evaluator.Evaluate(new Boxed(null!), () => Envs.Make("CartPole-v1"), new EvaluationOptions { Episodes = 0 }));
        Assert.Equal("Episodes", e.ParamName);
    }

    private sealed class ScriptedActor : IBatchActor
    {
        private int _episode = -1;

        public int ActionWidth => 1;

        public void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, Span<float> logProbs)
        {
            if (observations[0] == 0) _episode++;
            actions[0] = _episode % 2 == 1 && Math.Abs(observations[0] - 0.2f) < 1e-6 ? 1 : 0;
            logProbs[0] = 0;
        }
    }

    private sealed class ByEnvActor : IBatchActor
    {
        public int ActionWidth => 1;

        public void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, Span<float> logProbs)
        {
            actions[0] = 0;
            actions[1] = Math.Abs(observations[2] - 0.2f) < 1e-6 ? 1 : 0;
            logProbs.Clear();
        }
    }

    private sealed class WideActor : IBatchActor
    {
        public int ActionWidth => 3;

        public void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, Span<float> logProbs) { }
    }

    // Hides the batched interface, so the evaluator takes its one-episode-at-a-time path.
    private sealed class Boxed(IPolicy inner) : IPolicy
    {
        public object Act(object observation, bool deterministic, Rng rng) => inner.Act(observation, deterministic, rng);
    }
}
