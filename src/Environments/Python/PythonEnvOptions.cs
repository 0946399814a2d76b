using System.Globalization;
using Rl.Core;

namespace Rl.Environments.Python;

/// <summary>
/// How the Python bridge starts and supervises its worker processes. Every setting can also be given as a keyword option
/// of <c>Envs.Make("gym:...")</c> (see <see cref="KwargDocs"/>); those keys are taken out before the rest goes to Python.
/// </summary>
public sealed record PythonEnvOptions
{
    /// <summary>The environment variable naming the Python interpreter (used when <see cref="Python"/> is null).</summary>
    public const string PythonVariable = "RL_PYTHON";

    /// <summary>The environment variable naming the registry module (used when <see cref="Module"/> is null).</summary>
    public const string ModuleVariable = "RL_GYM_MODULE";

    /// <summary>The interpreter used when neither <see cref="Python"/> nor <c>RL_PYTHON</c> is set.</summary>
    public const string DefaultPython = "python3";

    /// <summary>The registry module used when neither <see cref="Module"/> nor <c>RL_GYM_MODULE</c> is set.</summary>
    public const string DefaultModule = "gymnasium";

    /// <summary>
    /// The Python interpreter: a command on PATH or a path (e.g. a virtualenv's <c>.venv/bin/python</c>). Default null:
    /// <c>$RL_PYTHON</c>, else <c>python3</c>. The worker inherits this process's environment (PYTHONPATH, VIRTUAL_ENV, ...).
    /// </summary>
    public string? Python { get; init; }

    /// <summary>
    /// The module whose <c>make(id, **kwargs)</c> builds registered ids. Default null: <c>$RL_GYM_MODULE</c>, else
    /// <c>gymnasium</c>. Ids of the form <c>module:Class</c> are built directly and need no registry.
    /// </summary>
    public string? Module { get; init; }

    /// <summary>How long starting the worker and making the environment may take. Default 60 s.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one reset, step, render or close may take before the worker is killed. Default 60 s.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether the worker's stderr (warnings, prints) is echoed to this process's stderr. Default false: only the
    /// last lines are kept, for error messages.</summary>
    public bool ForwardStandardError { get; init; }

    /// <summary>
    /// The reset options the Python environment accepts; any other key is rejected on the C# side with an
    /// <see cref="ArgumentException"/> naming it, as the toolkit's contract (and its checker) require. Default null: every
    /// key is passed to Python, where Gymnasium environments usually ignore the ones they do not know.
    /// </summary>
    public IReadOnlyCollection<string>? ResetOptionKeys { get; init; }

    /// <summary>The keyword options that configure the bridge rather than the Python environment.</summary>
    public static readonly IReadOnlyDictionary<string, string> KwargDocs = new Dictionary<string, string>
    {
        ["python"] = $"interpreter command or path (default ${PythonVariable}, else {DefaultPython})",
        ["python_module"] = $"registry module providing make(id, **kwargs) (default ${ModuleVariable}, else {DefaultModule})",
        ["python_timeout"] = "seconds one reset/step/render may take before the worker is killed (default 60)",
        ["python_start_timeout"] = "seconds starting the worker and making the environment may take (default 60)",
        ["python_stderr"] = "'tail' (default: keep the last lines for error messages) or 'forward' (also echo them)",
        ["python_reset_options"] = "comma-separated reset option keys the environment accepts; others are rejected (default: any key passes to Python)",
    };

    /// <summary>The interpreter to run: <see cref="Python"/>, else <c>$RL_PYTHON</c>, else <c>python3</c>.</summary>
    public string ResolvePython() => NonEmpty(Python) ?? NonEmpty(Environment.GetEnvironmentVariable(PythonVariable)) ?? DefaultPython;

    /// <summary>The registry module: <see cref="Module"/>, else <c>$RL_GYM_MODULE</c>, else <c>gymnasium</c>.</summary>
    public string ResolveModule() => NonEmpty(Module) ?? NonEmpty(Environment.GetEnvironmentVariable(ModuleVariable)) ?? DefaultModule;

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>
    /// Splits keyword options into bridge settings (the keys of <see cref="KwargDocs"/>, applied over <paramref name="defaults"/>)
    /// and the options for the Python environment.
    /// </summary>
    /// <exception cref="ArgumentException">If a bridge setting has an invalid value.</exception>
    public static (PythonEnvOptions Options, OptionSet EnvKwargs) Split(OptionSet kwargs, PythonEnvOptions? defaults = null)
    {
        var o = defaults ?? new PythonEnvOptions();
        if (kwargs.ContainsKey("python")) o = o with { Python = kwargs.GetString("python", null) };
        if (kwargs.ContainsKey("python_module")) o = o with { Module = kwargs.GetString("python_module", null) };
        if (kwargs.ContainsKey("python_timeout")) o = o with { CallTimeout = Seconds(kwargs, "python_timeout") };
        if (kwargs.ContainsKey("python_start_timeout")) o = o with { StartTimeout = Seconds(kwargs, "python_start_timeout") };
        if (kwargs.GetString("python_stderr", null) is string mode)
        {
            o = o with
            {
                ForwardStandardError = mode switch
                {
                    "tail" => false,
                    "forward" => true,
                    _ => throw new ArgumentException($"option 'python_stderr' = '{mode}' must be 'tail' or 'forward'"),
                },
            };
        }
        if (kwargs.GetString("python_reset_options", null) is string keys)
            o = o with { ResetOptionKeys = keys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
        var rest = new OptionSet(kwargs.Where(p => !KwargDocs.ContainsKey(p.Key)));
        return (o, rest);
    }

    private static TimeSpan Seconds(OptionSet kwargs, string key)
    {
        double s = kwargs.GetDouble(key, 0);
        if (!(s > 0) || double.IsInfinity(s))
            throw new ArgumentException($"option '{key}' = {s.ToString(CultureInfo.InvariantCulture)} must be a positive number of seconds");
        return TimeSpan.FromSeconds(s);
    }
}
