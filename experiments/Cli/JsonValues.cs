using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Rl.Experiments.Cli;

/// <summary>
/// Writes space values (observations, actions) as compact JSON and reads actions back, for the line-oriented interfaces
/// (<c>rl rollout</c>). Numbers use the shortest text that round-trips (float32 values as float32), always with a decimal
/// point for floating-point values (<c>1.0</c>, not <c>1</c>); non-finite values are written as Python's json module
/// writes them (<c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>). Arrays are flat, in row-major order.
/// </summary>
public static class JsonValues
{
    /// <summary>Appends <paramref name="value"/> as JSON.</summary>
    /// <exception cref="ArgumentException">For a value type with no JSON form.</exception>
    public static void Append(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case string s: sb.Append(JsonSerializer.Serialize(s)); break;
            case float f: AppendFloat(sb, f.ToString("R", CultureInfo.InvariantCulture), float.IsFinite(f)); break;
            case double d: AppendFloat(sb, d.ToString("R", CultureInfo.InvariantCulture), double.IsFinite(d)); break;
            case int or long or short or byte or sbyte or uint or ulong or ushort:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
            case float[] fa: AppendArray(sb, fa.Length, i => Append(sb, fa[i])); break;
            case double[] da: AppendArray(sb, da.Length, i => Append(sb, da[i])); break;
            case int[] ia: AppendArray(sb, ia.Length, i => sb.Append(ia[i].ToString(CultureInfo.InvariantCulture))); break;
            case byte[] ba: AppendArray(sb, ba.Length, i => sb.Append(ba[i].ToString(CultureInfo.InvariantCulture))); break;
            case IEnumerable<KeyValuePair<string, object>> dict:
            {
                sb.Append('{');
                bool first = true;
                foreach (var (k, v) in dict)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    sb.Append(JsonSerializer.Serialize(k)).Append(':');
                    Append(sb, v);
                }
                sb.Append('}');
                break;
            }
            case IList list: AppendArray(sb, list.Count, i => Append(sb, list[i])); break;
            default: throw new ArgumentException($"a value of type {value.GetType().Name} has no JSON form here");
        }
    }

    /// <summary>The JSON text of <paramref name="value"/>.</summary>
    public static string Format(object? value)
    {
        var sb = new StringBuilder();
        Append(sb, value);
        return sb.ToString();
    }

    private static void AppendFloat(StringBuilder sb, string text, bool finite)
    {
        if (!finite)
        {
            sb.Append(text switch { "NaN" => "NaN", _ when text.StartsWith('-') => "-Infinity", _ => "Infinity" });
            return;
        }
        sb.Append(text);
        if (text.AsSpan().IndexOfAny('.', 'E') < 0) sb.Append(".0");
    }

    private static void AppendArray(StringBuilder sb, int count, Action<int> item)
    {
        sb.Append('[');
        for (int i = 0; i < count; i++)
        {
            if (i > 0) sb.Append(',');
            item(i);
        }
        sb.Append(']');
    }

    /// <summary>
    /// Parses a comma-separated list of actions as given to <c>--actions</c>: numbers (<c>1,0,1</c>) or bracketed vectors
    /// (<c>[0.5,-1],[0,1]</c>), converted to the boxed form <see cref="Rl.Core.IEnv.StepObject"/> accepts for
    /// <paramref name="actionType"/> (the action space's value type).
    /// </summary>
    /// <exception cref="UsageException">Naming the malformed text or the unsupported action type.</exception>
    public static List<object> ParseActions(string text, Type actionType)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse("[" + text + "]").RootElement;
        }
        catch (JsonException e)
        {
            throw new UsageException($"--actions '{text}' is not a comma-separated list of numbers or [vectors]: {e.Message}");
        }
        var actions = new List<object>(root.GetArrayLength());
        int index = 0;
        foreach (var item in root.EnumerateArray())
        {
            actions.Add(ToAction(item, actionType, index));
            index++;
        }
        return actions;
    }

    private static object ToAction(JsonElement e, Type actionType, int index)
    {
        string Where() => $"--actions item {index} ({e.GetRawText()})";
        if (actionType == typeof(int))
        {
            if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long l)) return l;
            if (e.ValueKind == JsonValueKind.Number) return e.GetDouble(); // the environment names the space when rejecting it
            throw new UsageException($"{Where()} is not a number; this environment takes integer actions");
        }
        if (e.ValueKind != JsonValueKind.Array)
            throw new UsageException($"{Where()} is not a [vector]; this environment takes {actionType.Name} actions");
        var items = e.EnumerateArray().ToList();
        if (items.Any(x => x.ValueKind != JsonValueKind.Number))
            throw new UsageException($"{Where()} holds a value that is not a number");
        if (actionType == typeof(float[]) || actionType == typeof(double[]))
            return items.Select(x => x.GetDouble()).ToArray();
        if (actionType == typeof(int[]))
            return items.Select(x => x.TryGetInt64(out long v) ? v : throw new UsageException($"{Where()} holds a non-integer")).ToArray();
        if (actionType == typeof(byte[]))
            return items.Select(x => x.TryGetInt32(out int v) ? v : throw new UsageException($"{Where()} holds a non-integer")).ToArray();
        throw new UsageException($"--actions cannot express actions of type {actionType.Name}; use --policy random");
    }
}
