using System.Globalization;
using System.Text;

namespace Rl.Agents.GradientFree;

/// <summary>
/// A hyperparameter outside its valid range. The message names the config key as it is written in a TOML config
/// (snake_case), the value, and what is required.
/// </summary>
public sealed class HyperparameterException : ArgumentException
{
    /// <summary>Creates the exception for the property <paramref name="property"/> (PascalCase, as in the config record).</summary>
    public HyperparameterException(string algorithm, string property, object? value, string requirement)
        : base($"{algorithm}: invalid hyperparameter {SnakeCase(property)} = {Format(value)}: {requirement}")
    {
        Key = SnakeCase(property);
        Value = value;
    }

    /// <summary>The config key, e.g. <c>top_directions</c>.</summary>
    public string Key { get; }

    /// <summary>The rejected value.</summary>
    public object? Value { get; }

    /// <summary>The config key of a record property: <c>TopDirections</c> → <c>top_directions</c>.</summary>
    public static string SnakeCase(string property)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < property.Length; i++)
        {
            char c = property[i];
            if (char.IsUpper(c) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        int[] a => "[" + string.Join(", ", a) + "]",
        Enum e => SnakeCase(e.ToString()),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "?",
    };
}
