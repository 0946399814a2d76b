using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using Rl.Core;

namespace Rl.Agents.Training;

/// <summary>A checkpoint that cannot be read: missing, truncated, corrupted, or from an incompatible run.</summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// Named binary entries (arrays, RNG states, JSON, serialized modules) that make up an algorithm's state. Stored as a zip
/// archive whose entries carry CRC-32 checksums, so truncation and corruption are detected on load. <see cref="WriteAtomic"/>
/// writes a temporary file and renames it over the target, so a crash never leaves a half-written checkpoint in its place.
/// </summary>
public sealed class Checkpoint
{
    private readonly Dictionary<string, byte[]> _entries = new(StringComparer.Ordinal);

    /// <summary>The entry names.</summary>
    public IEnumerable<string> Keys => _entries.Keys;

    /// <summary>Whether an entry exists.</summary>
    public bool Contains(string key) => _entries.ContainsKey(key);

    /// <summary>Stores raw bytes.</summary>
    public void PutBytes(string key, byte[] value) => _entries[key] = value;

    /// <summary>Reads raw bytes.</summary>
    /// <exception cref="CheckpointException">If the entry is missing.</exception>
    public byte[] GetBytes(string key) =>
        _entries.TryGetValue(key, out var v) ? v : throw new CheckpointException($"checkpoint has no entry '{key}'; entries: {string.Join(", ", _entries.Keys.Order())}");

    /// <summary>Stores an array of unmanaged values.</summary>
    public void PutArray<T>(string key, ReadOnlySpan<T> values) where T : unmanaged => _entries[key] = MemoryMarshal.AsBytes(values).ToArray();

    /// <summary>Reads an array of unmanaged values.</summary>
    /// <exception cref="CheckpointException">If missing or of a size that is not a whole number of elements.</exception>
    public T[] GetArray<T>(string key) where T : unmanaged
    {
        var b = GetBytes(key);
        if (b.Length % Marshal.SizeOf<T>() != 0)
            throw new CheckpointException($"checkpoint entry '{key}' has {b.Length} bytes, not a whole number of {typeof(T).Name}");
        return MemoryMarshal.Cast<byte, T>(b).ToArray();
    }

    /// <summary>Reads an array and checks its length.</summary>
    /// <exception cref="CheckpointException">If missing or of another length.</exception>
    public T[] GetArray<T>(string key, int expectedLength) where T : unmanaged
    {
        var a = GetArray<T>(key);
        if (a.Length != expectedLength)
            throw new CheckpointException($"checkpoint entry '{key}' has {a.Length} elements but {expectedLength} were expected (a different config?)");
        return a;
    }

    /// <summary>Stores a value as JSON.</summary>
    public void PutJson<T>(string key, T value) => _entries[key] = JsonSerializer.SerializeToUtf8Bytes(value);

