using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Rl.Core.Demonstrations;

/// <summary>The NumPy element types a demonstration file uses, with their <c>descr</c> strings.</summary>
public enum NpyDType
{
    /// <summary><c>|b1</c>: NumPy bool, one byte 0 or 1.</summary>
    Bool,
    /// <summary><c>|u1</c>: unsigned byte.</summary>
    UInt8,
    /// <summary><c>&lt;i8</c>: little-endian 64-bit integer.</summary>
    Int64,
    /// <summary><c>&lt;f4</c>: little-endian 32-bit float.</summary>
    Float32,
    /// <summary><c>&lt;f8</c>: little-endian 64-bit float.</summary>
    Float64,
}

/// <summary>
/// An n-dimensional array as NumPy's <c>.npy</c> format stores it: element type, shape (row-major, C order) and the raw
/// little-endian bytes. Reads and writes format version 1.0 (header padded so the data starts on a 64-byte boundary).
/// </summary>
public sealed class NpyArray
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Creates an array from raw little-endian bytes.</summary>
    /// <exception cref="ArgumentException">If the byte count disagrees with the shape and element type.</exception>
    public NpyArray(NpyDType dtype, int[] shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Any(d => d < 0)) throw new ArgumentException($"npy shape {FormatShape(shape)} has a negative dimension.", nameof(shape));
        long count = 1;
        foreach (int d in shape) count *= d;
        if (count * ItemSize(dtype) != data.Length)
            throw new ArgumentException($"npy {Descr(dtype)} array of shape {FormatShape(shape)} needs {count * ItemSize(dtype)} bytes, got {data.Length}.", nameof(data));
        DType = dtype;
        Shape = (int[])shape.Clone();
        Data = data;
    }

    /// <summary>Creates an array of <paramref name="values"/> with the given shape (one dimension of their length by default).</summary>
    public static NpyArray From<T>(T[] values, int[]? shape = null) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        var dtype = DTypeOf<T>();
        return new NpyArray(dtype, shape ?? [values.Length], MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }

    /// <summary>The element type.</summary>
    public NpyDType DType { get; }

    /// <summary>The shape (a copy is kept; do not modify).</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The raw little-endian element bytes in C order.</summary>
    public byte[] Data { get; }

    /// <summary>The length of the first dimension (1 for a 0-d array).</summary>
    public int Length => Shape.Count == 0 ? 1 : Shape[0];

    /// <summary>The number of elements in one row (the product of the dimensions after the first).</summary>
    public int RowSize
    {
        get
        {
            int n = 1;
            for (int i = 1; i < Shape.Count; i++) n *= Shape[i];
            return n;
        }
    }

    /// <summary>The elements as <typeparamref name="T"/>, which must match <see cref="DType"/> (bool reads as byte).</summary>
    /// <exception cref="InvalidCastException">If <typeparamref name="T"/> does not match the element type.</exception>
    public ReadOnlySpan<T> AsSpan<T>() where T : unmanaged
    {
        var want = DTypeOf<T>();
        if (want != DType && !(DType == NpyDType.Bool && want == NpyDType.UInt8))
            throw new InvalidCastException($"npy array holds {Descr(DType)}, not {typeof(T).Name}.");
        return MemoryMarshal.Cast<byte, T>(Data);
    }

    /// <summary>A copy of row <paramref name="row"/> (all elements after the first index) as <typeparamref name="T"/>.</summary>
    public T[] Row<T>(int row) where T : unmanaged => AsSpan<T>().Slice(row * RowSize, RowSize).ToArray();

    /// <summary>Writes row <paramref name="row"/> converted to floats into <paramref name="destination"/> (bools as 0/1).</summary>
    public void RowAsFloat(int row, Span<float> destination)
    {
        int n = RowSize, start = row * n;
        switch (DType)
        {
            case NpyDType.Float32: AsSpan<float>().Slice(start, n).CopyTo(destination); break;
            case NpyDType.Float64:
            {
                var s = AsSpan<double>().Slice(start, n);
                for (int i = 0; i < n; i++) destination[i] = (float)s[i];
                break;
            }
            case NpyDType.Int64:
            {
                var s = AsSpan<long>().Slice(start, n);
                for (int i = 0; i < n; i++) destination[i] = s[i];
                break;
            }
            default:
            {
                var s = Data.AsSpan(start, n);
                for (int i = 0; i < n; i++) destination[i] = s[i];
                break;
            }
        }
    }

    /// <summary>The bytes of one element of <paramref name="dtype"/>.</summary>
    public static int ItemSize(NpyDType dtype) => dtype switch
    {
        NpyDType.Bool or NpyDType.UInt8 => 1,
        NpyDType.Float32 => 4,
        _ => 8,
    };

    /// <summary>NumPy's <c>descr</c> string of <paramref name="dtype"/>, e.g. <c>&lt;f4</c>.</summary>
    public static string Descr(NpyDType dtype) => dtype switch
    {
        NpyDType.Bool => "|b1",
        NpyDType.UInt8 => "|u1",
        NpyDType.Int64 => "<i8",
        NpyDType.Float32 => "<f4",
        _ => "<f8",
    };

    /// <summary>NumPy's name of <paramref name="dtype"/>, e.g. <c>float32</c>.</summary>
    public static string Name(NpyDType dtype) => dtype switch
    {
        NpyDType.Bool => "bool",
        NpyDType.UInt8 => "uint8",
        NpyDType.Int64 => "int64",
        NpyDType.Float32 => "float32",
        _ => "float64",
    };

    /// <summary>The element type that stores <typeparamref name="T"/> (bool, byte, long, float or double).</summary>
    /// <exception cref="NotSupportedException">For any other type.</exception>
    public static NpyDType DTypeOf<T>() where T : unmanaged =>
        typeof(T) == typeof(bool) ? NpyDType.Bool
        : typeof(T) == typeof(byte) ? NpyDType.UInt8
        : typeof(T) == typeof(long) ? NpyDType.Int64
        : typeof(T) == typeof(float) ? NpyDType.Float32
        : typeof(T) == typeof(double) ? NpyDType.Float64
        : throw new NotSupportedException($"npy arrays here hold bool, byte, long, float or double, not {typeof(T).Name}.");

    /// <summary>Formats a shape as a Python tuple, e.g. <c>(3,)</c> or <c>(2, 4)</c>.</summary>
    public static string FormatShape(IReadOnlyList<int> shape) =>
        shape.Count == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    /// <summary>Writes the array in <c>.npy</c> format version 1.0.</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        string dict = $"{{'descr': '{Descr(DType)}', 'fortran_order': False, 'shape': {FormatShape(Shape)}, }}";
        int unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        int total = (unpadded + 63) / 64 * 64;
        string header = dict + new string(' ', total - unpadded) + "\n";
        if (header.Length > ushort.MaxValue) throw new InvalidOperationException($"npy header of shape {FormatShape(Shape)} is too long for format 1.0.");
        Span<byte> prefix = stackalloc byte[10];
        Magic.CopyTo(prefix);
        prefix[6] = 1;
        prefix[7] = 0;
        prefix[8] = (byte)(header.Length & 0xff);
        prefix[9] = (byte)(header.Length >> 8);
        stream.Write(prefix);
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(Data);
    }

    /// <summary>Reads an array in <c>.npy</c> format 1.0, 2.0 or 3.0 with one of the supported element types.</summary>
    /// <param name="stream">The stream positioned at the magic string.</param>
    /// <param name="name">What to call the array in error messages (e.g. the file and entry).</param>
    /// <exception cref="InvalidDataException">Naming <paramref name="name"/> and what is wrong (magic, header, type, size).</exception>
    public static NpyArray Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var prefix = new byte[8];
        ReadExactly(stream, prefix, name, "the npy prefix");
        if (!prefix.AsSpan(0, 6).SequenceEqual(Magic)) throw new InvalidDataException($"{name}: not an npy array (bad magic string).");
        int major = prefix[6];
        int headerLength;
        if (major == 1)
        {
            var len = new byte[2];
            ReadExactly(stream, len, name, "the header length");
            headerLength = len[0] | len[1] << 8;
        }
        else if (major is 2 or 3)
        {
            var len = new byte[4];
            ReadExactly(stream, len, name, "the header length");
            headerLength = BitConverter.ToInt32(len);
            if (headerLength < 0 || headerLength > 1 << 20) throw new InvalidDataException($"{name}: npy header length {headerLength} is implausible.");
        }
        else throw new InvalidDataException($"{name}: npy format version {major}.{prefix[7]} is not supported.");
        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, name, "the header");
        string header = Encoding.ASCII.GetString(headerBytes);
        var (dtype, shape) = ParseHeader(header, name);
        // Saturating: a forged shape must neither overflow nor allocate; memory grows only with the bytes really present.
        long count = 1;
        foreach (int d in shape) count = count == 0 || d == 0 ? 0 : count > MaxDataBytes / d ? MaxDataBytes + 1 : count * d;
        long bytes = Math.Min(count, MaxDataBytes + 1) * ItemSize(dtype);
        var data = BoundedRead.Exactly(stream, bytes, MaxDataBytes, name, $"the data of shape {FormatShape(shape)}");
        return new NpyArray(dtype, shape, data);
    }

    /// <summary>
    /// The largest array <see cref="Read"/> accepts, in bytes: 1 GiB (a demonstration episode of 64x64 RGB frames is about
    /// 12 MB per thousand steps). A header claiming more is rejected before anything is allocated.
    /// </summary>
    public const long MaxDataBytes = 1L << 30;

    private static void ReadExactly(Stream stream, byte[] buffer, string name, string what)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = stream.Read(buffer, read, buffer.Length - read);
            if (n == 0) throw new InvalidDataException($"{name}: truncated while reading {what} ({read} of {buffer.Length} bytes).");
            read += n;
        }
    }

    // Parses the Python dict literal NumPy writes: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
    private static (NpyDType, int[]) ParseHeader(string header, string name)
    {
        string descr = Between(header, "'descr':", name).Trim().Trim(',').Trim();
        descr = descr.Length >= 2 && descr[0] == '\'' ? descr[1..descr.IndexOf('\'', 1)] : throw Bad(header, name, "descr");
        var dtype = descr switch
        {
            "|b1" or "?" => NpyDType.Bool,
            "|u1" or "u1" => NpyDType.UInt8,
            "<i8" => NpyDType.Int64,
            "<f4" => NpyDType.Float32,
            "<f8" => NpyDType.Float64,
            _ => throw new InvalidDataException($"{name}: npy element type '{descr}' is not supported (expected |b1, |u1, <i8, <f4 or <f8)."),
        };
        string fortran = Between(header, "'fortran_order':", name);
        if (fortran.TrimStart().StartsWith("True", StringComparison.Ordinal))
            throw new InvalidDataException($"{name}: Fortran-ordered npy arrays are not supported.");
        int open = header.IndexOf('(', header.IndexOf("'shape':", StringComparison.Ordinal) is var s and >= 0 ? s : throw Bad(header, name, "shape"));
        int close = open < 0 ? -1 : header.IndexOf(')', open);
        if (open < 0 || close < 0) throw Bad(header, name, "shape");
        var dims = new List<int>();
        foreach (var part in header[(open + 1)..close].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out int d)) throw Bad(header, name, "shape");
            dims.Add(d);
        }
        return (dtype, dims.ToArray());
    }

    private static string Between(string header, string key, string name)
    {
        int i = header.IndexOf(key, StringComparison.Ordinal);
        if (i < 0) throw Bad(header, name, key.Trim('\'', ':'));
        return header[(i + key.Length)..];
    }

    private static InvalidDataException Bad(string header, string name, string field) =>
        new($"{name}: npy header has no valid '{field}': {header.Trim()}");

    /// <inheritdoc />
    public override string ToString() => $"npy {Name(DType)} {FormatShape(Shape)}";
}
