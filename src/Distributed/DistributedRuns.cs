using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Orleans.Runtime;

namespace Rl.Distributed;

/// <summary>Settings of <see cref="DistributedRuns"/>.</summary>
public sealed record DistributedRunOptions
{
    /// <summary>The learner's training build (the host's); workers of another build refuse its runs.</summary>
    public required string RunBuild { get; init; }

    /// <summary>Workers to wait for before the first run is placed. Default: 1.</summary>
    public int MinWorkers { get; init; } = 1;

    /// <summary>How long to wait while no worker is usable (at the start, or when every worker is gone) before giving up. Default: 5 minutes.</summary>
    public TimeSpan WorkerWait { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Time between two polls of a running run. Default: 0.5 s.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a worker whose call failed gets no runs while it is still listed as active. Default: 15 seconds.</summary>
    public TimeSpan FailurePause { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The most bytes a run directory may have, uploaded or downloaded. Default: 2 GiB.</summary>
    public long MaxRunBytes { get; init; } = 2L << 30;
}

/// <summary>A whole run for the cluster to train.</summary>
public sealed record RunOrder
{
    /// <summary>What it is, for messages (<c>seed 3</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The resolved config of a new run, or the <c>config.toml</c> of the run continued.</summary>
    public required string ConfigText { get; init; }

    /// <summary>
    /// The run directory here: a new run's files land in it; a continued run's (<see cref="Resume"/>) are uploaded from it,
    /// and replaced by the continued run's when it ends.
    /// </summary>
    public required string Directory { get; init; }

    /// <summary>Continue the run in <see cref="Directory"/> (from its newest checkpoint) instead of training a new one.</summary>
    public bool Resume { get; init; }

    /// <summary>The <c>run.*</c> overrides of a continuation.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>Threads it trains with (its <c>run.threads</c>).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Stop when the loss exceeds this multiple of its initial value (0: never).</summary>
    public double ExplodeFactor { get; init; }

    /// <summary>The loss the explosion stop watches (null: the default keys).</summary>
    public string? LossKey { get; init; }

    /// <summary>Where the training process's console output is appended, or null.</summary>
    public string? LogFile { get; init; }
}

/// <summary>How a run on the cluster went.</summary>
/// <param name="ExitCode">The training process's exit code (0 done, 130 interrupted, else failed).</param>
/// <param name="Worker">The worker that trained it to its end.</param>
/// <param name="Attempts">Workers it was given to (more than 1 when a worker died under it).</param>
/// <param name="Seconds">From placing it to its files being in place here.</param>
/// <param name="ComputeSeconds">The worker's training time (process start to exit).</param>
/// <param name="BytesUp">Bytes uploaded (continuations).</param>
/// <param name="BytesDown">Bytes downloaded.</param>
/// <param name="Error">Why the worker could not train it, or null.</param>
public sealed record RunOutcome(int ExitCode, string Worker, int Attempts, double Seconds, double ComputeSeconds, long BytesUp, long BytesDown, string? Error);

/// <summary>
/// Trains whole runs on the worker silos of an Orleans cluster (<see cref="ITrainingWorkerGrain"/>): each run goes to a live
/// worker with threads free (a worker trains as many runs at once as its threads allow; the least loaded first), a
/// continued run's directory is uploaded in chunks, the run is polled until it ends, and its directory comes back in chunks,
/// checked against the worker's digests, into a staging directory that then replaces the run directory here in one move.
/// A worker that dies (or stops answering) under a run loses it: the run starts again on another worker from what this
/// side holds, which trains exactly as the first attempt would have. Calls may come from many tasks at once.
/// </summary>
public sealed class DistributedRuns
{
    private readonly RolloutSilo _silo;
    private readonly DistributedRunOptions _options;
    private readonly Action<string> _log;
    private readonly Dictionary<string, Worker> _workers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _discovery = new(1, 1);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _lastDiscovery = double.NegativeInfinity;
    private bool _started;

    /// <summary>Creates the scheduler on the learner's silo.</summary>
    /// <param name="silo">The learner's silo.</param>
    /// <param name="options">Settings.</param>
    /// <param name="log">Receives news: workers joining, leaving, failing; runs placed and rerun.</param>
    public DistributedRuns(RolloutSilo silo, DistributedRunOptions options, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MinWorkers < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MinWorkers, "at least one worker is needed");
        (_silo, _options, _log) = (silo, options, log ?? (_ => { }));
    }

    /// <summary>The cluster's membership, for messages.</summary>
    public ClusterMembership Membership => _silo.Membership;

    /// <summary>One line: live workers, threads busy of threads, runs trained per worker.</summary>
    public string StatusLine()
    {
        lock (_gate)
        {
            var live = _workers.Values.Where(w => w.Usable(_clock.Elapsed.TotalSeconds, _options.FailurePause.TotalSeconds)).ToList();
            return string.Create(CultureInfo.InvariantCulture,
                $"cluster: {live.Count} live worker{(live.Count == 1 ? "" : "s")}, {live.Sum(w => w.Busy)} of {live.Sum(w => w.Info!.Threads)} threads busy: ") +
                string.Join(", ", live.Select(w => $"{w.Name} {w.Busy}/{w.Info!.Threads} busy, {w.Finished} run(s) done"));
        }
    }

    /// <summary>
    /// Trains <paramref name="order"/> on a worker and brings its run directory here. <paramref name="cancel"/> stops it as an
    /// interrupted run stops (checkpoint, exit code 130, its files brought back); a run not yet placed is not started (130).
    /// </summary>
    /// <exception cref="NoWorkerException">When no worker is usable within <see cref="DistributedRunOptions.WorkerWait"/> (callers may train the run themselves).</exception>
    /// <exception cref="InvalidOperationException">
    /// When every worker refused the run (the refusals are listed), or its files exceed <see cref="DistributedRunOptions.MaxRunBytes"/>.
    /// </exception>
    public async Task<RunOutcome> RunAsync(RunOrder order, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(order);
        var clock = Stopwatch.StartNew();
        var refusals = new Dictionary<string, string>(StringComparer.Ordinal);
        RecoverSwap(order.Directory);
        var upload = order.Resume ? RunTransfer.List(order.Directory) : [];
        long uploadBytes = upload.Sum(f => f.Size);
        if (uploadBytes > _options.MaxRunBytes)
            throw new InvalidOperationException($"{order.Name}: its run directory {order.Directory} has {uploadBytes:N0} bytes, more than the limit of {_options.MaxRunBytes:N0} (--max-run-mb)");
        int attempts = 0;
        while (true)
        {
            if (cancel.IsCancellationRequested) return new RunOutcome(130, "", attempts, clock.Elapsed.TotalSeconds, 0, 0, 0, null);
            var w = await AcquireAsync(order, refusals, cancel).ConfigureAwait(false);
            if (w is null) return new RunOutcome(130, "", attempts, clock.Elapsed.TotalSeconds, 0, 0, 0, null);
            attempts++;
            try
            {
                var (status, down) = await RunOnAsync(w, order, upload, cancel).ConfigureAwait(false);
                lock (_gate) w.Finished++;
                return new RunOutcome(status.ExitCode, w.Name, attempts, clock.Elapsed.TotalSeconds, status.ComputeSeconds, uploadBytes, down, status.Error);
            }
            catch (RunRefusedException e)
            {
                refusals[w.Key] = $"worker {w.Name} refused {order.Name}: {e.Message}";
                _log(refusals[w.Key]);
            }
            catch (WorkerLostException e)
            {
                lock (_gate) w.FailedAt = _clock.Elapsed.TotalSeconds;
                _log($"{order.Name}: worker {w.Name} was lost mid-run ({e.Message}); training it again on another worker");
                _ = _silo.RefreshMembershipAsync();
            }
            finally
            {
                lock (_gate) w.Busy -= Math.Min(order.Threads, Math.Max(1, w.Info!.Threads));
            }
        }
    }

    /// <summary>Reserves threads on the usable worker with the most free, waiting as needed; null when cancelled first.</summary>
    private async Task<Worker?> AcquireAsync(RunOrder order, Dictionary<string, string> refusals, CancellationToken cancel)
    {
        double since = _clock.Elapsed.TotalSeconds, lastMessage = double.NegativeInfinity;
        while (!cancel.IsCancellationRequested)
        {
            await DiscoverAsync().ConfigureAwait(false);
            double now = _clock.Elapsed.TotalSeconds;
            int usableCount;
            lock (_gate)
            {
                var usable = _workers.Values.Where(w => w.Usable(now, _options.FailurePause.TotalSeconds) && !refusals.ContainsKey(w.Key)).ToList();
                usableCount = usable.Count;
                if (!_started && usable.Count >= _options.MinWorkers) _started = true;
                if (_started)
                {
                    var best = usable.Select(w => (Worker: w, Free: w.Info!.Threads - w.Busy))
                        .Where(x => x.Worker.Busy == 0 || x.Free >= Math.Min(order.Threads, x.Worker.Info!.Threads))
                        .OrderByDescending(x => x.Free).ThenBy(x => x.Worker.Key, StringComparer.Ordinal).FirstOrDefault().Worker;
                    if (best is not null)
                    {
                        best.Busy += Math.Min(order.Threads, Math.Max(1, best.Info!.Threads));
                        return best;
                    }
                }
                int known = _workers.Values.Count(w => w.Info is not null && w.Refused is null);
                if (refusals.Count > 0 && refusals.Count >= known)
                    throw new InvalidOperationException(string.Join("; ", refusals.Values));
            }
            if (usableCount > 0 && _started) since = now; // busy workers: waiting is normal
            else if (now - since > _options.WorkerWait.TotalSeconds)
                throw new NoWorkerException(
                    $"{order.Name}: {(_started ? "no worker left" : $"only {usableCount} of the {_options.MinWorkers} worker(s) needed joined")} the cluster ({_silo.Membership}) " +
                    $"within {_options.WorkerWait.TotalSeconds:0} s; start them with: rl worker --cluster {_silo.Membership}");
            else if (now - lastMessage >= 10 && (!_started || usableCount == 0))
            {
                lastMessage = now;
                _log($"waiting for workers ({usableCount}/{_options.MinWorkers}); start them with: rl worker --cluster {_silo.Membership}");
            }
            try
            {
                await Task.Delay(200, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return null;
    }

    private async Task<(RunStatus Status, long Down)> RunOnAsync(Worker w, RunOrder order, RunFile[] upload, CancellationToken cancel)
    {
        string runId = Guid.NewGuid().ToString("N");
        var spec = new RunSpec
        {
            RunId = runId, Protocol = RolloutProtocol.Version, Build = RolloutProtocol.Build, RunBuild = _options.RunBuild, Name = order.Name,
            ConfigText = order.ConfigText, Resume = order.Resume, Overrides = [.. order.Overrides], Threads = Math.Max(1, order.Threads),
            ExplodeFactor = order.ExplodeFactor, LossKey = order.LossKey, Files = upload,
        };
        try
        {
            await Call(w, () => w.Grain.Begin(spec)).ConfigureAwait(false);
            _log($"{order.Name}: on worker {w.Name}");
            foreach (var file in upload)
            {
                string full = RunTransfer.Under(order.Directory, file.Path);
                await using var stream = File.OpenRead(full);
                var buffer = new byte[RunTransfer.ChunkBytes];
                long offset = 0;
                while (offset < file.Size)
                {
                    int n = await stream.ReadAtLeastAsync(buffer, (int)Math.Min(buffer.Length, file.Size - offset), throwOnEndOfStream: true).ConfigureAwait(false);
                    var chunk = buffer.AsSpan(0, n).ToArray();
                    long at = offset;
                    await Call(w, () => w.Grain.Put(runId, file.Path, at, chunk)).ConfigureAwait(false);
                    offset += n;
                }
            }
            await Call(w, () => w.Grain.Start(runId)).ConfigureAwait(false);

            bool cancelSent = false;
            int failures = 0;
            RunStatus status;
            while (true)
            {
                try
                {
                    await Task.Delay(_options.PollInterval, cancel).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Cancelled: ask the run to stop (below), then keep polling until it has.
                }
                if (cancel.IsCancellationRequested && !cancelSent)
                {
                    cancelSent = true;
                    await Call(w, () => w.Grain.Cancel(runId)).ConfigureAwait(false);
                }
                try
                {
                    status = await w.Grain.Poll(runId).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                    failures = 0;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    await _silo.RefreshMembershipAsync().ConfigureAwait(false);
                    if (!_silo.IsActive(w.Address) || ++failures >= 3) throw new WorkerLostException(Describe(e));
                    continue;
                }
                if (status.State == RunState.Unknown) throw new WorkerLostException("it no longer knows the run (it restarted, or the run's lease ran out)");
                if (!_silo.IsActive(w.Address)) throw new WorkerLostException("it left the cluster");
                if (status.State == RunState.Finished) break;
            }

            long total = status.Files.Sum(f => f.Size) + (status.Log?.Size ?? 0);
            if (total > _options.MaxRunBytes)
                throw new InvalidOperationException($"{order.Name}: the run directory on worker {w.Name} has {total:N0} bytes, more than the limit of {_options.MaxRunBytes:N0} (--max-run-mb); " +
                                                    "keep fewer checkpoints (run.keep_checkpoints) or raise the limit");
            if (status.Files.FirstOrDefault(f => !RunTransfer.SafePath(f.Path) || !RunTransfer.Transferable(f.Path) || f.Size < 0) is { } odd)
                throw new InvalidOperationException($"{order.Name}: worker {w.Name} lists the file '{odd.Path}', which a run directory cannot hold; its files are not taken");
            long down = 0;
            if (status.Files.Length > 0)
            {
                string staging = order.Directory.TrimEnd(Path.DirectorySeparatorChar) + ".incoming-" + runId[..8];
                try
                {
                    foreach (var file in status.Files) down += await DownloadAsync(w, runId, file, RunTransfer.Under(staging, file.Path)).ConfigureAwait(false);
                    Swap(staging, order.Directory);
                }
                finally
                {
                    if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
                }
            }
            if (status.Log is { } log && order.LogFile is { } logFile)
            {
                string part = logFile + ".incoming-" + runId[..8];
                try
                {
                    down += await DownloadAsync(w, runId, log, part).ConfigureAwait(false);
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logFile))!);
                    await File.AppendAllTextAsync(logFile, await File.ReadAllTextAsync(part).ConfigureAwait(false)).ConfigureAwait(false);
                }
                finally
                {
                    File.Delete(part);
                }
            }
            return (status, down);
        }
        finally
        {
            try
            {
                await w.Grain.Release(runId).WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A lost worker deleted nothing, but it is gone; a live one deletes the run when its lease runs out.
            }
        }
    }

    /// <summary>Downloads one file into <paramref name="target"/> and checks its size and digest; returns its size.</summary>
    private async Task<long> DownloadAsync(Worker w, string runId, RunFile file, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var stream = new FileStream(target, FileMode.Create, FileAccess.Write))
        {
            long offset = 0;
            while (offset < file.Size)
            {
                long at = offset;
                var chunk = await Call(w, () => w.Grain.Read(runId, file.Path, at, RunTransfer.ChunkBytes)).ConfigureAwait(false);
                if (chunk.Length == 0 || offset + chunk.Length > file.Size)
                    throw new WorkerLostException($"it sent {chunk.Length} bytes of '{file.Path}' at {offset} of {file.Size}");
                await stream.WriteAsync(chunk).ConfigureAwait(false);
                hash.AppendData(chunk);
                offset += chunk.Length;
            }
            await stream.FlushAsync().ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
        if (Convert.ToHexStringLower(hash.GetHashAndReset()) != file.Sha256)
            throw new WorkerLostException($"'{file.Path}' arrived with another digest than the worker listed");
        return file.Size;
    }

    /// <summary>Replaces <paramref name="target"/> with <paramref name="staging"/> by two moves (see <see cref="RecoverSwap"/>).</summary>
    private static void Swap(string staging, string target)
    {
        string old = target.TrimEnd(Path.DirectorySeparatorChar) + ".replaced";
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        if (Directory.Exists(target)) Directory.Move(target, old);
        Directory.Move(staging, target);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }

    /// <summary>
    /// After a learner killed between the two moves of <see cref="Swap"/>: the previous directory comes back; staging
    /// directories of downloads it did not finish are deleted.
    /// </summary>
    private static void RecoverSwap(string target)
    {
        string full = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar);
        if (Path.GetDirectoryName(full) is { } parent && Directory.Exists(parent))
            foreach (var stale in Directory.GetDirectories(parent, Path.GetFileName(full) + ".incoming-*"))
                Directory.Delete(stale, recursive: true);
        string old = target.TrimEnd(Path.DirectorySeparatorChar) + ".replaced";
        if (!Directory.Exists(old)) return;
        if (Directory.Exists(target)) Directory.Delete(old, recursive: true);
        else Directory.Move(old, target);
    }

