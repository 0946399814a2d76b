using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Rl.Experiments.Cli;

/// <summary>
/// Factories for the runner's options and arguments, so that every option is declared once with its name, value name,
/// description, default and validation. A bad value is a parse error naming the option and the value (exit code 2).
/// Every option accepts <c>--name value</c> and <c>--name=value</c>; repeatable options take one value per occurrence.
/// </summary>
public static class Opt
{
    /// <summary>A text option (<c>--name VALUE</c>), null when absent.</summary>
    public static Option<string?> Text(string name, string helpName, string description, params string[] aliases) =>
        new(name, aliases) { HelpName = helpName, Description = description };

    /// <summary>A repeatable text option (<c>--name V1 --name V2</c>), in order; empty when absent.</summary>
    public static Option<string[]> Many(string name, string helpName, string description) =>
        new(name)
        {
            HelpName = helpName, Description = description + " (repeatable)", Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false, DefaultValueFactory = _ => [],
        };

    /// <summary>A flag (an option without a value).</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>An integer option within [<paramref name="min"/>, <paramref name="max"/>], null when absent.</summary>
    public static Option<int?> Int(string name, string description, int min = int.MinValue, int max = int.MaxValue, string helpName = "N") =>
        new(name)
        {
            HelpName = helpName, Description = description,
            CustomParser = r => (int?)Number(r, name, min, max),
        };

    /// <summary>A 64-bit integer option within [<paramref name="min"/>, <paramref name="max"/>], null when absent.</summary>
    public static Option<long?> Long(string name, string description, long min = long.MinValue, long max = long.MaxValue, string helpName = "N") =>
        new(name)
        {
            HelpName = helpName, Description = description,
            CustomParser = r => Number(r, name, min, max),
        };

    /// <summary>An integer option within [<paramref name="min"/>, <paramref name="max"/>] with a default (shown in help).</summary>
    public static Option<int> IntOr(string name, int @default, string description, int min = int.MinValue, int max = int.MaxValue, string helpName = "N") =>
        new(name)
        {
            HelpName = helpName, Description = description, DefaultValueFactory = _ => @default,
            CustomParser = r => r.Tokens.Count == 0 ? @default : (int)(Number(r, name, min, max) ?? @default),
        };

    /// <summary>A 64-bit integer option within [<paramref name="min"/>, <paramref name="max"/>] with a default (shown in help).</summary>
    public static Option<long> LongOr(string name, long @default, string description, long min = long.MinValue, long max = long.MaxValue, string helpName = "N") =>
        new(name)
        {
            HelpName = helpName, Description = description, DefaultValueFactory = _ => @default,
            CustomParser = r => r.Tokens.Count == 0 ? @default : Number(r, name, min, max) ?? @default,
        };

    /// <summary>A text option with a default (shown in help).</summary>
    public static Option<string> TextOr(string name, string @default, string helpName, string description) =>
        new(name) { HelpName = helpName, Description = description, DefaultValueFactory = _ => @default };

    /// <summary>A finite floating-point option of at least <paramref name="min"/>, null when absent.</summary>
    public static Option<double?> Double(string name, string description, double min = double.NegativeInfinity, string helpName = "X") =>
        new(name)
        {
            HelpName = helpName, Description = description,
            CustomParser = r =>
            {
                string text = r.Tokens[^1].Value;
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                {
                    r.AddError($"option {name} = '{text}' is not a number");
                    return null;
                }
                if (v < min)
                {
                    r.AddError($"option {name} = {text} must be at least {min.ToString(CultureInfo.InvariantCulture)}");
                    return null;
                }
                return v;
            },
        };

    /// <summary>
    /// A comma-separated list of positive integers (<c>--workers 1,2,4</c>), or <paramref name="fallback"/> when absent.
    /// </summary>
    public static Option<int[]> IntList(string name, string description, Func<int[]> fallback, string helpName = "N,N,...") =>
        new(name)
        {
            HelpName = helpName, Description = description, Arity = ArgumentArity.ExactlyOne, DefaultValueFactory = _ => fallback(),
            CustomParser = r =>
            {
                string text = r.Tokens[^1].Value;
                var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var values = new int[parts.Length];
                for (int i = 0; i < parts.Length; i++)
                    if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]) || values[i] < 1)
                    {
                        r.AddError($"option {name} = '{text}' must be positive integers separated by commas");
                        return [];
                    }
                if (values.Length == 0) r.AddError($"option {name} = '{text}' names no number");
                return values;
            },
        };

    /// <summary>The <c>--set key=value</c> overrides (repeatable), described for <paramref name="what"/>.</summary>
    public static Option<string[]> Set(string what) => Many("--set", "KEY=VALUE", what);

    /// <summary>The <c>--seed N</c> option.</summary>
    public static Option<int?> Seed(string description) => Int("--seed", description);

    /// <summary>The <c>--device auto|cpu|cuda</c> option.</summary>
    public static Option<string?> Device(string description)
    {
        var option = Text("--device", "auto|cpu|cuda", description);
        option.CompletionSources.Add("auto", "cpu", "cuda");
        return option;
    }

    /// <summary>A positional argument that may be absent.</summary>
    public static Argument<string?> Optional(string name, string description) =>
        new(name) { HelpName = name, Description = description, Arity = ArgumentArity.ZeroOrOne };

    /// <summary>A positional argument that must be given.</summary>
    public static Argument<string> Required(string name, string description) =>
        new(name) { HelpName = name, Description = description, Arity = ArgumentArity.ExactlyOne };

    /// <summary>An option or argument completes with environment ids (<c>rl envs</c>).</summary>
    public static T EnvIds<T>(this T symbol) where T : Symbol
    {
        Completions(symbol).Add(context => Completion.EnvIds(context.ParseResult));
        return symbol;
    }

    /// <summary>An option or argument completes with algorithm ids (<c>rl algos</c>).</summary>
    public static T AlgoIds<T>(this T symbol) where T : Symbol
    {
        Completions(symbol).Add(_ => Completion.AlgoIds());
        return symbol;
    }

    /// <summary>An option or argument completes with the given words.</summary>
    public static T Words<T>(this T symbol, params string[] words) where T : Symbol
    {
        Completions(symbol).Add(words);
        return symbol;
    }

    private static List<Func<System.CommandLine.Completions.CompletionContext, IEnumerable<System.CommandLine.Completions.CompletionItem>>> Completions(Symbol symbol) =>
        symbol switch
        {
            Option o => o.CompletionSources,
            Argument a => a.CompletionSources,
            _ => throw new ArgumentException($"{symbol.Name} takes no completions", nameof(symbol)),
        };

    private static long? Number(ArgumentResult r, string name, long min, long max)
    {
        string text = r.Tokens[^1].Value;
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v))
        {
            r.AddError($"option {name} = '{text}' is not an integer");
            return null;
        }
        if (v < min || v > max)
        {
            string range = max == long.MaxValue || max == int.MaxValue ? $"at least {min}" : min == long.MinValue || min == int.MinValue ? $"at most {max}" : $"in [{min}, {max}]";
            r.AddError($"option {name} = {text} must be {range}");
            return null;
        }
        return v;
    }
}
