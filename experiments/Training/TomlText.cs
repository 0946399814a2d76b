using System.Collections;
using System.Globalization;
using System.Text;
using Tomlyn;
using Tomlyn.Model;

namespace Rl.Experiments.Training;

/// <summary>Reads TOML documents and single values, and writes config records back as TOML (for resolved configs).</summary>
public static class TomlText
{
    /// <summary>The largest config accepted, in bytes (1 MiB; the shipped configs are under 2 KB).</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>The deepest nesting of arrays and inline tables accepted (the parser recurses on them).</summary>
    public const int MaxNesting = 64;

    /// <summary>Reads a config file, refusing one larger than <see cref="MaxBytes"/> before reading it.</summary>
    /// <exception cref="ConfigException">If the file is too large.</exception>
    public static string ReadFile(string path)
    {
        try
        {
            return Rl.Core.BoundedRead.Text(path, MaxBytes);
        }
        catch (InvalidDataException e)
        {
            throw new ConfigException($"config {e.Message}", e);
        }
    }

    /// <summary>Parses a TOML document.</summary>
    /// <param name="text">The document.</param>
    /// <param name="source">The file (or resource) name for messages.</param>
    /// <exception cref="ConfigException">With the line and column of the syntax error, or a duplicate key; or if the text is
    /// longer than <see cref="MaxBytes"/> or nests arrays and inline tables deeper than <see cref="MaxNesting"/>.</exception>
    public static TomlTable Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxBytes) throw new ConfigException($"{source} is {text.Length} characters long, more than the limit of {MaxBytes} for a config");
        // A forged file of nested brackets would recurse the parser into a stack overflow, which no handler can catch.
        int depth = 0;
        foreach (char c in text)
        {
            if (c is '[' or '{' && ++depth > MaxNesting)
                throw new ConfigException($"{source} nests brackets deeper than {MaxNesting} levels; not a config");
            if (c is ']' or '}' && depth > 0) depth--;
        }
        try
        {
            // The strict syntax pass rejects what the model reader lets through: keys and tables defined twice.
            Tomlyn.Parsing.SyntaxParser.ParseStrict(text, source, true);
            return TomlSerializer.Deserialize<TomlTable>(text) ?? new TomlTable();
        }
        catch (Exception e) when (e is TomlException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            throw new ConfigException($"{source} is not valid TOML: {e.Message}", e);
        }
    }

    /// <summary>
    /// Parses the value part of a <c>--set key=value</c> override as a TOML value (<c>0.02</c>, <c>true</c>, <c>[64, 64]</c>,
    /// <c>"text"</c>); anything that is not a TOML value is taken as a bare string (<c>--set config.optimizer.kind=adam</c>).
    /// </summary>
    public static object ParseValue(string text)
    {
        try
        {
            var t = TomlSerializer.Deserialize<TomlTable>("v = " + text + "\n");
            if (t is not null && t.Count == 1 && t.TryGetValue("v", out var v)) return v;
        }
        catch (TomlException)
        {
            // not a TOML value: a bare string
        }
        return text;
    }

    /// <summary>A value as TOML text: strings quoted, floats with a decimal point or exponent, arrays in brackets.</summary>
    public static string Value(object value) => value switch
    {
        string s => Quote(s),
        bool b => b ? "true" : "false",
        double d => Float(d),
        float f => Float(f, f.ToString("R", CultureInfo.InvariantCulture)),
        Enum e => Quote(ConfigBinder.EnumName(e)),
        IFormattable n when value is int or long or short or byte or uint or ulong or ushort or sbyte => n.ToString(null, CultureInfo.InvariantCulture),
        TomlTable t => "{ " + string.Join(", ", t.Select(p => $"{Key(p.Key)} = {Value(p.Value)}")) + " }",
        IEnumerable items => "[" + string.Join(", ", items.Cast<object>().Select(Value)) + "]",
        _ => Quote(value.ToString() ?? ""),
    };

    private static string Float(double d) => Float(d, d.ToString("R", CultureInfo.InvariantCulture));

    private static string Float(double d, string text)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        return text.AsSpan().IndexOfAny('.', 'E') >= 0 ? text : text + ".0";
    }

    /// <summary>A key, bare when it can be (letters, digits, <c>_</c>, <c>-</c>), otherwise quoted.</summary>
    public static string Key(string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? key : Quote(key);

    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>
    /// Writes every property of a config record as <c>key = value</c> lines under <c>[<paramref name="table"/>]</c>, with nested
    /// records as sub-tables; unset optional values become comments (TOML has no null).
    /// </summary>
    public static void AppendTable(StringBuilder sb, string table, object record)
    {
        sb.Append('[').Append(table).Append("]\n");
        var nested = new List<(string, object)>();
        foreach (var (key, p) in ConfigBinder.Properties(record.GetType()))
        {
            object? v = p.GetValue(record);
            if (v is not null && ConfigBinder.IsNestedConfig(p.PropertyType)) nested.Add((table + "." + key, v));
            else if (v is null) sb.Append("# ").Append(key).Append(" = (unset)\n");
            else sb.Append(key).Append(" = ").Append(Value(v)).Append('\n');
        }
        foreach (var (name, v) in nested)
        {
            sb.Append('\n');
            AppendTable(sb, name, v);
        }
    }
}
