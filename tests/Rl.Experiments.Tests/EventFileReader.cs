using System.Buffers.Binary;
using System.Text;

namespace Rl.Experiments.Tests;

/// <summary>
/// Reads TensorBoard event files for the tests, independently of TorchSharp: TFRecord framing (uint64 length, masked
/// CRC-32C of the length, payload, masked CRC-32C of the payload) around protobuf <c>Event</c> messages, of which the
/// <c>Summary</c> values with a simple (scalar) value or a histogram are decoded.
/// </summary>
public static class EventFileReader
{
    public sealed record Scalar(string Tag, long Step, float Value, double WallTime = 0);

    public sealed record Histogram(string Tag, long Step, double Count, double Min, double Max, double Sum);

    public sealed record Contents(string? FileVersion, List<Scalar> Scalars, List<Histogram> Histograms, int Records);

    public static Contents Read(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        var scalars = new List<Scalar>();
        var histograms = new List<Histogram>();
        string? version = null;
        int pos = 0, records = 0;
        while (pos < data.Length)
        {
            if (data.Length - pos < 12) throw new InvalidDataException($"{path}: truncated record header at byte {pos}");
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(pos));
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos + 8));
            if (lengthCrc != MaskedCrc(data.AsSpan(pos, 8))) throw new InvalidDataException($"{path}: bad length CRC at byte {pos}");
            pos += 12;
            if ((ulong)(data.Length - pos) < length + 4) throw new InvalidDataException($"{path}: truncated record at byte {pos}");
            var payload = data.AsSpan(pos, (int)length);
            uint payloadCrc = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos + (int)length));
            if (payloadCrc != MaskedCrc(payload)) throw new InvalidDataException($"{path}: bad payload CRC at byte {pos}");
            pos += (int)length + 4;
            records++;
            DecodeEvent(payload.ToArray(), scalars, histograms, ref version);
        }
        return new Contents(version, scalars, histograms, records);
    }

    // Event: 1 wall_time (double), 2 step (int64), 3 file_version (string), 5 summary (Summary).
    private static void DecodeEvent(byte[] msg, List<Scalar> scalars, List<Histogram> histograms, ref string? version)
    {
        long step = 0;
        double wall = 0;
        var summaries = new List<byte[]>();
        foreach (var (field, wire, value, bytes) in Fields(msg))
        {
            if (field == 1 && wire == 1) wall = BitConverter.Int64BitsToDouble(unchecked((long)value));
            else if (field == 2 && wire == 0) step = unchecked((long)value);
            else if (field == 3 && wire == 2) version = Encoding.UTF8.GetString(bytes!);
            else if (field == 5 && wire == 2) summaries.Add(bytes!);
        }
        // Summary: repeated 1 value (Value: 1 tag, 2 simple_value float, 5 histo HistogramProto).
        foreach (var summary in summaries)
        {
            foreach (var (f, w, _, valueMsg) in Fields(summary))
            {
                if (f != 1 || w != 2) continue;
                string tag = "";
                float? simple = null;
                byte[]? histo = null;
                foreach (var (vf, vw, vv, vb) in Fields(valueMsg!))
                {
                    if (vf == 1 && vw == 2) tag = Encoding.UTF8.GetString(vb!);
                    else if (vf == 2 && vw == 5) simple = BitConverter.Int32BitsToSingle(unchecked((int)vv));
                    else if (vf == 5 && vw == 2) histo = vb;
                }
                if (simple is float s) scalars.Add(new Scalar(tag, step, s, wall));
                if (histo is not null)
                {
                    // HistogramProto: 1 min, 2 max, 3 num, 4 sum, 5 sum_squares (doubles).
                    double min = 0, max = 0, num = 0, sum = 0;
                    foreach (var (hf, hw, hv, _) in Fields(histo))
                    {
                        if (hw != 1) continue;
                        double d = BitConverter.Int64BitsToDouble(unchecked((long)hv));
                        switch (hf) { case 1: min = d; break; case 2: max = d; break; case 3: num = d; break; case 4: sum = d; break; }
                    }
                    histograms.Add(new Histogram(tag, step, num, min, max, sum));
                }
            }
        }
    }

    private static IEnumerable<(int Field, int Wire, ulong Value, byte[]? Bytes)> Fields(byte[] msg)
    {
        int pos = 0;
        while (pos < msg.Length)
        {
            ulong key = Varint(msg, ref pos);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: yield return (field, wire, Varint(msg, ref pos), null); break;
                case 1: yield return (field, wire, BinaryPrimitives.ReadUInt64LittleEndian(msg.AsSpan(pos)), null); pos += 8; break;
                case 5: yield return (field, wire, BinaryPrimitives.ReadUInt32LittleEndian(msg.AsSpan(pos)), null); pos += 4; break;
                case 2:
                {
                    int len = (int)Varint(msg, ref pos);
                    yield return (field, wire, 0, msg.AsSpan(pos, len).ToArray());
                    pos += len;
                    break;
                }
                default: throw new InvalidDataException($"unsupported protobuf wire type {wire}");
            }
        }
    }

    private static ulong Varint(byte[] b, ref int pos)
    {
        ulong v = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte x = b[pos++];
            v |= (ulong)(x & 0x7F) << shift;
            if ((x & 0x80) == 0) return v;
        }
    }

    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var t = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }

    /// <summary>CRC-32C (Castagnoli), masked as TFRecord does.</summary>
    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        crc ^= 0xFFFFFFFFu;
        return unchecked(((crc >> 15) | (crc << 17)) + 0xA282EAD8u);
    }
}
