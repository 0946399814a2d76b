namespace Rl.Core;

/// <summary>The CRC-32 of PNG, zlib and zip (ISO-HDLC / IEEE 802.3, reflected polynomial 0xEDB88320).</summary>
public static class Crc32
{
    /// <summary>The register's starting value, and what a finished CRC is xored with.</summary>
    public const uint Start = 0xFFFFFFFFu;

    private static readonly uint[] Table = MakeTable();

    private static uint[] MakeTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Update(Start, data) ^ Start;

    /// <summary>Continues a CRC register over <paramref name="data"/>: start with <see cref="Start"/>, finish by xor with <see cref="Start"/>.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }
}
