using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Rl.Environments.Python;

/// <summary>The request opcodes and value tags of the bridge protocol (documented in gym_bridge.py).</summary>
internal static class Op
{
    public const byte Init = (byte)'I', Reset = (byte)'R', Step = (byte)'S', StepAutoreset = (byte)'A', Render = (byte)'F', Close = (byte)'C';
    public const byte Ok = (byte)'K', Error = (byte)'E';
}

/// <summary>Value tags: one byte before each encoded value.</summary>
internal static class Tag
{
    public const byte None = (byte)'N', True = (byte)'T', False = (byte)'F', Int = (byte)'i', Float = (byte)'d', Str = (byte)'s',
        Bytes = (byte)'y', Repr = (byte)'r', List = (byte)'l', Map = (byte)'m', Array = (byte)'a';
}

/// <summary>NumPy element types as the protocol numbers them (the order of <c>DTYPES</c> in gym_bridge.py).</summary>
internal enum PyDType : byte
{
    Float32, Float64, UInt8, Int8, Int16, Int32, Int64, Bool, UInt16, UInt32, UInt64,
}

internal static class PyDTypes
{
    public static int ItemSize(PyDType t) => t switch
    {
        PyDType.Float64 or PyDType.Int64 or PyDType.UInt64 => 8,
        PyDType.Float32 or PyDType.Int32 or PyDType.UInt32 => 4,
        PyDType.Int16 or PyDType.UInt16 => 2,
        _ => 1,
    };

    public static string Name(PyDType t) => t.ToString().ToLowerInvariant();

    public static bool TryParse(string name, out PyDType t) =>
        Enum.TryParse(name, ignoreCase: true, out t) && Enum.IsDefined(t);

    /// <summary>Element <paramref name="i"/> of raw little-endian data as a double (exact for every integer type up to 2^53).</summary>
    public static double Get(PyDType t, ReadOnlySpan<byte> data, int i) => t switch
    {
        PyDType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]),
        PyDType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(data[(i * 8)..]),
        PyDType.UInt8 or PyDType.Bool => data[i],
        PyDType.Int8 => (sbyte)data[i],
        PyDType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(data[(i * 2)..]),
        PyDType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(data[(i * 2)..]),
        PyDType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(data[(i * 4)..]),
        PyDType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(data[(i * 4)..]),
        PyDType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(data[(i * 8)..]),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(data[(i * 8)..]),
    };

    /// <summary>Raw little-endian data as the natural .NET array (float[] for float32, long[] for int64, ...).</summary>
    public static Array ToArray(PyDType t, ReadOnlySpan<byte> data, int count) => t switch
    {
        PyDType.Float32 => Cast<float>(data, count),
        PyDType.Float64 => Cast<double>(data, count),
        PyDType.UInt8 => data[..count].ToArray(),
        PyDType.Int8 => Cast<sbyte>(data, count),
        PyDType.Int16 => Cast<short>(data, count),
        PyDType.Int32 => Cast<int>(data, count),
        PyDType.Int64 => Cast<long>(data, count),
        PyDType.Bool => Cast<bool>(data, count),
        PyDType.UInt16 => Cast<ushort>(data, count),
        PyDType.UInt32 => Cast<uint>(data, count),
        _ => Cast<ulong>(data, count),
    };

    private static T[] Cast<T>(ReadOnlySpan<byte> data, int count) where T : unmanaged =>
        MemoryMarshal.Cast<byte, T>(data[..(count * Marshal.SizeOf<T>())]).ToArray();
}

/// <summary>An array header read from a frame: element type, shape, and the raw little-endian data.</summary>
internal readonly ref struct PyArray
{
    public PyArray(PyDType dtype, int[] shape, int count, ReadOnlySpan<byte> data)
    {
        DType = dtype;
        Shape = shape;
        Count = count;
        Data = data;
    }

    public PyDType DType { get; }
    public int[] Shape { get; }
    public int Count { get; }
    public ReadOnlySpan<byte> Data { get; }

    public double this[int i] => PyDTypes.Get(DType, Data, i);

    public string ShapeText => Shape.Length == 1 ? $"({Shape[0]},)" : "(" + string.Join(", ", Shape) + ")";
}

