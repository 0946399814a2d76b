using System.Diagnostics;
using System.Globalization;
using Orleans.Runtime;
using Rl.Agents.GradientFree;
using Rl.Agents.Policies;
using Rl.Agents.Rollouts;

namespace Rl.Distributed;

/// <summary>Settings of a <see cref="DistributedRolloutBackend"/>.</summary>
public sealed record DistributedRolloutOptions
{
    /// <summary>Workers to wait for before the first iteration. Default: 1.</summary>
    public int MinWorkers { get; init; } = 1;

    /// <summary>How long to wait for workers (at the start, or when every worker is gone) before giving up. Default: 5 minutes.</summary>
    public TimeSpan WorkerWait { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Chunks per worker thread in an iteration: more balance the load better, fewer cost fewer messages. Default: 2.</summary>
    public int ChunksPerThread { get; init; } = 2;

    /// <summary>
    /// A chunk still running after this many times the median chunk time (and at least <see cref="MinSpeculationDelay"/>) is
    /// also given to an idle worker; the first copy to finish counts (results are identical). Default: 4.
    /// </summary>
    public double SpeculationFactor { get; init; } = 4;

    /// <summary>The shortest time a chunk runs before a second copy is started. Default: 1 second.</summary>
    public TimeSpan MinSpeculationDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a worker whose call failed gets no chunks while it is still listed as active. Default: 15 seconds.</summary>
    public TimeSpan FailurePause { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>What results may contain (<see cref="ChunkValidation"/>); a worker that sends anything else is dropped. Default: finite returns, lengths ≥ 1.</summary>
    public ResultBounds Bounds { get; init; } = new();
}

/// <summary>One worker as the learner sees it, for progress lines.</summary>
/// <param name="Name">Host and process id (or the silo address before it answered).</param>
/// <param name="Threads">Its rollout threads.</param>
/// <param name="State">active, busy, not responding (a call outstanding for over 10 s), failed, refused, dropped (sent malformed results).</param>
/// <param name="Rollouts">Episodes it returned so far.</param>
/// <param name="RolloutsPerSecond">Episodes per second of wall time since the previous status.</param>
public sealed record WorkerStatus(string Name, int Threads, string State, long Rollouts, double RolloutsPerSecond);

/// <summary>How the latest iteration went.</summary>
/// <param name="WallSeconds">From sending the first chunk to merging the last result.</param>
/// <param name="OverheadSeconds">Wall time minus the largest compute time one worker spent: what coordination and messaging cost.</param>
/// <param name="Chunks">Chunks the candidates were split into.</param>
/// <param name="Calls">Chunk calls made (more than <paramref name="Chunks"/> when chunks were reassigned or duplicated).</param>
/// <param name="Workers">Workers that returned at least one chunk.</param>
/// <param name="CallOverheadSeconds">Mean over the chunk calls that returned of round-trip time minus the worker's compute time.</param>
public sealed record IterationStatistics(double WallSeconds, double OverheadSeconds, int Chunks, int Calls, int Workers, double CallOverheadSeconds);

/// <summary>
/// Runs the candidates' episodes on the worker silos of an Orleans cluster. Per iteration the learner sends each worker the
/// parameter vectors once (θ, or the centres and scales of CEM, and the frozen filter), then chunks of candidates as
/// (centre, scale, noise offset, reset seed) indices; workers slice the perturbations from their own copy of the noise
/// table and return only returns, lengths and observation statistics. Results land in the candidates' slots, so the outcome
/// is the local run's, whatever the number of workers, whichever worker ran what, and however often a chunk was retried.
/// A worker whose call fails (process killed, machine gone) loses its chunk to the others; a chunk that runs far longer than
/// the others (a hung worker) is also given to an idle worker, and the first copy to finish counts.
/// </summary>
public sealed class DistributedRolloutBackend : IRolloutBackend
{
    private static long _jobCounter;
    private readonly RolloutSilo _silo;
    private readonly RolloutJob _job;
    private readonly JobSpec _spec;
    private readonly DistributedRolloutOptions _options;
    private readonly Action<string> _log;
    private readonly ResultBounds _bounds;
    private readonly Dictionary<string, Worker> _workers = new(StringComparer.Ordinal);
    private readonly List<double> _chunkSeconds = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _lastStatusTime;
    private long _version;
    private bool _started;

    /// <summary>Creates the backend for one job.</summary>
    /// <param name="silo">The learner's silo.</param>
    /// <param name="job">The rollout settings.</param>
    /// <param name="environment">What workers resolve into environments and policy options (the runner sends its config).</param>
    /// <param name="options">Scheduling settings.</param>
    /// <param name="log">Receives news: workers joining, failing, refused.</param>
    public DistributedRolloutBackend(RolloutSilo silo, RolloutJob job, string environment, DistributedRolloutOptions options, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MinWorkers < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MinWorkers, "at least one worker is needed");
        if (options.ChunksPerThread < 1) throw new ArgumentOutOfRangeException(nameof(options), options.ChunksPerThread, "chunks per thread must be >= 1");
        _silo = silo;
        _job = job;
        _options = options;
        _log = log;
        _spec = RolloutProtocol.Describe($"{silo.Address.ToParsableString()}#{Interlocked.Increment(ref _jobCounter)}", job, environment);
        int? longest = options.Bounds.MaxEpisodeLength;
        if (job.Horizon > 0) longest = Math.Min(longest ?? int.MaxValue, job.Horizon);
        _bounds = options.Bounds with { MaxEpisodeLength = longest };
    }

    /// <summary>The latest iteration's timing, or null before the first.</summary>
    public IterationStatistics? LastIteration { get; private set; }

    /// <summary>Every iteration's timing so far.</summary>
    public List<IterationStatistics> History { get; } = [];

    /// <summary>The workers and their rollouts per second since the previous call.</summary>
    public IReadOnlyList<WorkerStatus> Status()
    {
        double now = _clock.Elapsed.TotalSeconds, span = Math.Max(now - _lastStatusTime, 1e-9);
        _lastStatusTime = now;
        var list = new List<WorkerStatus>();
        foreach (var w in _workers.Values.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            string state = w.Dropped ? "dropped"
                : w.Refused is not null ? "refused"
                : w.FailedAt is not null ? "failed"
                : w.Busy is null ? "active"
                : now - w.BusySince > Math.Max(_options.MinSpeculationDelay.TotalSeconds, 10) ? "not responding"
                : "busy";
            list.Add(new WorkerStatus(w.Name, w.Info?.Threads ?? 0, state, w.Rollouts, (w.Rollouts - w.RolloutsAtStatus) / span));
            w.RolloutsAtStatus = w.Rollouts;
        }
        return list;
    }

    /// <summary>One line for progress displays: live workers and each one's rollouts per second.</summary>
    public string StatusLine()
    {
        var workers = Status();
        var inv = CultureInfo.InvariantCulture;
        int live = workers.Count(w => w.State is "active" or "busy");
        string overhead = LastIteration is { } last ? string.Create(inv, $", coordination {1000 * last.OverheadSeconds:0.0} ms/iteration") : "";
        return string.Create(inv, $"cluster: {live} live worker{(live == 1 ? "" : "s")}{overhead}: ") +
               string.Join(", ", workers.Select(w => string.Create(inv, $"{w.Name} {w.RolloutsPerSecond:0.0} rollouts/s{(w.State is "active" or "busy" ? "" : " (" + w.State + ")")}")));
    }

    /// <inheritdoc />
    public void Run(IReadOnlyList<Candidate> candidates, ObservationFilter? filter, double[] returns, int[] lengths, ObservationStatistics[]? statistics)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        // Off the caller's thread: the loop's continuations must not need it.
        Task.Run(() => RunAsync(candidates, filter, returns, lengths, statistics)).GetAwaiter().GetResult();
    }

