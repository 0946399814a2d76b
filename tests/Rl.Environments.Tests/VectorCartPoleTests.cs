using Rl.Core;
using Rl.Core.Vector;

namespace Rl.Environments.Tests;

/// <summary>Vector environments over the real CartPole-v1: threading does not change results, and a step allocates nothing.</summary>
public class VectorCartPoleTests
{
    private static IVectorEnv<float[], int> Make(VectorizationMode mode, AutoresetMode autoreset, int n = 8) =>
        Envs.Registry.MakeVector<float[], int>("CartPole-v1", n, new VectorEnvOptions { Mode = mode, Autoreset = autoreset, Workers = 3 });

    [Theory]
    [InlineData(AutoresetMode.NextStep)]
    [InlineData(AutoresetMode.SameStep)]
    public void ThreadedIsBitForBitTheSameAsSync(AutoresetMode autoreset)
    {
        using var sync = Make(VectorizationMode.Sync, autoreset);
        using var threaded = Make(VectorizationMode.Threaded, autoreset);
        Assert.IsType<ThreadedVectorEnv<float[], int>>(threaded);
        Assert.Equal(sync.Reset(seed: 21).CopyObservations(), threaded.Reset(seed: 21).CopyObservations());
        var rng = new Rng(77);
        var actions = new int[8];
        int episodesEnded = 0;
        for (int t = 0; t < 1000; t++)
        {
            for (int i = 0; i < actions.Length; i++) actions[i] = rng.NextInt(2);
            var a = sync.Step(actions);
            var b = threaded.Step(actions);
            for (int i = 0; i < actions.Length; i++)
            {
                Assert.Equal(a.Observations[i], b.Observations[i]);
                Assert.Equal(a.NextObservation(i), b.NextObservation(i));
                Assert.Equal(a.Rewards[i], b.Rewards[i]);
                Assert.Equal(a.Terminated[i], b.Terminated[i]);
                Assert.Equal(a.Truncated[i], b.Truncated[i]);
                if (a.Done(i)) episodesEnded++;
            }
        }
        Assert.True(episodesEnded > 100, $"only {episodesEnded} episodes ended");
    }

    [Fact]
    public void SubEnvIIsSeededWithSeedPlusI()
    {
        using var vec = Make(VectorizationMode.Sync, AutoresetMode.NextStep, n: 3);
        var r = vec.Reset(seed: 40);
        for (int i = 0; i < 3; i++)
            Assert.Equal(Envs.Make<float[], int>("CartPole-v1").Reset(40 + i).Observation, r.Observations[i]);
    }

    [Fact]
    public void FinalObservationOfATruncatedEpisodeIsAvailableForBootstrapping()
    {
        using var vec = Envs.Registry.MakeVector<float[], int>("CartPole-v1", 2, new VectorEnvOptions
        {
            Autoreset = AutoresetMode.SameStep,
            Make = new MakeOptions { MaxEpisodeSteps = 5 },
        });
        var single = Envs.Make<float[], int>("CartPole-v1", new MakeOptions { MaxEpisodeSteps = 5 });
        vec.Reset(seed: 6);
        single.Reset(6);
        VectorStepResult<float[]> r = default;
        StepResult<float[]> s = default;
        for (int t = 0; t < 5; t++)
        {
            r = vec.Step([1, 0]);
            s = single.Step(1);
        }
        Assert.True(r.Truncated[0] && s.Truncated);
        Assert.False(r.Terminated[0]);
        Assert.Equal(s.Observation, r.FinalObservations[0]);
        Assert.NotEqual(s.Observation, r.Observations[0]); // already the next episode's first observation
    }

    [Theory]
    [InlineData(VectorizationMode.Sync, AutoresetMode.NextStep)]
    [InlineData(VectorizationMode.Sync, AutoresetMode.SameStep)]
    [InlineData(VectorizationMode.Threaded, AutoresetMode.NextStep)]
    [InlineData(VectorizationMode.Threaded, AutoresetMode.SameStep)]
    public void AVectorStepAllocatesNothing(VectorizationMode mode, AutoresetMode autoreset)
    {
        using var vec = Make(mode, autoreset);
        var actions = new int[vec.NumEnvs];
        var batch = new float[vec.NumEnvs * vec.ObservationDim];
        var rng = new Rng(5);
        vec.Reset(seed: 1);
        int ended = 0;
        void Run(int steps)
        {
            for (int t = 0; t < steps; t++)
            {
                for (int i = 0; i < actions.Length; i++) actions[i] = rng.NextInt(2);
                var r = vec.Step(actions);
                vec.WriteObservations(batch);
                for (int i = 0; i < actions.Length; i++) if (r.Done(i)) ended++;
            }
        }
        Run(2000); // every sub-env has ended episodes, so every reused buffer exists
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(5000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(ended > 500);
    }

    [Fact]
    public void AutoPicksTheThreadedVectorForRenderedFramesAndTheSyncOneForStates()
    {
        using var states = Envs.Registry.MakeVector<float[], int>("CartPole-v1", 4);
        Assert.IsType<SyncVectorEnv<float[], int>>(states);
        var frames = new Rl.Core.Spaces.Box<byte>(0, 255, [64, 64, 3]);
        var expected = Environment.ProcessorCount > 1 ? VectorizationMode.Threaded : VectorizationMode.Sync;
        Assert.Equal(expected, VectorEnv.Choose(VectorizationMode.Auto, frames, 4));
        Assert.Equal(VectorizationMode.Sync, VectorEnv.Choose(VectorizationMode.Auto, frames, 1));
        Assert.Equal(VectorizationMode.Sync, VectorEnv.Choose(VectorizationMode.Sync, frames, 4));
        Assert.Equal(VectorizationMode.Sync, VectorEnv.Choose(VectorizationMode.Auto, new Rl.Core.Spaces.Box<float>(-1, 1, 4), 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => VectorEnv.Choose((VectorizationMode)9, frames, 4));
    }

    [Fact]
    public void MakeVectorRejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Envs.Registry.MakeVector<float[], int>("CartPole-v1", 0));
        Assert.Throws<InvalidCastException>(() => Envs.Registry.MakeVector<float[], float[]>("CartPole-v1", 2));
        Assert.Throws<KeyNotFoundException>(() => Envs.Registry.MakeVector<float[], int>("CartPole-v9", 2));
        using var vec = Make(VectorizationMode.Sync, AutoresetMode.NextStep, n: 2);
        vec.Reset(seed: 0);
        var e = Assert.Throws<InvalidActionException>(() => vec.Step([0, 2]));
        Assert.Contains("SyncVectorEnv(CartPole-v1 x 2) sub-env 1", e.Message);
        Assert.Contains("Discrete(2)", e.Message);
    }
}
