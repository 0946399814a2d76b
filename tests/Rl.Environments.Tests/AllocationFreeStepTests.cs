using Rl.Core;

namespace Rl.Environments.Tests;

/// <summary>
/// The state-vector games step without allocating once the info is switched off (<c>step_info=false</c>), as CartPole
/// does: stepping into a caller's buffer is the zero-allocation path training takes.
/// </summary>
public class AllocationFreeStepTests
{
    [Theory]
    [InlineData("KartStateDiscrete-v0")]
    [InlineData("KartState-v0")]
    [InlineData("BreakoutState-v0")]
    [InlineData("CartPole-v1")]
    public void AStepAllocatesNothing(string id)
    {
        if (!Envs.Registry.Contains(id)) Assert.Fail($"{id} is not registered (ids: {string.Join(", ", Envs.List().Select(s => s.Id))})");
        var kwargs = id == "CartPole-v1" ? OptionSet.Empty : OptionSet.Of(("step_info", false));
        using var env = Envs.Registry.Make(id, new MakeOptions { Kwargs = kwargs });
        Steps(env, 3000); // warm-up: JIT tiering
        const int steps = 20000;
        long bytes = Steps(env, steps);
        Assert.True(bytes == 0, $"{id}: {bytes} bytes in {steps} steps ({bytes / (double)steps:0.#} per step)");
    }

    // The bytes allocated by the steps alone (resets may allocate: a kart reset builds a new track).
    private static long Steps(IEnv env, int n) => (long)typeof(AllocationFreeStepTests).GetMethod(nameof(TypedSteps), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
        .MakeGenericMethod(EnvRegistry.TypeArguments(env).Observation, EnvRegistry.TypeArguments(env).Action).Invoke(null, [env, n])!;

    private static long TypedSteps<TObs, TAct>(IEnv<TObs, TAct> env, int n)
    {
        env.ActionSpace.Seed(1);
        var actions = Enumerable.Range(0, 256).Select(_ => env.ActionSpace.Sample()).ToArray();
        var obs = env.Reset(seed: 1).Observation;
        long bytes = 0;
        for (int t = 0; t < n; t++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            bool done = env.Step(actions[t & 255], obs).Done;
            bytes += GC.GetAllocatedBytesForCurrentThread() - before;
            if (done) env.Reset(into: obs);
        }
        return bytes;
    }
}
