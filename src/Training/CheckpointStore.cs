using System.Globalization;
using Rl.Agents.Training;

namespace Rl.Training;

/// <summary>
/// A run's checkpoint folder: <c>checkpoints/step-000000012345.ckpt</c> files written atomically, the newest
/// <c>keep</c> kept, and only the newest with its <see cref="Checkpoint.NewestOnlyPrefix"/> sidecar. Loading tries the newest first and falls back to older ones when a file is truncated or corrupted,
/// so a damaged write never costs more than the steps since the previous checkpoint.
/// </summary>
public sealed class CheckpointStore
{
    private const string FilePrefix = "step-";
    private const string FileSuffix = ".ckpt";

    private readonly RunFileSystem _fs;

    /// <summary>Opens the folder (created at the first write); <paramref name="keep"/> newest checkpoints are kept.</summary>
    public CheckpointStore(string directory, int keep, RunFileSystem? fileSystem = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        Directory = directory;
        Keep = keep;
        _fs = fileSystem ?? RunFileSystem.Default;
    }

    /// <summary>The folder.</summary>
    public string Directory { get; }

    /// <summary>How many checkpoints are kept.</summary>
    public int Keep { get; }

    /// <summary>
    /// Writes a checkpoint for <paramref name="envSteps"/> atomically and removes the oldest beyond <see cref="Keep"/>. A
    /// failed write removes its temporary file and keeps the older checkpoints.
    /// </summary>
    /// <returns>The file written.</returns>
    public string Write(Checkpoint checkpoint, long envSteps)
    {
        System.IO.Directory.CreateDirectory(Directory);
        string path = Path.Combine(Directory, FilePrefix + envSteps.ToString("D12", CultureInfo.InvariantCulture) + FileSuffix);
        // Large state (a replay buffer) goes to a sidecar kept for the newest checkpoint only.
        if (checkpoint.HasNewestOnly) _fs.WriteAtomic(Checkpoint.NewestOnlyPath(path), checkpoint.WriteNewestOnlyTo);
        else File.Delete(Checkpoint.NewestOnlyPath(path));
        _fs.WriteAtomic(path, checkpoint.WriteTo);
        var files = Files(Directory);
        foreach (var old in files.Skip(Keep)) File.Delete(old);
        foreach (var older in files.Skip(1)) File.Delete(Checkpoint.NewestOnlyPath(older));
        return path;
    }

    /// <summary>The checkpoint files in a folder, newest (highest step) first.</summary>
    public static IReadOnlyList<string> Files(string directory)
    {
        if (!System.IO.Directory.Exists(directory)) return [];
        return System.IO.Directory.GetFiles(directory, FilePrefix + "*" + FileSuffix)
            .Select(f => (File: f, Step: StepOf(f)))
            .Where(x => x.Step >= 0)
            .OrderByDescending(x => x.Step)
            .Select(x => x.File)
            .ToList();
    }

    private static long StepOf(string file)
    {
        string name = Path.GetFileName(file);
        string digits = name[FilePrefix.Length..^FileSuffix.Length];
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long s) ? s : -1;
    }

    /// <summary>
    /// The checkpoint folder of a run directory (<c>DIR/checkpoints</c>), or <paramref name="path"/> itself when it holds
    /// checkpoint files.
    /// </summary>
    public static string FolderOf(string path)
    {
        string sub = Path.Combine(path, "checkpoints");
        return System.IO.Directory.Exists(sub) || Files(path).Count == 0 ? sub : path;
    }

    /// <summary>
    /// Tries the checkpoints of <paramref name="directory"/> newest first: reads each and hands it to <paramref name="use"/>;
    /// a <see cref="CheckpointException"/> (from reading or from <paramref name="use"/>) is reported through
    /// <paramref name="warn"/> and the next older one is tried.
    /// </summary>
    /// <exception cref="CheckpointException">If there is none, or none is usable (listing why for each).</exception>
    public static T LoadNewestUsable<T>(string directory, Func<Checkpoint, string, T> use, Action<string> warn)
    {
        var files = Files(directory);
        if (files.Count == 0) throw new CheckpointException($"no checkpoints (step-*.ckpt) in '{directory}'");
        var problems = new List<string>();
        foreach (var file in files)
        {
            try
            {
                return use(Checkpoint.Read(file), file);
            }
            catch (CheckpointException e)
            {
                string problem = e.Message.Contains(file, StringComparison.Ordinal) ? e.Message : $"checkpoint file '{file}': {e.Message}";
                problems.Add(problem);
                if (file != files[^1]) warn($"warning: {problem}; trying the previous checkpoint");
            }
        }
        throw new CheckpointException($"no usable checkpoint in '{directory}':\n  - {string.Join("\n  - ", problems)}");
    }
}
