using System.Text;
using Rl.Core.Demonstrations;
using Rl.Core.Spaces;

namespace Rl.Core.Tests.Demonstrations;

/// <summary>
/// Demonstration files may come from someone else: random mutations of a valid episode file (bit flips, bytes set, forged
/// 32-bit lengths, truncation, insertion) either load or fail with <see cref="InvalidDataException"/>; nothing else escapes,
/// nothing hangs, and a forged array size allocates nothing before the data is there.
/// </summary>
public sealed class UntrustedFileFuzzTests
{
    private static readonly Box<float> Observations = new(-10f, 10f, 4);
    private static readonly Discrete Actions = new(3);

    private static byte[] ValidEpisodeFile()
    {
        string dir = Path.Combine(Path.GetTempPath(), "rl-fuzz-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var w = new DemonstrationWriter(dir, "Fuzz-v0", Observations, Actions);
            w.BeginEpisode(new float[] { 1, 2, 3, 4 });
            for (int t = 0; t < 12; t++) w.Record(t % 3, new float[] { t, -t, 0.5f, 1 }, 1.0, false, t == 11, Info.Of(("lap", t)));
            w.EndEpisode();
            return File.ReadAllBytes(Path.Combine(dir, DemonstrationWriter.EpisodeFileName(0)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task MutatedEpisodeFilesFailWithAClearErrorOrLoad()
    {
        var valid = ValidEpisodeFile();
        Assert.Equal(12, Load(valid).Length);
        int rejected = await Fuzz.Run<InvalidDataException>(valid, 3000, seed: 19, bytes => Load(bytes),
            e => Assert.StartsWith("fuzz.npz", e.Message, StringComparison.Ordinal));
        Assert.True(rejected > 1000, $"only {rejected} of 3000 mutations were rejected");
    }

    private static DemonstrationEpisode Load(byte[] bytes) =>
        new(Observations, Actions, Npz.Read(new MemoryStream(bytes), "fuzz.npz"), "fuzz.npz");

    private static byte[] Npy(string shape, int dataBytes)
    {
        string header = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }";
        header = header.PadRight(118) + "\n";
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0]);
        ms.Write(Encoding.ASCII.GetBytes(header));
        ms.Write(new byte[dataBytes]);
        return ms.ToArray();
    }

    [Theory]
    [InlineData("(2000000000,)", "more than the limit")]
    [InlineData("(2147483647, 2147483647, 2147483647)", "more than the limit")]
    [InlineData("(100000000,)", "truncated while reading the data")]
    [InlineData("(0, 2147483647)", null)]
    public void AForgedShapeAllocatesNothingBeforeTheDataIsThere(string shape, string? error)
    {
        var bytes = Npy(shape, 64);
        long before = GC.GetAllocatedBytesForCurrentThread();
        if (error is null) Assert.Empty(NpyArray.Read(new MemoryStream(bytes), "forged.npy").Data);
        else Assert.Contains(error, Assert.Throws<InvalidDataException>(() => NpyArray.Read(new MemoryStream(bytes), "forged.npy")).Message);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 8 << 20, $"reading a forged {shape} array allocated {allocated} bytes");
    }
}
