using Rl.Agents.Networks;
using Rl.Agents.Training;
using TorchSharp;

namespace Rl.Agents.Tests.Networks;

public class TensorRowsTests
{
    [Fact]
    public void GatherCopiesTheIndexedRowsInOrder()
    {
        var values = Enumerable.Range(0, 5 * 3).Select(i => (float)i).ToArray();
        using var rows = TensorRows.Gather(values, 3, [4, 0, 4, 2], torch.CPU);
        Assert.Equal([4L, 3L], rows.shape);
        Assert.Equal([12f, 13f, 14f, 0f, 1f, 2f, 12f, 13f, 14f, 6f, 7f, 8f], rows.data<float>().ToArray());
        using var column = TensorRows.Gather(values, 1, [7, 3], torch.CPU);
        Assert.Equal([2L], column.shape);
        Assert.Equal([7f, 3f], column.data<float>().ToArray());
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => TensorRows.Gather(values, 3, [5], torch.CPU));
    }

    [Fact]
    public void IntraOpThreadsRestoresTheThreadCount()
    {
        int previous = torch.get_num_threads();
        try
        {
            torch.set_num_threads(2);
            using (IntraOpThreads.Use(IntraOpThreads.Acting)) Assert.Equal(1, torch.get_num_threads());
            Assert.Equal(2, torch.get_num_threads());
            Assert.Throws<ArgumentOutOfRangeException>(() => IntraOpThreads.Use(0));
        }
        finally
        {
            torch.set_num_threads(previous);
        }
    }

    [Fact]
    public void PhaseTimesSumsEachPhaseInFirstSeenOrder()
    {
        var times = new PhaseTimes();
        long start = System.Diagnostics.Stopwatch.GetTimestamp() - System.Diagnostics.Stopwatch.Frequency; // one second ago
        times.Add("env", start);
        times.Add("update", start);
        times.Add("env", start);
        using (times.Measure("update")) { }
        Assert.Equal(["env", "update"], times.Seconds.Select(p => p.Phase));
        Assert.InRange(times.Seconds[0].Seconds, 2.0, 60.0);
        Assert.InRange(times.Seconds[1].Seconds, 1.0, 30.0);
        times.Clear();
        Assert.Empty(times.Seconds);
    }
}
