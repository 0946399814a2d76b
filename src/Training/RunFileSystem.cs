namespace Rl.Training;

/// <summary>
/// The file operations a run directory's writers use (checkpoints, CSV logs, result and plot files). Every write goes to a
/// temporary file that is renamed over its target, so a failed write (a full disk) never leaves a half-written file in
/// place, and the temporary file is removed. Tests override <see cref="OpenWrite"/> to inject failures.
/// </summary>
public class RunFileSystem
{
    /// <summary>The real file system.</summary>
    public static RunFileSystem Default { get; } = new();

    /// <summary>The suffix of temporary files (followed by the writing process's id); such files are never a run's data.</summary>
    public const string TempMarker = ".tmp-";

    /// <summary>Opens <paramref name="path"/> for writing, creating or truncating it.</summary>
    public virtual Stream OpenWrite(string path) => new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);

    /// <summary>Opens <paramref name="path"/> for appending, creating it when missing.</summary>
    public virtual Stream OpenAppend(string path) => new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);

    /// <summary>
    /// Writes a file atomically: <paramref name="write"/> fills a temporary file beside <paramref name="path"/>, which is then
    /// flushed to disk and renamed over it. On failure the temporary file is removed and the exception passes on.
    /// </summary>
    public void WriteAtomic(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string tmp = full + TempMarker + Environment.ProcessId;
        try
        {
            using (var s = OpenWrite(tmp))
            {
                write(s);
                if (s is FileStream fs) fs.Flush(flushToDisk: true);
                else s.Flush();
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/> atomically.</summary>
    public void WriteAllTextAtomic(string path, string text) =>
        WriteAtomic(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>Appends <paramref name="text"/> (UTF-8) to <paramref name="path"/>.</summary>
    public void AppendAllText(string path, string text)
    {
        using var s = OpenAppend(path);
        s.Write(System.Text.Encoding.UTF8.GetBytes(text));
    }

    /// <summary>
    /// Removes the temporary files a killed or failed writer left in <paramref name="directory"/> and its sub-folders
    /// (names containing <see cref="TempMarker"/> or ending in <c>.tmp</c>/<c>.tmp.png</c>). Only call it while holding the
    /// run's <see cref="RunLock"/>: then no other writer can be using them.
    /// </summary>
    /// <returns>The files removed.</returns>
    public static IReadOnlyList<string> RemoveStaleTemporaries(string directory)
    {
        if (!Directory.Exists(directory)) return [];
        var removed = new List<string>();
        foreach (var f in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            string name = Path.GetFileName(f);
            if (!name.Contains(TempMarker, StringComparison.Ordinal) && !name.EndsWith(".tmp", StringComparison.Ordinal)
                && !name.EndsWith(".tmp.png", StringComparison.Ordinal)) continue;
            File.Delete(f);
            removed.Add(f);
        }
        return removed;
    }
}
