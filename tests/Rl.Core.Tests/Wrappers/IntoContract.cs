namespace Rl.Core.Tests.Wrappers;

/// <summary>
/// The observation-buffer contract, checked on twin environments: with a buffer the returned observation is that buffer,
/// and its values equal those of the allocating path, over several episodes.
/// </summary>
internal static class IntoContract
{
    public static void Holds<T, TAct>(Func<IEnv<T[], TAct>> make, Func<int, TAct> action, int steps = 40)
    {
        using var buffered = make();
        using var allocating = make();
        int size = buffered.ObservationSpace.FlatDim;
        var into = new T[size];
        var previous = new List<(T[] Array, T[] Copy)>();
        void Keep(T[] observation) => previous.Add((observation, [.. observation]));

        var a = buffered.Reset(seed: 3, into: into);
        var b = allocating.Reset(seed: 3);
        Assert.Same(into, a.Observation);
        Assert.Equal(b.Observation, a.Observation);
        Keep(b.Observation);
        for (int t = 0; t < steps; t++)
        {
            var sa = buffered.Step(action(t), into);
            var sb = allocating.Step(action(t));
            Assert.Same(into, sa.Observation);
            Assert.Equal(sb.Observation, sa.Observation);
            Assert.Equal(sb.Reward, sa.Reward);
            Assert.Equal(sb.Terminated, sa.Terminated);
            Assert.Equal(sb.Truncated, sa.Truncated);
            // Without a buffer every observation is a fresh array that later steps do not overwrite.
            Assert.DoesNotContain(previous, p => ReferenceEquals(p.Array, sb.Observation));
            Keep(sb.Observation);
            if (sa.Done)
            {
                Assert.Same(into, buffered.Reset(into: into).Observation);
                Keep(allocating.Reset().Observation);
                Assert.Equal(previous[^1].Array, into);
            }
        }
        Assert.All(previous, p => Assert.Equal(p.Copy, p.Array));
    }
}
