using System.Globalization;
using System.Text;
using Rl.Core;

namespace Rl.Training.Sweeps;

/// <summary>The kind of a hyperparameter's distribution.</summary>
public enum ParameterKind
{
    /// <summary>Uniform on [low, high].</summary>
    Uniform,

    /// <summary>Log-uniform on [low, high] (uniform in log space; for scale parameters such as learning rates).</summary>
    LogUniform,

    /// <summary>Uniform over the integers low..high (both included).</summary>
    Int,

    /// <summary>One of a list of values (numbers, booleans or strings), each equally likely.</summary>
    Choice,
}

/// <summary>
/// One hyperparameter of a sweep and its distribution, written as on the command line:
/// <c>config.step_size=loguniform(1e-4,1e-2)</c>, <c>config.noise_std=uniform(0.01,0.05)</c>, <c>config.directions=int(4,32)</c>,
/// <c>config.activation=choice(tanh,relu)</c>. The key is a dotted config key as <c>rl train --set</c> takes it.
/// </summary>
public sealed record SweepParameter
{
    /// <summary>The config key (e.g. <c>config.learning_rate</c>).</summary>
    public required string Key { get; init; }

    /// <summary>The distribution's kind.</summary>
    public required ParameterKind Kind { get; init; }

    /// <summary>The lower bound (numeric kinds).</summary>
    public double Low { get; init; }

    /// <summary>The upper bound (numeric kinds).</summary>
    public double High { get; init; }

    /// <summary>The values of a <see cref="ParameterKind.Choice"/> (long, double, bool or string).</summary>
    public IReadOnlyList<object> Choices { get; init; } = [];

    /// <summary>Parses <c>key=kind(args)</c>.</summary>
    /// <exception cref="FormatException">Naming the item and what is wrong with it.</exception>
    public static SweepParameter Parse(string item)
    {
        ArgumentNullException.ThrowIfNull(item);
        string Fail(string why) => throw new FormatException(
            $"--param '{item}': {why} (expected key=loguniform(a,b), key=uniform(a,b), key=int(a,b) or key=choice(x,y,...))");
        int eq = item.IndexOf('=');
        if (eq <= 0) Fail("no key=");
        string key = item[..eq].Trim();
        if (key.Split('.').Any(p => p.Length == 0 || p.Any(char.IsWhiteSpace))) Fail($"key '{key}' is malformed");
        string spec = item[(eq + 1)..].Trim();
        int open = spec.IndexOf('(');
        if (open <= 0 || !spec.EndsWith(')')) Fail("the distribution must be written kind(arguments)");
        string kindText = spec[..open].Trim().ToLowerInvariant();
        var args = SplitArguments(spec[(open + 1)..^1]);
        if (args.Count == 0 || args.Any(a => a.Length == 0)) Fail("an argument is empty");
        ParameterKind kind = kindText switch
        {
            "uniform" => ParameterKind.Uniform,
            "loguniform" or "log_uniform" or "log-uniform" => ParameterKind.LogUniform,
            "int" or "randint" => ParameterKind.Int,
            "choice" or "categorical" => ParameterKind.Choice,
            _ => (ParameterKind)(-1),
        };
        if ((int)kind < 0) Fail($"unknown distribution '{kindText}'");
        if (kind == ParameterKind.Choice)
        {
            var choices = args.Select(ParseLiteral).ToList();
            var distinct = choices.Select(Format).Distinct(StringComparer.Ordinal).Count();
            if (distinct != choices.Count) Fail("a choice is listed twice");
            return new SweepParameter { Key = key, Kind = kind, Choices = choices };
        }
        if (args.Count != 2) Fail($"{kindText} takes two bounds, got {args.Count} arguments");
        double Number(string s) => double.TryParse(s.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v : throw new FormatException($"--param '{item}': bound '{s}' is not a finite number");
        double low = Number(args[0]), high = Number(args[1]);
        if (!(low < high)) Fail($"the lower bound {args[0]} must be below the upper bound {args[1]}");
        if (kind == ParameterKind.LogUniform && low <= 0) Fail("log-uniform bounds must be positive");
        if (kind == ParameterKind.Int && (low != Math.Floor(low) || high != Math.Floor(high))) Fail("int bounds must be integers");
        return new SweepParameter { Key = key, Kind = kind, Low = low, High = high };
    }

    private static List<string> SplitArguments(string text)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        char quote = '\0';
        foreach (char c in text)
        {
            if (quote != '\0')
            {
                current.Append(c);
                if (c == quote) quote = '\0';
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                current.Append(c);
            }
            else if (c == ',')
            {
                parts.Add(current.ToString().Trim());
                current.Clear();
            }
            else current.Append(c);
        }
        parts.Add(current.ToString().Trim());
        return parts;
    }

