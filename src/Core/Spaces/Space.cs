using System.Globalization;
using System.Text;

namespace Rl.Core.Spaces;

/// <summary>
/// The set of valid observations or actions of an environment, as in Gymnasium: it can sample a value with its own
/// seedable generator, test membership, describe itself and flatten a value into a float vector for agents.
/// </summary>
public abstract class Space
{
    private Rng? _rng;

    /// <summary>Creates a space with the given shape.</summary>
    /// <param name="shape">The shape of one value (empty for a scalar such as <see cref="Discrete"/>).</param>
    protected Space(int[] shape) => Shape = Array.AsReadOnly((int[])shape.Clone()); // a copy: the caller may reuse its array

    /// <summary>The shape of one value; empty for scalar and composite spaces.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The generator used by <c>Sample</c>; seeded from entropy on first use unless <see cref="Seed"/> was called.</summary>
    public Rng Random => _rng ??= Rng.FromEntropy();

    /// <summary>The length of the float vector that <see cref="FlattenObject"/> writes.</summary>
    public abstract int FlatDim { get; }

    /// <summary>The .NET type of one value of this space.</summary>
    public abstract Type ValueType { get; }

    /// <summary>Seeds this space's sampler (and those of its subspaces) so that <c>Sample</c> is reproducible.</summary>
    /// <param name="seed">The seed.</param>
    public virtual void Seed(long seed) => _rng = new Rng(seed);

    /// <summary>Samples a value, boxed.</summary>
    public abstract object SampleObject();

    /// <summary>Whether <paramref name="value"/> is a member of this space (a value of the wrong type is not).</summary>
    public bool ContainsObject(object? value) => ExplainObject(value) is null;

    /// <summary>Returns null if <paramref name="value"/> belongs to this space, otherwise why it does not.</summary>
    public abstract string? ExplainObject(object? value);

    /// <summary>Writes <paramref name="value"/> as <see cref="FlatDim"/> floats (one-hot for discrete parts).</summary>
    public abstract void FlattenObject(object value, Span<float> destination);

    /// <summary>A deep copy of a boxed value of this space (arrays cloned, composite values copied entry by entry).</summary>
    /// <exception cref="ArgumentException">If <paramref name="value"/> has the wrong type for this space.</exception>
    public abstract object CopyObject(object value);

    /// <summary>Formats a value of this space for messages (arrays shortened).</summary>
    public static string FormatValue(object? value)
    {
        switch (value)
        {
            case null: return "null";
            case string s: return "\"" + s + "\"";
            case float f: return f.ToString("R", CultureInfo.InvariantCulture);
            case double d: return d.ToString("R", CultureInfo.InvariantCulture);
            case System.Collections.IDictionary dict:
            {
                var sb = new StringBuilder("{");
                bool first = true;
                foreach (System.Collections.DictionaryEntry e in dict)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    sb.Append(e.Key).Append(": ").Append(FormatValue(e.Value));
                }
                return sb.Append('}').ToString();
            }
            case IEnumerable<KeyValuePair<string, object>> kv:
                return "{" + string.Join(", ", kv.Select(p => p.Key + ": " + FormatValue(p.Value))) + "}";
            case Array a:
            {
                var sb = new StringBuilder("[");
                int n = Math.Min(a.Length, 16);
                for (int i = 0; i < n; i++)
                {
                    if (i > 0) sb.Append(", ");
                    sb.Append(FormatValue(a.GetValue(i)));
                }
                if (a.Length > n) sb.Append(", ... (").Append(a.Length).Append(" elements)");
                return sb.Append(']').ToString();
            }
            case IFormattable fmt: return fmt.ToString(null, CultureInfo.InvariantCulture);
            default: return value.ToString() ?? value.GetType().Name;
        }
    }

    /// <summary>Formats a shape as Gymnasium does, e.g. <c>(4,)</c> or <c>(64, 64, 3)</c>.</summary>
    public static string FormatShape(IReadOnlyList<int> shape) =>
        shape.Count == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
}

/// <summary>A space whose values have the .NET type <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The value type, e.g. <c>int</c> for <see cref="Discrete"/>, <c>float[]</c> for a float32 <see cref="Box{T}"/>.</typeparam>
public abstract class Space<T> : Space
{
    /// <summary>Creates a space with the given shape.</summary>
    /// <param name="shape">The shape of one value.</param>
    protected Space(int[] shape) : base(shape) { }

    /// <inheritdoc />
    public override Type ValueType => typeof(T);

    /// <summary>Samples a value uniformly (or as Gymnasium does for unbounded boxes) with <see cref="Space.Random"/>.</summary>
    public abstract T Sample();

    /// <summary>Returns null if <paramref name="value"/> belongs to this space, otherwise why it does not.</summary>
    public abstract string? Explain(T value);

    /// <summary>Whether <paramref name="value"/> belongs to this space.</summary>
    public virtual bool Contains(T value) => Explain(value) is null;

    /// <summary>Writes <paramref name="value"/> as <see cref="Space.FlatDim"/> floats.</summary>
    public abstract void Flatten(T value, Span<float> destination);

    /// <summary>A deep copy of a value (arrays are cloned), for keeping an observation that a buffer will overwrite.</summary>
    public virtual T Copy(T value) => value;

    /// <inheritdoc />
    public sealed override object SampleObject() => Sample()!;

    /// <inheritdoc />
    public sealed override string? ExplainObject(object? value) =>
        value is T t ? Explain(t) : $"expected a value of type {typeof(T).Name} but got {(value is null ? "null" : value.GetType().Name)}";

    /// <inheritdoc />
    public sealed override void FlattenObject(object value, Span<float> destination)
    {
        if (value is not T t)
            throw new ArgumentException($"{this}: cannot flatten a {value?.GetType().Name ?? "null"}; expected {typeof(T).Name}.", nameof(value));
        Flatten(t, destination);
    }

    /// <inheritdoc />
    public sealed override object CopyObject(object value) =>
        value is T t
            ? Copy(t)!
            : throw new ArgumentException($"{this}: cannot copy a {value?.GetType().Name ?? "null"}; expected {typeof(T).Name}.", nameof(value));
}
