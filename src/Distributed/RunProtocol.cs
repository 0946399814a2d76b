using System.Security.Cryptography;

namespace Rl.Distributed;

/// <summary>
/// A whole training run as a learner asks a worker to train it (<see cref="ITrainingWorkerGrain"/>): the resolved config
/// text, whether it continues a run whose files are uploaded first, the <c>run.*</c> overrides of a continuation, the
/// threads it trains with, and the loss-explosion stop of a sweep trial. The worker loads no code from it: its host builds
/// the run with the environments and assemblies of the worker's own command line.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RunSpec
{
    /// <summary>Identifies the run on the worker (unique per attempt).</summary>
    [Id(0)] public string RunId { get; init; } = "";

    /// <summary>The learner's protocol version.</summary>
    [Id(1)] public int Protocol { get; init; }

    /// <summary>The learner's rollout build (<see cref="RolloutProtocol.Build"/>).</summary>
    [Id(2)] public string Build { get; init; } = "";

    /// <summary>The learner's training build (the host's <see cref="RunHostOptions.Build"/>): the trainer code must match too.</summary>
    [Id(3)] public string RunBuild { get; init; } = "";

    /// <summary>What the run is, for messages (<c>seed 3</c>, <c>trial-004 rung 2</c>).</summary>
    [Id(4)] public string Name { get; init; } = "";

    /// <summary>The resolved config (a new run trains it; a continuation's is its <c>config.toml</c>, checked before it starts).</summary>
    [Id(5)] public string ConfigText { get; init; } = "";

    /// <summary>Continue the run whose files (<see cref="Files"/>) are uploaded before <see cref="ITrainingWorkerGrain.Start"/>.</summary>
    [Id(6)] public bool Resume { get; init; }

    /// <summary>The <c>run.*</c> overrides of a continuation (<c>run.total_steps=N</c>).</summary>
    [Id(7)] public string[] Overrides { get; init; } = [];

    /// <summary>Threads the run trains with (its <c>run.threads</c>); the worker runs as many runs at once as its threads allow.</summary>
    [Id(8)] public int Threads { get; init; } = 1;

    /// <summary>Stop when the loss exceeds this multiple of its initial value (0: never).</summary>
    [Id(9)] public double ExplodeFactor { get; init; }

    /// <summary>The loss watched by the explosion stop (null: the default keys).</summary>
    [Id(10)] public string? LossKey { get; init; }

    /// <summary>The files of the run directory to upload (a continuation), with their sizes and digests.</summary>
    [Id(11)] public RunFile[] Files { get; init; } = [];
}

/// <summary>One file of a run directory in transfer: its path relative to the directory, size and SHA-256.</summary>
[GenerateSerializer, Immutable]
public sealed record RunFile
{
    /// <summary>The path relative to the run directory, with '/' separators.</summary>
    [Id(0)] public string Path { get; init; } = "";

    /// <summary>Its size in bytes.</summary>
    [Id(1)] public long Size { get; init; }

    /// <summary>Its SHA-256 in lower-case hex.</summary>
    [Id(2)] public string Sha256 { get; init; } = "";
}

/// <summary>Where a run stands on a worker.</summary>
public enum RunState
{
    /// <summary>The worker does not know the run (never begun, released, or expired because the learner stopped polling).</summary>
    Unknown,

    /// <summary>Begun; its files are being uploaded.</summary>
    Uploading,

    /// <summary>Waiting for threads on the worker.</summary>
    Queued,

    /// <summary>Training.</summary>
    Running,

    /// <summary>Ended; its files can be read.</summary>
    Finished,
}

/// <summary>A run's state on a worker, as <see cref="ITrainingWorkerGrain.Poll"/> answers.</summary>
[GenerateSerializer, Immutable]
public sealed record RunStatus
{
    /// <summary>Where it stands.</summary>
    [Id(0)] public RunState State { get; init; }

    /// <summary>The training process's exit code (finished runs): 0 done, 130 interrupted, else failed.</summary>
    [Id(1)] public int ExitCode { get; init; }

    /// <summary>The run directory's files (finished runs).</summary>
    [Id(2)] public RunFile[] Files { get; init; } = [];

    /// <summary>The console output of the training process (finished runs), or null.</summary>
    [Id(3)] public RunFile? Log { get; init; }

    /// <summary>Seconds the worker spent training it (from the process start to its exit).</summary>
    [Id(4)] public double ComputeSeconds { get; init; }

    /// <summary>The latest line of its console output.</summary>
    [Id(5)] public string Progress { get; init; } = "";

    /// <summary>Why the worker could not train it (a failure before or around the process), or null.</summary>
    [Id(6)] public string? Error { get; init; }
}

/// <summary>What the files of a run transfer may be: safe relative paths, sizes within a limit, digests.</summary>
public static class RunTransfer
{
    /// <summary>The name of the console output file in a transfer (it travels beside the run directory, not in it).</summary>
    public const string LogName = "console.log";

    /// <summary>Bytes per upload or download call.</summary>
    public const int ChunkBytes = 1 << 20;

    /// <summary>
    /// Whether <paramref name="path"/> may name a file of a run directory in transfer: relative, '/'-separated, at most 4
    /// levels and 255 characters, of letters, digits and <c>-_.</c> only, no segment starting with a dot (so no <c>..</c>).
    /// A worker that lists another name is not believed: the learner writes nothing outside the run directory.
    /// </summary>
    public static bool SafePath(string path)
    {
        if (string.IsNullOrEmpty(path) || path.Length > 255) return false;
        var parts = path.Split('/');
        if (parts.Length > 4) return false;
        foreach (var part in parts)
        {
            if (part.Length == 0 || part[0] == '.') return false;
            foreach (char c in part)
                if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.')) return false;
        }
        return true;
    }

    /// <summary>
    /// Whether a file of a run directory travels: not the run lock (<c>run.lock</c>, Rl.Training's RunLock.FileName) and not
    /// an unfinished write (a name with <c>.tmp</c> in it).
    /// </summary>
    public static bool Transferable(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        string name = relativePath.Split('/')[^1];
        return name != "run.lock" && !name.Contains(".tmp", StringComparison.Ordinal);
    }

    /// <summary>The transferable files under <paramref name="directory"/>, sorted by path, with sizes and digests.</summary>
    public static RunFile[] List(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory)) return [];
        var files = new List<RunFile>();
        foreach (var full in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(directory, full).Replace(Path.DirectorySeparatorChar, '/');
            if (!Transferable(relative) || !SafePath(relative)) continue;
            var info = new FileInfo(full);
            if (info.LinkTarget is not null) continue;
            files.Add(Describe(full, relative));
        }
        return [.. files.OrderBy(f => f.Path, StringComparer.Ordinal)];
    }

    /// <summary>A file's transfer record.</summary>
    public static RunFile Describe(string fullPath, string relativePath)
    {
        using var stream = File.OpenRead(fullPath);
        return new RunFile { Path = relativePath, Size = stream.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(stream)) };
    }

    /// <summary>The full path of <paramref name="file"/> under <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidOperationException">If the path is not a safe relative path.</exception>
    public static string Under(string directory, string file)
    {
        if (!SafePath(file)) throw new InvalidOperationException($"'{file}' is not a file name a run directory may hold");
        return Path.Combine(directory, file.Replace('/', Path.DirectorySeparatorChar));
    }
}
