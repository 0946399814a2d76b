using System.IO.Compression;

namespace Rl.Core.Demonstrations;

/// <summary>
/// NumPy's <c>.npz</c> container: a zip archive with one <c>NAME.npy</c> entry per array, as <c>numpy.savez_compressed</c>
/// writes it (deflated entries); <c>numpy.load</c> reads it back as a dict-like of arrays.
/// </summary>
public static class Npz
{
    /// <summary>Writes <paramref name="arrays"/> to <paramref name="stream"/> as an npz archive (the stream stays open).</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, NpyArray>> arrays, CompressionLevel level = CompressionLevel.Fastest)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(arrays);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, array) in arrays)
        {
            // A fixed timestamp keeps files of identical episodes byte-identical (and their checksums equal).
            var entry = zip.CreateEntry(name + ".npy", level);
            entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
            using var s = entry.Open();
            array.WriteTo(s);
        }
    }

    /// <summary>Reads every <c>.npy</c> entry of the npz file at <paramref name="path"/>, keyed by name without <c>.npy</c>.</summary>
    /// <exception cref="InvalidDataException">Naming the file (and entry) when the archive or an array is truncated or corrupt.</exception>
    public static Dictionary<string, NpyArray> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var fs = File.OpenRead(path);
        return Read(fs, path);
    }

    /// <summary>Reads every <c>.npy</c> entry of an npz archive in <paramref name="stream"/> (seekable), keyed by name without <c>.npy</c>.</summary>
    /// <param name="stream">The archive.</param>
    /// <param name="name">The file name for messages.</param>
    /// <exception cref="InvalidDataException">Naming the file (and entry) when the archive or an array is truncated or corrupt.</exception>
    public static Dictionary<string, NpyArray> Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        var result = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            foreach (var entry in zip.Entries)
            {
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal)) continue;
                string entryName = $"{name} [{entry.FullName}]";
                if (entry.Length > NpyArray.MaxDataBytes + (1 << 20))
                    throw new InvalidDataException($"{entryName}: declares {entry.Length} bytes, more than the limit of {NpyArray.MaxDataBytes} for an array.");
                using var s = entry.Open();
                result[entry.FullName[..^4]] = NpyArray.Read(s, entryName);
            }
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(name, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{name}: not a readable npz archive (truncated or corrupt): {e.Message}", e);
        }
        catch (Exception e) when (e is NotSupportedException or IOException or ArgumentException)
        {
            // A damaged header can name an unknown compression method or impossible offsets: the same failure, said the same way.
            throw new InvalidDataException($"{name}: not a readable npz archive (truncated or corrupt): {e.Message}", e);
        }
        return result;
    }
}
