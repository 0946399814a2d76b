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
    [InlineData(ArcadeEnvs.BreakoutPixelsId)]
    [InlineData(KartEnvs.DiscretePixelsId)]
    [InlineData(RenderingEnvs.CartPolePixelsId)]
    public void APixelStepAllocatesNothing(string id)
    {
        var registry = new EnvRegistry();
        Envs.RegisterBuiltIns(registry);
        RenderingEnvs.Register(registry);
        ArcadeEnvs.RegisterPixels(registry, RenderingEnvs.MakePixels);
        KartEnvs.RegisterPixels(registry, RenderingEnvs.MakePixels);
        // Breakout's info is on by default and changes with its counters: off here, as for the state ids' test.
        var kwargs = id == ArcadeEnvs.BreakoutPixelsId ? OptionSet.Of(("step_info", false)) : OptionSet.Empty;
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
        output.WriteLine($"{id}: {bytes} B in 300 steps");
        Assert.True(bytes == 0, $"{id}: {bytes} bytes in 300 pixel steps ({bytes / 300.0:0.#} per step)");
    }
}
