using System.Numerics;
using System.Runtime.InteropServices;
using Rl.Core.Spaces;

namespace Rl.Environments.Python;

/// <summary>
/// A Gymnasium space translated to its C# counterpart, with the conversions of its values in both directions:
/// observations arrive as the space's .NET type (a float32 Box as <c>float[]</c>, Discrete as <c>int</c>, ...) and
/// actions leave as what Gymnasium expects (Discrete as a Python int, Box as a NumPy array of the box's dtype and shape,
/// MultiDiscrete as int64, MultiBinary as int8, Tuple as a list, Dict as a dict).
/// </summary>
internal abstract class SpaceCodec
{
    /// <summary>The supported space kinds, for messages.</summary>
    public const string Supported = "Discrete, Box (float32, float64, uint8), MultiDiscrete (1-D), MultiBinary, Tuple, Dict";

    public abstract Space Space { get; }

    /// <summary>Reads a value of this space (boxed).</summary>
    /// <exception cref="InvalidDataException">If the Python value does not fit the space, saying how.</exception>
    public abstract object ReadObject(FrameReader r);

    /// <summary>Writes a value of this space (boxed, already of the space's value type).</summary>
    public abstract void WriteObject(FrameWriter w, object value);

    /// <summary>Translates a space description sent by the bridge.</summary>
    /// <param name="description">The decoded description (a dictionary).</param>
    /// <param name="where">Which space this is, for messages (e.g. <c>observation space</c>).</param>
    /// <exception cref="NotSupportedException">If the space has no C# counterpart, naming it and what is supported.</exception>
    public static SpaceCodec Create(object? description, string where)
    {
        if (description is not Dictionary<string, object?> d || d.GetValueOrDefault("type") is not string type)
            throw new InvalidDataException($"{where}: malformed space description {Space.FormatValue(description)}");
        string Unsupported(string why) => $"the {where} {d.GetValueOrDefault("repr") ?? type} {why}; supported: {Supported}";
        switch (type)
        {
            case "Discrete":
                return new DiscreteCodec(new Discrete(ToInt(d["n"]), ToInt(d.GetValueOrDefault("start") ?? 0L)));
            case "Box":
            {
                string dtype = d.GetValueOrDefault("dtype") as string ?? "?";
                if (!d.ContainsKey("low"))
                    throw new NotSupportedException(Unsupported($"has dtype {dtype}, which no C# Box holds"));
                int[] shape = ToInts(d["shape"]);
                return dtype switch
                {
                    "float32" => new BoxCodec<float>(new Box<float>((float[])d["low"]!, (float[])d["high"]!, shape), PyDType.Float32),
                    "float64" => new BoxCodec<double>(new Box<double>((double[])d["low"]!, (double[])d["high"]!, shape), PyDType.Float64),
                    "uint8" => new BoxCodec<byte>(new Box<byte>((byte[])d["low"]!, (byte[])d["high"]!, shape), PyDType.UInt8),
                    _ => throw new NotSupportedException(Unsupported($"has dtype {dtype}")),
                };
            }
            case "MultiDiscrete":
            {
                if (ToInts(d["shape"]).Length != 1) throw new NotSupportedException(Unsupported("is not one-dimensional"));
                int[] nvec = ToInts(d["nvec"]);
                int[]? start = d.GetValueOrDefault("start") is { } s ? ToInts(s) : null;
                return new MultiDiscreteCodec(new MultiDiscrete(nvec, start));
            }
            case "MultiBinary":
                return new MultiBinaryCodec(new MultiBinary(ToInts(d["shape"])));
            case "Tuple":
            {
                var parts = ((object?[])d["spaces"]!).Select((s, i) => Create(s, $"{where}[{i}]")).ToArray();
                return new TupleCodec(parts);
            }
            case "Dict":
            {
                var keys = ((object?[])d["keys"]!).Cast<string>().ToArray();
                var spaces = (object?[])d["spaces"]!;
                return new DictCodec(keys.Select((k, i) => KeyValuePair.Create(k, Create(spaces[i], $"{where}['{k}']"))).ToArray());
            }
            default:
                throw new NotSupportedException(Unsupported("has no C# counterpart"));
        }
    }

    private static int ToInt(object? v) => v switch
    {
        long l => checked((int)l),
        double x when x == Math.Floor(x) => checked((int)x),
        _ => throw new InvalidDataException($"expected an integer in a space description, got {Space.FormatValue(v)}"),
    };

