namespace Rl.Distributed;

/// <summary>
/// What a worker agreed to run, from its own command line: a learner's job names an environment and its options, and a
/// Python environment (<c>gym:</c> ids, above all <c>module:Class</c>) or a file path in an option runs code or reads files
/// on the worker's machine. Native environments registered in the worker's own process are always allowed; Python ones only
/// when listed in <see cref="Environments"/>; path-valued options only inside <see cref="Directories"/>. The job carries no
/// assemblies: a worker only ever runs code its own process loaded.
/// </summary>
public sealed record WorkerPermissions
{
    /// <summary>Option keys whose values are always file system paths (the Python interpreter among them).</summary>
    private static readonly string[] PathKeys = ["python", "path", "file", "dir", "directory"];

    /// <summary>
    /// Allowed Python environments, without the <c>gym:</c> prefix: a Gymnasium id (<c>CartPole-v1</c>), a module (every
    /// <c>module:Class</c> and <c>module:Env-v0</c> of it, and of its submodules), or one <c>module:Class</c>. The registry
    /// module option (<c>python_module</c>) must be listed as a module too.
    /// </summary>
    public IReadOnlyList<string> Environments { get; init; } = [];

    /// <summary>Directories (absolute) inside which path-valued environment options may point.</summary>
    public IReadOnlyList<string> Directories { get; init; } = [];

    /// <summary>Why this worker will not run an environment <paramref name="envId"/> with <paramref name="kwargs"/>, or null when it will.</summary>
    public string? Refusal(string envId, IEnumerable<KeyValuePair<string, object>> kwargs)
    {
        ArgumentNullException.ThrowIfNull(envId);
        ArgumentNullException.ThrowIfNull(kwargs);
        if (envId.StartsWith("gym:", StringComparison.Ordinal) && !Allows(envId["gym:".Length..]))
            return $"this worker does not run the Python environment '{envId}' (Python environments run arbitrary code on the worker's machine); " +
                   $"start the worker with --allow-env {envId["gym:".Length..]} (or its module) to allow it";
        foreach (var (key, value) in kwargs)
        {
            if (value is not string text) continue;
            if (key == "python_module" && !Allows(text))
                return $"this worker does not import the Python registry module '{text}' (option python_module); start it with --allow-env {text} to allow it";
            if (PathRefusal(key, text, "environment option") is { } refusal) return refusal;
        }
        return null;
    }

    /// <summary>
    /// Why this worker will not let the option <paramref name="key"/> = <paramref name="value"/> (of a config it trains) point
    /// where it points: a path-valued option outside <see cref="Directories"/>; null when it is no path or allowed.
    /// </summary>
    /// <param name="key">The option's key.</param>
    /// <param name="value">Its value.</param>
    /// <param name="what">What the option is, for the message.</param>
    public string? PathRefusal(string key, string value, string what = "config option")
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || !IsPath(key, value) || Inside(value) is not null) return null;
        return $"the {what} {key}={value} is a path outside the directories this worker was given " +
               $"({(Directories.Count == 0 ? "none" : string.Join(", ", Directories))}); start the worker with --allow-dir DIR to allow one";
    }

    /// <summary>Whether <paramref name="id"/> (without <c>gym:</c>) is on the allow list.</summary>
    public bool Allows(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        string module = id.Split(':')[0];
        foreach (var entry in Environments)
        {
            if (id == entry) return true;
            // A module entry covers its classes and ids, and its submodules' ("pkg" covers "pkg.envs:Foo").
            if (!entry.Contains(':') && (module == entry || module.StartsWith(entry + ".", StringComparison.Ordinal)) && id.Contains(':')) return true;
        }
        return false;
    }

    /// <summary>Whether an option is a path: its key says so (<c>python</c>, <c>*_file</c>, <c>*_path</c>, <c>*_dir</c>), or its value looks like one.</summary>
    public static bool IsPath(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        string last = key.Split('_')[^1];
        return PathKeys.Contains(key) || PathKeys.Contains(last) || value.Contains('/') || value.Contains('\\') || value.StartsWith('~') || value.StartsWith('.');
    }

    private string? Inside(string path)
    {
        if (path.StartsWith('~')) return null; // the learner's home is not the worker's
        string full = Path.GetFullPath(path);
        foreach (var dir in Directories)
        {
            string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)) + Path.DirectorySeparatorChar;
            if (full.StartsWith(root, StringComparison.Ordinal) && !HasLinkBelow(root, full)) return root;
        }
        return null;
    }

    /// <summary>Whether a symbolic link below <paramref name="root"/> on the way to <paramref name="full"/> could lead outside it.</summary>
    private static bool HasLinkBelow(string root, string full)
    {
        string current = root.TrimEnd(Path.DirectorySeparatorChar);
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            var info = new FileInfo(current);
            if (info.Exists || Directory.Exists(current))
                if (info.LinkTarget is not null || new DirectoryInfo(current).LinkTarget is not null) return true;
        }
        return false;
    }
}
