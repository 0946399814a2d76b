using System.Buffers.Binary;
using System.IO.Compression;

namespace Rl.Rendering;

/// <summary>The colour layout of rendered pixels.</summary>
public enum ColorMode
{
    /// <summary>Three bytes per pixel: red, green, blue.</summary>
    Rgb,
    /// <summary>
    /// One byte per pixel: luminance with the weights of Gymnasium's <c>GrayscaleObservation</c> (0.2125 R + 0.7154 G +
    /// 0.0721 B), rounded. Rendered directly in gray: exactly the conversion of the RGB frame for opaque shapes; where
    /// translucent shapes blend, one level off at most.
    /// </summary>
    Grayscale,
}

/// <summary>Helpers for <see cref="ColorMode"/>.</summary>
public static class ColorModes
{
    /// <summary>Bytes per pixel: 3 for RGB, 1 for grayscale.</summary>
    public static int Channels(this ColorMode mode) => mode == ColorMode.Grayscale ? 1 : 3;
}

/// <summary>
/// An image as Gymnasium's <c>rgb_array</c> returns it: height x width x channels bytes, rows from the top, channels
/// interleaved (RGB, or one grayscale channel).
/// </summary>
public sealed class Frame
{
    /// <summary>Wraps pixel data.</summary>
    /// <exception cref="ArgumentException">If the data length is not height x width x channels or channels is not 1, 3 or 4.</exception>
    public Frame(int width, int height, int channels, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (channels is not (1 or 3 or 4)) throw new ArgumentException($"a frame has 1, 3 or 4 channels, not {channels}", nameof(channels));
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != width * height * channels)
            throw new ArgumentException($"a {height}x{width}x{channels} frame needs {width * height * channels} bytes, got {pixels.Length}", nameof(pixels));
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Bytes per pixel.</summary>
    public int Channels { get; }

    /// <summary>The pixels, H x W x C, rows from the top.</summary>
    public byte[] Pixels { get; }

    /// <summary>The shape as NumPy would give it: (height, width, channels).</summary>
    public int[] Shape => [Height, Width, Channels];

    /// <summary>Channel <paramref name="c"/> of the pixel in column <paramref name="x"/>, row <paramref name="y"/> (from the top).</summary>
    public byte this[int x, int y, int c] => Pixels[(y * Width + x) * Channels + c];

    /// <summary>Writes the frame as a PNG file (8-bit grayscale, RGB or RGBA), creating the folder if needed.</summary>
    public void SavePng(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        using var fs = File.Create(path);
        WritePng(fs);
    }

    /// <summary>Writes the frame as PNG to a stream.</summary>
    public void WritePng(Stream stream)
    {
        stream.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], Height);
        header[8] = 8; // bit depth
        header[9] = Channels switch { 1 => 0, 3 => 2, _ => 6 }; // colour type: gray, RGB, RGBA
        WriteChunk(stream, "IHDR", header);
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true))
        {
            int stride = Width * Channels;
            for (int y = 0; y < Height; y++)
            {
                z.WriteByte(0); // filter: none
                z.Write(Pixels, y * stride, stride);
            }
        }
        WriteChunk(stream, "IDAT", raw.GetBuffer().AsSpan(0, (int)raw.Length));
        WriteChunk(stream, "IEND", []);
    }

    private static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> b4 = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b4, data.Length);
        stream.Write(b4);
        Span<byte> typeBytes = [(byte)type[0], (byte)type[1], (byte)type[2], (byte)type[3]];
        stream.Write(typeBytes);
        stream.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(b4, crc);
        stream.Write(b4);
    }
}

/// <summary>CRC-32 (IEEE 802.3, as PNG uses it).</summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }

    /// <summary>Continues a CRC over <paramref name="data"/> (start with 0xFFFFFFFF, finish by xor with 0xFFFFFFFF).</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }
}