    /// <summary>
    /// Makes a call to a worker: a refusal (<see cref="InvalidOperationException"/>) becomes <see cref="RunRefusedException"/>,
    /// any other failure (the silo died, the call timed out) <see cref="WorkerLostException"/>.
    /// </summary>
    private static async Task<T> Call<T>(Worker w, Func<Task<T>> call)
    {
        try
        {
            return await call().WaitAsync(TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new RunRefusedException(e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not RunRefusedException and not WorkerLostException)
        {
            throw new WorkerLostException($"{w.Name}: {Describe(e)}");
        }
    }

    private static Task Call(Worker w, Func<Task> call) => Call(w, async () =>
    {
        await call().ConfigureAwait(false);
        return true;
    });

    /// <summary>Adds the workers that joined (after checking their protocol and build) and drops those that left; at most once a second.</summary>
    private async Task DiscoverAsync()
    {
        if (_clock.Elapsed.TotalSeconds - _lastDiscovery < 1 || !await _discovery.WaitAsync(0).ConfigureAwait(false)) return;
        try
        {
            _lastDiscovery = _clock.Elapsed.TotalSeconds;
            var live = _silo.LiveWorkers();
            var fresh = new List<Worker>();
            lock (_gate)
            {
                var keys = live.Select(a => a.ToParsableString()).ToHashSet(StringComparer.Ordinal);
                foreach (var gone in _workers.Values.Where(w => !keys.Contains(w.Key) && w.Busy == 0).ToList())
                {
                    _workers.Remove(gone.Key);
                    if (gone.Info is not null && gone.Refused is null) _log($"worker {gone.Name} left the cluster");
                }
                foreach (var address in live)
                {
                    string key = address.ToParsableString();
                    if (_workers.ContainsKey(key)) continue;
                    var w = new Worker(key, address, _silo.Grains.GetGrain<ITrainingWorkerGrain>(key));
                    _workers[key] = w;
                    fresh.Add(w);
                }
            }
            await Task.WhenAll(fresh.Select(HelloAsync)).ConfigureAwait(false);
        }
        finally
        {
            _discovery.Release();
        }
    }

    private async Task HelloAsync(Worker w)
    {
        try
        {
            var info = await w.Grain.Hello().WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
            lock (_gate)
            {
                w.Name = info.Name;
                if (RolloutProtocol.Incompatibility(info) is { } problem) w.Refused = problem;
                w.Info = info;
            }
            _log(w.Refused is { } refused ? "refused " + refused : $"worker {w.Name} joined ({info.Threads} thread{(info.Threads == 1 ? "" : "s")})");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not answering yet (still starting) or already gone: ask again at the next discovery.
            lock (_gate) _workers.Remove(w.Key);
        }
    }

    private static string Describe(Exception e)
    {
        while (e is AggregateException && e.InnerException is not null) e = e.InnerException;
        string message = e.Message.Split('\n')[0];
        return message.Length > 200 ? message[..200] + "..." : message;
    }

    private sealed class Worker(string key, SiloAddress address, ITrainingWorkerGrain grain)
    {
        public string Key { get; } = key;
        public SiloAddress Address { get; } = address;
        public ITrainingWorkerGrain Grain { get; } = grain;
        public string Name { get; set; } = key;
        public WorkerInfo? Info { get; set; }
        public string? Refused { get; set; }
        public double? FailedAt { get; set; }
        public int Busy { get; set; }
        public int Finished { get; set; }

        public bool Usable(double now, double pause) =>
            Info is not null && Refused is null && (FailedAt is not double f || now - f > pause);
    }

    private sealed class RunRefusedException(string message) : Exception(message);

    private sealed class WorkerLostException(string message) : Exception(message);
}

/// <summary>No worker was usable for a run within the wait (none joined, or every one left): the caller may train it itself.</summary>
public sealed class NoWorkerException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public NoWorkerException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public NoWorkerException() { }

    /// <summary>Creates the exception.</summary>
    public NoWorkerException(string message, Exception inner) : base(message, inner) { }
}
