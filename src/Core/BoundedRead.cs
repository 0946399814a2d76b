namespace Rl.Core;

/// <summary>
/// Reads files that may come from someone else (checkpoints, demonstrations, configs) without trusting the lengths they
/// declare: memory grows with the bytes that actually arrive, never with a forged size field, and a hard limit stops
/// content that really is huge (a zip bomb). Every failure is an <see cref="InvalidDataException"/> naming the source.
/// </summary>
public static class BoundedRead
{
    private const int Chunk = 1 << 20;

    /// <summary>Reads exactly <paramref name="count"/> bytes, allocating as they arrive.</summary>
    /// <param name="stream">The source.</param>
    /// <param name="count">The number of bytes the file says follow.</param>
    /// <param name="limit">The most bytes accepted.</param>
    /// <param name="name">The file (and entry) for messages.</param>
    /// <param name="what">What is being read, for messages (e.g. <c>the data</c>).</param>
    /// <exception cref="InvalidDataException">If <paramref name="count"/> exceeds <paramref name="limit"/> or the stream ends early.</exception>
    public static byte[] Exactly(Stream stream, long count, long limit, string name, string what)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (count < 0 || count > limit)
            throw new InvalidDataException($"{name}: {what} would take {count} bytes, more than the limit of {limit} bytes (a forged or corrupt size?).");
        if (count <= Chunk) return Fill(stream, new byte[count], 0, name, what, count);
        // Large: grow chunk by chunk, so a forged count costs no more memory than the bytes really present.
        using var buffer = new MemoryStream();
        var chunk = new byte[Chunk];
        long left = count;
        while (left > 0)
        {
            int want = (int)Math.Min(Chunk, left);
            int n = stream.Read(chunk, 0, want);
            if (n == 0) throw Truncated(name, what, count - left, count);
            buffer.Write(chunk, 0, n);
            left -= n;
        }
        return buffer.ToArray();
    }

    /// <summary>Reads to the end of the stream, failing once more than <paramref name="limit"/> bytes arrive.</summary>
    /// <exception cref="InvalidDataException">If the content exceeds <paramref name="limit"/>.</exception>
    public static byte[] ToEnd(Stream stream, long limit, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        var chunk = new byte[(int)Math.Min(Chunk, Math.Max(1, limit + 1))];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > limit)
                throw new InvalidDataException($"{name}: more than the limit of {limit} bytes (a forged or corrupt size?).");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>Reads a text file of at most <paramref name="limit"/> bytes (checked before reading).</summary>
    /// <exception cref="InvalidDataException">If the file is larger.</exception>
    public static string Text(string path, long limit)
    {
        ArgumentNullException.ThrowIfNull(path);
        long length = new FileInfo(path).Length;
        if (length > limit) throw new InvalidDataException($"{path}: {length} bytes, more than the limit of {limit} bytes for this kind of file.");
        using var fs = File.OpenRead(path);
        return System.Text.Encoding.UTF8.GetString(ToEnd(fs, limit, path));
    }

    private static byte[] Fill(Stream stream, byte[] buffer, int read, string name, string what, long count)
    {
        while (read < buffer.Length)
        {
            int n = stream.Read(buffer, read, buffer.Length - read);
            if (n == 0) throw Truncated(name, what, read, count);
            read += n;
        }
        return buffer;
    }

    private static InvalidDataException Truncated(string name, string what, long read, long count) =>
        new($"{name}: truncated while reading {what} ({read} of {count} bytes).");
}
