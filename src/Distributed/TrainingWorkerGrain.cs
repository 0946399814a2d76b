using System.Diagnostics;
using Orleans.Concurrency;

namespace Rl.Distributed;

/// <summary>
/// The whole-run trainer of one silo (its key is the silo's address, see <see cref="SiloKeyPlacement"/>): a learner begins a
/// run (<see cref="RunSpec"/>), uploads the files of a run it continues, starts it, polls it (each poll renews the run's
/// lease), and reads back the run directory's files in chunks; then it releases the run. The worker trains each run in its
/// own training process, as many at once as its threads allow, and never loads code the learner sends: its host builds the
/// run with the worker's own environments and assemblies.
/// </summary>
[Alias("rl.ITrainingWorkerGrain")]
public interface ITrainingWorkerGrain : IGrainWithStringKey
{
    /// <summary>Describes the worker (protocol, build, threads).</summary>
    [Alias("hello")]
    Task<WorkerInfo> Hello();

    /// <summary>Checks and registers a run; a continuation's files are uploaded next (<see cref="Put"/>).</summary>
    /// <exception cref="InvalidOperationException">When the worker refuses it, saying why (build, environment, size).</exception>
    [Alias("begin")]
    Task Begin(RunSpec spec);

    /// <summary>Writes the next <paramref name="data"/> of an uploaded file at <paramref name="offset"/> (files are uploaded in order, each from 0).</summary>
    [Alias("put")]
    Task Put(string runId, string path, long offset, byte[] data);

    /// <summary>Checks the uploaded files and queues the run; it trains as soon as the worker has threads free.</summary>
    [Alias("start")]
    Task Start(string runId);

    /// <summary>The run's state; renews its lease (a run not polled for the lease is stopped and deleted).</summary>
    [Alias("poll")]
    Task<RunStatus> Poll(string runId);

    /// <summary>Asks the run to stop as an interrupted run does: finish the iteration, write a checkpoint, exit (code 130).</summary>
    [Alias("cancel")]
    Task Cancel(string runId);

    /// <summary>Up to <paramref name="count"/> bytes of a finished run's file from <paramref name="offset"/>.</summary>
    [Alias("read")]
    Task<byte[]> Read(string runId, string path, long offset, int count);

    /// <summary>Deletes the run's files on the worker (stopping it first if it still runs).</summary>
    [Alias("release")]
    Task Release(string runId);
}

/// <summary>What a run needs from the worker's host: how to check it and how to train it (in the worker's own code).</summary>
/// <param name="Id">The run's id.</param>
/// <param name="Spec">The learner's request.</param>
/// <param name="RunDirectory">The run directory on the worker (uploaded files are there for a continuation).</param>
/// <param name="LogFile">Where the training process's console output goes.</param>
public sealed record RunLaunch(string Id, RunSpec Spec, string RunDirectory, string LogFile);

/// <summary>How the host of a worker silo trains whole runs (<see cref="ITrainingWorkerGrain"/>).</summary>
public sealed record RunHostOptions
{
    /// <summary>Where the runs' working directories go (created; deleted when the silo stops).</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>The host's training build: learners with another one are refused (their runs would train differently).</summary>
    public required string Build { get; init; }

    /// <summary>
    /// Why the worker will not train a run, or null: called with only the config text at <see cref="ITrainingWorkerGrain.Begin"/>,
    /// and again with the uploaded files in place at <see cref="ITrainingWorkerGrain.Start"/>.
    /// </summary>
    public required Func<RunLaunch, string?> Check { get; init; }

    /// <summary>
    /// Trains a run to its end and returns the exit code (0 done, 130 interrupted); the first token asks for a graceful stop
    /// (checkpoint, then exit), the second for an immediate one (the learner is gone).
    /// </summary>
    public required Func<RunLaunch, CancellationToken, CancellationToken, Task<int>> Train { get; init; }

    /// <summary>The most bytes one run's upload may have. Default: 2 GiB.</summary>
    public long MaxUploadBytes { get; init; } = 2L << 30;

    /// <summary>A run not polled for this long (the learner died or left) is stopped and deleted. Default: 2 minutes.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// A worker silo's whole-run trainings: the runs' working directories, a queue that starts runs while their threads fit in
/// the worker's, leases, and clean-up (every run's directory is deleted when it is released, expires, or the silo stops).
/// </summary>
public sealed class TrainingRunService : IDisposable
{
    private readonly WorkerHostOptions _host;
    private readonly Dictionary<string, Entry> _runs = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Timer? _watchdog;
    private int _threadsInUse;
    private bool _disposed;

    /// <summary>Creates the service of a worker silo whose host is <paramref name="host"/>.</summary>
    public TrainingRunService(WorkerHostOptions host)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
        if (host.Runs is not null) _watchdog = new Timer(_ => ExpireLeases(), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
    }

