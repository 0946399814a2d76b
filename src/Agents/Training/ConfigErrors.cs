namespace Rl.Agents.Training;

/// <summary>An algorithm config whose <see cref="Validate"/> reports each broken rule through <see cref="ConfigErrors"/>.</summary>
public interface IValidatableConfig
{
    /// <summary>Checks every value; outside <see cref="ConfigErrors.Collect"/> it throws for the first invalid one.</summary>
    /// <exception cref="ArgumentException">Naming the key, the value and the rule.</exception>
    void Validate();
}

/// <summary>
/// How config validation reports every error at once: the rules of a config's <c>Validate</c> call <see cref="Report"/>
/// (or run a sub-check through <see cref="Check"/>), which throws as usual, except inside <see cref="Collect"/>, where each
/// broken rule is recorded and validation goes on. The runner's config binder collects, so a config and its overrides
/// are reported in one message; an algorithm constructed in code still throws for the first invalid value.
/// </summary>
public static class ConfigErrors
{
    [ThreadStatic] private static List<string>? _current;

    /// <summary>Runs <paramref name="validate"/> and returns the message of every rule it broke (empty: the config is valid).</summary>
    public static IReadOnlyList<string> Collect(Action validate)
    {
        ArgumentNullException.ThrowIfNull(validate);
        var previous = _current;
        var list = new List<string>();
        _current = list;
        try
        {
            validate();
        }
        // A rule that could not be reported and go on (or a later rule tripping over an earlier invalid value).
        catch (Exception e) when (e is ArgumentException || list.Count > 0)
        {
            if (e is ArgumentException) list.Add(e.Message);
        }
        finally
        {
            _current = previous;
        }
        return list;
    }

    /// <summary>Reports a broken rule: recorded inside <see cref="Collect"/>, thrown otherwise.</summary>
    /// <exception cref="ArgumentException"><paramref name="error"/>, outside <see cref="Collect"/>.</exception>
    public static void Report(ArgumentException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (_current is null) throw error;
        _current.Add(error.Message);
    }

    /// <summary>Runs a sub-check that throws (e.g. parsing a nested spec); inside <see cref="Collect"/> its error is recorded and validation goes on.</summary>
    /// <exception cref="ArgumentException">From <paramref name="check"/>, outside <see cref="Collect"/>.</exception>
    public static void Check(Action check)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (_current is null)
        {
            check();
            return;
        }
        try
        {
            check();
        }
        catch (ArgumentException e)
        {
            _current.Add(e.Message);
        }
    }
}
