using Rl.Core;
using Rl.Core.Vector;
using Rl.Environments.Arcade;

namespace Rl.Environments.Tests;

/// <summary>
/// The state-vector games step without allocating, with their default options as with the info switched off
/// (<c>step_info=false</c>), as CartPole does: stepping into a caller's buffer is the zero-allocation path training takes.
/// Breakout's info (on by default) is immutable and shared: with the counter combinations of random play seen once in the
/// process, its steps allocate nothing either.
/// Bytes are counted on the stepping thread (<c>GC.GetAllocatedBytesForCurrentThread</c>), which other tests running in
/// parallel cannot disturb; the process-wide <c>GC.GetTotalAllocatedBytes(precise: true)</c> can, so it is only printed.
/// </summary>
public class AllocationFreeStepTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData("KartStateDiscrete-v0", true)] // default options: no step info
    [InlineData("KartState-v0", true)]
    [InlineData("KartStateDiscrete-v0", false)]
    [InlineData("KartState-v0", false)]
    [InlineData("BreakoutState-v0", false)]
    [InlineData("CartPole-v1", true)]
    public void AStepAllocatesNothing(string id, bool defaults)
    {
        if (!Envs.Registry.Contains(id)) Assert.Fail($"{id} is not registered (ids: {string.Join(", ", Envs.List().Select(s => s.Id))})");
        var kwargs = defaults ? OptionSet.Empty : OptionSet.Of(("step_info", false));
        using var env = Envs.Registry.Make(id, new MakeOptions { Kwargs = kwargs });
        Steps(env, 1000); // warm-up: JIT tiering
        const int steps = 5000;
        long process = GC.GetTotalAllocatedBytes(precise: true);
        var (bytes, _, _) = Steps(env, steps);
        output.WriteLine($"{id}: this thread {bytes} B, process-wide {GC.GetTotalAllocatedBytes(precise: true) - process} B in {steps} steps");
        Assert.True(bytes == 0, $"{id}: {bytes} bytes in {steps} steps ({bytes / (double)steps:0.#} per step)");
    }

    [Fact]
    public void BreakoutsDefaultStepAllocatesNothingOnceItsCountersWereSeen()
    {
        // Warm-up: 20,000 random steps of one Breakout put the counter combinations of random play in the process-wide table
        // of infos. Measured: 10,000 steps of another Breakout with other seeds (other episodes, other actions), resets left
        // out by Steps. Before the shared table every change of the counters built a new info (about 536 bytes).
        using (var warm = Envs.Registry.Make("BreakoutState-v0")) Steps(warm, 20_000, seed: 1);
        using var env = Envs.Registry.Make("BreakoutState-v0");
        Steps(env, 1000, seed: 2); // JIT tiering of this instance's path
        const int steps = 10_000;
        var (bytes, changed, unchangedBytes) = Steps(env, steps, seed: 3);
        output.WriteLine($"BreakoutState-v0 with its info: {bytes} B in {steps} steps, {changed} of them with another info");
        Assert.Equal(0, unchangedBytes);
        Assert.InRange(changed, 100, steps / 10); // paddle hits, bricks and lost balls: a few per hundred random steps
        Assert.True(bytes == 0, $"BreakoutState-v0 (default step_info): {bytes} bytes in {steps} steps, {changed} of them with another info");
    }

    [Fact]
    public void ABreakoutInfoKeptFromAnEarlierStepKeepsItsValues()
    {
        using var env = Envs.Registry.Make<float[], int>("BreakoutState-v0");
        var game = ((BreakoutEnv)env.Unwrapped).Game;
        var reset = env.Reset(seed: 4).Info;
        Assert.Equal([3, 0, 48, 0], Counters(reset));
        var kept = reset;
        int changes = 0;
        for (int t = 0; t < 3000 && changes < 20; t++)
        {
            var r = env.Step(t % 3);
            var now = Counters(r.Info);
            Assert.Equal([game.Lives, game.Score, game.BricksLeft, game.PaddleHits], now);
            if (!ReferenceEquals(r.Info, kept))
            {
                Assert.NotEqual(Counters(kept), now);
                changes++;
            }
            Assert.Equal([3, 0, 48, 0], Counters(reset)); // the reset's info, held all along, never changes
            kept = r.Info;
            if (r.Done) kept = env.Reset().Info;
        }
        Assert.True(changes >= 5, $"only {changes} changes of Breakout's counters in 3,000 steps");
    }

    [Fact]
    public void BreakoutsReportingTheSameCountersShareOneInfo()
    {
        using var a = Envs.Registry.Make<float[], int>("BreakoutState-v0");
        using var b = Envs.Registry.Make<float[], int>("BreakoutState-v0", new MakeOptions { Kwargs = OptionSet.Of(("paddle_width", 20.0)) });
        var ra = a.Reset(seed: 1).Info;
        var rb = b.Reset(seed: 2).Info;
        Assert.Same(ra, rb);
        Assert.Same(BreakoutEnv.StepInfoKeys, ra.Keys);
        Assert.Equal("{lives: 3, score: 0, bricks_left: 48, paddle_hits: 0}", ra.ToString());
        // A combination out of the table's packed range (a test sets 300 lives) still gets a correct info of its own.
        ((BreakoutEnv)a.Unwrapped).Game.Lives = 300;
        var r = a.Step(0).Info;
        Assert.Equal(300, r.Get<int>("lives"));
        Assert.Equal(3, ra.Get<int>("lives"));
    }

    private static int[] Counters(Info info) =>
        [info.Get<int>("lives"), info.Get<int>("score"), info.Get<int>("bricks_left"), info.Get<int>("paddle_hits")];

    [Fact]
    public void AKartResetBuildsItsTrackInReusedBuffers()
    {
        // A new track every reset: the rejected draws (most of them) are built in buffers the thread reuses, so a reset
        // allocates only the accepted track's arrays (40 bytes per metre of centreline, at most 550 m) and the reset's info,
        // not the megabyte the draws used to cost. Twenty resets of one environment: twenty different tracks.
        using var env = Envs.Registry.Make<float[], int>("KartStateDiscrete-v0");
        var obs = env.Reset(seed: 5).Observation;
        for (int i = 0; i < 3; i++) env.Reset(into: obs);
        const int resets = 20;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < resets; i++) env.Reset(into: obs);
        long perReset = (GC.GetAllocatedBytesForCurrentThread() - before) / resets;
        output.WriteLine($"KartStateDiscrete-v0: {perReset} B per reset");
        Assert.True(perReset < 48 * 1024, $"a kart reset allocated {perReset} bytes (at most 48 KiB expected: the accepted track's arrays)");
    }

    [Theory]
    [InlineData("KartStateDiscrete-v0", true)]
    [InlineData("BreakoutState-v0", false)]
    [InlineData("BreakoutState-v0", true)]
    [InlineData("CartPole-v1", true)]
    public void ASyncVectorStepOfTheGamesAllocatesNothing(string id, bool defaults)
    {
        // Breakout's default infos: the combinations of random play put in the process-wide table first (another seed).
        if (defaults && id == "BreakoutState-v0")
            using (var warm = Envs.Registry.Make(id)) Steps(warm, 20_000, seed: 5);
        using var vec = Envs.MakeVector<float[], int>(id, 4, new VectorEnvOptions { Make = new MakeOptions { Kwargs = defaults ? OptionSet.Empty : OptionSet.Of(("step_info", false)) } });
        var actions = new int[4];
        vec.Reset(seed: 3);
        // 400 vector steps: no episode ends (a kart race lasts 1,000 steps; Breakout and CartPole resets allocate nothing).
        for (int t = 0; t < 100; t++) Step(vec, actions, t);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 400; t++) Step(vec, actions, t);
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(bytes == 0, $"{id} ({(defaults ? "defaults" : "step_info=false")}): {bytes} bytes in 400 vector steps of 4");
    }

    private static void Step(IVectorEnv<float[], int> vec, int[] actions, int t)
    {
        for (int i = 0; i < actions.Length; i++) actions[i] = (t + i) % ((Rl.Core.Spaces.Discrete)vec.SingleActionSpace).N;
        vec.Step(actions);
    }

    // The bytes allocated by the steps alone (resets may allocate: a kart reset builds a new track), the steps whose info was
    // a new object, and the bytes of the steps that returned the previous step's info.
    private static (long Bytes, int Changed, long UnchangedBytes) Steps(IEnv env, int n, int seed = 1) =>
        ((long, int, long))typeof(AllocationFreeStepTests).GetMethod(nameof(TypedSteps), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(EnvRegistry.TypeArguments(env).Observation, EnvRegistry.TypeArguments(env).Action).Invoke(null, [env, n, seed])!;

    private static (long, int, long) TypedSteps<TObs, TAct>(IEnv<TObs, TAct> env, int n, int seed)
    {
        env.ActionSpace.Seed(seed);
        var actions = Enumerable.Range(0, 256).Select(_ => env.ActionSpace.Sample()).ToArray();
        var obs = env.Reset(seed: seed).Observation;
        long bytes = 0, unchangedBytes = 0;
        int changed = 0;
        Info? previous = null;
        for (int t = 0; t < n; t++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var r = env.Step(actions[t & 255], obs);
            long b = GC.GetAllocatedBytesForCurrentThread() - before;
            bytes += b;
            if (ReferenceEquals(r.Info, previous)) unchangedBytes += b;
            else changed++;
            previous = r.Info;
            if (r.Done)
            {
                env.Reset(into: obs);
                previous = null;
            }
        }
        return (bytes, changed, unchangedBytes);
    }
}
