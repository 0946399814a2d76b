using System.Diagnostics;
using Orleans.Concurrency;
using Rl.Agents.GradientFree;
using Rl.Agents.Parameters;
using Rl.Agents.Policies;
using Rl.Agents.Rollouts;
using Rl.Core;

namespace Rl.Distributed;

/// <summary>The rollout worker of one silo; its key is the silo's address (see <see cref="SiloKeyPlacement"/>).</summary>
[Alias("rl.IRolloutWorkerGrain")]
public interface IRolloutWorkerGrain : IGrainWithStringKey
{
    /// <summary>Describes the worker (protocol, build, threads), so the learner can refuse a mismatched one.</summary>
    [Alias("hello")]
    Task<WorkerInfo> Hello();

    /// <summary>Builds the job's environments and policy and checks them against the learner's.</summary>
    /// <exception cref="InvalidOperationException">With a message naming what differs.</exception>
    [Alias("prepare")]
    Task Prepare(JobSpec job);

    /// <summary>Runs a chunk of candidates.</summary>
    [Alias("run")]
    Task<ChunkResult> Run(ChunkRequest request);
}

/// <summary>What the host of a worker silo supplies: its thread count and how a job's environment text becomes environments.</summary>
/// <param name="Threads">Rollout threads.</param>
/// <param name="Resolve">Turns <see cref="JobSpec.Environment"/> into an environment factory and the policy options.</param>
/// <param name="Log">Receives a line per notable event (jobs, refusals).</param>
/// <param name="Trace">Receives a line as each chunk starts (<c>rl worker --verbose</c>), or null.</param>
public sealed record WorkerHostOptions(int Threads, Func<string, WorkerJobSetup> Resolve, Action<string> Log, Action<string>? Trace = null)
{
    /// <summary>Tests only: changes every result before it is sent (a faulty worker), to check that learners drop it.</summary>
    internal Func<ChunkResult, ChunkResult>? Tamper { get; init; }

    /// <summary>How the worker trains whole runs (<see cref="ITrainingWorkerGrain"/>); null: it refuses them.</summary>
    public RunHostOptions? Runs { get; init; }
}

/// <summary>The environment factory and policy options of a job, as the worker's host resolves them.</summary>
/// <param name="MakeEnv">Builds one environment.</param>
/// <param name="Policy">The policy options.</param>
public sealed record WorkerJobSetup(Func<IEnv> MakeEnv, PolicyOptions Policy);

/// <summary>
/// Runs chunks of candidates on the silo's own <see cref="RolloutPool"/> through a <see cref="LocalRolloutBackend"/>, so a
/// candidate's episodes are computed by exactly the code a local run uses. It keeps the few most recent jobs (a learner
/// that restarts with <c>--resume</c> is a new job) and the latest parameter version of each.
/// </summary>
[SiloKeyPlacement]
public sealed class RolloutWorkerGrain(WorkerHostOptions host) : Grain, IRolloutWorkerGrain
{
    private const int KeptJobs = 2;
    private readonly List<PreparedJob> _jobs = [];

    /// <inheritdoc />
    public Task<WorkerInfo> Hello() => Task.FromResult(RolloutProtocol.Self(host.Threads));

    /// <inheritdoc />
    public async Task Prepare(JobSpec job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (_jobs.Any(j => j.Spec.JobId == job.JobId)) return;
        PreparedJob prepared;
        try
        {
            if (job.Protocol != RolloutProtocol.Version || job.Build != RolloutProtocol.Build)
                throw new InvalidOperationException(
                    $"this worker runs build {RolloutProtocol.Build} (protocol {RolloutProtocol.Version}) but the learner runs build {job.Build} " +
                    $"(protocol {job.Protocol}); run the same rl build on every machine");
            prepared = await Task.Run(() => PreparedJob.Create(job, host));
        }
        catch (InvalidOperationException e) when (e.InnerException is null)
        {
            host.Log($"refused job {job.JobId}: {e.Message}");
            throw;
        }
        catch (Exception e)
        {
            host.Log($"refused job {job.JobId}: {e}");
            throw Portable(e);
        }
        _jobs.Add(prepared);
        while (_jobs.Count > KeptJobs)
        {
            _jobs[0].Dispose();
            _jobs.RemoveAt(0);
        }
        host.Log($"job {job.JobId}: {job.Algorithm}, policy {job.Architecture}, {host.Threads} threads");
    }

    /// <inheritdoc />
    public async Task<ChunkResult> Run(ChunkRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var job = _jobs.FirstOrDefault(j => j.Spec.JobId == request.JobId);
        if (job is null) return new ChunkResult { Status = ChunkStatus.NeedJob };
        if (request.Parameters is { } parameters) job.SetParameters(request.Version, parameters);
        else if (job.Version != request.Version) return new ChunkResult { Status = ChunkStatus.NeedParameters };
        host.Trace?.Invoke($"chunk of version {request.Version}: {request.Centre.Length} candidates");
        ChunkResult result;
        try
        {
            result = await Task.Run(() => job.Run(request));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Log($"job {request.JobId}: chunk of version {request.Version} failed: {e}");
            throw Portable(e);
        }
        return host.Tamper is { } tamper ? tamper(result) : result;
    }