    /// <summary>Nothing to release: the silo belongs to the caller; workers drop old jobs by themselves.</summary>
    public void Dispose() { }

    private async Task RunAsync(IReadOnlyList<Candidate> candidates, ObservationFilter? filter, double[] returns, int[] lengths, ObservationStatistics[]? statistics)
    {
        long version = ++_version;
        var iteration = Iteration.Build(candidates, filter, version, statistics is not null);
        if (!_started)
        {
            await WaitForWorkersAsync(_options.MinWorkers);
            _started = true;
        }
        else await DiscoverAsync();

        int n = candidates.Count, episodes = _job.EpisodesPerCandidate;
        int threads = Math.Max(1, Usable().Sum(w => Math.Max(1, w.Info!.Threads)));
        int chunkSize = Math.Max(1, (n + threads * _options.ChunksPerThread - 1) / (threads * _options.ChunksPerThread));
        int chunkCount = (n + chunkSize - 1) / chunkSize;
        var done = new bool[chunkCount];
        var started = new double[chunkCount];
        var copies = new int[chunkCount];
        var pending = new Queue<int>(Enumerable.Range(0, chunkCount));
        var computeByWorker = new Dictionary<string, double>(StringComparer.Ordinal);
        int remaining = chunkCount, calls = 0, returned = 0;
        double callOverhead = 0;
        double begin = _clock.Elapsed.TotalSeconds, lastDiscovery = begin;

        while (remaining > 0)
        {
            double now = _clock.Elapsed.TotalSeconds;
            foreach (var w in Usable().Where(w => w.Busy is null).ToList())
            {
                int c = pending.Count > 0 ? pending.Dequeue() : Speculative(done, started, copies, now);
                if (c < 0) break;
                int from = c * chunkSize, count = Math.Min(chunkSize, n - from);
                if (copies[c]++ == 0) started[c] = now;
                calls++;
                w.Busy = CallAsync(w, iteration, c, from, count);
                w.BusySince = now;
            }

            var inFlight = _workers.Values.Where(w => w.Busy is not null).Select(w => (Task)w.Busy!).ToList();
            if (inFlight.Count == 0)
            {
                // Nobody can take the remaining chunks: every worker is gone, failed or refused.
                await WaitForWorkersAsync(1);
                continue;
            }
            await Task.WhenAny([.. inFlight, Task.Delay(200)]);

            foreach (var w in _workers.Values.Where(w => w.Busy is { IsCompleted: true }).ToList())
            {
                var outcome = await w.Busy!;
                w.Busy = null;
                if (outcome.Version != version)
                {
                    // A late answer to an earlier iteration (a worker that hung): its results are no longer needed, its failure is news.
                    if (outcome.Error is { } late) Fail(w, late);
                    continue;
                }
                int c = outcome.Chunk, from = c * chunkSize, count = Math.Min(chunkSize, n - from);
                if (outcome.Error is { } error)
                {
                    copies[c]--;
                    Fail(w, error);
                    if (!done[c] && copies[c] == 0 && !pending.Contains(c)) pending.Enqueue(c);
                    continue;
                }
                var r = outcome.Result!;
                if (ChunkValidation.Problem(outcome.Request!, r, episodes, _job.Architecture.ObservationSize, _bounds) is { } problem)
                {
                    copies[c]--;
                    Drop(w, problem);
                    if (!done[c] && copies[c] == 0 && !pending.Contains(c)) pending.Enqueue(c);
                    continue;
                }
                w.Rollouts += r.Returns.Length;
                w.FailedAt = null;
                _chunkSeconds.Add(outcome.Seconds);
                callOverhead += Math.Max(0, outcome.Seconds - r.ComputeSeconds);
                returned++;
                computeByWorker[w.Key] = computeByWorker.GetValueOrDefault(w.Key) + r.ComputeSeconds;
                if (done[c]) continue; // a speculative copy finished second
                done[c] = true;
                remaining--;
                Array.Copy(r.Returns, 0, returns, from * episodes, count * episodes);
                Array.Copy(r.Lengths, 0, lengths, from * episodes, count * episodes);
                if (statistics is not null)
                {
                    int size = _job.Architecture.ObservationSize;
                    for (int i = 0; i < count; i++)
                        statistics[from + i].Set(r.StatisticsCount[i], r.StatisticsMean.AsSpan(i * size, size), r.StatisticsSquaredDeviations.AsSpan(i * size, size));
                }
            }

            if (remaining > 0 && _clock.Elapsed.TotalSeconds - lastDiscovery > 1)
            {
                lastDiscovery = _clock.Elapsed.TotalSeconds;
                await DiscoverAsync();
            }
        }

        double wall = _clock.Elapsed.TotalSeconds - begin;
        double slowest = computeByWorker.Count == 0 ? 0 : computeByWorker.Values.Max();
        LastIteration = new IterationStatistics(wall, Math.Max(0, wall - slowest), chunkCount, calls, computeByWorker.Count, callOverhead / Math.Max(1, returned));
        History.Add(LastIteration);
        if (_chunkSeconds.Count > 256) _chunkSeconds.RemoveRange(0, _chunkSeconds.Count - 256);
    }