    /// <summary>
    /// A value from its literal: a quoted string (escapes \" and \\ undone), true/false, an integer (long), a number (double),
    /// or else the bare word as a string.
    /// </summary>
    public static object ParseLiteral(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        s = s.Trim();
        if (s.Length >= 2 && s[0] == '"' && s[^1] == '"') return s[1..^1].Replace("\\\"", "\"").Replace("\\\\", "\\");
        if (s.Length >= 2 && s[0] == '\'' && s[^1] == '\'') return s[1..^1];
        if (s is "true" or "false") return s == "true";
        string n = s.Replace("_", "");
        if (long.TryParse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)) return l;
        if (double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)) return d;
        return s;
    }

    /// <summary>Draws one value: a double (uniform, log-uniform), a long (int) or one of the choices.</summary>
    public object Sample(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return Kind switch
        {
            ParameterKind.Uniform => rng.Uniform(Low, High),
            ParameterKind.LogUniform => Math.Exp(rng.Uniform(Math.Log(Low), Math.Log(High))),
            ParameterKind.Int => (long)Low + (long)rng.NextUInt64((ulong)((long)High - (long)Low + 1)),
            _ => Choices[rng.NextInt(Choices.Count)],
        };
    }

    /// <summary>
    /// The range of the next coarse-to-fine stage around <paramref name="best"/> (the values of the best trials): numeric
    /// ranges shrink to the span of those values widened by half of it on each side (by at least half of
    /// <paramref name="minFraction"/> of the current width, measured in log space for log-uniform), kept inside the current
    /// range; a choice keeps the values the best trials used.
    /// </summary>
    /// <exception cref="ArgumentException">If <paramref name="best"/> is empty.</exception>
    public SweepParameter Narrow(IReadOnlyList<object> best, double minFraction = 0.2)
    {
        ArgumentNullException.ThrowIfNull(best);
        if (best.Count == 0) throw new ArgumentException("no values to narrow around", nameof(best));
        if (Kind == ParameterKind.Choice)
        {
            var keep = Choices.Where(c => best.Any(b => Format(b) == Format(c))).ToList();
            return this with { Choices = keep.Count > 0 ? keep : Choices };
        }
        bool log = Kind == ParameterKind.LogUniform;
        double To(double v) => log ? Math.Log(v) : v;
        double From(double v) => log ? Math.Exp(v) : v;
        double lo = To(Low), hi = To(High);
        var xs = best.Select(b => To(Convert.ToDouble(b, CultureInfo.InvariantCulture))).ToList();
        double a = xs.Min(), b = xs.Max();
        double margin = Math.Max((b - a) / 2, minFraction * (hi - lo) / 2);
        double newLo = Math.Max(lo, a - margin), newHi = Math.Min(hi, b + margin);
        if (Kind == ParameterKind.Int)
        {
            double il = Math.Floor(newLo), ih = Math.Ceiling(newHi);
            if (il == ih) (il, ih) = (Math.Max(Low, il - 1), Math.Min(High, ih + 1));
            return this with { Low = il, High = ih };
        }
        // Bounds not narrowed stay exactly as they were (no round trip through the logarithm).
        return this with { Low = newLo <= lo ? Low : From(newLo), High = newHi >= hi ? High : From(newHi) };
    }

    /// <summary>Whether <paramref name="value"/> lies in the outer tenth of the range (in log space for log-uniform): the course's "check the best values are not at the edge".</summary>
    public bool AtEdge(object value)
    {
        if (Kind == ParameterKind.Choice) return false;
        bool log = Kind == ParameterKind.LogUniform;
        double v = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        double lo = log ? Math.Log(Low) : Low, hi = log ? Math.Log(High) : High, x = log ? Math.Log(v) : v;
        double f = (x - lo) / (hi - lo);
        return f < 0.1 || f > 0.9;
    }

    /// <summary>The distribution as written on the command line (bounds in round-trip form).</summary>
    public string Describe() => Kind switch
    {
        ParameterKind.Uniform => $"uniform({Format(Low)},{Format(High)})",
        ParameterKind.LogUniform => $"loguniform({Format(Low)},{Format(High)})",
        ParameterKind.Int => $"int({Format((long)Low)},{Format((long)High)})",
        _ => $"choice({string.Join(",", Choices.Select(Format))})",
    };

    /// <summary>A value as a TOML literal (what <c>--set key=value</c> takes): round-trip numbers, quoted strings.</summary>
    public static string Format(object value) => value switch
    {
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => d.ToString("0.0", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => Format((double)f),
        long or int => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        bool b => b ? "true" : "false",
        string s => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
        _ => throw new ArgumentException($"unsupported parameter value type {value.GetType().Name}", nameof(value)),
    };

    /// <summary>A value for tables (strings unquoted, doubles with 4 significant digits).</summary>
    public static string Display(object value) => value switch
    {
        double d => d.ToString("G4", CultureInfo.InvariantCulture),
        string s => s,
        _ => Format(value),
    };
}

/// <summary>The hyperparameters of a sweep, in command-line order (the order values are drawn in).</summary>
public sealed record SearchSpace(IReadOnlyList<SweepParameter> Parameters)
{
    /// <summary>Parses <c>--param</c> items.</summary>
    /// <exception cref="FormatException">For a malformed item or a key given twice.</exception>
    public static SearchSpace Parse(IEnumerable<string> items)
    {
        var ps = items.Select(SweepParameter.Parse).ToList();
        if (ps.Count == 0) throw new FormatException("a sweep needs at least one --param key=distribution(...)");
        foreach (var g in ps.GroupBy(p => p.Key, StringComparer.Ordinal).Where(g => g.Count() > 1))
            throw new FormatException($"--param: key '{g.Key}' is given {g.Count()} times");
        return new SearchSpace(ps);
    }

    /// <summary>Draws one configuration: a value per parameter, in order.</summary>
    public IReadOnlyDictionary<string, object> Sample(Rng rng)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var p in Parameters) values[p.Key] = p.Sample(rng);
        return values;
    }

    /// <summary>The space of the next coarse-to-fine stage around the configurations of the best trials (see <see cref="SweepParameter.Narrow"/>).</summary>
    public SearchSpace Narrow(IReadOnlyList<IReadOnlyDictionary<string, object>> best) =>
        new(Parameters.Select(p => p.Narrow(best.Select(b => b[p.Key]).ToList())).ToList());

    /// <summary>The space as <c>--param</c> items.</summary>
    public IEnumerable<string> Describe() => Parameters.Select(p => $"{p.Key}={p.Describe()}");
}
