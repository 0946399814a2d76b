using System.Buffers.Binary;
using System.IO.Compression;
using Rl.Core.Rendering;

namespace Rl.Core.Tests;

public class PngTests
{
    [Fact]
    public void Crc32GivesTheStandardCheckValue() =>
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));

    [Theory]
    [InlineData(1, PngFilter.None)]
    [InlineData(3, PngFilter.Sub)]
    [InlineData(4, PngFilter.Sub)]
    public void APngHoldsItsPixelsWithEitherFilter(int channels, PngFilter filter)
    {
        const int width = 5, height = 3;
        var pixels = new byte[width * height * channels];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = unchecked((byte)(i * 37 + 11));
        using var stream = new MemoryStream();
        Png.Write(stream, pixels, width, height, channels, filter);
        var file = stream.ToArray();

        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, file[..8]);
        var chunks = new Dictionary<string, byte[]>();
        for (int at = 8; at < file.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at + 8 + length)), Crc32.Compute(file.AsSpan(at + 4, 4 + length)));
            chunks[type] = file[(at + 8)..(at + 8 + length)];
            at += 12 + length;
        }
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(chunks["IHDR"]));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(chunks["IHDR"].AsSpan(4)));
        Assert.Equal(channels switch { 1 => 0, 3 => 2, _ => 6 }, chunks["IHDR"][9]);
        Assert.Empty(chunks["IEND"]);

        using var z = new ZLibStream(new MemoryStream(chunks["IDAT"]), CompressionMode.Decompress);
        using var inflated = new MemoryStream();
        z.CopyTo(inflated);
        var raw = inflated.ToArray();
        int stride = width * channels;
        Assert.Equal(height * (stride + 1), raw.Length);
        for (int y = 0; y < height; y++)
        {
            Assert.Equal((byte)filter, raw[y * (stride + 1)]);
            for (int i = 0; i < stride; i++)
            {
                byte left = filter == PngFilter.Sub && i >= channels ? pixels[y * stride + i - channels] : (byte)0;
                Assert.Equal(pixels[y * stride + i], unchecked((byte)(raw[y * (stride + 1) + 1 + i] + left)));
            }
        }
    }

    [Fact]
    public void BadShapesAreRefusedWithWhatWasWrong()
    {
        using var stream = new MemoryStream();
        Assert.Contains("2 channels", Assert.Throws<ArgumentException>(() => Png.Write(stream, new byte[8], 2, 2, 2)).Message);
        Assert.Contains("expected 12", Assert.Throws<ArgumentException>(() => Png.Write(stream, new byte[8], 2, 2, 3)).Message);
        Assert.Equal(0, stream.Length);
    }
}
