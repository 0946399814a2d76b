using System.Buffers.Binary;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Rl.Environments.Python;

/// <summary>
/// One Python worker process running gym_bridge.py: starts it, frames requests and replies over its stdin/stdout, turns
/// Python errors, crashes and timeouts into <see cref="PythonEnvException"/>s, and makes sure the process is gone after
/// <see cref="Dispose"/>. Requests and replies strictly alternate; <see cref="Send"/> and <see cref="Receive"/> are separate
/// so that a vector environment can send to every worker before it waits for any.
/// </summary>
internal sealed class PythonWorker : IDisposable
{
    private static readonly TimeSpan DumpGrace = TimeSpan.FromSeconds(2);
    private static readonly long DumpQuiet = Stopwatch.Frequency / 10;

    private readonly Process _process;
    private readonly Stream _stdin, _stdout;
    private readonly StderrTail _stderr;
    private readonly KillOnRelease _killer;
    private readonly FrameReader _reader = new();
    private readonly Lock _watch = new();
    private byte[] _buffer = new byte[1 << 16];
    private int _start, _end;
    private long _deadline = long.MaxValue, _killAt = long.MaxValue;
    private TimeSpan _timeout;
    private long _linesBeforeDump;
    private bool _timedOut, _pending, _broken, _closeSent;
    private volatile bool _disposed;

    private PythonWorker(string envName, string python, Process process, TimeSpan callTimeout, StderrTail stderr)
    {
        EnvName = envName;
        Python = python;
        _process = process;
        _stderr = stderr;
        ProcessId = process.Id;
        CallTimeout = callTimeout;
        _killer = new KillOnRelease(ProcessId);
        _stdin = process.StandardInput.BaseStream;
        _stdout = process.StandardOutput.BaseStream;
        Watchdog.Add(this);
    }

    /// <summary>The environment's name for messages (e.g. <c>gym:CartPole-v1</c>).</summary>
    public string EnvName { get; }

    /// <summary>The interpreter command the worker was started with.</summary>
    public string Python { get; }

    /// <summary>The worker's process id.</summary>
    public int ProcessId { get; }

    /// <summary>How long one request may take.</summary>
    public TimeSpan CallTimeout { get; }

    /// <summary>The request being built; <see cref="Send"/> sends it.</summary>
    public FrameWriter Request { get; } = new();

    /// <summary>Whether <see cref="Dispose"/> was called.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Whether the worker can take requests (not disposed, not crashed or killed).</summary>
    public bool IsUsable => !_disposed && !_broken;

