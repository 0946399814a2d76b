using System.Globalization;
using System.Numerics;

namespace Rl.Core.Spaces;

/// <summary>The element types a <see cref="Box{T}"/> supports, named as NumPy names them.</summary>
public enum DType
{
    /// <summary>32-bit float (<c>float</c>).</summary>
    Float32,
    /// <summary>64-bit float (<c>double</c>).</summary>
    Float64,
    /// <summary>Unsigned byte (<c>byte</c>), e.g. pixels.</summary>
    UInt8,
}

/// <summary>The non-generic view of a <see cref="Box{T}"/>: bounds as doubles, shape and element type.</summary>
public interface IBox
{
    /// <summary>The shape of a value.</summary>
    IReadOnlyList<int> Shape { get; }
    /// <summary>The number of elements of a value.</summary>
    int Size { get; }
    /// <summary>The element type.</summary>
    DType DType { get; }
    /// <summary>Lower bound of element <paramref name="i"/> (possibly negative infinity).</summary>
    double LowAt(int i);
    /// <summary>Upper bound of element <paramref name="i"/> (possibly infinity).</summary>
    double HighAt(int i);
    /// <summary>Whether every element has finite bounds on both sides.</summary>
    bool IsBounded { get; }
}

/// <summary>
/// A (possibly unbounded) box in R^n, as Gymnasium's <c>Box(low, high, shape, dtype)</c>. Values are flat arrays in
/// row-major order of <see cref="Space.Shape"/>. Elements must lie in [low, high] and must not be NaN.
/// </summary>
/// <typeparam name="T"><c>float</c> (float32), <c>double</c> (float64) or <c>byte</c> (uint8).</typeparam>
public sealed class Box<T> : Space<T[]>, IBox where T : unmanaged, INumber<T>
{
    private readonly T[] _low;
    private readonly T[] _high;

    /// <summary>Creates a box with the same bounds for every element.</summary>
    /// <param name="low">Lower bound of each element (may be negative infinity for floats).</param>
    /// <param name="high">Upper bound of each element.</param>
    /// <param name="shape">Shape of a value.</param>
    public Box(T low, T high, params int[] shape) : this(Fill(low, shape), Fill(high, shape), shape) { }

    /// <summary>Creates a box with per-element bounds; the shape defaults to <c>(low.Length,)</c>.</summary>
    /// <exception cref="ArgumentException">If the bounds disagree in length with the shape, contain NaN, or low &gt; high.</exception>
    public Box(T[] low, T[] high, int[]? shape = null) : base(shape ?? [low.Length])
    {
        DType = typeof(T) == typeof(float) ? DType.Float32
            : typeof(T) == typeof(double) ? DType.Float64
            : typeof(T) == typeof(byte) ? DType.UInt8
            : throw new NotSupportedException($"Box supports float, double and byte elements, not {typeof(T).Name}.");
        int size = 1;
        foreach (int d in Shape)
        {
            if (d <= 0) throw new ArgumentException($"Box shape {FormatShape(Shape)} has a non-positive dimension.", nameof(shape));
            size *= d;
        }
        if (low.Length != size || high.Length != size)
            throw new ArgumentException($"Box bounds have {low.Length} and {high.Length} elements but shape {FormatShape(Shape)} needs {size}.");
        for (int i = 0; i < size; i++)
        {
            if (T.IsNaN(low[i]) || T.IsNaN(high[i])) throw new ArgumentException($"Box bound {i} is NaN.");
            if (low[i] > high[i]) throw new ArgumentException($"Box low[{i}]={low[i]} exceeds high[{i}]={high[i]}.");
        }
        Size = size;
        _low = (T[])low.Clone();
        _high = (T[])high.Clone();
        IsBounded = true;
        for (int i = 0; i < size; i++)
            if (T.IsInfinity(_low[i]) || T.IsInfinity(_high[i])) IsBounded = false;
    }

    private static T[] Fill(T value, int[] shape)
    {
        int size = 1;
        foreach (int d in shape) size *= d;
        var a = new T[Math.Max(size, 0)];
        Array.Fill(a, value);
        return a;
    }

    /// <inheritdoc />
    public DType DType { get; }

    /// <summary>Number of elements of a value.</summary>
    public int Size { get; }

    /// <summary>Per-element lower bounds.</summary>
    public ReadOnlySpan<T> Low => _low;

    /// <summary>Per-element upper bounds.</summary>
    public ReadOnlySpan<T> High => _high;

