namespace Rl.Rendering.Tests;

/// <summary>A small GIF decoder written for the tests (independent of the writer): frames as RGB arrays.</summary>
public static class GifReader
{
    public static (int Width, int Height, List<byte[]> Frames, List<int> DelaysCs, bool Loops) Read(string path)
    {
        var b = File.ReadAllBytes(path);
        Assert.Equal("GIF89a", System.Text.Encoding.ASCII.GetString(b, 0, 6));
        int width = b[6] | b[7] << 8, height = b[8] | b[9] << 8;
        int p = 13;
        byte[]? global = null;
        if ((b[10] & 0x80) != 0)
        {
            int n = 3 << ((b[10] & 7) + 1);
            global = b[p..(p + n)];
            p += n;
        }
        var frames = new List<byte[]>();
        var delays = new List<int>();
        bool loops = false;
        var canvas = new byte[width * height * 3];
        while (true)
        {
            byte block = b[p++];
            if (block == 0x3B) break;
            if (block == 0x21)
            {
                byte label = b[p++];
                var data = SubBlocks(b, ref p);
                if (label == 0xF9) delays.Add(data[1] | data[2] << 8);
                if (label == 0xFF && System.Text.Encoding.ASCII.GetString(data, 0, 11) == "NETSCAPE2.0") loops = true;
                continue;
            }
            Assert.Equal(0x2C, block);
            int x0 = b[p] | b[p + 1] << 8, y0 = b[p + 2] | b[p + 3] << 8, w = b[p + 4] | b[p + 5] << 8, h = b[p + 6] | b[p + 7] << 8;
            byte flags = b[p + 8];
            p += 9;
            var palette = global;
            if ((flags & 0x80) != 0)
            {
                int n = 3 << ((flags & 7) + 1);
                palette = b[p..(p + n)];
                p += n;
            }
            int minCode = b[p++];
            var indices = Lzw(SubBlocks(b, ref p), minCode, w * h);
            for (int i = 0; i < w * h; i++)
            {
                int o = ((y0 + i / w) * width + x0 + i % w) * 3;
                canvas[o] = palette![3 * indices[i]];
                canvas[o + 1] = palette[3 * indices[i] + 1];
                canvas[o + 2] = palette[3 * indices[i] + 2];
            }
            frames.Add((byte[])canvas.Clone());
        }
        return (width, height, frames, delays, loops);
    }

    private static byte[] SubBlocks(byte[] b, ref int p)
    {
        var ms = new MemoryStream();
        while (true)
        {
            int n = b[p++];
            if (n == 0) return ms.ToArray();
            ms.Write(b, p, n);
            p += n;
        }
    }

    /// <summary>Textbook GIF LZW decoding.</summary>
    private static byte[] Lzw(byte[] data, int minCode, int count)
    {
        int clear = 1 << minCode, end = clear + 1;
        var prefix = new int[4096];
        var suffix = new byte[4096];
        var length = new int[4096];
        for (int i = 0; i < clear; i++) { prefix[i] = -1; suffix[i] = (byte)i; length[i] = 1; }
        var output = new List<byte>(count);
        int codeSize = minCode + 1, next = end + 1, previous = -1;
        int bitPos = 0;
        var stack = new byte[4096];
        while (true)
        {
            Assert.True(bitPos + codeSize <= data.Length * 8, "LZW data ended without an end code");
            int code = 0;
            for (int k = 0; k < codeSize; k++, bitPos++) code |= ((data[bitPos >> 3] >> (bitPos & 7)) & 1) << k;
            if (code == clear)
            {
                codeSize = minCode + 1;
                next = end + 1;
                previous = -1;
                continue;
            }
            if (code == end) break;
            int first;
            if (previous == -1)
            {
                Assert.True(code < clear, $"first code after clear must be a literal, got {code}");
                output.Add((byte)code);
                previous = code;
                continue;
            }
            int c = code < next ? code : previous;
            Assert.True(code <= next, $"code {code} beyond the table ({next})");
            int sp = 0;
            for (int e = c; e != -1; e = prefix[e]) stack[sp++] = suffix[e];
            first = stack[sp - 1];
            for (int i = sp - 1; i >= 0; i--) output.Add(stack[i]);
            if (code == next) output.Add((byte)first);
            if (next < 4096)
            {
                prefix[next] = previous;
                suffix[next] = (byte)first;
                length[next] = length[previous] + 1;
                next++;
                if (next == 1 << codeSize && codeSize < 12) codeSize++;
            }
            previous = code;
        }
        Assert.Equal(count, output.Count);
        return output.ToArray();
    }
}