    /// <summary>
    /// The exception the learner receives for <paramref name="e"/>: an <see cref="InvalidOperationException"/> carrying the type
    /// and message only, because Orleans can serialize only exception types it knows (an environment's or a config's own
    /// exception, or one with such an inner exception, would fail to cross the wire and hide the real error).
    /// </summary>
    internal static InvalidOperationException Portable(Exception e) =>
        e is InvalidOperationException { InnerException: null } known ? known : new InvalidOperationException($"{e.GetType().Name}: {e.Message}");

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        foreach (var job in _jobs) job.Dispose();
        _jobs.Clear();
        return Task.CompletedTask;
    }

    private sealed class PreparedJob : IDisposable
    {
        private readonly RolloutPool _pool;
        private readonly RolloutJob _job;
        private readonly LocalRolloutBackend _backend;
        private ParameterSet _parameters = new();
        private ObservationFilter? _filter;

        private PreparedJob(JobSpec spec, RolloutPool pool, RolloutJob job)
        {
            Spec = spec;
            _pool = pool;
            _job = job;
            _backend = new LocalRolloutBackend(pool, job);
        }

        public JobSpec Spec { get; }

        public long Version { get; private set; } = -1;

        public static PreparedJob Create(JobSpec spec, WorkerHostOptions host)
        {
            WorkerJobSetup setup;
            try
            {
                setup = host.Resolve(spec.Environment);
            }
            catch (Exception e)
            {
                // No inner exception: it goes back to the learner, and Orleans can only carry exception types it knows.
                throw new InvalidOperationException($"this worker could not set up the learner's environment: {e.GetType().Name}: {e.Message}");
            }
            var pool = new RolloutPool(setup.MakeEnv, host.Threads, env => PolicyArchitecture.Create(env.ObservationSpace, env.ActionSpace, setup.Policy));
            try
            {
                var architecture = pool.Architecture;
                if (architecture.ParameterCount != spec.ParameterCount || architecture.ToString() != spec.Architecture)
                    throw new InvalidOperationException(
                        $"this worker builds the policy {architecture} ({architecture.ParameterCount} parameters) but the learner's is {spec.Architecture} ({spec.ParameterCount} parameters)");
                var noise = NoiseTable.Shared(spec.NoiseSeed, spec.NoiseSize);
                double checksum = RolloutProtocol.Checksum(noise);
                if (checksum != spec.NoiseChecksum)
                    throw new InvalidOperationException(
                        $"this worker's noise table (seed {spec.NoiseSeed}, size {spec.NoiseSize}) has checksum {checksum:R} but the learner's has {spec.NoiseChecksum:R}; the tables differ, so the perturbations would");
                var job = new RolloutJob(spec.Algorithm, architecture, setup.Policy, noise, spec.EpisodesPerCandidate, spec.Horizon, spec.Deterministic);
                return new PreparedJob(spec, pool, job);
            }
            catch
            {
                pool.Dispose();
                throw;
            }
        }

        public void SetParameters(long version, ParameterSet parameters)
        {
            int d = _job.Architecture.ParameterCount;
            if (parameters.Centres.Any(c => c.Length != d) || parameters.Sigmas.Any(s => s.Length != d))
                throw new InvalidOperationException($"job {Spec.JobId}: parameter vectors must have {d} elements");
            _filter = parameters.FilterMean is { } mean && parameters.FilterInverseStd is { } inverseStd
                ? ObservationFilter.FromFactors(mean, inverseStd)
                : null;
            _parameters = parameters;
            Version = version;
        }

        public ChunkResult Run(ChunkRequest request)
        {
            int n = request.Centre.Length, episodes = _job.EpisodesPerCandidate, size = _job.Architecture.ObservationSize;
            var candidates = new Candidate[n];
            for (int i = 0; i < n; i++)
                candidates[i] = new Candidate(_parameters.Centres[request.Centre[i]], request.Scale[i], request.NoiseOffset[i], request.EnvSeed[i],
                    request.Sigma[i] < 0 ? null : _parameters.Sigmas[request.Sigma[i]]);
            var returns = new double[n * episodes];
            var lengths = new int[n * episodes];
            var statistics = request.CollectStatistics ? Enumerable.Range(0, n).Select(_ => new ObservationStatistics(size)).ToArray() : null;
            var clock = Stopwatch.StartNew();
            _backend.Run(candidates, _filter, returns, lengths, statistics);
            double seconds = clock.Elapsed.TotalSeconds;
            if (statistics is null)
                return new ChunkResult
                {
                    Status = ChunkStatus.Done, Returns = returns, Lengths = lengths, ComputeSeconds = seconds,
                    JobId = Spec.JobId, Version = request.Version, EnvSeed = request.EnvSeed,
                };
            var means = new double[n * size];
            var deviations = new double[n * size];
            for (int i = 0; i < n; i++)
            {
                statistics[i].Mean.CopyTo(means.AsSpan(i * size, size));
                statistics[i].SquaredDeviations.CopyTo(deviations.AsSpan(i * size, size));
            }
            return new ChunkResult
            {
                Status = ChunkStatus.Done,
                Returns = returns,
                Lengths = lengths,
                StatisticsCount = [.. statistics.Select(s => s.Count)],
                StatisticsMean = means,
                StatisticsSquaredDeviations = deviations,
                ComputeSeconds = seconds,
                JobId = Spec.JobId,
                Version = request.Version,
                EnvSeed = request.EnvSeed,
            };
        }

        public void Dispose() => _pool.Dispose();
    }
}
