using static Rl.Rendering.Video.GifBytes;

namespace Rl.Rendering.Video;

/// <summary>
/// Writes an animated GIF (GIF89a, looping) from RGB frames, with no external tools: the fallback when ffmpeg is missing.
/// Each frame gets its own colour table: the exact colours when a frame has at most 256 (typical of the flat-shaded scenes
/// environments draw), otherwise a 256-colour median-cut palette with nearest-colour mapping. Pixels are LZW-compressed as
/// the GIF format requires.
/// </summary>
public sealed class GifWriter : VideoWriterBase
{
    private readonly Stream _stream;
    private readonly int _delayCentiseconds;
    private readonly LzwEncoder _lzw = new();
    private byte[] _indices = [];

    /// <summary>Creates <paramref name="path"/> (and its folder); frames are shown at <paramref name="fps"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="fps"/> is not positive.</exception>
    public GifWriter(string path, double fps) : base(path, fps)
    {
        // GIF delays are whole hundredths of a second; 50 fps and above play at 50 in most viewers.
        _delayCentiseconds = Math.Max(2, (int)Math.Round(100 / fps));
        _stream = new BufferedStream(File.Create(path), 1 << 16);
    }

    /// <inheritdoc />
    protected override void WriteFrame(ReadOnlySpan<byte> rgb)
    {
        int width = Width, height = Height;
        if (FrameCount == 0) WriteHeader();
        int n = width * height;
        if (_indices.Length < n) _indices = new byte[n];
        var palette = GifPalette.Build(rgb, n, _indices);
        int bits = Math.Max(1, (int)Math.Ceiling(Math.Log2(Math.Max(2, palette.Length / 3))));

        // Graphic control extension: delay, no transparency, disposal "do not dispose".
        _stream.Write([0x21, 0xF9, 0x04, 0x04, Lo(_delayCentiseconds), Lo(_delayCentiseconds >> 8), 0x00, 0x00]);
        // Image descriptor with a local colour table of 2^bits entries.
        _stream.Write([0x2C, 0, 0, 0, 0, Lo(width), Lo(width >> 8), Lo(height), Lo(height >> 8), Lo(0x80 | (bits - 1))]);
        Span<byte> table = stackalloc byte[3 << bits];
        table.Clear();
        palette.CopyTo(table);
        _stream.Write(table);
        int minCodeSize = Math.Max(2, bits);
        _stream.WriteByte(Lo(minCodeSize));
        _lzw.Encode(_indices.AsSpan(0, n), minCodeSize, _stream);
    }

    private void WriteHeader()
    {
        _stream.Write("GIF89a"u8);
        // Logical screen: size, no global colour table.
        _stream.Write([Lo(Width), Lo(Width >> 8), Lo(Height), Lo(Height >> 8), 0x00, 0x00, 0x00]);
        // NETSCAPE2.0 application extension: loop forever.
        _stream.Write([0x21, 0xFF, 0x0B, .. "NETSCAPE2.0"u8, 0x03, 0x01, 0x00, 0x00, 0x00]);
    }

    /// <summary>Finishes the file (trailer) and closes it.</summary>
    protected override void Finish()
    {
        if (FrameCount > 0) _stream.WriteByte(0x3B);
        _stream.Dispose();
    }
}

/// <summary>Builds a frame's colour table and palette indices.</summary>
internal static class GifPalette
{
    /// <summary>Returns the palette as RGB triples and writes each pixel's palette index into <paramref name="indices"/>.</summary>
    public static byte[] Build(ReadOnlySpan<byte> rgb, int pixels, Span<byte> indices)
    {
        var exact = new Dictionary<int, byte>();
        bool fits = true;
        for (int i = 0; i < pixels; i++)
        {
            int c = rgb[3 * i] << 16 | rgb[3 * i + 1] << 8 | rgb[3 * i + 2];
            if (!exact.TryGetValue(c, out byte index))
            {
                if (exact.Count == 256)
                {
                    fits = false;
                    break;
                }
                index = (byte)exact.Count;
                exact[c] = index;
            }
            indices[i] = index;
        }
        if (fits)
        {
            var palette = new byte[exact.Count * 3];
            foreach (var (c, index) in exact)
            {
                palette[3 * index] = Lo(c >> 16);
                palette[3 * index + 1] = Lo(c >> 8);
                palette[3 * index + 2] = Lo(c);
            }
            return palette;
        }
        return MedianCut(rgb, pixels, indices);
    }

    /// <summary>Median cut over a 5-bit-per-channel histogram into at most 256 boxes, then nearest-colour mapping.</summary>
    private static byte[] MedianCut(ReadOnlySpan<byte> rgb, int pixels, Span<byte> indices)
    {
        const int Bins = 1 << 15;
        var counts = new int[Bins];
        for (int i = 0; i < pixels; i++) counts[Bin(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2])]++;
        var colors = new List<int>();
        for (int b = 0; b < Bins; b++) if (counts[b] > 0) colors.Add(b);