/// <summary>Builds one request frame (length prefix, opcode, payload) in a reused buffer.</summary>
internal sealed class FrameWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    /// <summary>Starts a frame with <paramref name="op"/>, discarding any previous content.</summary>
    public void Begin(byte op)
    {
        _length = 4;
        Byte(op);
    }

    /// <summary>The finished frame with its length prefix filled in.</summary>
    public ReadOnlySpan<byte> Frame
    {
        get
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)(_length - 4));
            return _buffer.AsSpan(0, _length);
        }
    }

    private Span<byte> Grow(int n)
    {
        if (_length + n > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + n));
        var span = _buffer.AsSpan(_length, n);
        _length += n;
        return span;
    }

    public void Byte(byte b) => Grow(1)[0] = b;

    private void U32(int n) => BinaryPrimitives.WriteUInt32LittleEndian(Grow(4), checked((uint)n));

    public void None() => Byte(Tag.None);

    public void Bool(bool b) => Byte(b ? Tag.True : Tag.False);

    public void Int(long v)
    {
        Byte(Tag.Int);
        BinaryPrimitives.WriteInt64LittleEndian(Grow(8), v);
    }

    public void Float(double v)
    {
        Byte(Tag.Float);
        BinaryPrimitives.WriteDoubleLittleEndian(Grow(8), v);
    }

    public void Str(string s)
    {
        Byte(Tag.Str);
        int n = Encoding.UTF8.GetByteCount(s);
        U32(n);
        Encoding.UTF8.GetBytes(s, Grow(n));
    }

    public void ListHeader(int count)
    {
        Byte(Tag.List);
        U32(count);
    }

    public void MapHeader(int count)
    {
        Byte(Tag.Map);
        U32(count);
    }

    /// <summary>Writes an array of <typeparamref name="T"/> (raw little-endian bytes) with a dtype code and shape.</summary>
    public void NdArray<T>(ReadOnlySpan<T> data, PyDType dtype, IReadOnlyList<int> shape) where T : unmanaged
    {
        Byte(Tag.Array);
        Byte((byte)dtype);
        Byte(checked((byte)shape.Count));
        foreach (int d in shape) U32(d);
        var bytes = MemoryMarshal.AsBytes(data);
        bytes.CopyTo(Grow(bytes.Length));
    }

    /// <summary>Writes a .NET value of a type the protocol knows (numbers, strings, arrays, lists, dictionaries).</summary>
    /// <exception cref="ArgumentException">For other types, naming the type.</exception>
    public void Value(object? v)
    {
        switch (v)
        {
            case null: None(); break;
            case bool b: Bool(b); break;
            case int i: Int(i); break;
            case long l: Int(l); break;
            case short s: Int(s); break;
            case sbyte sb: Int(sb); break;
            case byte by: Int(by); break;
            case ushort us: Int(us); break;
            case uint ui: Int(ui); break;
            case float f: Float(f); break;
            case double d: Float(d); break;
            case decimal m: Float((double)m); break;
            case string s: Str(s); break;
            case float[] a: NdArray<float>(a, PyDType.Float32, [a.Length]); break;
            case double[] a: NdArray<double>(a, PyDType.Float64, [a.Length]); break;
            case byte[] a: NdArray<byte>(a, PyDType.UInt8, [a.Length]); break;
            case int[] a: NdArray<int>(a, PyDType.Int32, [a.Length]); break;
            case long[] a: NdArray<long>(a, PyDType.Int64, [a.Length]); break;
            case bool[] a: NdArray<bool>(a, PyDType.Bool, [a.Length]); break;
            case IEnumerable<KeyValuePair<string, object?>> map: Map(map.ToList()); break;
            case System.Collections.IEnumerable seq when v is not string:
            {
                var items = seq.Cast<object?>().ToList();
                ListHeader(items.Count);
                foreach (var item in items) Value(item);
                break;
            }
            default:
                throw new ArgumentException($"a value of type {v.GetType().Name} ({v}) cannot be sent to Python");
        }
    }

    private void Map(IReadOnlyList<KeyValuePair<string, object?>> items)
    {
        MapHeader(items.Count);
        foreach (var (k, val) in items)
        {
            Str(k);
            Value(val);
        }
    }
}

/// <summary>Reads values from one reply frame (a view of the worker's receive buffer, valid until its next reply).</summary>
internal sealed class FrameReader
{
    private byte[] _buffer = [];
    private int _pos, _end;

