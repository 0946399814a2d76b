using System.IO.Compression;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Tests;

namespace Rl.Agents.Tests.Training;

/// <summary>
/// Checkpoints may come from someone else: mutated files fail with <see cref="CheckpointException"/> (or load), nothing else
/// escapes or hangs, and sizes the archive declares, or content that outgrows them, are refused before memory is spent.
/// </summary>
public sealed class CheckpointFuzzTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("checkpoint-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private byte[] ValidCheckpoint()
    {
        var cp = new Checkpoint();
        cp.PutArray<float>("params", Enumerable.Range(0, 300).Select(i => i * 0.5f).ToArray());
        cp.PutJson("meta", new Dictionary<string, int> { ["iteration"] = 7, ["steps"] = 1234 });
        cp.PutRng("rng", new Rng(5));
        string path = Path.Combine(_dir, "valid.ckpt");
        cp.WriteAtomic(path);
        return File.ReadAllBytes(path);
    }

    private void Load(byte[] bytes, string path)
    {
        File.WriteAllBytes(path, bytes);
        var cp = Checkpoint.Read(path);
        Assert.Equal(300, cp.GetArray<float>("params", 300).Length);
        cp.GetJson<Dictionary<string, int>>("meta");
        cp.GetRng("rng", new Rng(0));
    }

    [Fact]
    public async Task MutatedCheckpointsFailWithACheckpointException()
    {
        var valid = ValidCheckpoint();
        string path = Path.Combine(_dir, "mutated.ckpt");
        Load(valid, path);
        int rejected = await Fuzz.Run<CheckpointException>(valid, 2000, seed: 16, bytes => Load(bytes, path),
            e => Assert.StartsWith("checkpoint ", e.Message, StringComparison.Ordinal));
        Assert.True(rejected > 1500, $"only {rejected} of 2000 mutations were rejected (the CRC-32 of each entry should catch nearly all)");
    }

    // Overwrites the uncompressed size of the first entry in its local header and in the central directory.
    private static void ForgeSize(byte[] zip, uint size)
    {
        static int Find(byte[] b, uint signature) =>
            Enumerable.Range(0, b.Length - 4).First(i => BitConverter.ToUInt32(b, i) == signature);
        BitConverter.TryWriteBytes(zip.AsSpan(Find(zip, 0x04034b50) + 22, 4), size);
        BitConverter.TryWriteBytes(zip.AsSpan(Find(zip, 0x02014b50) + 24, 4), size);
    }

    private static byte[] OneEntryZip(int contentBytes)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        using (var s = zip.CreateEntry("params", CompressionLevel.Fastest).Open())
            s.Write(new byte[contentBytes]);
        return ms.ToArray();
    }

    [Fact]
    public void ADeclaredSizeAboveTheLimitIsRefusedBeforeReading()
    {
        var zip = OneEntryZip(1024);
        ForgeSize(zip, 0xF0000000u);
        string path = Path.Combine(_dir, "forged.ckpt");
        File.WriteAllBytes(path, zip);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Read(path));
        Assert.Contains("declares 4026531840 bytes, more than the limit", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 8 << 20);
    }

    [Fact]
    public void ContentThatOutgrowsItsDeclaredSizeIsRefusedWhileReading()
    {
        // 64 MB of zeros deflate to a few kilobytes: a small zip bomb whose header claims 4 KB.
        var zip = OneEntryZip(64 << 20);
        ForgeSize(zip, 4096);
        string path = Path.Combine(_dir, "bomb.ckpt");
        File.WriteAllBytes(path, zip);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Read(path));
        Assert.Contains("bomb.ckpt", e.Message);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 8 << 20, $"reading the bomb allocated {allocated} bytes");
    }
}