        var boxes = new List<List<int>> { colors };
        while (boxes.Count < 256)
        {
            // Split the box with the widest channel range (among boxes with more than one colour).
            int best = -1, bestRange = 0, bestChannel = 0;
            for (int k = 0; k < boxes.Count; k++)
            {
                if (boxes[k].Count < 2) continue;
                for (int ch = 0; ch < 3; ch++)
                {
                    int lo = 31, hi = 0;
                    foreach (int b in boxes[k]) { int v = Channel(b, ch); lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
                    if (hi - lo > bestRange) (best, bestRange, bestChannel) = (k, hi - lo, ch);
                }
            }
            if (best < 0) break;
            var box = boxes[best];
            box.Sort((a, b) => Channel(a, bestChannel).CompareTo(Channel(b, bestChannel)));
            long total = 0;
            foreach (int b in box) total += counts[b];
            long acc = 0;
            int split = 1;
            for (int j = 0; j < box.Count - 1; j++)
            {
                acc += counts[box[j]];
                split = j + 1;
                if (acc * 2 >= total) break;
            }
            boxes[best] = box.GetRange(0, split);
            boxes.Add(box.GetRange(split, box.Count - split));
        }

        var palette = new byte[boxes.Count * 3];
        for (int k = 0; k < boxes.Count; k++)
        {
            long n = 0, r = 0, g = 0, bl = 0;
            foreach (int b in boxes[k])
            {
                long c = counts[b];
                n += c;
                r += c * (Channel(b, 0) * 255 / 31);
                g += c * (Channel(b, 1) * 255 / 31);
                bl += c * (Channel(b, 2) * 255 / 31);
            }
            palette[3 * k] = (byte)(r / n);
            palette[3 * k + 1] = (byte)(g / n);
            palette[3 * k + 2] = (byte)(bl / n);
        }

        var nearest = new short[Bins];
        Array.Fill(nearest, (short)-1);
        for (int i = 0; i < pixels; i++)
        {
            int bin = Bin(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]);
            if (nearest[bin] < 0) nearest[bin] = (short)Nearest(palette, rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]);
            indices[i] = (byte)nearest[bin];
        }
        return palette;
    }

    private static int Bin(byte r, byte g, byte b) => (r >> 3) << 10 | (g >> 3) << 5 | b >> 3;

    private static int Channel(int bin, int ch) => (bin >> (10 - 5 * ch)) & 31;

    private static int Nearest(byte[] palette, int r, int g, int b)
    {
        int best = 0, bestD = int.MaxValue;
        for (int k = 0; k < palette.Length / 3; k++)
        {
            int dr = palette[3 * k] - r, dg = palette[3 * k + 1] - g, db = palette[3 * k + 2] - b;
            int d = dr * dr + dg * dg + db * db;
            if (d < bestD) (best, bestD) = (k, d);
        }
        return best;
    }
}

/// <summary>GIF's variable-length-code LZW compression, written as 255-byte data sub-blocks.</summary>
internal sealed class LzwEncoder
{
    private const int MaxCode = 4095, HashSize = 5003;
    private readonly int[] _hashKey = new int[HashSize];
    private readonly short[] _hashCode = new short[HashSize];
    private readonly byte[] _block = new byte[256];
    private int _blockLength;
    private int _bitBuffer, _bitCount;

    public void Encode(ReadOnlySpan<byte> indices, int minCodeSize, Stream output)
    {
        int clear = 1 << minCodeSize, end = clear + 1;
        int codeSize = minCodeSize + 1, next = end + 1;
        _bitBuffer = _bitCount = _blockLength = 0;
        Array.Fill(_hashKey, -1);
        Emit(clear, codeSize, output);
        int prefix = indices[0];
        for (int i = 1; i < indices.Length; i++)
        {
            int k = indices[i];
            int key = prefix << 8 | k;
            int h = (k << 4 ^ prefix) % HashSize;
            while (_hashKey[h] != -1 && _hashKey[h] != key) h = h == 0 ? HashSize - 1 : h - 1;
            if (_hashKey[h] == key)
            {
                prefix = _hashCode[h];
                continue;
            }
            Emit(prefix, codeSize, output);
            // The decoder adds an entry for every code after the first; its code width grows when the entry it adds reaches
            // 2^codeSize. The encoder is one entry ahead, so it grows the width when the entry it just added reaches that.
            int added = next++;
            _hashKey[h] = key;
            _hashCode[h] = (short)added;
            if (added >= 1 << codeSize && codeSize < 12) codeSize++;
            if (added == MaxCode)
            {
                Emit(clear, codeSize, output);
                Array.Fill(_hashKey, -1);
                codeSize = minCodeSize + 1;
                next = end + 1;
            }
            prefix = k;
        }
        Emit(prefix, codeSize, output);
        // The decoder adds one more entry after reading the last code; follow its width before the end code.
        if (next <= MaxCode && next >= 1 << codeSize && codeSize < 12) codeSize++;
        Emit(end, codeSize, output);
        if (_bitCount > 0) PutByte(Lo(_bitBuffer), output);
        if (_blockLength > 0) FlushBlock(output);
        output.WriteByte(0); // block terminator
    }

    private void Emit(int code, int size, Stream output)
    {
        _bitBuffer |= code << _bitCount;
        _bitCount += size;
        while (_bitCount >= 8)
        {
            PutByte(Lo(_bitBuffer), output);
            _bitBuffer >>= 8;
            _bitCount -= 8;
        }
    }

    private void PutByte(byte b, Stream output)
    {
        _block[1 + _blockLength++] = b;
        if (_blockLength == 255) FlushBlock(output);
    }

    private void FlushBlock(Stream output)
    {
        _block[0] = (byte)_blockLength;
        output.Write(_block, 0, _blockLength + 1);
        _blockLength = 0;
    }
}

/// <summary>Byte extraction for the little-endian GIF fields (the project builds with overflow checks on).</summary>
internal static class GifBytes
{
    /// <summary>The low byte of <paramref name="value"/>.</summary>
    public static byte Lo(int value) => unchecked((byte)value);
}