    /// <summary>Runs the service knows, for tests and status: id and state.</summary>
    public IReadOnlyList<(string Id, RunState State)> Runs()
    {
        lock (_gate) return [.. _runs.Values.Select(e => (e.Launch.Id, e.State))];
    }

    private RunHostOptions Host => _host.Runs ?? throw new InvalidOperationException("this worker trains no whole runs (its host gave no run options)");

    internal void Begin(RunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var host = Host;
        if (spec.Protocol != RolloutProtocol.Version || spec.Build != RolloutProtocol.Build || spec.RunBuild != host.Build)
            throw new InvalidOperationException(
                $"this worker runs build {RolloutProtocol.Build}/{host.Build} (protocol {RolloutProtocol.Version}) but the learner runs build {spec.Build}/{spec.RunBuild} " +
                $"(protocol {spec.Protocol}); run the same rl build on every machine");
        if (spec.RunId.Length is 0 or > 64 || !spec.RunId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            throw new InvalidOperationException($"'{spec.RunId}' is not a run id");
        if (spec.Threads < 1) throw new InvalidOperationException($"a run needs at least one thread, not {spec.Threads}");
        if (spec.Overrides.FirstOrDefault(o => !o.TrimStart().StartsWith("run.", StringComparison.Ordinal)) is { } bad)
            throw new InvalidOperationException($"--set {bad}: a continued run takes only run.* overrides");
        if (spec.Files.FirstOrDefault(f => !RunTransfer.SafePath(f.Path) || !RunTransfer.Transferable(f.Path) || f.Size < 0) is { } odd)
            throw new InvalidOperationException($"'{odd.Path}' is not a file a run directory may hold");
        if (spec.Files.Select(f => f.Path).Distinct(StringComparer.Ordinal).Count() != spec.Files.Length)
            throw new InvalidOperationException("the upload lists a file twice");
        long total = spec.Files.Sum(f => f.Size);
        if (total > host.MaxUploadBytes)
            throw new InvalidOperationException($"the run's files have {total:N0} bytes, more than this worker accepts ({host.MaxUploadBytes:N0})");
        if (spec.Resume && spec.Files.Length == 0) throw new InvalidOperationException("a continued run needs its files");
        string work = Path.Combine(host.WorkDirectory, spec.RunId);
        var launch = new RunLaunch(spec.RunId, spec, Path.Combine(work, "run"), Path.Combine(work, RunTransfer.LogName));
        if (host.Check(launch) is { } refusal) throw new InvalidOperationException(refusal);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_runs.ContainsKey(spec.RunId)) throw new InvalidOperationException($"run {spec.RunId} exists already");
            Directory.CreateDirectory(launch.RunDirectory);
            _runs[spec.RunId] = new Entry(launch) { State = RunState.Uploading };
        }
        _host.Log($"run {spec.Name} ({spec.RunId}): {(spec.Resume ? $"continued, {spec.Files.Length} files ({total:N0} bytes) to upload" : "new")}, {spec.Threads} thread(s)");
    }

    internal void Put(string runId, string path, long offset, byte[] data)
    {
        var e = Get(runId);
        lock (e)
        {
            if (e.State != RunState.Uploading) throw new InvalidOperationException($"run {runId} takes no more files");
            var file = e.Launch.Spec.Files.FirstOrDefault(f => f.Path == path) ?? throw new InvalidOperationException($"'{path}' is not one of the run's files");
            string full = RunTransfer.Under(e.Launch.RunDirectory, path);
            long have = File.Exists(full) ? new FileInfo(full).Length : 0;
            if (offset != have || offset + data.Length > file.Size)
                throw new InvalidOperationException($"'{path}': {data.Length} bytes at {offset} do not follow the {have} of its {file.Size} already written");
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using var stream = new FileStream(full, FileMode.Append, FileAccess.Write);
            stream.Write(data);
            e.Touched = Stopwatch.GetTimestamp();
        }
    }

    internal void Start(string runId)
    {
        var e = Get(runId);
        lock (e)
        {
            if (e.State != RunState.Uploading) throw new InvalidOperationException($"run {runId} was started already");
            foreach (var file in e.Launch.Spec.Files)
            {
                string full = RunTransfer.Under(e.Launch.RunDirectory, file.Path);
                var got = File.Exists(full) ? RunTransfer.Describe(full, file.Path) : null;
                if (got is null || got.Size != file.Size || got.Sha256 != file.Sha256)
                    throw new InvalidOperationException($"'{file.Path}' arrived incomplete or changed ({got?.Size ?? 0} of {file.Size} bytes)");
            }
            if (e.Launch.Spec.Resume && Host.Check(e.Launch) is { } refusal) throw new InvalidOperationException(refusal);
            e.State = RunState.Queued;
            e.Touched = Stopwatch.GetTimestamp();
        }
        StartQueued();
    }