    private static int[] ToInts(object? v) => v switch
    {
        object?[] list => list.Select(ToInt).ToArray(),
        Array a => a.Cast<object>().Select(x => ToInt(Convert.ToInt64(x, System.Globalization.CultureInfo.InvariantCulture))).ToArray(),
        _ => throw new InvalidDataException($"expected a list of integers in a space description, got {Space.FormatValue(v)}"),
    };

    /// <summary>Reads any numeric value (array, list, scalar) as doubles, for values that did not arrive as expected arrays.</summary>
    protected static double[] Numbers(object? value)
    {
        var result = new List<double>();
        void Add(object? v)
        {
            switch (v)
            {
                case long l: result.Add(l); break;
                case double x: result.Add(x); break;
                case bool b: result.Add(b ? 1 : 0); break;
                case string or null: throw new InvalidDataException($"expected numbers but got {Space.FormatValue(v)}");
                case System.Collections.IEnumerable seq: foreach (var item in seq) Add(item); break;
                default: result.Add(Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)); break;
            }
        }
        Add(value);
        return result.ToArray();
    }
}

/// <summary>A value from Python that is NaN or infinite where a finite number is needed.</summary>
internal sealed class NonFiniteValueException(string message) : Exception(message);

/// <summary>A translated space whose values have the .NET type <typeparamref name="T"/>.</summary>
internal abstract class SpaceCodec<T> : SpaceCodec
{
    public abstract Space<T> TypedSpace { get; }

    public sealed override Space Space => TypedSpace;

    /// <summary>Reads a value, into <paramref name="into"/> when it is an array of the right length.</summary>
    public abstract T Read(FrameReader r, T? into);

    public abstract void Write(FrameWriter w, T value);

    public sealed override object ReadObject(FrameReader r) => Read(r, default)!;

    public sealed override void WriteObject(FrameWriter w, object value) => Write(w, (T)value);
}

internal sealed class DiscreteCodec(Discrete space) : SpaceCodec<int>
{
    public override Space<int> TypedSpace => space;

    public override int Read(FrameReader r, int into)
    {
        byte tag = r.PeekTag();
        if (tag == Tag.Int)
        {
            r.Byte();
            long v = r.IntBody();
            return v is >= int.MinValue and <= int.MaxValue ? (int)v : throw new InvalidDataException($"{v} does not fit {space}");
        }
        var x = Numbers(r.Value());
        if (x.Length != 1 || x[0] != Math.Floor(x[0])) throw new InvalidDataException($"expected one integer for {space} but got {Space.FormatValue(x)}");
        return checked((int)x[0]);
    }

    public override void Write(FrameWriter w, int value) => w.Int(value);
}

internal sealed class BoxCodec<T>(Box<T> space, PyDType dtype) : SpaceCodec<T[]> where T : unmanaged, INumber<T>
{
    public override Space<T[]> TypedSpace => space;

    public override T[] Read(FrameReader r, T[]? into)
    {
        var dest = into is not null && into.Length == space.Size ? into : new T[space.Size];
        if (r.PeekTag() == Tag.Array)
        {
            r.Byte();
            var a = r.ArrayBody();
            if (a.Count != space.Size)
                throw new InvalidDataException($"an array of shape {a.ShapeText} does not fit {space}, which needs {space.Size} elements");
            if (a.DType == dtype) a.Data.CopyTo(MemoryMarshal.AsBytes(dest.AsSpan()));
            else for (int i = 0; i < dest.Length; i++) dest[i] = T.CreateSaturating(a[i]);
            return CheckFinite(dest);
        }
        // Lists and Python scalars (an environment that skips NumPy).
        var x = Numbers(r.Value());
        if (x.Length != space.Size) throw new InvalidDataException($"{x.Length} numbers do not fit {space}, which needs {space.Size}");
        for (int i = 0; i < dest.Length; i++) dest[i] = T.CreateSaturating(x[i]);
        return CheckFinite(dest);
    }

    // NaN and infinity are never valid observations (even where the box's bounds are infinite): a broken Python environment
    // must stop the run with its name, not poison a policy. Integer boxes cannot hold them and are not scanned.
    private T[] CheckFinite(T[] value)
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double)) return value;
        for (int i = 0; i < value.Length; i++)
            if (!T.IsFinite(value[i]))
                throw new NonFiniteValueException($"element {i} is {(T.IsNaN(value[i]) ? "NaN" : value[i] > T.Zero ? "+infinity" : "-infinity")} " +
                    $"(observation {Space.FormatValue(value)})");
        return value;
    }

    public override void Write(FrameWriter w, T[] value) => w.NdArray<T>(value, dtype, space.Shape);
}