    /// <summary>A running chunk to copy onto an idle worker, or −1: the longest-running one that has run far longer than usual.</summary>
    private int Speculative(bool[] done, double[] started, int[] copies, double now)
    {
        double typical = _chunkSeconds.Count == 0 ? 0 : Median(_chunkSeconds);
        double threshold = Math.Max(_options.MinSpeculationDelay.TotalSeconds, _options.SpeculationFactor * typical);
        int best = -1;
        for (int c = 0; c < done.Length; c++)
            if (!done[c] && copies[c] == 1 && now - started[c] > threshold && (best < 0 || started[c] < started[best])) best = c;
        return best;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private IEnumerable<Worker> Usable() =>
        _workers.Values.Where(w => w.Info is not null && w.Refused is null && !w.Dropped && (w.FailedAt is null || _clock.Elapsed.TotalSeconds - w.FailedAt > _options.FailurePause.TotalSeconds));

    private void Fail(Worker w, Exception error)
    {
        w.FailedAt = _clock.Elapsed.TotalSeconds;
        w.Prepared = false;
        w.VersionSent = -1;
        _log($"worker {w.Name} failed ({Describe(error)}); its rollouts go to the other workers");
    }

    /// <summary>Takes a worker that sent a malformed result out of the run for good (it stays a member; its results are not used).</summary>
    private void Drop(Worker w, string problem)
    {
        w.Dropped = true;
        w.Refused = $"worker {w.Name} sent a malformed result ({problem}); dropped for the rest of this run, its rollouts go to the other workers";
        _log(w.Refused);
    }

    private async Task<Outcome> CallAsync(Worker w, Iteration iteration, int chunk, int from, int count)
    {
        var clock = Stopwatch.StartNew();
        ChunkRequest? request = null;
        try
        {
            if (!w.Prepared)
            {
                await PrepareAsync(w);
                if (w.Refused is not null) throw new InvalidOperationException(w.Refused);
            }
            bool withParameters = w.VersionSent != iteration.Version;
            request = iteration.Request(_spec.JobId, from, count, withParameters);
            var result = await w.Grain.Run(request);
            if (result.Status == ChunkStatus.NeedJob)
            {
                w.Prepared = false;
                await PrepareAsync(w);
                if (w.Refused is not null) throw new InvalidOperationException(w.Refused);
                result = await w.Grain.Run(request = iteration.Request(_spec.JobId, from, count, true));
            }
            else if (result.Status == ChunkStatus.NeedParameters)
                result = await w.Grain.Run(request = iteration.Request(_spec.JobId, from, count, true));
            if (result.Status != ChunkStatus.Done)
                throw new InvalidOperationException($"worker {w.Name} did not run the chunk ({result.Status})");
            w.VersionSent = iteration.Version;
            return new Outcome(iteration.Version, chunk, request, result, null, clock.Elapsed.TotalSeconds);
        }
        catch (Exception e)
        {
            return new Outcome(iteration.Version, chunk, request, null, e, clock.Elapsed.TotalSeconds);
        }
    }

    private async Task PrepareAsync(Worker w)
    {
        try
        {
            await w.Grain.Prepare(_spec);
            w.Prepared = true;
        }
        catch (InvalidOperationException e)
        {
            // The worker examined the job and said no (build, policy, noise table): it stays out of this run.
            w.Refused = $"worker {w.Name} refused the job: {e.Message}";
            w.JobRefused = true;
            _log(w.Refused);
        }
    }

    /// <summary>Adds the workers that joined (after checking their protocol and build) and drops those that left.</summary>
    private async Task DiscoverAsync()
    {
        var live = _silo.LiveWorkers();
        var keys = live.Select(a => a.ToParsableString()).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _workers.Values.Where(w => !keys.Contains(w.Key) && w.Busy is null).ToList())
        {
            _workers.Remove(gone.Key);
            if (gone.Info is not null && gone.Refused is null) _log($"worker {gone.Name} left the cluster");
        }
        var hellos = new List<Task>();
        foreach (var address in live)
        {
            string key = address.ToParsableString();
            if (_workers.ContainsKey(key)) continue;
            var w = new Worker(key, _silo.Grains.GetGrain<IRolloutWorkerGrain>(key));
            _workers[key] = w;
            hellos.Add(HelloAsync(w));
        }
        await Task.WhenAll(hellos);
    }

