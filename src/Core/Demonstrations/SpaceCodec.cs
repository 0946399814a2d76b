using System.Runtime.InteropServices;
using Rl.Core.Spaces;

namespace Rl.Core.Demonstrations;

/// <summary>How a space is described in a demonstration manifest, so files can be checked against an environment.</summary>
/// <param name="Type">The space class: <c>Box</c>, <c>Discrete</c>, <c>MultiDiscrete</c> or <c>MultiBinary</c>.</param>
/// <param name="DType">The NumPy element type its values are stored with, e.g. <c>float32</c>.</param>
/// <param name="Shape">The shape of one value (empty for <c>Discrete</c>).</param>
/// <param name="Repr">The space as Gymnasium prints it, e.g. <c>Discrete(2)</c>; compared when loading.</param>
public sealed record SpaceDescription(string Type, [property: System.Text.Json.Serialization.JsonPropertyName("dtype")] string DType, int[] Shape, string Repr)
{
    /// <summary>Describes <paramref name="space"/>.</summary>
    /// <exception cref="NotSupportedException">For spaces demonstrations cannot store (see <see cref="SpaceCodec"/>).</exception>
    public static SpaceDescription Of(Space space)
    {
        var codec = SpaceCodec.For(space);
        string type = space.GetType().Name;
        int tick = type.IndexOf('`');
        if (tick >= 0) type = type[..tick];
        return new SpaceDescription(type, NpyArray.Name(codec.DType), codec.ItemShape, space.ToString() ?? type);
    }

    /// <summary>Whether two descriptions denote the same space (the shape array is compared by value).</summary>
    public bool SameAs(SpaceDescription other) =>
        Type == other.Type && DType == other.DType && Shape.SequenceEqual(other.Shape) && Repr == other.Repr;
}

/// <summary>
/// Converts values of a space to and from the rows of an npy array: <c>Box</c> of float/double/byte as float32/float64/uint8
/// with the box's shape, <c>Discrete</c> as int64 scalars, <c>MultiDiscrete</c> as int64 vectors, <c>MultiBinary</c> as uint8.
/// Tuple and Dict spaces are not supported.
/// </summary>
public sealed class SpaceCodec
{
    private SpaceCodec(Space space, NpyDType dtype, int[] itemShape)
    {
        Space = space;
        DType = dtype;
        ItemShape = itemShape;
        int n = 1;
        foreach (int d in itemShape) n *= d;
        ItemElements = n;
        RowBytes = n * NpyArray.ItemSize(dtype);
    }

    /// <summary>The codec for <paramref name="space"/>.</summary>
    /// <exception cref="NotSupportedException">Naming the space, for Tuple, Dict and other unsupported spaces.</exception>
    public static SpaceCodec For(Space space)
    {
        ArgumentNullException.ThrowIfNull(space);
        int[] shape = [.. space.Shape];
        return space switch
        {
            Box<float> => new SpaceCodec(space, NpyDType.Float32, shape),
            Box<double> => new SpaceCodec(space, NpyDType.Float64, shape),
            Box<byte> => new SpaceCodec(space, NpyDType.UInt8, shape),
            Discrete => new SpaceCodec(space, NpyDType.Int64, []),
            MultiDiscrete => new SpaceCodec(space, NpyDType.Int64, shape),
            MultiBinary => new SpaceCodec(space, NpyDType.UInt8, shape),
            _ => throw new NotSupportedException(
                $"demonstrations cannot store values of {space} ({space.GetType().Name}); supported: Box, Discrete, MultiDiscrete, MultiBinary."),
        };
    }

    /// <summary>The space.</summary>
    public Space Space { get; }

    /// <summary>The element type of the stored rows.</summary>
    public NpyDType DType { get; }

    /// <summary>The shape of one value.</summary>
    public int[] ItemShape { get; }

    /// <summary>Elements in one value.</summary>
    public int ItemElements { get; }

    /// <summary>Bytes in one value.</summary>
    public int RowBytes { get; }

    /// <summary>Appends <paramref name="value"/>'s bytes to <paramref name="column"/>.</summary>
    /// <exception cref="ArgumentException">If the value has the wrong type or number of elements for the space.</exception>
    public void Append(object value, List<byte> column, string what)
    {
        ArgumentNullException.ThrowIfNull(column);
        switch (value)
        {
            case int i when Space is Discrete:
                column.AddRange(BitConverter.GetBytes((long)i));
                return;
            case float[] f when DType == NpyDType.Float32 && f.Length == ItemElements:
                column.AddRange(MemoryMarshal.AsBytes(f.AsSpan()));
                return;
            case double[] d when DType == NpyDType.Float64 && d.Length == ItemElements:
                column.AddRange(MemoryMarshal.AsBytes(d.AsSpan()));
                return;
            case byte[] b when DType == NpyDType.UInt8 && b.Length == ItemElements:
                column.AddRange(b);
                return;
            case int[] m when Space is MultiDiscrete && m.Length == ItemElements:
                foreach (int x in m) column.AddRange(BitConverter.GetBytes((long)x));
                return;
        }
        throw new ArgumentException(
            $"{what}: {Space.FormatValue(value)} ({value?.GetType().Name ?? "null"}) does not fit {Space}: expected {Space.ValueType.Name} with {ItemElements} element(s).");
    }

    /// <summary>The value stored in row <paramref name="row"/> of <paramref name="array"/>, as the space's value type.</summary>
    public object Decode(NpyArray array, int row)
    {
        ArgumentNullException.ThrowIfNull(array);
        return Space switch
        {
            Discrete => checked((int)array.AsSpan<long>()[row]),
            MultiDiscrete => array.AsSpan<long>().Slice(row * ItemElements, ItemElements).ToArray().Select(x => checked((int)x)).ToArray(),
            _ => DType switch
            {
                NpyDType.Float32 => array.Row<float>(row),
                NpyDType.Float64 => array.Row<double>(row),
                _ => array.Row<byte>(row),
            },
        };
    }

    /// <summary>Returns null if <paramref name="array"/> holds <paramref name="rows"/> values of this space, otherwise why not.</summary>
    public string? Check(NpyArray array, int rows)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.DType != DType) return $"element type {NpyArray.Name(array.DType)} but {Space} is stored as {NpyArray.Name(DType)}";
        int[] want = [rows, .. ItemShape];
        if (!array.Shape.SequenceEqual(want)) return $"shape {NpyArray.FormatShape(array.Shape)} but {rows} value(s) of {Space} need {NpyArray.FormatShape(want)}";
        return null;
    }
}