internal sealed class MultiDiscreteCodec(MultiDiscrete space) : SpaceCodec<int[]>
{
    private readonly long[] _scratch = new long[space.Nvec.Length];

    public override Space<int[]> TypedSpace => space;

    public override int[] Read(FrameReader r, int[]? into)
    {
        var x = Numbers(r.Value());
        if (x.Length != _scratch.Length) throw new InvalidDataException($"{x.Length} values do not fit {space}");
        var dest = into is not null && into.Length == x.Length ? into : new int[x.Length];
        for (int i = 0; i < x.Length; i++) dest[i] = checked((int)x[i]);
        return dest;
    }

    // Gymnasium's MultiDiscrete holds int64.
    public override void Write(FrameWriter w, int[] value)
    {
        for (int i = 0; i < _scratch.Length; i++) _scratch[i] = value[i];
        w.NdArray<long>(_scratch, PyDType.Int64, space.Shape);
    }
}

internal sealed class MultiBinaryCodec(MultiBinary space) : SpaceCodec<byte[]>
{
    public override Space<byte[]> TypedSpace => space;

    public override byte[] Read(FrameReader r, byte[]? into)
    {
        var x = Numbers(r.Value());
        if (x.Length != space.Size) throw new InvalidDataException($"{x.Length} values do not fit {space}");
        var dest = into is not null && into.Length == x.Length ? into : new byte[x.Length];
        for (int i = 0; i < x.Length; i++) dest[i] = x[i] is 0 or 1 ? (byte)x[i] : throw new InvalidDataException($"element {i} = {x[i]} of a {space} value is not 0 or 1");
        return dest;
    }

    // Gymnasium's MultiBinary holds int8; 0 and 1 have the same bytes.
    public override void Write(FrameWriter w, byte[] value) => w.NdArray<byte>(value, PyDType.Int8, space.Shape);
}

internal sealed class TupleCodec(SpaceCodec[] parts) : SpaceCodec<object[]>
{
    private readonly TupleSpace _space = new(parts.Select(p => p.Space).ToArray());

    public override Space<object[]> TypedSpace => _space;

    public override object[] Read(FrameReader r, object[]? into)
    {
        if (r.Byte() != Tag.List) throw new InvalidDataException($"expected a tuple for {_space}");
        int n = r.ListHeaderBody();
        if (n != parts.Length) throw new InvalidDataException($"a tuple of {n} values does not fit {_space}");
        var dest = into is not null && into.Length == n ? into : new object[n];
        for (int i = 0; i < n; i++) dest[i] = parts[i].ReadObject(r);
        return dest;
    }

    public override void Write(FrameWriter w, object[] value)
    {
        w.ListHeader(parts.Length);
        for (int i = 0; i < parts.Length; i++) parts[i].WriteObject(w, value[i]);
    }
}

internal sealed class DictCodec(KeyValuePair<string, SpaceCodec>[] parts) : SpaceCodec<IReadOnlyDictionary<string, object>>
{
    private readonly DictSpace _space = new(parts.Select(p => KeyValuePair.Create(p.Key, p.Value.Space)));
    private readonly Dictionary<string, SpaceCodec> _byKey = parts.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    public override Space<IReadOnlyDictionary<string, object>> TypedSpace => _space;

    public override IReadOnlyDictionary<string, object> Read(FrameReader r, IReadOnlyDictionary<string, object>? into)
    {
        if (r.Byte() != Tag.Map) throw new InvalidDataException($"expected a dict for {_space}");
        int n = r.ListHeaderBody();
        var dest = new Dictionary<string, object>(n, StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            string key = r.Value() as string ?? throw new InvalidDataException("a dict key is not a string");
            if (!_byKey.TryGetValue(key, out var codec))
                throw new InvalidDataException($"key '{key}' is not in {_space}");
            dest[key] = codec.ReadObject(r);
        }
        if (dest.Count != _byKey.Count)
            throw new InvalidDataException($"a dict with keys [{string.Join(", ", dest.Keys)}] does not fit {_space}");
        return dest;
    }

    public override void Write(FrameWriter w, IReadOnlyDictionary<string, object> value)
    {
        w.MapHeader(parts.Length);
        foreach (var (key, codec) in parts)
        {
            w.Str(key);
            codec.WriteObject(w, value[key]);
        }
    }
}