    private async Task HelloAsync(Worker w)
    {
        try
        {
            w.Info = await w.Grain.Hello().WaitAsync(TimeSpan.FromSeconds(15));
            w.Name = w.Info.Name;
            if (RolloutProtocol.Incompatibility(w.Info) is { } problem)
            {
                w.Refused = problem;
                _log("refused " + problem);
            }
            else _log($"worker {w.Name} joined ({w.Info.Threads} thread{(w.Info.Threads == 1 ? "" : "s")})");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not answering yet (still starting) or already gone: forget it, and ask again at the next discovery.
            _workers.Remove(w.Key);
        }
    }

    private async Task WaitForWorkersAsync(int needed)
    {
        double begin = _clock.Elapsed.TotalSeconds, lastMessage = double.NegativeInfinity;
        while (true)
        {
            await DiscoverAsync();
            int usable = Usable().Count();
            if (usable >= needed) return;
            var refusals = _workers.Values.Where(w => w.JobRefused).Select(w => w.Refused!).ToList();
            if (usable == 0 && refusals.Count > 0 && refusals.Count == _workers.Values.Count(w => w.Info is not null))
                // Every worker examined this job and said no (an environment it does not run, another policy): waiting will not help.
                throw new InvalidOperationException(string.Join("; ", refusals));
            double waited = _clock.Elapsed.TotalSeconds - begin;
            if (waited > _options.WorkerWait.TotalSeconds)
                throw new InvalidOperationException(
                    $"only {usable} of the {needed} rollout worker(s) needed joined the cluster ({_silo.Membership}) within {_options.WorkerWait.TotalSeconds:0} s; " +
                    $"start them with: rl worker --cluster {_silo.Membership}");
            if (waited - lastMessage >= 5)
            {
                lastMessage = waited;
                _log($"waiting for rollout workers ({usable}/{needed}); start them with: rl worker --cluster {_silo.Membership}");
            }
            await _silo.RefreshMembershipAsync();
            await Task.Delay(250);
        }
    }

