using Rl.Agents.Imitation;
using Rl.Agents.Tests.PolicyGradient;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Demonstrations;
using Rl.Core.Experts;
using Rl.Core.Spaces;
using Rl.Environments;
using Rl.Environments.Experts;
using TorchSharp;

namespace Rl.Agents.Tests.Imitation;

public sealed class ImitationUnitTests
{
    private static IEnv CartPole() => Envs.Make("CartPole-v1");

    [Fact]
    public void AMirroredFlipReversesRowsAndMirrorsTheLabel()
    {
        // A 1x4 one-channel image; no shift or jitter, always flip; the label mirror negates the row.
        var config = new BcConfig { AugmentShift = 0, AugmentBrightness = 0, AugmentColor = 0, AugmentMirror = 1 };
        var aug = new PixelAugmentation(1, 4, 1, config, row => row[0] = -row[0]);
        float[] image = [10, 20, 30, 40];
        float[] action = [0.5f];
        aug.Apply(image, action, 1, new Rng(1));
        Assert.Equal([40f, 30f, 20f, 10f], image);
        Assert.Equal(-0.5f, action[0]);
    }

    [Fact]
    public void ShiftsRepeatEdgesAndJitterStaysInRange()
    {
        var config = new BcConfig { AugmentShift = 1, AugmentBrightness = 0, AugmentColor = 0, AugmentMirror = 0 };
        var aug = new PixelAugmentation(1, 5, 1, config, mirrorAction: null);
        var rng = new Rng(3);
        var seen = new HashSet<string>();
        for (int i = 0; i < 50; i++)
        {
            float[] image = [1, 2, 3, 4, 5];
            aug.Apply(image, new float[1], 1, rng);
            seen.Add(string.Join(",", image));
        }
        // Shifts of -1, 0 and +1 pixel with the edge pixel repeated.
        Assert.Equal(["1,1,2,3,4", "1,2,3,4,5", "2,3,4,5,5"], seen.Order());
        var jitter = new PixelAugmentation(2, 2, 3, new BcConfig { AugmentBrightness = 1, AugmentColor = 1 }, null);
        var pixels = Enumerable.Repeat(250f, 12).ToArray();
        jitter.Apply(pixels, new float[1], 1, rng);
        Assert.All(pixels, p => Assert.InRange(p, 0f, 255f));
    }

    [Fact]
    public void DaggerResumesExactlyFromACheckpoint()
    {
        torch.set_num_threads(1);
        var config = new DaggerConfig { StepsPerIteration = 200, EpochsPerIteration = 3, EvalEpisodes = 1 };
        using var a = new Dagger(config, Contexts.For(CartPole, 5));
        a.RunIteration();
        var checkpoint = new Checkpoint();
        a.Save(checkpoint);
        var next = a.RunIteration();
        using var b = new Dagger(config, Contexts.For(CartPole, 5));
        b.Load(checkpoint);
        Assert.Equal(1, b.Iteration);
        var resumed = b.RunIteration();
        Assert.Equal(next.EpisodeReturns, resumed.EpisodeReturns);
        Assert.Equal(next.Scalars["loss/train"], resumed.Scalars["loss/train"]);
        Assert.Equal(a.EnvSteps, b.EnvSteps);
        Assert.Equal(a.Learner.Labels, b.Learner.Labels);
    }