    internal RunStatus Poll(string runId)
    {
        Entry? e;
        lock (_gate) _runs.TryGetValue(runId, out e);
        if (e is null) return new RunStatus { State = RunState.Unknown };
        lock (e)
        {
            e.Touched = Stopwatch.GetTimestamp();
            return e.Status with { State = e.State, Progress = e.Progress };
        }
    }

    internal void Cancel(string runId)
    {
        var e = Get(runId);
        bool finish = false;
        lock (e)
        {
            if (e.State is RunState.Uploading or RunState.Queued)
            {
                e.State = RunState.Finished;
                e.Status = new RunStatus { ExitCode = 130 };
                finish = true;
            }
            else e.Stop.Cancel();
        }
        if (finish) _host.Log($"run {e.Launch.Spec.Name} ({runId}): cancelled before it started");
    }

    internal byte[] Read(string runId, string path, long offset, int count)
    {
        var e = Get(runId);
        RunFile file;
        string full;
        lock (e)
        {
            e.Touched = Stopwatch.GetTimestamp();
            if (e.State != RunState.Finished) throw new InvalidOperationException($"run {runId} has not finished");
            if (path == RunTransfer.LogName && e.Status.Log is { } log) (file, full) = (log, e.Launch.LogFile);
            else
            {
                file = e.Status.Files.FirstOrDefault(f => f.Path == path) ?? throw new InvalidOperationException($"'{path}' is not one of the run's files");
                full = RunTransfer.Under(e.Launch.RunDirectory, path);
            }
        }
        if (offset < 0 || offset > file.Size) throw new InvalidOperationException($"offset {offset} outside '{path}' ({file.Size} bytes)");
        int n = (int)Math.Min(Math.Clamp(count, 0, 4 * RunTransfer.ChunkBytes), file.Size - offset);
        var buffer = new byte[n];
        using var stream = File.OpenRead(full);
        stream.Seek(offset, SeekOrigin.Begin);
        stream.ReadExactly(buffer);
        return buffer;
    }

    internal void Release(string runId)
    {
        Entry? e;
        lock (_gate)
        {
            if (!_runs.Remove(runId, out e)) return;
        }
        Drop(e, "released");
    }

    private Entry Get(string runId)
    {
        lock (_gate)
            return _runs.TryGetValue(runId, out var e) ? e : throw new InvalidOperationException($"this worker has no run {runId} (released, or expired because nobody polled it)");
    }

    /// <summary>Starts queued runs, oldest first, while their threads fit (a run larger than the worker runs alone).</summary>
    private void StartQueued()
    {
        var host = Host;
        var start = new List<Entry>();
        lock (_gate)
        {
            if (_disposed) return;
            foreach (var e in _runs.Values.Where(e => e.State == RunState.Queued).OrderBy(e => e.Queued).ToList())
            {
                int need = e.Launch.Spec.Threads;
                if (_threadsInUse > 0 && _threadsInUse + need > _host.Threads) break;
                lock (e)
                {
                    if (e.State != RunState.Queued) continue;
                    e.State = RunState.Running;
                }
                _threadsInUse += need;
                start.Add(e);
            }
        }
        foreach (var e in start)
        {
            _host.Log($"run {e.Launch.Spec.Name} ({e.Launch.Id}): training");
            e.Task = Task.Run(() => TrainAsync(host, e));
        }
    }

