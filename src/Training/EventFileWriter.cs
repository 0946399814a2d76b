using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Rl.Training;

/// <summary>
/// A TensorBoard event file written by the toolkit itself (no TensorFlow, no libtorch): TFRecord records (uint64 length,
/// masked CRC-32C of the length, the payload, masked CRC-32C of the payload) holding protobuf <c>Event</c> messages with
/// the wall time in Unix seconds, the step, and a <c>Summary</c> of scalar or histogram values. One file stays open for the
/// whole session; <see cref="Flush"/> (called once per iteration) pushes what was written to disk. The file is named
/// <c>events.out.tfevents.&lt;unix seconds&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;n&gt;</c> as TensorBoard expects; a resumed run adds a new file.
/// </summary>
public sealed class EventFileWriter : IDisposable
{
    private static int _counter;
    private readonly FileStream _file;
    private readonly Func<double> _clock;
    private readonly MemoryStream _event = new();
    private readonly MemoryStream _summary = new();
    private readonly MemoryStream _value = new();
    private readonly MemoryStream _histogram = new();

    /// <summary>Creates a new event file in <paramref name="directory"/> and writes its file-version record.</summary>
    /// <param name="directory">The log folder (created when missing).</param>
    /// <param name="clock">Wall time in Unix seconds (tests fix it); null: the system clock.</param>
    public EventFileWriter(string directory, Func<double>? clock = null)
    {
        _clock = clock ?? (() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
        Directory.CreateDirectory(directory);
        double now = _clock();
        string name = $"events.out.tfevents.{(long)now}.{Sanitize(Environment.MachineName)}.{Environment.ProcessId}.{Interlocked.Increment(ref _counter)}";
        Path = System.IO.Path.Combine(directory, name);
        _file = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        _event.SetLength(0);
        WriteDouble(_event, 1, now);
        WriteBytes(_event, 3, Encoding.UTF8.GetBytes("brain.Event:2"));
        WriteRecord(_event);
        Flush();
    }

    /// <summary>The event file.</summary>
    public string Path { get; }

    /// <summary>Adds a scalar (<c>simple_value</c>) at <paramref name="step"/>.</summary>
    public void Scalar(string tag, double value, long step)
    {
        _value.SetLength(0);
        WriteBytes(_value, 1, Encoding.UTF8.GetBytes(tag));
        WriteTag(_value, 2, 5);
        Span<byte> f = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(f, (float)value);
        _value.Write(f);
        WriteEvent(step);
    }

    /// <summary>
    /// Adds a histogram of <paramref name="values"/> at <paramref name="step"/>, binned with TensorFlow's default bucket
    /// edges (±1e-12·1.1^k), trimmed to the occupied range. Non-finite values are skipped.
    /// </summary>
    public void Histogram(string tag, ReadOnlySpan<float> values, long step)
    {
        var edges = DefaultEdges;
        var counts = new double[edges.Length];
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, sumSquares = 0, n = 0;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) continue;
            double x = v;
            min = Math.Min(min, x);
            max = Math.Max(max, x);
            sum += x;
            sumSquares += x * x;
            n++;
            int i = Array.BinarySearch(edges, x);
            counts[i >= 0 ? i : ~i]++;
        }
        if (n == 0) return;
        int first = Array.FindIndex(counts, c => c > 0), last = Array.FindLastIndex(counts, c => c > 0);
        _histogram.SetLength(0);
        WriteDouble(_histogram, 1, min);
        WriteDouble(_histogram, 2, max);
        WriteDouble(_histogram, 3, n);
        WriteDouble(_histogram, 4, sum);
        WriteDouble(_histogram, 5, sumSquares);
        WritePackedDoubles(_histogram, 6, edges.AsSpan(first, last - first + 1));
        WritePackedDoubles(_histogram, 7, counts.AsSpan(first, last - first + 1));
        _value.SetLength(0);
        WriteBytes(_value, 1, Encoding.UTF8.GetBytes(tag));
        WriteBytes(_value, 5, _histogram.GetBuffer().AsSpan(0, (int)_histogram.Length));
        WriteEvent(step);
    }

    /// <summary>Pushes the records written so far to the file.</summary>
    public void Flush() => _file.Flush();

    /// <inheritdoc />
    public void Dispose()
    {
        _file.Flush();
        _file.Dispose();
    }

    /// <summary>TensorFlow's default histogram bucket upper edges: ±1e-12·1.1^k up to 1e20, zero, and the largest double.</summary>
    private static readonly double[] DefaultEdges = BuildEdges();

    private static double[] BuildEdges()
    {
        var positive = new List<double>();
        for (double v = 1e-12; v < 1e20; v *= 1.1) positive.Add(v);
        var edges = new List<double>(positive.Count * 2 + 2);
        for (int i = positive.Count - 1; i >= 0; i--) edges.Add(-positive[i]);
        edges.Add(0);
        edges.AddRange(positive);
        edges.Add(double.MaxValue);
        return [.. edges];
    }

    private void WriteEvent(long step)
    {
        _summary.SetLength(0);
        WriteBytes(_summary, 1, _value.GetBuffer().AsSpan(0, (int)_value.Length));
        _event.SetLength(0);
        WriteDouble(_event, 1, _clock());
        WriteTag(_event, 2, 0);
        WriteVarint(_event, unchecked((ulong)step));
        WriteBytes(_event, 5, _summary.GetBuffer().AsSpan(0, (int)_summary.Length));
        WriteRecord(_event);
    }

    private void WriteRecord(MemoryStream payload)
    {
        var data = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc32C(header[..8]));
        _file.Write(header);
        _file.Write(data);
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc32C(data));
        _file.Write(footer);
    }

    /// <summary>The CRC-32C (Castagnoli) of <paramref name="data"/> masked as TFRecord stores it: ((c &gt;&gt; 15) | (c &lt;&lt; 17)) + 0xa282ead8.</summary>
    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8) crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        for (; i < data.Length; i++) crc = BitOperations.Crc32C(crc, data[i]);
        crc = ~crc;
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }

    private static void WriteTag(Stream s, int field, int wireType) => WriteVarint(s, (ulong)((field << 3) | wireType));

    private static void WriteVarint(Stream s, ulong v)
    {
        while (v >= 0x80)
        {
            s.WriteByte(unchecked((byte)(v | 0x80)));
            v >>= 7;
        }
        s.WriteByte(unchecked((byte)v));
    }

    private static void WriteDouble(Stream s, int field, double v)
    {
        WriteTag(s, field, 1);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(b, v);
        s.Write(b);
    }

    private static void WriteBytes(Stream s, int field, ReadOnlySpan<byte> bytes)
    {
        WriteTag(s, field, 2);
        WriteVarint(s, (ulong)bytes.Length);
        s.Write(bytes);
    }

    private static void WritePackedDoubles(Stream s, int field, ReadOnlySpan<double> values)
    {
        WriteTag(s, field, 2);
        WriteVarint(s, (ulong)(values.Length * 8));
        Span<byte> b = stackalloc byte[8];
        foreach (double v in values)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(b, v);
            s.Write(b);
        }
    }

    private static string Sanitize(string s) => string.Concat(s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