    /// <summary>Reads a JSON value.</summary>
    /// <exception cref="CheckpointException">If missing or not valid JSON for <typeparamref name="T"/>.</exception>
    public T GetJson<T>(string key)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(GetBytes(key)) ?? throw new CheckpointException($"checkpoint entry '{key}' is null");
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"checkpoint entry '{key}' is not valid JSON for {typeof(T).Name}: {e.Message}", e);
        }
    }

    /// <summary>Stores an RNG state.</summary>
    public void PutRng(string key, Rng rng) => PutJson(key, rng.State);

    /// <summary>Restores an RNG state into <paramref name="rng"/>.</summary>
    public void GetRng(string key, Rng rng) => rng.State = GetJson<RngState>(key);

    /// <summary>
    /// Entries whose key starts with this (e.g. a replay buffer of hundreds of megabytes) are written to a sidecar file
    /// <c>&lt;path&gt;.newest</c> beside the checkpoint, which a checkpoint folder keeps for its newest checkpoint only.
    /// </summary>
    public const string NewestOnlyPrefix = "newest-only/";

    /// <summary>The sidecar file of <paramref name="path"/> that holds its <see cref="NewestOnlyPrefix"/> entries.</summary>
    public static string NewestOnlyPath(string path) => path + ".newest";

    /// <summary>Whether the checkpoint has <see cref="NewestOnlyPrefix"/> entries (written to the sidecar file).</summary>
    public bool HasNewestOnly => _entries.Keys.Any(IsNewestOnly);

    private static bool IsNewestOnly(string key) => key.StartsWith(NewestOnlyPrefix, StringComparison.Ordinal);

    /// <summary>
    /// Writes the checkpoint to <paramref name="path"/> atomically (temporary file in the same folder, flushed, then renamed);
    /// <see cref="NewestOnlyPrefix"/> entries go to <see cref="NewestOnlyPath"/>, written first the same way. A failed write
    /// (e.g. a full disk) removes its temporary file and leaves any older file at <paramref name="path"/> as it was.
    /// </summary>
    public void WriteAtomic(string path)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (HasNewestOnly) WriteFileAtomic(NewestOnlyPath(full), WriteNewestOnlyTo);
        else File.Delete(NewestOnlyPath(full));
        WriteFileAtomic(full, WriteTo);
    }

    private static void WriteFileAtomic(string full, Action<Stream> write)
    {
        string tmp = full + $".tmp-{Environment.ProcessId}";
        try
        {
            using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
    }

    /// <summary>Writes the checkpoint's entries, except the <see cref="NewestOnlyPrefix"/> ones, as a zip archive to <paramref name="stream"/> (left open).</summary>
    public void WriteTo(Stream stream) => WriteZip(stream, _entries.Where(p => !IsNewestOnly(p.Key)));

    /// <summary>Writes the <see cref="NewestOnlyPrefix"/> entries as a zip archive to <paramref name="stream"/> (left open): the sidecar file.</summary>
    public void WriteNewestOnlyTo(Stream stream) => WriteZip(stream, _entries.Where(p => IsNewestOnly(p.Key)));

    private static void WriteZip(Stream stream, IEnumerable<KeyValuePair<string, byte[]>> entries)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (key, value) in entries.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var entry = zip.CreateEntry(key, CompressionLevel.Fastest);
            entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
            using var s = entry.Open();
            s.Write(value);
        }
    }

    /// <summary>
    /// The most bytes <see cref="Read"/> accepts in one entry (1 GiB) and in a whole checkpoint (4 GiB), checked against the
    /// sizes the archive declares before anything is allocated and again while reading, so a forged size or a zip bomb fails
    /// with a <see cref="CheckpointException"/> instead of exhausting memory.
    /// </summary>
    public static (long Entry, long Total) MaxBytes { get; } = (1L << 30, 4L << 30);

    /// <summary>Reads a checkpoint written by <see cref="WriteAtomic"/>.</summary>
    /// <exception cref="CheckpointException">If the file is missing, truncated, corrupted or too large; the message names the file.</exception>
    public static Checkpoint Read(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException($"checkpoint file '{path}' does not exist");
        var cp = new Checkpoint();
        ReadZip(path, cp);
        if (File.Exists(NewestOnlyPath(path))) ReadZip(NewestOnlyPath(path), cp);
        return cp;
    }

    private static void ReadZip(string path, Checkpoint cp)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            long declared = 0;
            foreach (var entry in zip.Entries)
            {
                declared += entry.Length;
                if (entry.Length > MaxBytes.Entry || declared > MaxBytes.Total)
                    throw new InvalidDataException($"entry '{entry.FullName}' declares {entry.Length} bytes, more than the limit " +
                                                   $"({MaxBytes.Entry} per entry, {MaxBytes.Total} in all)");
            }
            foreach (var entry in zip.Entries)
            {
                using var s = entry.Open();
                byte[] data = BoundedRead.ToEnd(s, Math.Min(entry.Length, MaxBytes.Entry), $"entry '{entry.FullName}'");
                // ZipArchive does not check the stored CRC-32 itself; a flipped bit would otherwise load silently.
                if (Crc32.Compute(data) != entry.Crc32)
                    throw new InvalidDataException($"entry '{entry.FullName}' fails its CRC-32 check");
                cp._entries[entry.FullName] = data;
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or NotSupportedException)
        {
            throw new CheckpointException($"checkpoint file '{path}' is truncated or corrupted: {e.Message}", e);
        }
    }
}