    public void Reset(byte[] buffer, int start, int end)
    {
        _buffer = buffer;
        _pos = start;
        _end = end;
    }

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || _pos + n > _end)
            throw new InvalidDataException($"reply frame truncated: wanted {n} bytes at offset {_pos} of {_end}");
        var span = _buffer.AsSpan(_pos, n);
        _pos += n;
        return span;
    }

    public byte Byte() => Take(1)[0];

    public byte PeekTag() => _pos < _end ? _buffer[_pos] : throw new InvalidDataException("reply frame ended where a value was expected");

    private int U32() => checked((int)BinaryPrimitives.ReadUInt32LittleEndian(Take(4)));

    /// <summary>A raw float64 (no tag), as in the step reply's reward.</summary>
    public double RawDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    public long IntBody() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public double FloatBody() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    public int ListHeaderBody() => U32();

    /// <summary>Reads an array's header and data after its tag.</summary>
    public PyArray ArrayBody()
    {
        var dtype = (PyDType)Byte();
        if (!Enum.IsDefined(dtype)) throw new InvalidDataException($"unknown dtype code {(byte)dtype}");
        int ndim = Byte();
        var shape = new int[ndim];
        long count = 1;
        for (int d = 0; d < ndim; d++)
        {
            shape[d] = U32();
            count *= shape[d];
        }
        int n = checked((int)count);
        return new PyArray(dtype, shape, n, Take(checked(n * PyDTypes.ItemSize(dtype))));
    }

    public string StrBody() => Encoding.UTF8.GetString(Take(U32()));

    /// <summary>Reads any value: null, bool, long, double, string, byte[] (bytes), a flat typed array (float[], long[], ...),
    /// object?[] (list or tuple) or <c>Dictionary&lt;string, object?&gt;</c>. An object the protocol cannot carry arrives as
    /// its Python repr string.</summary>
    public object? Value()
    {
        byte tag = Byte();
        switch (tag)
        {
            case Tag.None: return null;
            case Tag.True: return true;
            case Tag.False: return false;
            case Tag.Int: return IntBody();
            case Tag.Float: return FloatBody();
            case Tag.Str or Tag.Repr: return StrBody();
            case Tag.Bytes: return Take(U32()).ToArray();
            case Tag.Array:
            {
                var a = ArrayBody();
                // A 0-d array is a scalar in Python's eyes.
                if (a.Shape.Length == 0) return a.DType switch
                {
                    PyDType.Float32 or PyDType.Float64 => a[0],
                    PyDType.Bool => a[0] != 0,
                    PyDType.UInt64 => (long)BinaryPrimitives.ReadUInt64LittleEndian(a.Data),
                    _ => (long)a[0],
                };
                return PyDTypes.ToArray(a.DType, a.Data, a.Count);
            }
            case Tag.List:
            {
                int n = U32();
                var items = new object?[n];
                for (int i = 0; i < n; i++) items[i] = Value();
                return items;
            }
            case Tag.Map:
            {
                int n = U32();
                var map = new Dictionary<string, object?>(n, StringComparer.Ordinal);
                for (int i = 0; i < n; i++)
                {
                    string key = Value() as string ?? throw new InvalidDataException("a map key is not a string");
                    map[key] = Value();
                }
                return map;
            }
            default:
                throw new InvalidDataException($"unknown value tag 0x{tag:x2} at offset {_pos - 1}");
        }
    }
}

/// <summary>Conversions between options as the command line gives them and Python values.</summary>
internal static class PythonValues
{
    /// <summary>
    /// The Python value for an option: strings that read as a number (<c>inf</c> and <c>nan</c> included), <c>true</c>/<c>false</c>
    /// (or Python's spelling), <c>null</c>/<c>None</c>, or a JSON list or object become those; other strings stay strings;
    /// typed values pass as they are.
    /// </summary>
    public static object? FromOption(object value)
    {
        if (value is not string s) return value;
        string t = s.Trim();
        switch (t)
        {
            case "true" or "True": return true;
            case "false" or "False": return false;
            case "null" or "None": return null;
        }
        switch (t.ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity": return double.PositiveInfinity;
            case "-inf" or "-infinity": return double.NegativeInfinity;
            case "nan": return double.NaN;
        }
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)) return l;
        if (t.Length > 0 && char.IsDigit(t[^1]) && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
        if (t.StartsWith('[') || t.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(t);
                return FromJson(doc.RootElement);
            }
            catch (JsonException)
            {
                return s;
            }
        }
        return s;
    }

    private static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToArray(),
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out long l) ? (object)l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>Options as a Python dict payload (values converted by <see cref="FromOption"/>).</summary>
    public static Dictionary<string, object?> ToDict(IEnumerable<KeyValuePair<string, object>> options) =>
        options.ToDictionary(p => p.Key, p => FromOption(p.Value), StringComparer.Ordinal);
}