    /// <summary>Starts <c>python gym_bridge.py id parent-pid</c> (it waits for the init request).</summary>
    /// <exception cref="PythonEnvException">If the interpreter cannot be started.</exception>
    public static PythonWorker Start(string envName, string pythonId, PythonEnvOptions options)
    {
        string python = options.ResolvePython();
        var info = new ProcessStartInfo(python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(BridgeScript.Path);
        info.ArgumentList.Add(pythonId);
        info.ArgumentList.Add(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Process process;
        try
        {
            process = Spawner.Start(info);
        }
        catch (Win32Exception e)
        {
            throw new PythonEnvException(envName, PythonFailure.InterpreterNotFound,
                $"the Python interpreter '{python}' could not be started ({e.Message}); install Python 3 or set " +
                $"{PythonEnvOptions.PythonVariable} or the 'python' option to an interpreter's path", inner: e);
        }
        var stderr = new StderrTail(options.ForwardStandardError ? $"[{envName} pid {process.Id}] " : null);
        process.ErrorDataReceived += stderr.OnLine;
        process.BeginErrorReadLine();
        return new PythonWorker(envName, python, process, options.CallTimeout, stderr);
    }

    /// <summary>Sends <see cref="Request"/>; the reply must be read with <see cref="Receive"/> before the next request.</summary>
    /// <param name="what">What the request does, for messages (e.g. <c>step</c>).</param>
    /// <param name="timeout">Overrides <see cref="CallTimeout"/> for this request.</param>
    public void Send(string what, TimeSpan? timeout = null)
    {
        if (_disposed) throw new ObjectDisposedException(EnvName, $"{EnvName}: the environment was disposed");
        if (_broken) throw new PythonEnvException(EnvName, PythonFailure.WorkerCrashed,
            $"the Python worker (pid {ProcessId}) is gone after an earlier failure; make a new environment");
        if (_pending) throw new InvalidOperationException($"{EnvName}: a request is already waiting for its reply");
        _timeout = timeout ?? CallTimeout;
        lock (_watch) _deadline = Stopwatch.GetTimestamp() + (long)(_timeout.TotalSeconds * Stopwatch.Frequency);
        _pending = true;
        try
        {
            _stdin.Write(Request.Frame);
            _stdin.Flush();
        }
        catch (IOException)
        {
            // The worker died; Receive reports how (exit code, stderr, timeout).
        }
    }

    /// <summary>Reads the reply to the request sent last and positions a reader after its status byte.</summary>
    /// <param name="what">What the request did, for messages.</param>
    /// <exception cref="PythonEnvException">If Python raised, the worker crashed or timed out, or the reply is malformed.</exception>
    public FrameReader Receive(string what)
    {
        if (!_pending) throw new InvalidOperationException($"{EnvName}: no request is waiting for a reply");
        int frameStart, frameEnd;
        try
        {
            Fill(4);
            int length = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_start)));
            if (length < 1) throw new InvalidDataException($"empty reply frame");
            Fill(4 + length);
            frameStart = _start + 4;
            frameEnd = frameStart + length;
            _start = frameEnd;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            _pending = false;
            throw Fail(what, e);
        }
        catch (InvalidDataException e)
        {
            _pending = false;
            _broken = true;
            KillNow();
            throw new PythonEnvException(EnvName, PythonFailure.ProtocolError, $"malformed reply from the Python worker while {what}: {e.Message}", inner: e);
        }
        finally
        {
            lock (_watch)
            {
                _deadline = _killAt = long.MaxValue;
                _timedOut = false;
            }
        }
        _pending = false;
        byte status = _buffer[frameStart];
        _reader.Reset(_buffer, frameStart + 1, frameEnd);
        if (status == Op.Ok) return _reader;
        if (status == Op.Error) throw PythonError(what);
        _broken = true;
        KillNow();
        throw new PythonEnvException(EnvName, PythonFailure.ProtocolError,
            $"the Python worker answered {what} with status 0x{status:x2}; is {BridgeScript.Path} from another version?");
    }

    /// <summary>Sends <see cref="Request"/> and reads its reply.</summary>
    public FrameReader Call(string what, TimeSpan? timeout = null)
    {
        Send(what, timeout);
        return Receive(what);
    }

    // Ensures at least n bytes of the current frame are buffered from _start.
    private void Fill(int n)
    {
        if (_end - _start >= n) return;
        if (_start + n > _buffer.Length)
        {
            if (n > _buffer.Length) Array.Resize(ref _buffer, Math.Max(n, _buffer.Length * 2));
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        while (_end - _start < n)
        {
            int read = _stdout.Read(_buffer, _end, _buffer.Length - _end);
            if (read <= 0) throw new EndOfStreamException("the worker closed its output");
            _end += read;
        }
    }

    private PythonEnvException PythonError(string what)
    {
        var error = _reader.Value() as Dictionary<string, object?> ?? [];
        string kind = error.GetValueOrDefault("kind") as string ?? "env_error";
        string type = error.GetValueOrDefault("type") as string ?? "Exception";
        string message = error.GetValueOrDefault("message") as string ?? "";
        string traceback = (error.GetValueOrDefault("traceback") as string ?? "").TrimEnd();
        var failure = kind switch
        {
            "missing_module" => PythonFailure.ModuleNotInstalled,
            "unknown_id" => PythonFailure.UnknownEnvironment,
            "bad_value" => PythonFailure.UnsupportedValue,
            "bad_request" => PythonFailure.ProtocolError,
            _ => PythonFailure.EnvironmentError,
        };
        string text = failure switch
        {
            PythonFailure.ModuleNotInstalled or PythonFailure.UnknownEnvironment => message,
            PythonFailure.EnvironmentError => $"Python raised {type}: {message} (during {what})\n{traceback}",
            _ => $"{message} (during {what})",
        };
        return new PythonEnvException(EnvName, failure, text, type, traceback);
    }

    private PythonEnvException Fail(string what, Exception cause)
    {
        _broken = true;
        bool timedOut;
        lock (_watch) timedOut = _timedOut;
        if (!_process.WaitForExit(timedOut ? 0 : 2000)) KillNow();
        bool exited = _process.WaitForExit(5000);
        _stderr.WaitForEnd(TimeSpan.FromSeconds(1));
        if (exited) _killer.MarkExited();
        string stderr = _stderr.Text;
        string tail = stderr.Length == 0 ? "" : $"\nlast stderr lines of the worker:\n{stderr}";
        if (timedOut)
            return new PythonEnvException(EnvName, PythonFailure.TimedOut,
                $"no reply from the Python worker (pid {ProcessId}) within {_timeout.TotalSeconds:0.###} s during {what}; it was killed " +
                $"(raise the 'python_timeout' option or PythonEnvOptions.CallTimeout if it is just slow){tail}", inner: cause);
        string code = !exited ? "did not exit" : _process.ExitCode > 128 && OperatingSystem.IsLinux()
            ? $"was killed by signal {_process.ExitCode - 128} (exit code {_process.ExitCode})"
            : $"exited with code {_process.ExitCode}";
        return new PythonEnvException(EnvName, PythonFailure.WorkerCrashed,
            $"the Python worker (pid {ProcessId}, {Python}) {code} during {what}{tail}", inner: cause);
    }

    /// <summary>
    /// Called by the watchdog: past the deadline, ask for a stack dump (SIGUSR1), then kill once the dump has stopped
    /// arriving on stderr, or after <see cref="DumpGrace"/> at the latest.
    /// </summary>
    internal void Watch(long now)
    {
        lock (_watch)
        {
            if (_disposed || now < _deadline) return;
            if (!_timedOut)
            {
                _timedOut = true;
                _killAt = now + (long)(DumpGrace.TotalSeconds * Stopwatch.Frequency);
                _linesBeforeDump = _stderr.LineCount;
                _killer.Signal(Native.SigUsr1);
                return;
            }
            bool dumped = _stderr.LineCount > _linesBeforeDump && now - _stderr.LastLineTimestamp > DumpQuiet;
            if (now < _killAt && !dumped) return;
            _killAt = long.MaxValue;
        }
        KillNow();
    }

    /// <summary>Kills the worker and any processes it started, without waiting.</summary>
    internal void KillNow()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            _killer.Signal(Native.SigKill);
        }
    }

    /// <summary>First half of a graceful dispose: asks the worker to close its environment and exit.</summary>
    internal void BeginClose()
    {
        if (_disposed || _closeSent) return;
        _closeSent = true;
        if (_broken || _pending) return;
        try
        {
            Request.Begin(Op.Close);
            _stdin.Write(Request.Frame);
            _stdin.Flush();
            _stdin.Close();
        }
        catch (IOException)
        {
            // Already gone: the second half reaps it.
        }
    }

    /// <summary>Closes the environment, waits briefly for the worker to exit, then kills it; the process is reaped.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        BeginClose();
        _disposed = true;
        try
        {
            if (!_process.WaitForExit(_broken || _pending ? 0 : 2000)) KillNow();
            if (_process.WaitForExit(5000)) _killer.MarkExited();
        }
        catch (InvalidOperationException)
        {
            // Never started properly; nothing to wait for.
        }
        finally
        {
            _killer.Dispose();
            _process.Dispose();
        }
    }

    /// <summary>Disposes many workers, asking all to close before waiting for any.</summary>
    public static void DisposeAll(IEnumerable<PythonWorker?> workers)
    {
        var list = workers.OfType<PythonWorker>().ToList();
        foreach (var w in list) w.BeginClose();
        foreach (var w in list) w.Dispose();
    }
}