    /// <inheritdoc />
    public bool IsBounded { get; }

    /// <inheritdoc />
    public double LowAt(int i) => double.CreateChecked(_low[i]);

    /// <inheritdoc />
    public double HighAt(int i) => double.CreateChecked(_high[i]);

    /// <inheritdoc />
    public override int FlatDim => Size;

    /// <summary>
    /// Samples each element as Gymnasium does: uniform when bounded on both sides, low + exponential when bounded below,
    /// high - exponential when bounded above, standard normal when unbounded; integers uniformly in [low, high].
    /// </summary>
    public override T[] Sample()
    {
        var v = new T[Size];
        var rng = Random;
        for (int i = 0; i < Size; i++)
        {
            double lo = LowAt(i), hi = HighAt(i);
            if (DType == DType.UInt8)
            {
                v[i] = T.CreateChecked(rng.NextInt((int)lo, (int)hi + 1));
                continue;
            }
            bool bl = !double.IsInfinity(lo), bh = !double.IsInfinity(hi);
            double x = (bl, bh) switch
            {
                (true, true) => rng.Uniform(lo, hi),
                (true, false) => lo - Math.Log(1.0 - rng.NextDouble()),
                (false, true) => hi + Math.Log(1.0 - rng.NextDouble()),
                _ => rng.NextGaussian(),
            };
            T t = T.CreateSaturating(x);
            // Rounding to float32 may step just past a bound.
            if (t < _low[i]) t = _low[i];
            if (t > _high[i]) t = _high[i];
            v[i] = t;
        }
        return v;
    }

    /// <inheritdoc />
    public override string? Explain(T[] value)
    {
        if (value is null) return "the value is null";
        if (value.Length != Size) return $"has {value.Length} elements but shape {FormatShape(Shape)} needs {Size}";
        for (int i = 0; i < Size; i++)
        {
            T x = value[i];
            if (T.IsNaN(x)) return $"element {i} is NaN";
            if (x < _low[i] || x > _high[i])
                return $"element {i} = {FormatValue(x)} is outside [{FormatValue(_low[i])}, {FormatValue(_high[i])}]";
        }
        return null;
    }

    /// <inheritdoc />
    public override void Flatten(T[] value, Span<float> destination)
    {
        for (int i = 0; i < Size; i++) destination[i] = float.CreateSaturating(value[i]);
    }

    /// <inheritdoc />
    public override T[] Copy(T[] value) => (T[])value.Clone();

    /// <summary>Clips each element of <paramref name="value"/> into the bounds, in place (NaN stays NaN).</summary>
    /// <exception cref="ArgumentException">If <paramref name="value"/> does not have <see cref="Size"/> elements.</exception>
    public void Clip(Span<T> value)
    {
        if (value.Length != Size)
            throw new ArgumentException($"{this}: cannot clip {value.Length} elements; shape {FormatShape(Shape)} needs {Size}.", nameof(value));
        for (int i = 0; i < Size; i++)
            value[i] = T.Clamp(value[i], _low[i], _high[i]);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        string dtype = DType switch { DType.Float32 => "float32", DType.Float64 => "float64", _ => "uint8" };
        return $"Box({Bound(_low)}, {Bound(_high)}, {FormatShape(Shape)}, {dtype})";
    }

    private static string Bound(T[] b)
    {
        if (b.All(x => x == b[0])) return Num(b[0]);
        return "[" + string.Join(" ", b.Take(8).Select(Num)) + (b.Length > 8 ? " ...]" : "]");
    }

    // The shortest text that round-trips in the element type, as NumPy prints bounds (0.41887903, not 0.418879). Integral
    // floats print without NumPy's trailing ".0" (Box(-1, 1, ...)): messages and tests across the toolkit rely on that form.
    private static string Num(T x)
    {
        if (typeof(T) == typeof(byte)) return byte.CreateChecked(x).ToString(CultureInfo.InvariantCulture);
        double d = double.CreateChecked(x);
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        string text = typeof(T) == typeof(float)
            ? float.CreateChecked(x).ToString("R", CultureInfo.InvariantCulture)
            : d.ToString("R", CultureInfo.InvariantCulture);
        return text.Replace("E", "e", StringComparison.Ordinal);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) =>
        obj is Box<T> b && b.Shape.SequenceEqual(Shape) && b._low.AsSpan().SequenceEqual(_low) && b._high.AsSpan().SequenceEqual(_high);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(DType, Size);
}