    [Fact]
    public void BehaviorCloningLearnsFromADemonstrationDirectory()
    {
        torch.set_num_threads(1);
        string dir = Path.Combine(Path.GetTempPath(), "rl-bc-demos-" + Environment.ProcessId);
        try
        {
            using (var env = CartPole())
            {
                var writer = DemonstrationWriter.For(dir, env);
                var expert = new CartPoleExpert();
                for (int e = 0; e < 3; e++)
                {
                    var (obs, _) = env.ResetObject(e);
                    writer.BeginEpisode(obs, e);
                    for (int t = 0; t < 100; t++)
                    {
                        int action = expert.Label(env, obs);
                        var step = env.StepObject(action);
                        writer.Record(action, step.Observation, step.Reward, step.Terminated, step.Truncated, step.Info);
                        obs = step.Observation;
                    }
                    writer.EndEpisode();
                }
            }
            // A corrupt extra episode is skipped and reported, the good ones are used.
            File.WriteAllBytes(Path.Combine(dir, DemonstrationWriter.EpisodeFileName(7)), [1, 2, 3]);
            using var bc = new BehaviorCloning(new BcConfig { DemosDir = dir, EvalEpisodes = 2 }, Contexts.For(CartPole, 1));
            Assert.Equal(300, bc.Learner.Labels);
            Assert.Contains("skipped 1 bad file(s)", bc.DataSummary, StringComparison.Ordinal);
            Assert.Contains("episode-000007.npz", bc.DataSummary, StringComparison.Ordinal);
            var r = bc.RunIteration();
            Assert.Equal(2, r.EpisodeReturns.Count);
            Assert.True(r.Scalars["loss/train"] < Math.Log(2), $"cross-entropy {r.Scalars["loss/train"]} not below chance");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void DaggerStartsFromRecordedDemonstrations()
    {
        torch.set_num_threads(1);
        string dir = Path.Combine(Path.GetTempPath(), "rl-dagger-demos-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using (var env = CartPole())
            {
                var writer = DemonstrationWriter.For(dir, env);
                var expert = new CartPoleExpert();
                for (int e = 0; e < 2; e++)
                {
                    var (obs, _) = env.ResetObject(e);
                    writer.BeginEpisode(obs, e);
                    for (int t = 0; t < 50; t++)
                    {
                        int action = expert.Label(env, obs);
                        var step = env.StepObject(action);
                        writer.Record(action, step.Observation, step.Reward, step.Terminated, step.Truncated, step.Info);
                        obs = step.Observation;
                    }
                    writer.EndEpisode();
                }
            }
            File.WriteAllBytes(Path.Combine(dir, DemonstrationWriter.EpisodeFileName(5)), [9, 9, 9]);
            // D_0 = the 100 recorded states; the learner then drives (beta0 = 0) and the expert labels 30 more.
            var config = new DaggerConfig { DemosDir = dir, Beta0 = 0, StepsPerIteration = 30, EpochsPerIteration = 3, EvalEpisodes = 1 };
            using var dagger = new Dagger(config, Contexts.For(CartPole, 2));
            Assert.Equal(100, dagger.Learner.Labels);
            Assert.NotNull(dagger.Data);
            Assert.Equal(2, dagger.Data.Episodes);
            Assert.Equal(100, dagger.Data.Labels);
            Assert.Equal("episode-000005.npz", Assert.Single(dagger.Data.Skipped).File);
            var r = dagger.RunIteration();
            Assert.Equal(130, dagger.Learner.Labels);
            Assert.Equal(0, r.Scalars["dagger/expert_action_fraction"]);
            Assert.Equal(30, r.Scalars["rollout/steps"]);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void BehaviorCloningReportsTheLoadedDemonstrations()
    {
        string dir = Path.Combine(Path.GetTempPath(), "rl-bc-report-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using (var env = CartPole())
            {
                var writer = DemonstrationWriter.For(dir, env);
                var (obs, _) = env.ResetObject(0);
                writer.BeginEpisode(obs, 0);
                for (int t = 0; t < 10; t++)
                {
                    var step = env.StepObject(t % 2);
                    writer.Record(t % 2, step.Observation, step.Reward, step.Terminated, step.Truncated, step.Info);
                }
                writer.EndEpisode();
            }
            File.WriteAllBytes(Path.Combine(dir, DemonstrationWriter.EpisodeFileName(3)), [1, 2, 3]);
            using var bc = new BehaviorCloning(new BcConfig { DemosDir = dir, EvalEpisodes = 0 }, Contexts.For(CartPole, 1));
            IReportsData reports = bc;
            Assert.NotNull(reports.Data);
            Assert.Equal(1, reports.Data.Episodes);
            Assert.Equal(10, reports.Data.Labels);
            var skipped = Assert.Single(reports.Data.Skipped);
            Assert.Equal("episode-000003.npz", skipped.File);
            Assert.Contains("episode-000003.npz", skipped.Reason, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void AnEnvironmentWithoutAnExpertIsRefusedByName()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => new Dagger(new DaggerConfig(), Contexts.For(() => Envs.Make("Hopper-v1"), 1)));
        Assert.Contains("Hopper-v1", e.Message, StringComparison.Ordinal);
        Assert.Contains("CartPole-v1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheContextsExpertReplacesTheRegisteredOne()
    {
        // A stand-in for the human expert: it always pushes left, so every label is 0.
        var context = Contexts.For(CartPole, 1) with { Expert = _ => new ConstantExpert() };
        using var dagger = new Dagger(new DaggerConfig { StepsPerIteration = 30, EpochsPerIteration = 1, EvalEpisodes = 0, ValidationFraction = 0 }, context);
        dagger.RunIteration();
        Assert.Equal("always-left", dagger.Expert.Name);
        Assert.All(Enumerable.Range(0, dagger.Learner.Train.Count), i => Assert.Equal(0f, dagger.Learner.Train.ActionRow(i)[0]));
    }

    [Fact]
    public void BadConfigValuesAreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => new DaggerConfig { BetaDecay = 2 }.Validate());
        Assert.Contains("beta_decay", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new BcConfig { ContinuousLoss = (ContinuousLoss)5 }.Validate());
        Assert.Contains("continuous_loss", e.Message, StringComparison.Ordinal);
        Assert.Equal(0.25, new DaggerConfig { Beta0 = 1, BetaDecay = 0.5 }.Beta(2));
    }

    [Fact]
    public void GaussianNllFitsContinuousActions()
    {
        torch.set_num_threads(1);
        static IEnv Make() => Envs.Make("KartState-v0", new MakeOptions { MaxEpisodeSteps = 100 });
        using var bc = new BehaviorCloning(new BcConfig { ContinuousLoss = ContinuousLoss.Nll, ExpertEpisodes = 2, EvalEpisodes = 0 }, Contexts.For(Make, 3));
        double first = bc.RunIteration().Scalars["loss/train"];
        for (int i = 0; i < 5; i++) bc.RunIteration();
        Assert.True(bc.Learner.Evaluate(bc.Learner.Train) < first, "Gaussian NLL did not decrease");
    }

    private sealed class ConstantExpert : IExpert<object, int>
    {
        public string Name => "always-left";

        public int Label(IEnv env, object observation) => 0;
    }
}
