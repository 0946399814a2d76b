using System.Buffers.Binary;
using System.IO.Compression;

namespace Rl.Core.Rendering;

/// <summary>How each PNG row is filtered before compression.</summary>
public enum PngFilter
{
    /// <summary>Bytes as they are (fastest; suits camera-like frames).</summary>
    None = 0,

    /// <summary>Each byte minus the byte one pixel to its left: long flat runs (plots, diagrams) become zeros and compress well.</summary>
    Sub = 1,
}

/// <summary>
/// PNG encoding of 8-bit images (gray, RGB or RGBA), shared by rendered frames and plots.
/// </summary>
public static class Png
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Writes an image as PNG.</summary>
    /// <param name="stream">Where the file's bytes go.</param>
    /// <param name="pixels">Rows from the top, each <paramref name="width"/> x <paramref name="channels"/> bytes.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="channels">1 (gray), 3 (RGB) or 4 (RGBA).</param>
    /// <param name="filter">The row filter.</param>
    /// <param name="compression">The zlib compression level.</param>
    /// <exception cref="ArgumentException">When the channel count or the pixel count does not fit.</exception>
    public static void Write(Stream stream, ReadOnlySpan<byte> pixels, int width, int height, int channels,
        PngFilter filter = PngFilter.None, CompressionLevel compression = CompressionLevel.Fastest)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (channels is not (1 or 3 or 4))
            throw new ArgumentException($"PNG: {channels} channels per pixel; expected 1 (gray), 3 (RGB) or 4 (RGBA)", nameof(channels));
        int stride = width * channels;
        if (width <= 0 || height <= 0 || pixels.Length != stride * height)
            throw new ArgumentException($"PNG: {pixels.Length} bytes for a {width}x{height} image of {channels} channels (expected {stride * height})", nameof(pixels));
        stream.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8; // bits per channel
        header[9] = channels switch { 1 => 0, 3 => 2, _ => 6 }; // colour type: gray, RGB, RGBA
        header[10] = header[11] = header[12] = 0; // deflate, adaptive filtering, no interlace
        WriteChunk(stream, "IHDR", header);
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, compression, leaveOpen: true))
        {
            var line = new byte[stride + 1];
            line[0] = (byte)filter;
            for (int y = 0; y < height; y++)
            {
                var row = pixels.Slice(y * stride, stride);
                if (filter == PngFilter.Sub)
                    for (int i = 0; i < stride; i++) line[i + 1] = unchecked((byte)(row[i] - (i >= channels ? row[i - channels] : 0)));
                else
                    row.CopyTo(line.AsSpan(1));
                z.Write(line);
            }
        }
        WriteChunk(stream, "IDAT", raw.GetBuffer().AsSpan(0, (int)raw.Length));
        WriteChunk(stream, "IEND", []);
    }

    private static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        Span<byte> typeBytes = [(byte)type[0], (byte)type[1], (byte)type[2], (byte)type[3]];
        stream.Write(typeBytes);
        stream.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Update(Crc32.Update(Crc32.Start, typeBytes), data) ^ Crc32.Start);
        stream.Write(word);
    }
}
