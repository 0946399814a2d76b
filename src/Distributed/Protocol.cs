using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Rl.Agents.GradientFree;
using Rl.Agents.Parameters;

namespace Rl.Distributed;

/// <summary>
/// What learner and workers must agree on before any rollout is exchanged: the protocol version (the shape of the messages),
/// the build (the code that runs an episode, so that a rollout gives the same return on every worker), and per job the
/// noise table and the policy architecture.
/// </summary>
public static class RolloutProtocol
{
    /// <summary>The message format version; raised whenever a message changes meaning.</summary>
    public const int Version = 2;

    /// <summary>
    /// The build of the code that computes rollouts: the module version ids of the Core, Environments, Agents and Distributed
    /// assemblies, hashed. Builds are deterministic, so the same source and compiler give the same id on every machine, and any
    /// change to environments or policies gives another.
    /// </summary>
    public static string Build { get; } = ComputeBuild();

    /// <summary>The informational version of this assembly (for messages).</summary>
    public static string ProductVersion { get; } =
        typeof(RolloutProtocol).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>
    /// Why a worker that describes itself with <paramref name="worker"/> cannot serve this learner, or null when it can.
    /// </summary>
    public static string? Incompatibility(WorkerInfo worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        if (worker.Protocol != Version)
            return $"worker {worker.Name} speaks rollout protocol {worker.Protocol} but this learner speaks {Version}; run the same rl build on every machine";
        if (worker.Build != Build)
            return $"worker {worker.Name} runs build {worker.Build} ({worker.ProductVersion}) but this learner runs build {Build} ({ProductVersion}); " +
                   "rollouts would not match, so it is refused: run the same rl build on every machine";
        return null;
    }

    /// <summary>How a worker silo of this process with <paramref name="threads"/> threads describes itself.</summary>
    public static WorkerInfo Self(int threads) => new()
    {
        Protocol = Version,
        Build = Build,
        ProductVersion = ProductVersion,
        Name = $"{Environment.MachineName}:{Environment.ProcessId}",
        Threads = threads,
    };

    /// <summary>A checksum of the whole noise table, so a worker can tell its table is the learner's, value for value.</summary>
    public static double Checksum(NoiseTable noise)
    {
        ArgumentNullException.ThrowIfNull(noise);
        var values = noise.Slice(0, noise.Size);
        double sum = 0, weighted = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += values[i];
            weighted += values[i] * (double)((i % 1021) + 1);
        }
        return sum + 1e-3 * weighted;
    }

    /// <summary>The job description a learner sends for <paramref name="job"/>.</summary>
    /// <param name="jobId">Identifies the job on the workers.</param>
    /// <param name="job">The rollout settings.</param>
    /// <param name="environment">Text the workers' host turns into an environment factory (for the runner: the resolved config).</param>
    public static JobSpec Describe(string jobId, RolloutJob job, string environment)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new JobSpec
        {
            JobId = jobId,
            Protocol = Version,
            Build = Build,
            Environment = environment,
            Algorithm = job.AlgorithmId,
            ParameterCount = job.Architecture.ParameterCount,
            Architecture = job.Architecture.ToString(),
            NoiseSeed = job.Noise.Seed,
            NoiseSize = job.Noise.Size,
            NoiseChecksum = Checksum(job.Noise),
            EpisodesPerCandidate = job.EpisodesPerCandidate,
            Horizon = job.Horizon,
            Deterministic = job.Deterministic,
        };
    }

    private static string ComputeBuild()
    {
        var ids = new[] { typeof(Core.Rng), typeof(Environments.Envs), typeof(Candidate), typeof(RolloutProtocol) }
            .Select(t => t.Assembly.ManifestModule.ModuleVersionId.ToString("N"));
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(string.Join("|", ids)));
        return Convert.ToHexStringLower(hash)[..12];
    }
}

/// <summary>How a worker silo describes itself.</summary>
[GenerateSerializer, Immutable]
public sealed class WorkerInfo
{
    /// <summary>The protocol version it speaks.</summary>
    [Id(0)] public int Protocol { get; init; }

    /// <summary>Its <see cref="RolloutProtocol.Build"/>.</summary>
    [Id(1)] public string Build { get; init; } = "";

    /// <summary>Its product version.</summary>
    [Id(2)] public string ProductVersion { get; init; } = "";

    /// <summary>Host name and process id, for messages.</summary>
    [Id(3)] public string Name { get; init; } = "";

    /// <summary>Threads it runs rollouts on.</summary>
    [Id(4)] public int Threads { get; init; }
}

/// <summary>A job as a worker prepares it: how to build the environment and policy, and what must match the learner.</summary>
[GenerateSerializer, Immutable]
public sealed record JobSpec
{
    /// <summary>Identifies the job (one learner run).</summary>
    [Id(0)] public string JobId { get; init; } = "";

    /// <summary>The learner's protocol version.</summary>
    [Id(1)] public int Protocol { get; init; }

    /// <summary>The learner's build.</summary>
    [Id(2)] public string Build { get; init; } = "";

    /// <summary>What the worker's host turns into an environment factory and policy options (the runner sends its config).</summary>
    [Id(3)] public string Environment { get; init; } = "";

