using System.Globalization;
using Rl.Agents.Training;

namespace Rl.Training;

/// <summary>
/// A run directory opened for writing: holds its <see cref="RunLock"/> for as long as it is open (so a second writer is
/// refused, naming this process) and, once locked, removes the temporary files a killed or failed writer left behind.
/// </summary>
public sealed class RunDirectory : IDisposable
{
    private readonly RunLock _lock;

    private RunDirectory(string path, RunLock runLock, RunFileSystem fileSystem)
    {
        Path = path;
        _lock = runLock;
        FileSystem = fileSystem;
    }

    /// <summary>The directory (full path).</summary>
    public string Path { get; }

    /// <summary>The file operations its writers use.</summary>
    public RunFileSystem FileSystem { get; }

    /// <summary>The temporary files removed when it was opened.</summary>
    public IReadOnlyList<string> RemovedTemporaries { get; private init; } = [];

    /// <summary>Creates (when missing) and locks <paramref name="path"/>.</summary>
    /// <exception cref="RunDirectoryInUseException">If another process holds it.</exception>
    public static RunDirectory Open(string path, RunFileSystem? fileSystem = null)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full)) throw new IOException($"'{path}' is a file, not a run directory; choose a directory path");
        var runLock = RunLock.Acquire(full);
        return new RunDirectory(full, runLock, fileSystem ?? RunFileSystem.Default) { RemovedTemporaries = RunFileSystem.RemoveStaleTemporaries(full) };
    }

    /// <summary>The checkpoint folder.</summary>
    public string CheckpointFolder => System.IO.Path.Combine(Path, RunFiles.Checkpoints);

    /// <summary>Whether it holds at least one checkpoint file.</summary>
    public bool HasCheckpoints => CheckpointStore.Files(CheckpointFolder).Count > 0;

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _lock.Dispose();
}

/// <summary>
/// The resume check of <c>metrics.csv</c>: the rows up to the checkpoint's iteration must be there, well formed, numbered
/// 1..N, and (for checkpoints that carry one) match the checkpoint's digest of them. Rows after N (written after the
/// checkpoint, or a line cut short by a kill) are then dropped by the CSV sink; anything else refuses the resume.
/// </summary>
public static class MetricsCheck
{
    /// <summary>Checks <paramref name="path"/> against a checkpoint at <paramref name="iteration"/>.</summary>
    /// <exception cref="CheckpointException">Naming the file, the checkpoint and what does not match.</exception>
    /// <param name="path">metrics.csv.</param>
    /// <param name="iteration">The checkpoint's iteration.</param>
    /// <param name="digest">The checkpoint's digest of rows 1..iteration (null for checkpoints of format 1).</param>
    /// <param name="checkpointFile">The checkpoint, for messages.</param>
    /// <param name="finalEvaluation">The last row may carry a final evaluation added after the checkpoint: its evaluation cells are left out of the digest.</param>
    public static void Verify(string path, int iteration, string? digest, string checkpointFile, bool finalEvaluation = false)
    {
        if (iteration == 0) return;
        string Refuse(string what) =>
            $"cannot resume from '{checkpointFile}' (iteration {iteration}): {path} {what}. The run's records would no longer match its " +
            "checkpoints, so resume refuses rather than append to a damaged file; restore metrics.csv from a copy, or start a new run " +
            "(rl train <config> --out NEW_DIR)";
        if (!File.Exists(path)) throw new CheckpointException(Refuse("is missing"));
        var (header, rows, problems) = CsvLog.Parse(File.ReadAllText(path));
        if (header is null) throw new CheckpointException(Refuse("is empty"));
        int idx = Array.IndexOf(header, "iteration");
        if (idx != 0) throw new CheckpointException(Refuse($"has a damaged header ('{string.Join(',', header.Take(4))}...' does not start with 'iteration')"));
        // Problems in lines after the checkpoint's rows (a torn last line) do not matter; earlier ones do.
        int lastLine = rows.Where(r => !r.Row.TryGetValue("iteration", out var t) || !int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int i) || i <= iteration)
            .Select(r => r.Line).DefaultIfEmpty(int.MaxValue).Max();
        if (problems.FirstOrDefault(p => LineOf(p) < lastLine) is { } early) throw new CheckpointException(Refuse(early));
        var kept = new List<IReadOnlyDictionary<string, string>>();
        foreach (var (line, row) in rows)
        {
            if (!row.TryGetValue("iteration", out var text) || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int it))
                throw new CheckpointException(Refuse($"line {line} has no valid iteration number"));
            if (it > iteration) continue;
            if (it != kept.Count + 1)
                throw new CheckpointException(Refuse($"line {line} is iteration {it} where iteration {kept.Count + 1} was expected"));
            kept.Add(row);
        }
        if (kept.Count < iteration)
            throw new CheckpointException(Refuse($"holds {kept.Count} of the checkpoint's {iteration} rows" + (problems.Count > 0 ? $" ({problems[0]})" : "")));
        if (finalEvaluation)
        {
            var lastRow = new Dictionary<string, string>(kept[^1], StringComparer.Ordinal);
            foreach (var c in CsvMetricsSink.EvalCells(null).Keys) lastRow.Remove(c);
            kept[^1] = lastRow;
        }
        if (digest is not null && CsvMetricsSink.Digest(kept) != digest)
            throw new CheckpointException(Refuse($"rows 1-{iteration} differ from the ones the checkpoint was written after (a damaged or edited value)"));
    }

    private static int LineOf(string problem) =>
        int.TryParse(problem.Split(' ').ElementAtOrDefault(1), NumberStyles.None, CultureInfo.InvariantCulture, out int l) ? l : 0;
}