    private async Task TrainAsync(RunHostOptions host, Entry e)
    {
        var clock = Stopwatch.StartNew();
        int code;
        string? error = null;
        try
        {
            code = await host.Train(e.Launch, e.Stop.Token, e.Kill.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            code = 1;
            error = $"{ex.GetType().Name}: {ex.Message}";
        }
        double seconds = clock.Elapsed.TotalSeconds;
        RunStatus status;
        try
        {
            var files = RunTransfer.List(e.Launch.RunDirectory);
            var log = File.Exists(e.Launch.LogFile) ? RunTransfer.Describe(e.Launch.LogFile, RunTransfer.LogName) : null;
            status = new RunStatus { ExitCode = code, Files = files, Log = log, ComputeSeconds = seconds, Error = error };
        }
        catch (IOException ex)
        {
            status = new RunStatus { ExitCode = code == 0 ? 1 : code, ComputeSeconds = seconds, Error = error ?? $"the run's files could not be read: {ex.Message}" };
        }
        lock (e)
        {
            e.Status = status;
            e.Progress = LastLine(e.Launch.LogFile);
            e.State = RunState.Finished;
        }
        lock (_gate) _threadsInUse -= e.Launch.Spec.Threads;
        _host.Log($"run {e.Launch.Spec.Name} ({e.Launch.Id}): ended with exit code {code} after {seconds:0.0} s{(error is null ? "" : ": " + error)}");
        StartQueued();
    }

    private static string LastLine(string file)
    {
        try
        {
            return File.Exists(file) ? File.ReadLines(file).LastOrDefault(l => l.Length > 0) ?? "" : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    private void ExpireLeases()
    {
        if (_host.Runs is not { } host) return;
        var expired = new List<Entry>();
        lock (_gate)
        {
            foreach (var e in _runs.Values.ToList())
                if (Stopwatch.GetElapsedTime(e.Touched) > host.Lease)
                {
                    _runs.Remove(e.Launch.Id);
                    expired.Add(e);
                }
        }
        foreach (var e in expired) Drop(e, $"expired: not polled for {host.Lease.TotalSeconds:0} s (the learner is gone)");
    }

    /// <summary>Stops a run that is no longer wanted at once and deletes its files.</summary>
    private void Drop(Entry e, string why)
    {
        e.Kill.Cancel();
        e.Stop.Cancel();
        try
        {
            e.Task?.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // Its failure no longer matters.
        }
        try
        {
            Directory.Delete(Path.GetDirectoryName(e.Launch.RunDirectory)!, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _host.Log($"run {e.Launch.Id}: could not delete its files: {ex.Message}");
        }
        try
        {
            // The work directory goes with its last run, so a worker that is killed leaves nothing behind when idle.
            lock (_gate)
                if (_host.Runs is { } host && Directory.Exists(host.WorkDirectory) && !Directory.EnumerateFileSystemEntries(host.WorkDirectory).Any())
                    Directory.Delete(host.WorkDirectory);
        }
        catch (IOException)
        {
            // A run began meanwhile.
        }
        if (why != "released") _host.Log($"run {e.Launch.Spec.Name} ({e.Launch.Id}): {why}; stopped and deleted");
    }

    /// <summary>Stops every run at once and deletes the work directory.</summary>
    public void Dispose()
    {
        List<Entry> all;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            all = [.. _runs.Values];
            _runs.Clear();
        }
        _watchdog?.Dispose();
        foreach (var e in all) Drop(e, "stopped with the worker");
    }

    private sealed class Entry(RunLaunch launch)
    {
        public RunLaunch Launch { get; } = launch;
        public RunState State { get; set; }
        public RunStatus Status { get; set; } = new();
        public string Progress { get; set; } = "";
        public long Touched { get; set; } = Stopwatch.GetTimestamp();
        public long Queued { get; } = Stopwatch.GetTimestamp();
        public CancellationTokenSource Stop { get; } = new();
        public CancellationTokenSource Kill { get; } = new();
        public Task? Task { get; set; }
    }
}

/// <summary>The grain: the silo's <see cref="TrainingRunService"/> behind Orleans calls, exceptions made portable.</summary>
[SiloKeyPlacement, Reentrant]
public sealed class TrainingWorkerGrain(WorkerHostOptions host, TrainingRunService runs) : Grain, ITrainingWorkerGrain
{
    /// <inheritdoc />
    public Task<WorkerInfo> Hello() => Task.FromResult(RolloutProtocol.Self(host.Threads));

    /// <inheritdoc />
    public Task Begin(RunSpec spec) => Call(() => runs.Begin(spec), spec?.RunId);

    /// <inheritdoc />
    public Task Put(string runId, string path, long offset, byte[] data) => Call(() => runs.Put(runId, path, offset, data), runId);

    /// <inheritdoc />
    public Task Start(string runId) => Call(() => runs.Start(runId), runId);

    /// <inheritdoc />
    public Task<RunStatus> Poll(string runId) => Task.FromResult(runs.Poll(runId));

    /// <inheritdoc />
    public Task Cancel(string runId) => Call(() => runs.Cancel(runId), runId);

    /// <inheritdoc />
    public Task<byte[]> Read(string runId, string path, long offset, int count)
    {
        try
        {
            return Task.FromResult(runs.Read(runId, path, offset, count));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw RolloutWorkerGrain.Portable(e);
        }
    }

    /// <inheritdoc />
    public Task Release(string runId) => Task.Run(() => runs.Release(runId));

    private Task Call(Action action, string? runId)
    {
        try
        {
            action();
            return Task.CompletedTask;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (e is not InvalidOperationException) host.Log($"run {runId}: {e}");
            else host.Log($"run {runId}: refused: {e.Message}");
            throw RolloutWorkerGrain.Portable(e);
        }
    }
}
