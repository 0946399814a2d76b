using Rl.Agents.Evaluation;
using Rl.Agents.GradientFree;
using Rl.Agents.Policies;
using Rl.Agents.Rollouts;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Spaces;
using Rl.Environments;
using static Rl.Agents.Tests.GradientFree.GradientFreeTestSupport;

namespace Rl.Agents.Tests.GradientFree;

public class GradientFreeRolloutTests
{
    private static FlatPolicy TrainedCartPolePolicy(int iterations = 2)
    {
        using var ars = Create(new ArsConfig(), Context(seed: 3));
        for (int i = 0; i < iterations; i++) ars.RunIteration();
        return (FlatPolicy)ars.Policy;
    }

    [Fact]
    public void FastAndGenericEvaluationAgreeAndDoNotDependOnThreads()
    {
        var policy = TrainedCartPolePolicy();
        Func<IEnv> make = () => Envs.Make("CartPole-v1");
        var fast1 = Evaluator.Evaluate(policy, make, new EvaluationOptions { Episodes = 20, Seed = 11, Threads = 1 });
        var fast2 = Evaluator.Evaluate(policy, make, new EvaluationOptions { Episodes = 20, Seed = 11, Threads = 2 });
        var generic = Evaluator.Evaluate(new OpaquePolicy(policy), make, new EvaluationOptions { Episodes = 20, Seed = 11 });

        Assert.Equal(fast1.Returns, fast2.Returns);
        Assert.Equal(fast1.Returns, generic.Returns);
        Assert.Equal(fast1.Lengths, generic.Lengths);
        Assert.True(fast1.Returns.Distinct().Count() > 1); // the seeds make the episodes differ
        Assert.Equal(fast1.Returns.Average(), fast1.MeanReturn, 9);
    }

    [Fact]
    public void StochasticEvaluationAgreesBetweenPathsToo()
    {
        var policy = TrainedCartPolePolicy();
        Func<IEnv> make = () => Envs.Make("CartPole-v1");
        var fast = Evaluator.Evaluate(policy, make, new EvaluationOptions { Episodes = 10, Seed = 3, Deterministic = false, Threads = 2 });
        var generic = Evaluator.Evaluate(new OpaquePolicy(policy), make, new EvaluationOptions { Episodes = 10, Seed = 3, Deterministic = false });
        Assert.Equal(fast.Returns, generic.Returns);
    }

    [Fact]
    public void UntypedEnvironmentsRunThroughTheBoxedLoopWithTheSameResults()
    {
        var policy = TrainedCartPolePolicy();
        using var typed = new RolloutWorker(Envs.Make("CartPole-v1"), policy.Architecture);
        using var boxed = new RolloutWorker(new UntypedEnv(Envs.Make("CartPole-v1")), policy.Architecture);
        Assert.True(typed.IsTyped);
        Assert.False(boxed.IsTyped);
        for (int seed = 0; seed < 5; seed++)
            Assert.Equal(typed.RunEpisode(policy.Parameters, null, seed, true), boxed.RunEpisode(policy.Parameters, null, seed, true));
    }

    [Fact]
    public void HorizonCutsEpisodesShort()
    {
        var policy = TrainedCartPolePolicy(iterations: 8);
        var result = Evaluator.Evaluate(policy, () => Envs.Make("CartPole-v1"), new EvaluationOptions { Episodes = 5, Seed = 0, MaxSteps = 7 });
        Assert.All(result.Lengths, l => Assert.True(l <= 7));
        Assert.Contains(7, result.Lengths);
    }

    [Fact]
    public void PerTaskStatisticsMergedInOrderMatchOneRunningMeanStd()
    {
        var rng = new Rng(1);
        var all = new RunningMeanStd(3);
        var merged = new RunningMeanStd(3);
        for (int task = 0; task < 4; task++)
        {
            var local = new ObservationStatistics(3);
            for (int i = 0; i < 50 + task; i++)
            {
                float[] x = [(float)rng.NextGaussian(1, 2), (float)rng.NextGaussian(-3, 0.5), task];
                local.Add(x);
                all.Update(x);
            }
            local.MergeInto(merged);
        }
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(all.Mean[i], merged.Mean[i], 9);
            Assert.Equal(all.Variance[i], merged.Variance[i], 6);
        }
    }

    [Fact]
    public void ArsV2CountsEveryStateItVisitedAndFreezesThePolicysStatistics()
    {
        using var ars = Create(new ArsConfig { Version = ArsVersion.V2 }, Context(seed: 4));
        var result = ars.RunIteration();
        Assert.Equal(ars.EnvSteps, result.EpisodeLengths.Sum());
        Assert.Equal(ars.EnvSteps + 1e-4, result.Scalars["normalizer/observation_count"], 6); // one state per step, plus the prior pseudo-count
        var policy = (FlatPolicy)ars.Policy;
        var meanBefore = policy.Filter!.Mean.ToArray();
        ars.RunIteration();
        Assert.Equal(meanBefore, policy.Filter.Mean.ToArray());
        Assert.NotEqual(meanBefore, ((FlatPolicy)ars.Policy).Filter!.Mean.ToArray());
    }

    [Fact]
    public void ArsV1KeepsNoStatistics()
    {
        using var ars = Create(new ArsConfig { Version = ArsVersion.V1 }, Context());
        ars.RunIteration();
        Assert.Null(((FlatPolicy)ars.Policy).Filter);
    }

    [Fact]
    public void IterationResultsReportEpisodesAndDiagnostics()
    {
        using var es = Create(new EvolutionStrategiesConfig(), Context());
        var result = es.RunIteration();
        Assert.Equal(10, result.EpisodeReturns.Count); // population 10, one episode each
        Assert.Equal(es.EnvSteps, result.EpisodeLengths.Sum());
        foreach (var key in new[] { "rollout/mean_return", "rollout/max_return", "search/sigma", "search/step_norm", "search/gradient_norm", "policy/parameter_norm", "policy/weight_norm/linear.weight" })
            Assert.True(result.Scalars.ContainsKey(key), key);
        Assert.Equal(es.Dimension, result.Histograms["parameters"].Length);
        Assert.Equal(1, es.Iteration);
    }

    /// <summary>Hides the <see cref="FlatPolicy"/> type so evaluation takes the generic path.</summary>
    private sealed class OpaquePolicy(IPolicy inner) : IPolicy
    {
        public object Act(object observation, bool deterministic, Rng rng) => inner.Act(observation, deterministic, rng);
    }

    /// <summary>Exposes an environment only through the untyped <see cref="IEnv"/> interface.</summary>
    private sealed class UntypedEnv(IEnv inner) : IEnv
    {
        public string Name => inner.Name;
        public Space ObservationSpace => inner.ObservationSpace;
        public Space ActionSpace => inner.ActionSpace;
        public EnvMetadata Metadata => inner.Metadata;
        public EnvSpec? Spec => inner.Spec;
        public IEnv Unwrapped => inner.Unwrapped;
        public ResetResult<object> ResetObject(int? seed = null, OptionSet? options = null) => inner.ResetObject(seed, options);
        public StepResult<object> StepObject(object action) => inner.StepObject(action);
        public void Dispose() => inner.Dispose();
    }
}
