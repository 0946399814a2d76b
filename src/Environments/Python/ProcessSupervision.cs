using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Rl.Environments.Python;

/// <summary>libc calls for signalling workers (Linux only; callers check <see cref="OperatingSystem.IsLinux"/>).</summary>
internal static partial class Native
{
    public const int SigKill = 9, SigUsr1 = 10;
    private const long SysPidfdSendSignal = 424, SysPidfdOpen = 434; // the same numbers on x86-64 and arm64

    [LibraryImport("libc.so.6", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc.so.6", EntryPoint = "close")]
    public static partial int Close(int fd);

    [LibraryImport("libc.so.6", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a, long b, long c, long d);

    /// <summary>A file descriptor that names exactly this process (immune to pid reuse), or -1 when the kernel lacks pidfds.</summary>
    public static int PidfdOpen(int pid)
    {
        try
        {
            return (int)Syscall(SysPidfdOpen, pid, 0, 0, 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return -1;
        }
    }

    public static int PidfdSendSignal(int pidfd, int signal) => (int)Syscall(SysPidfdSendSignal, pidfd, signal, 0, 0);
}

/// <summary>
/// Kills a worker process when released: by <see cref="PythonWorker"/>'s dispose, or by the finalizer when a worker was
/// leaked without one (the safety net). Holds a pidfd where the kernel has them, so a signal can never reach a process
/// that reused the pid.
/// </summary>
internal sealed class KillOnRelease : SafeHandle
{
    private readonly int _pid;
    private readonly bool _isPidfd;
    private volatile bool _exited;

    public KillOnRelease(int pid) : base(new IntPtr(-1), ownsHandle: true)
    {
        _pid = pid;
        if (!OperatingSystem.IsLinux()) return;
        int fd = Native.PidfdOpen(pid);
        _isPidfd = fd >= 0;
        SetHandle(new IntPtr(_isPidfd ? fd : pid));
    }

    public override bool IsInvalid => handle == new IntPtr(-1);

    /// <summary>Records that the process has exited and was reaped, so its pid must not be signalled any more.</summary>
    public void MarkExited() => _exited = true;

    /// <summary>Sends <paramref name="signal"/> to the process if it has not exited (Linux; elsewhere nothing).</summary>
    public void Signal(int signal)
    {
        if (_exited || IsInvalid || IsClosed || !OperatingSystem.IsLinux()) return;
        if (_isPidfd) Native.PidfdSendSignal((int)handle, signal);
        else Native.Kill(_pid, signal);
    }

    protected override bool ReleaseHandle()
    {
        if (!_exited)
        {
            if (_isPidfd) Native.PidfdSendSignal((int)handle, Native.SigKill);
            else Native.Kill(_pid, Native.SigKill);
        }
        if (_isPidfd) Native.Close((int)handle);
        return true;
    }
}

/// <summary>
/// Starts every worker from one long-lived thread. Linux's parent-death signal (which the bridge script asks for) fires when
/// the thread that forked the child ends, not the process; a worker started from a pool thread would be killed when that
/// thread retires. Forking from a thread that lives as long as the process ties the workers' lifetime to the process.
/// </summary>
internal static class Spawner
{
    private static readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Result)> s_queue = new();

    static Spawner()
    {
        var thread = new Thread(Loop) { IsBackground = true, Name = "rl-python-spawner" };
        thread.Start();
    }

    /// <summary>Starts a process on the spawner thread and returns it (or rethrows the start failure).</summary>
    public static Process Start(ProcessStartInfo info)
    {
        var result = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        s_queue.Add((info, result));
        return result.Task.GetAwaiter().GetResult();
    }

    private static void Loop()
    {
        foreach (var (info, result) in s_queue.GetConsumingEnumerable())
        {
            try
            {
                var process = new Process { StartInfo = info };
                process.Start();
                result.SetResult(process);
            }
            catch (Exception e)
            {
                result.SetException(e);
            }
        }
    }
}

/// <summary>
/// One background thread that enforces call timeouts for all workers (a worker past its deadline first gets SIGUSR1, on
/// which the bridge dumps its Python stacks to stderr, then SIGKILL), and kills every live worker when this process exits.
/// It holds workers weakly so that a leaked worker can still be finalized (and its process killed).
/// </summary>
internal static class Watchdog
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(50);
    private static readonly List<WeakReference<PythonWorker>> s_workers = [];
    private static readonly Lock s_lock = new();
    private static Thread? s_thread;

    static Watchdog() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    public static void Add(PythonWorker worker)
    {
        lock (s_lock)
        {
            s_workers.Add(new WeakReference<PythonWorker>(worker));
            if (s_thread is null)
            {
                s_thread = new Thread(Loop) { IsBackground = true, Name = "rl-python-watchdog" };
                s_thread.Start();
            }
        }
    }

    private static List<PythonWorker> Snapshot()
    {
        lock (s_lock)
        {
            var live = new List<PythonWorker>(s_workers.Count);
            s_workers.RemoveAll(w => !w.TryGetTarget(out var worker) || worker.IsDisposed);
            foreach (var w in s_workers)
                if (w.TryGetTarget(out var worker)) live.Add(worker);
            return live;
        }
    }

    private static void Loop()
    {
        while (true)
        {
            Thread.Sleep(Period);
            Tick();
        }
    }

    // A method of its own so that no stack slot of the endless loop keeps the last snapshot (and its workers) alive.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Tick()
    {
        long now = Stopwatch.GetTimestamp();
        foreach (var worker in Snapshot()) worker.Watch(now);
    }

    private static void KillAll()
    {
        foreach (var worker in Snapshot()) worker.KillNow();
    }
}