    /// <summary>The algorithm id, for messages.</summary>
    [Id(4)] public string Algorithm { get; init; } = "";

    /// <summary>Parameters of the learner's policy; the worker's must match.</summary>
    [Id(5)] public int ParameterCount { get; init; }

    /// <summary>The learner's architecture as text; the worker's must match.</summary>
    [Id(6)] public string Architecture { get; init; } = "";

    /// <summary>Noise table seed.</summary>
    [Id(7)] public long NoiseSeed { get; init; }

    /// <summary>Noise table size in floats.</summary>
    [Id(8)] public int NoiseSize { get; init; }

    /// <summary>The learner's <see cref="RolloutProtocol.Checksum"/> of the table.</summary>
    [Id(9)] public double NoiseChecksum { get; init; }

    /// <summary>Episodes per candidate.</summary>
    [Id(10)] public int EpisodesPerCandidate { get; init; }

    /// <summary>Longest rollout (0: none).</summary>
    [Id(11)] public int Horizon { get; init; }

    /// <summary>Deterministic actions.</summary>
    [Id(12)] public bool Deterministic { get; init; }
}

/// <summary>
/// The vectors one iteration's candidates are built from, sent once per worker per iteration: the distinct centres (θ, or
/// μ and elites), the distinct per-parameter scales, and the frozen observation filter.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class ParameterSet
{
    /// <summary>Distinct centre vectors.</summary>
    [Id(0)] public float[][] Centres { get; init; } = [];

    /// <summary>Distinct per-parameter standard deviations (CEM).</summary>
    [Id(1)] public float[][] Sigmas { get; init; } = [];

    /// <summary>Filter means, or null for no filter.</summary>
    [Id(2)] public float[]? FilterMean { get; init; }

    /// <summary>Filter inverse standard deviations, or null for no filter.</summary>
    [Id(3)] public float[]? FilterInverseStd { get; init; }
}

/// <summary>
/// A chunk of candidates to score for parameter version <see cref="Version"/>: each is (centre, σ, scale, noise offset,
/// reset seed), a handful of numbers, never a vector.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class ChunkRequest
{
    /// <summary>The job.</summary>
    [Id(0)] public string JobId { get; init; } = "";

    /// <summary>The parameter version (one per iteration).</summary>
    [Id(1)] public long Version { get; init; }

    /// <summary>The version's vectors, or null when the worker already holds them.</summary>
    [Id(2)] public ParameterSet? Parameters { get; init; }

    /// <summary>Index into <see cref="ParameterSet.Centres"/> per candidate.</summary>
    [Id(3)] public int[] Centre { get; init; } = [];

    /// <summary>Index into <see cref="ParameterSet.Sigmas"/> per candidate, or −1.</summary>
    [Id(4)] public int[] Sigma { get; init; } = [];

    /// <summary>Noise scale per candidate.</summary>
    [Id(5)] public float[] Scale { get; init; } = [];

    /// <summary>Noise table offset per candidate.</summary>
    [Id(6)] public int[] NoiseOffset { get; init; } = [];

    /// <summary>Reset seed per candidate.</summary>
    [Id(7)] public int[] EnvSeed { get; init; } = [];

    /// <summary>Return observation statistics per candidate.</summary>
    [Id(8)] public bool CollectStatistics { get; init; }
}

/// <summary>Whether a chunk ran.</summary>
public enum ChunkStatus
{
    /// <summary>It ran; the results are filled in.</summary>
    Done,

    /// <summary>The worker does not know the job (it restarted, or never saw it): send <see cref="JobSpec"/> first.</summary>
    NeedJob,

    /// <summary>The worker does not hold the request's parameter version: resend with <see cref="ChunkRequest.Parameters"/>.</summary>
    NeedParameters,
}

/// <summary>What a chunk produced: per candidate and episode the return and length; per candidate the observation statistics.</summary>
[GenerateSerializer, Immutable]
public sealed class ChunkResult
{
    /// <summary>Whether it ran.</summary>
    [Id(0)] public ChunkStatus Status { get; init; }

    /// <summary>Returns, candidate-major.</summary>
    [Id(1)] public double[] Returns { get; init; } = [];

    /// <summary>Episode lengths, candidate-major.</summary>
    [Id(2)] public int[] Lengths { get; init; } = [];

    /// <summary>Observation count per candidate (when statistics were asked for).</summary>
    [Id(3)] public long[] StatisticsCount { get; init; } = [];

    /// <summary>Observation means, candidate-major.</summary>
    [Id(4)] public double[] StatisticsMean { get; init; } = [];

    /// <summary>Squared deviations, candidate-major.</summary>
    [Id(5)] public double[] StatisticsSquaredDeviations { get; init; } = [];

    /// <summary>Seconds the worker spent running the episodes.</summary>
    [Id(6)] public double ComputeSeconds { get; init; }

    /// <summary>The request's job, echoed back (checked by <see cref="ChunkValidation"/>).</summary>
    [Id(7)] public string JobId { get; init; } = "";

    /// <summary>The request's parameter version, echoed back.</summary>
    [Id(8)] public long Version { get; init; }

    /// <summary>The request's reset seeds, echoed back.</summary>
    [Id(9)] public int[] EnvSeed { get; init; } = [];
}
