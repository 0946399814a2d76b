using Rl.Core;
using Rl.Core.Vector;
using Rl.Environments.Arcade;
using Rl.Environments.Kart;

namespace Rl.Environments.Tests.Kart;

/// <summary>The checker and vector environments over the games' pixel ids (the state ids are checked with every registered env).</summary>
public class KartContractTests
{
    public static TheoryData<string> PixelIds() => [KartEnvs.PixelsId, KartEnvs.DiscretePixelsId, ArcadeEnvs.BreakoutPixelsId];

    [Theory]
    [MemberData(nameof(PixelIds))]
    public void PixelIdsPassTheChecker(string id)
    {
        var registry = KartRenderTests.PixelRegistry();
        using var env = registry.Make(id);
        var report = EnvChecker.Check(env, () => registry.Make(id));
        report.ThrowIfFailed();
        Assert.DoesNotContain(report.Results, r => r.Status == EnvCheckStatus.Skipped && r.Name == "step outputs and episode end");
    }

    [Fact]
    public void ThreadedAndSyncVectorKartsAgreeStepForStep()
    {
        var registry = KartRenderTests.PixelRegistry();
        using var sync = registry.MakeVector<byte[], int>(KartEnvs.DiscretePixelsId, 4, new VectorEnvOptions { Mode = VectorizationMode.Sync });
        using var threaded = registry.MakeVector<byte[], int>(KartEnvs.DiscretePixelsId, 4, new VectorEnvOptions { Mode = VectorizationMode.Threaded, Workers = 2 });
        var a = sync.Reset(seed: 10);
        var b = threaded.Reset(seed: 10);
        for (int i = 0; i < 4; i++) Assert.Equal(a.Observations[i], b.Observations[i]);
        var rng = new Rng(5);
        var actions = new int[4];
        for (int t = 0; t < 60; t++)
        {
            for (int i = 0; i < 4; i++) actions[i] = rng.NextInt(KartDiscreteEnv.ActionCount);
            var sa = sync.Step(actions);
            var sb = threaded.Step(actions);
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(sa.Observations[i], sb.Observations[i]);
                Assert.Equal(sa.Rewards[i], sb.Rewards[i]);
            }
        }
        // Sub-environment i is seeded with seed + i: its own track.
        var lengths = sync.Envs.Select(e => KartExpert.RaceOf(e).Track.Length).ToList();
        Assert.Equal(4, lengths.Distinct().Count());
    }

    [Fact]
    public void VectorBreakoutFinishesEpisodesAndAutoresets()
    {
        using var vec = Envs.MakeVector<float[], int>(BreakoutEnv.Id, 3, new VectorEnvOptions { Make = new MakeOptions { Kwargs = OptionSet.Of(("lives", 1)) } });
        vec.Reset(seed: 0);
        var actions = new int[3];
        int finished = 0;
        for (int t = 0; t < 400; t++)
        {
            var r = vec.Step(actions);
            for (int i = 0; i < 3; i++) if (r.Done(i)) finished++;
        }
        Assert.True(finished >= 3, $"{finished} episodes finished");
    }
}
