using System.Globalization;

namespace Rl.Experiments.Cli;

/// <summary>A command-line usage error; the runner prints the message and the command's usage, and exits with code 2.</summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UsageException(string message) : base(message) { }
}

/// <summary>
/// Reads one command's arguments: positionals, <c>--name value</c> / <c>--name=value</c> options, repeatable options and flags.
/// Every argument must be consumed; <see cref="EnsureAllConsumed"/> rejects leftovers by name, so a typo never passes silently.
/// </summary>
public sealed class ArgReader
{
    private readonly List<string?> _args;
    private readonly string _command;

    /// <summary>Wraps the arguments that follow the command name.</summary>
    public ArgReader(IReadOnlyList<string> args, string command)
    {
        _command = command;
        _args = [];
        foreach (var a in args)
        {
            // Split --name=value into two tokens so both spellings work.
            int eq = a.IndexOf('=');
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 2)
            {
                _args.Add(a[..eq]);
                _args.Add(a[(eq + 1)..]);
            }
            else _args.Add(a);
        }
    }

    /// <summary>Whether a flag (an option without value) is present; consumes it.</summary>
    public bool Flag(string name)
    {
        int i = _args.IndexOf(name);
        if (i < 0) return false;
        _args[i] = null;
        return true;
    }

    /// <summary>The value of a single-valued option, or null when absent.</summary>
    /// <exception cref="UsageException">If the option is repeated or has no value.</exception>
    public string? Option(string name)
    {
        var all = Multi(name);
        if (all.Count > 1) throw new UsageException($"{_command}: option {name} was given {all.Count} times");
        return all.Count == 0 ? null : all[0];
    }

    /// <summary>All values of a repeatable option, in order.</summary>
    /// <exception cref="UsageException">If an occurrence has no value.</exception>
    public List<string> Multi(string name)
    {
        var values = new List<string>();
        for (int i = 0; i < _args.Count; i++)
        {
            if (_args[i] != name) continue;
            if (i + 1 >= _args.Count || _args[i + 1] is null)
                throw new UsageException($"{_command}: option {name} needs a value");
            values.Add(_args[i + 1]!);
            _args[i] = null;
            _args[i + 1] = null;
            i++;
        }
        return values;
    }

    /// <summary>An integer option, or null when absent.</summary>
    /// <exception cref="UsageException">If the value is not an integer.</exception>
    public long? Long(string name)
    {
        var s = Option(name);
        if (s is null) return null;
        return long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new UsageException($"{_command}: option {name} = '{s}' is not an integer");
    }

    /// <summary>An integer option within [<paramref name="min"/>, <paramref name="max"/>], or null when absent.</summary>
    /// <exception cref="UsageException">If not an integer or out of range.</exception>
    public int? Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var v = Long(name);
        if (v is null) return null;
        if (v < min || v > max) throw new UsageException($"{_command}: option {name} = {v} must be in [{min}, {max}]");
        return (int)v;
    }

    /// <summary>A floating-point option, or null when absent.</summary>
    /// <exception cref="UsageException">If the value is not a number.</exception>
    public double? Double(string name)
    {
        var s = Option(name);
        if (s is null) return null;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new UsageException($"{_command}: option {name} = '{s}' is not a number");
    }

    /// <summary>The next positional argument (one not starting with <c>--</c>), or null when none is left.</summary>
    public string? Positional()
    {
        for (int i = 0; i < _args.Count; i++)
        {
            var a = _args[i];
            if (a is null || a.StartsWith("--", StringComparison.Ordinal)) continue;
            _args[i] = null;
            return a;
        }
        return null;
    }

    /// <summary>The next positional argument.</summary>
    /// <exception cref="UsageException">Naming <paramref name="what"/> if it is missing.</exception>
    public string RequirePositional(string what) => Positional() ?? throw new UsageException($"{_command}: missing {what}");

    /// <summary>Fails on any argument not consumed by the calls above (call after reading everything).</summary>
    /// <exception cref="UsageException">Naming the unknown arguments.</exception>
    public void EnsureAllConsumed()
    {
        var left = _args.Where(a => a is not null).ToList();
        if (left.Count > 0) throw new UsageException($"{_command}: unknown argument(s): {string.Join(" ", left)}");
    }
}
