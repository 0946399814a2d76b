using Rl.Agents.Evaluation;
using Rl.Agents.Imitation;
using Rl.Agents.Tests.PolicyGradient;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Environments;
using TorchSharp;
using Xunit.Abstractions;

namespace Rl.Agents.Tests.Imitation;

/// <summary>The acceptance tests of imitation learning, with fixed seeds.</summary>
public sealed class ImitationLearningTests(ITestOutputHelper output)
{
    [Fact]
    public void BehaviorCloningFromTenExpertEpisodesBalancesCartPole()
    {
        torch.set_num_threads(1);
        var config = new BcConfig { ExpertEpisodes = 10, EvalEpisodes = 0 };
        using var bc = new BehaviorCloning(config, Contexts.For(() => Envs.Make("CartPole-v1"), 1));
        Assert.Equal(5000, bc.Expert!.Steps); // the scripted expert balances all 10 episodes to the limit
        for (int i = 0; i < 20 && !bc.Learner.Stopped; i++) bc.RunIteration();
        var eval = Evaluator.Evaluate(bc.Policy, () => Envs.Make("CartPole-v1"), new EvaluationOptions { Episodes = 100, Seed = 1000 });
        output.WriteLine($"BC: {bc.Iteration} epochs, mean return {eval.MeanReturn} (min {eval.Returns.Min()})");
        Assert.True(eval.MeanReturn >= 475, $"mean return {eval.MeanReturn} over 100 episodes after {bc.Iteration} epochs");
    }

    internal static double MeanProgress(IPolicy policy, Func<IEnv> makeEnv, int episodes, int seed)
    {
        using var env = makeEnv();
        double total = 0;
        var rng = new Rng(seed);
        for (int e = 0; e < episodes; e++)
        {
            var (obs, info) = env.ResetObject(seed + e);
            double progress = 0;
            while (true)
            {
                var step = env.StepObject(policy.Act(obs, deterministic: true, rng));
                obs = step.Observation;
                progress = step.Info.Get<double>("progress");
                if (step.Terminated || step.Truncated) break;
            }
            total += progress;
        }
        return total / episodes;
    }

    // The drift problem: BC fit to 600 expert labels (two 300-step races) drifts off roads in states the expert never
    // visited, while DAgger, with the same 600 labels gathered along its own mixed trajectories (beta 1, 0.5, 0.25), learns
    // to recover. Evaluated on 10 tracks neither saw (a new generated track every reset), as the fraction of the race done.
    [Fact]
    public void DaggerCompletesMoreOfTheTrackThanBehaviorCloningWithTheSameLabels()
    {
        torch.set_num_threads(1);
        static IEnv Make() => Envs.Make("KartState-v0", new MakeOptions { MaxEpisodeSteps = 300, Kwargs = OptionSet.Of(("step_info", true)) });
        const int labels = 600;
        using var bc = new BehaviorCloning(new BcConfig { ExpertEpisodes = 100, ExpertSteps = labels, EvalEpisodes = 0, Patience = 10 }, Contexts.For(Make, 1));
        for (int i = 0; i < 40 && !bc.Learner.Stopped; i++) bc.RunIteration();
        using var dagger = new Dagger(new DaggerConfig { StepsPerIteration = labels / 3, EvalEpisodes = 0, Patience = 10, EpochsPerIteration = 30 }, Contexts.For(Make, 1));
        for (int i = 0; i < 3; i++) dagger.RunIteration();
        Assert.Equal(labels, bc.Learner.Labels);
        Assert.Equal(labels, dagger.Learner.Labels);
        double bcProgress = MeanProgress(bc.Policy, Make, 10, 500);
        double daggerProgress = MeanProgress(dagger.Policy, Make, 10, 500);
        output.WriteLine($"fraction of the race completed in 300 steps: BC {bcProgress:F3}, DAgger {daggerProgress:F3}");
        Assert.True(daggerProgress > bcProgress + 0.2, $"DAgger completed {daggerProgress:F3} of the race, BC {bcProgress:F3}");
        Assert.True(daggerProgress > 0.8, $"DAgger completed only {daggerProgress:F3} of the race");
    }
}
