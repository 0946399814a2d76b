using System.Runtime.InteropServices;
using System.Text;

namespace Rl.Training;

/// <summary>
/// The exclusive lock of a run directory: <c>DIR/run.lock</c> holds the owner's process id and command line, locked with
/// <c>flock</c>. The kernel releases the lock when the owner exits, however it exits (SIGKILL included), so a killed run never
/// leaves a stuck lock; a second writer is refused with a message naming the process that holds it.
/// </summary>
public sealed partial class RunLock : IDisposable
{
    /// <summary>The lock file's name in the run directory.</summary>
    public const string FileName = "run.lock";

    private const int LockEx = 2, LockNb = 4, LockUn = 8;
    private const int ORdwr = 2, OCreat = 0x40, OCloexec = 0x80000;

    private int _fd;

    private RunLock(string path, int fd)
    {
        Path = path;
        _fd = fd;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>
    /// Takes the lock of <paramref name="runDirectory"/> (creating the directory), or throws naming the process that holds it.
    /// </summary>
    /// <exception cref="RunDirectoryInUseException">If another process holds the lock.</exception>
    public static RunLock Acquire(string runDirectory)
    {
        Directory.CreateDirectory(runDirectory);
        string path = System.IO.Path.Combine(System.IO.Path.GetFullPath(runDirectory), FileName);
        int fd = Open(path, ORdwr | OCreat | OCloexec, Convert.ToUInt32("644", 8));
        if (fd < 0) throw new IOException($"cannot open the lock file '{path}': {Marshal.GetLastPInvokeErrorMessage()}");
        if (Flock(fd, LockEx | LockNb) != 0)
        {
            string owner = ReadAll(fd).Trim();
            Close(fd);
            throw new RunDirectoryInUseException(runDirectory, owner);
        }
        string me = $"{Environment.ProcessId} {string.Join(' ', Environment.GetCommandLineArgs())}\n";
        byte[] bytes = Encoding.UTF8.GetBytes(me);
        if (Ftruncate(fd, 0) != 0 || Pwrite(fd, bytes, bytes.Length, 0) != bytes.Length)
        {
            string error = Marshal.GetLastPInvokeErrorMessage();
            Close(fd);
            throw new IOException($"cannot write the lock file '{path}': {error}");
        }
        return new RunLock(path, fd);
    }

    /// <summary>
    /// Throws when another process holds the lock of <paramref name="runDirectory"/>; creates nothing (for checks made
    /// before a run decides to write there).
    /// </summary>
    /// <exception cref="RunDirectoryInUseException">If another process holds the lock.</exception>
    public static void ThrowIfHeld(string runDirectory)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetFullPath(runDirectory), FileName);
        if (!File.Exists(path)) return;
        int fd = Open(path, ORdwr | OCloexec, 0);
        if (fd < 0) return;
        try
        {
            if (Flock(fd, LockEx | LockNb) != 0) throw new RunDirectoryInUseException(runDirectory, ReadAll(fd).Trim());
            Flock(fd, LockUn);
        }
        finally
        {
            Close(fd);
        }
    }

    private static string ReadAll(int fd)
    {
        var buffer = new byte[4096];
        long n = Pread(fd, buffer, buffer.Length, 0);
        return n > 0 ? Encoding.UTF8.GetString(buffer, 0, (int)n) : "";
    }

    /// <summary>Releases the lock (the file stays; its content is stale once unlocked).</summary>
    public void Dispose()
    {
        if (_fd <= 0) return;
        Flock(_fd, LockUn);
        Close(_fd);
        _fd = 0;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int Ftruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    private static partial long Pwrite(int fd, byte[] buffer, long count, long offset);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static partial long Pread(int fd, byte[] buffer, long count, long offset);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}

/// <summary>Another process is training into the run directory.</summary>
public sealed class RunDirectoryInUseException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="runDirectory">The run directory.</param>
    /// <param name="owner">The lock file's content: the owner's process id and command line (may be empty).</param>
    public RunDirectoryInUseException(string runDirectory, string owner)
        : base(Describe(runDirectory, owner))
    {
        RunDirectory = runDirectory;
        OwnerProcessId = int.TryParse(owner.Split(' ', 2)[0], out int pid) ? pid : null;
    }

    /// <summary>The run directory.</summary>
    public string RunDirectory { get; }

    /// <summary>The process that holds the lock, when the lock file names it.</summary>
    public int? OwnerProcessId { get; }

    private static string Describe(string dir, string owner)
    {
        var parts = owner.Split(' ', 2);
        string who = parts[0].Length == 0 ? "another process" : $"process {parts[0]}" + (parts.Length > 1 ? $" ({parts[1]})" : "");
        return $"run directory '{dir}' is in use by {who}; wait for it to finish or stop it (kill {(parts[0].Length == 0 ? "PID" : parts[0])}), or choose another directory";
    }
}
