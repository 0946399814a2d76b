using Rl.Core;
using Rl.Core.Demonstrations;
using Rl.Core.Experts;
using Rl.Environments.Classic;
using Rl.Environments.Experts;
using Rl.Environments.Kart;

namespace Rl.Environments.Tests.Experts;

public sealed class ExpertTests
{
    private static (double Return, int Steps) RunExpert(IEnv env, IExpert expert, int seed)
    {
        var (obs, _) = env.ResetObject(seed);
        expert.EpisodeStarted(env);
        double ret = 0;
        int steps = 0;
        while (true)
        {
            var step = env.StepObject(expert.Label(env, obs));
            ret += step.Reward;
            steps++;
            obs = step.Observation;
            if (step.Terminated || step.Truncated) return (ret, steps);
        }
    }

    [Fact]
    public void TheCartPoleControllerBalancesForTheWholeEpisode()
    {
        using var env = Envs.Make("CartPole-v1");
        var expert = ScriptedExperts.For("CartPole-v1", env);
        for (int seed = 0; seed < 20; seed++) Assert.Equal(500, RunExpert(env, expert, seed).Return);
    }

    [Fact]
    public void TheKartExpertAdaptersFinishTheRace()
    {
        using var env = Envs.Make(KartEnv.Id, ("track_seed", 3));
        var (ret, steps) = RunExpert(env, ScriptedExperts.For(KartEnv.Id, env), seed: 1);
        Assert.True(steps < KartEnvs.MaxSteps, $"continuous expert took {steps} steps");
        Assert.Equal(KartExpert.RaceOf(env).Track.Length, ret, 1);
        using var discrete = Envs.Make(KartDiscreteEnv.Id, ("track_seed", 3));
        (_, steps) = RunExpert(discrete, ScriptedExperts.For(KartDiscreteEnv.Id, discrete), seed: 1);
        Assert.True(steps < KartEnvs.MaxSteps, $"discrete expert took {steps} steps");
        Assert.True(KartExpert.RaceOf(discrete).Finished);
    }

    [Fact]
    public void AnEnvironmentWithoutAnExpertIsNamed()
    {
        using var env = Envs.Make("CartPole-v1");
        var e = Assert.Throws<KeyNotFoundException>(() => ScriptedExperts.For("Hopper-v1", env));
        Assert.Contains("'Hopper-v1'", e.Message, StringComparison.Ordinal);
        Assert.Contains("CartPole-v1", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new CartPoleExpert().Label(Envs.Make(KartEnv.Id), new float[16]));
    }

    [Fact]
    public void ActionsMirror()
    {
        var cart = new CartPoleEnv();
        Assert.Equal(1, cart.MirrorAction(0));
        Assert.Equal(0, cart.MirrorAction(1));
        var kart = new KartEnv();
        Assert.Equal(new[] { 0.5f, 1f, 0f }, (float[])kart.MirrorAction(new[] { -0.5f, 1f, 0f }));
        var d = new KartDiscreteEnv();
        // 4 = accelerate left, 5 = accelerate right, 3 = accelerate straight, 7 = brake left.
        Assert.Equal([0, 2, 1, 3, 5, 4, 6, 8, 7], Enumerable.Range(0, 9).Select(a => (int)d.MirrorAction(a)));
        Assert.Throws<ArgumentException>(() => d.MirrorAction(9));
    }

    [Fact]
    public void ExpertEpisodesRecordAndLoadBack()
    {
        string dir = Path.Combine(Path.GetTempPath(), "rl-expert-demos-" + Environment.ProcessId);
        try
        {
            using var env = Envs.Make(KartEnv.Id, ("track_seed", 2), ("step_info", true));
            var expert = ScriptedExperts.For(KartEnv.Id, env);
            var writer = DemonstrationWriter.For(dir, env);
            var (obs, _) = env.ResetObject(seed: 5);
            writer.BeginEpisode(obs, seed: 5);
            for (int i = 0; i < 50; i++)
            {
                var action = expert.Label(env, obs);
                var step = env.StepObject(action);
                writer.Record(action, step.Observation, step.Reward, step.Terminated, step.Truncated, step.Info);
                obs = step.Observation;
            }
            writer.EndEpisode();
            var set = DemonstrationSet.Load(dir, env);
            var ep = Assert.Single(set.Episodes);
            Assert.Equal(50, ep.Length);
            Assert.Equal("KartState-v0", set.Manifest.EnvId);
            Assert.Contains("progress", ep.Infos.Keys);
            Assert.Contains("off_track", ep.Infos.Keys);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
