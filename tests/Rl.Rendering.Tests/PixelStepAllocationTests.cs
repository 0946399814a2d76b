using Rl.Core;
using Rl.Environments;
using Rl.Environments.Arcade;
using Rl.Environments.Kart;

namespace Rl.Rendering.Tests;

/// <summary>
/// A step of a pixel game renders its frame into the caller's buffer without allocating: the context is already current
/// (no delegate is built to switch it) and the draw calls are walked without an enumerator. Bytes are counted on the stepping
/// thread over the steps alone (a reset may allocate: the kart builds a new track).
/// </summary>
public sealed class PixelStepAllocationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData(ArcadeEnvs.BreakoutPixelsId, false)]
    [InlineData(ArcadeEnvs.BreakoutPixelsId, true)]
    [InlineData(KartEnvs.DiscretePixelsId, true)]
    [InlineData(RenderingEnvs.CartPolePixelsId, true)]
    public void APixelStepAllocatesNothing(string id, bool defaults)
    {
        var registry = new EnvRegistry();
        Envs.RegisterBuiltIns(registry);
        RenderingEnvs.Register(registry);
        ArcadeEnvs.RegisterPixels(registry, RenderingEnvs.MakePixels);
        KartEnvs.RegisterPixels(registry, RenderingEnvs.MakePixels);
        var kwargs = defaults ? OptionSet.Empty : OptionSet.Of(("step_info", false));
        if (id == ArcadeEnvs.BreakoutPixelsId && defaults)
        {
            // Breakout's default infos are shared through a process-wide table of counter combinations: random play of the
            // state variant (another seed) puts those of random play in it first, as the state ids' test does.
            using var state = registry.Make<float[], int>(BreakoutEnv.Id);
            state.ActionSpace.Seed(7);
            state.Reset(seed: 7);
            for (int t = 0; t < 20_000; t++)
                if (state.Step(state.ActionSpace.Sample()).Done) state.Reset();
        }
        using var env = registry.Make<byte[], int>(id, new MakeOptions { Kwargs = kwargs });
        env.ActionSpace.Seed(2);
        var actions = Enumerable.Range(0, 64).Select(_ => env.ActionSpace.Sample()).ToArray();
        var obs = env.Reset(seed: 2).Observation;
        long bytes = 0;
        for (int t = 0; t < 400; t++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var r = env.Step(actions[t & 63], obs);
            if (t >= 100) bytes += GC.GetAllocatedBytesForCurrentThread() - before; // the first 100: warm-up
            if (r.Done) env.Reset(into: obs);
        }
        output.WriteLine($"{id} ({(defaults ? "defaults" : "step_info=false")}): {bytes} B in 300 steps");
        Assert.True(bytes == 0, $"{id} ({(defaults ? "defaults" : "step_info=false")}): {bytes} bytes in 300 pixel steps ({bytes / 300.0:0.#} per step)");
    }
}