/// <summary>Keeps the last lines a worker wrote to stderr (for error messages) and optionally echoes them.</summary>
internal sealed class StderrTail(string? forwardPrefix)
{
    private const int MaxLines = 60, MaxLineLength = 2000;
    private readonly Queue<string> _lines = new();
    private readonly ManualResetEventSlim _ended = new();
    private readonly Lock _lock = new();

    public void OnLine(object? sender, DataReceivedEventArgs e)
    {
        if (e.Data is null)
        {
            _ended.Set();
            return;
        }
        string line = e.Data.Length > MaxLineLength ? e.Data[..MaxLineLength] + " ..." : e.Data;
        lock (_lock)
        {
            _lines.Enqueue(line);
            while (_lines.Count > MaxLines) _lines.Dequeue();
            _lastLine = Stopwatch.GetTimestamp();
            _lineCount++;
        }
        if (forwardPrefix is not null) Console.Error.WriteLine(forwardPrefix + line);
    }

    /// <summary>Lines seen so far.</summary>
    public long LineCount { get { lock (_lock) return _lineCount; } }

    /// <summary>When the last line arrived (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long LastLineTimestamp { get { lock (_lock) return _lastLine; } }

    private long _lineCount, _lastLine;

    public void WaitForEnd(TimeSpan timeout) => _ended.Wait(timeout);

    public string Text
    {
        get
        {
            lock (_lock)
            {
                var sb = new StringBuilder();
                foreach (var line in _lines) sb.Append("  ").AppendLine(line);
                return sb.ToString().TrimEnd();
            }
        }
    }
}