    private static string Describe(Exception e)
    {
        while (e is AggregateException && e.InnerException is not null) e = e.InnerException;
        string message = e.Message.Split('\n')[0];
        return message.Length > 200 ? message[..200] + "..." : message;
    }

    private sealed class Worker(string key, IRolloutWorkerGrain grain)
    {
        public string Key { get; } = key;
        public IRolloutWorkerGrain Grain { get; } = grain;
        public string Name { get; set; } = key;
        public WorkerInfo? Info { get; set; }
        public string? Refused { get; set; }
        public bool Dropped { get; set; }
        public bool JobRefused { get; set; }
        public double? FailedAt { get; set; }
        public bool Prepared { get; set; }
        public long VersionSent { get; set; } = -1;
        public Task<Outcome>? Busy { get; set; }
        public double BusySince { get; set; }
        public long Rollouts { get; set; }
        public long RolloutsAtStatus { get; set; }
    }

    private sealed record Outcome(long Version, int Chunk, ChunkRequest? Request, ChunkResult? Result, Exception? Error, double Seconds);

    /// <summary>One iteration's candidates in wire form.</summary>
    private sealed class Iteration
    {
        private ParameterSet _parameters = new();
        private int[] _centre = [], _sigma = [], _offset = [], _seed = [];
        private float[] _scale = [];
        private bool _statistics;

        public long Version { get; private init; }

        public static Iteration Build(IReadOnlyList<Candidate> candidates, ObservationFilter? filter, long version, bool statistics)
        {
            var centres = new List<float[]>();
            var sigmas = new List<float[]>();
            static int IndexOf(List<float[]> list, float[] vector)
            {
                int i = list.FindIndex(v => ReferenceEquals(v, vector));
                if (i >= 0) return i;
                list.Add(vector);
                return list.Count - 1;
            }
            int n = candidates.Count;
            var it = new Iteration { Version = version, _statistics = statistics };
            (it._centre, it._sigma, it._offset, it._seed, it._scale) = (new int[n], new int[n], new int[n], new int[n], new float[n]);
            for (int i = 0; i < n; i++)
            {
                var c = candidates[i];
                it._centre[i] = IndexOf(centres, c.Centre);
                it._sigma[i] = c.Sigma is null ? -1 : IndexOf(sigmas, c.Sigma);
                (it._offset[i], it._seed[i], it._scale[i]) = (c.NoiseOffset, c.EnvSeed, c.Scale);
            }
            it._parameters = new ParameterSet
            {
                // Copies: the algorithm may change its vectors after the iteration, while a late duplicate is still in flight.
                Centres = [.. centres.Select(v => (float[])v.Clone())],
                Sigmas = [.. sigmas.Select(v => (float[])v.Clone())],
                FilterMean = filter?.Mean.ToArray(),
                FilterInverseStd = filter?.InverseStd.ToArray(),
            };
            return it;
        }

        public ChunkRequest Request(string jobId, int from, int count, bool withParameters) => new()
        {
            JobId = jobId,
            Version = Version,
            Parameters = withParameters ? _parameters : null,
            Centre = _centre[from..(from + count)],
            Sigma = _sigma[from..(from + count)],
            Scale = _scale[from..(from + count)],
            NoiseOffset = _offset[from..(from + count)],
            EnvSeed = _seed[from..(from + count)],
            CollectStatistics = _statistics,
        };
    }
}
