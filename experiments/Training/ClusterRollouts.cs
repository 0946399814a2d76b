using System.CommandLine;
using System.Net;
using Rl.Agents;
using Rl.Agents.GradientFree;
using Rl.Distributed;
using Rl.Environments;
using Rl.Experiments.Cli;

namespace Rl.Experiments.Training;

/// <summary>
/// The runner's side of distributed rollouts: the learner's silo, the backend factory <see cref="TrainingSession"/> hands
/// to gradient-free algorithms (it sends the resolved config to the workers), and how a worker turns that config back into
/// environments and policy options, with the same code a local run uses.
/// </summary>
public sealed class ClusterRollouts : IAsyncDisposable
{
    private readonly RolloutSilo _silo;
    private readonly DistributedRolloutOptions _options;
    private readonly Action<string> _log;

    private ClusterRollouts(RolloutSilo silo, DistributedRolloutOptions options, Action<string> log)
    {
        (_silo, _options, _log) = (silo, options, log);
    }

    /// <summary>The backend of the latest algorithm built (null before one is).</summary>
    public DistributedRolloutBackend? Backend { get; private set; }

    /// <summary>The cluster membership.</summary>
    public ClusterMembership Membership => _silo.Membership;

    /// <summary>Starts the learner's silo in <paramref name="membership"/>'s cluster.</summary>
    /// <param name="membership">The cluster.</param>
    /// <param name="credential">The cluster's credential (null: no TLS, only for measuring what TLS costs).</param>
    /// <param name="options">Scheduling settings.</param>
    /// <param name="log">Receives news about workers and refused connections.</param>
    /// <param name="advertise">The address workers reach the learner at (Redis membership; null: the first IPv4 address).</param>
    /// <exception cref="InvalidOperationException">If the port is taken or Redis cannot be used (the message says which).</exception>
    public static async Task<ClusterRollouts> StartAsync(ClusterMembership membership, ClusterCredential? credential, DistributedRolloutOptions options,
        Action<string> log, IPAddress? advertise = null)
    {
        var silo = await RolloutSilo.StartLearnerAsync(membership, credential, log, advertise: advertise);
        return new ClusterRollouts(silo, options, log);
    }

    /// <summary>The factory for <see cref="TrainingSession.Create"/> and <see cref="TrainingSession.Resume"/>.</summary>
    /// <exception cref="ConfigException">For an algorithm that is not gradient-free (its rollouts cannot be distributed).</exception>
    public IRolloutBackend Create(ExperimentConfig config, RolloutJob job)
    {
        ArgumentNullException.ThrowIfNull(config);
        // Results longer than the environment's time limit cannot come from an honest worker.
        int? limit = config.Run.MaxEpisodeSteps ?? Envs.List().FirstOrDefault(s => s.Id == config.Env)?.MaxEpisodeSteps;
        var options = _options with { Bounds = _options.Bounds with { MaxEpisodeLength = limit ?? _options.Bounds.MaxEpisodeLength } };
        Backend = new DistributedRolloutBackend(_silo, job, config.ToToml(), options, _log);
        return Backend;
    }

    /// <summary>Rejects an algorithm whose rollouts cannot run on workers.</summary>
    /// <exception cref="ConfigException">If <paramref name="config"/>'s algorithm is not gradient-free.</exception>
    public static void EnsureSupported(ExperimentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Config is not GradientFreeConfig)
            throw new ConfigException(
                $"--cluster distributes the rollouts of the gradient-free algorithms (es, ars, cem, random-search, ...); '{config.Algo}' trains in this process only");
    }

    /// <summary>
    /// How a worker resolves the learner's config text: the environment factory and the policy options, after checking that
    /// <paramref name="permissions"/> allow the environment and its options.
    /// </summary>
    public static Func<string, WorkerJobSetup> Resolver(WorkerPermissions permissions)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        return configText =>
        {
            BuiltInAlgorithms.EnsureRegistered();
            var config = ExperimentConfig.Parse(configText, "the learner's config");
            EnsureSupported(config);
            if (permissions.Refusal(config.Env, config.EnvKwargs) is { } refusal) throw new InvalidOperationException(refusal);
            return new WorkerJobSetup(config.MakeEnv, ((GradientFreeConfig)config.Config).ToPolicyOptions());
        };
    }

    /// <summary>
    /// Whole runs on this learner's silo (seeds, sweep trials): waiting for <paramref name="minWorkers"/> workers (default 1),
    /// run directories of at most <paramref name="maxRunMb"/> MB (default 2048) each way.
    /// </summary>
    public DistributedRuns Runs(int? minWorkers = null, int? maxRunMb = null) => new(_silo, new DistributedRunOptions
    {
        RunBuild = ClusterRuns.Build, MinWorkers = minWorkers ?? 1, WorkerWait = _options.WorkerWait,
        MaxRunBytes = (maxRunMb ?? 2048) * (1L << 20),
    }, _log);

    /// <summary>Stops the learner's silo.</summary>
    public ValueTask DisposeAsync() => _silo.DisposeAsync();
}

/// <summary>
/// The cluster options <c>rl train</c> and <c>rl worker</c> share, read in one place: <c>--cluster M</c>, <c>--credential
/// FILE</c> (else <c>$RL_CLUSTER_CREDENTIAL</c>, else the default file), <c>--redis-password-file FILE</c> (else
/// <c>$RL_REDIS_PASSWORD</c>), <c>--redis-tls</c>, <c>--advertise IP</c>. Secrets come from files or the environment only.
/// </summary>
/// <param name="Membership">The membership, with the Redis password when one was given.</param>
/// <param name="CredentialFile">The credential file given, or null (then the variable or the default file).</param>
/// <param name="Advertise">The address to advertise, or null.</param>
public sealed record ClusterArguments(ClusterMembership Membership, string? CredentialFile, IPAddress? Advertise)
{
    /// <summary>The shared options, declared once; <paramref name="cluster"/> describes <c>--cluster</c> for the command.</summary>
    public static ClusterOptions CreateOptions(string cluster) => new(
        Opt.Text("--cluster", "M", cluster).Words("localhost"),
        Opt.Text("--credential", "FILE", "the cluster's credential (rl cluster init); default $RL_CLUSTER_CREDENTIAL (its PEM text), else " +
            "~/.config/rl/cluster-credential.pem. Every silo of a cluster needs the same one (mutual TLS)"),
        Opt.Text("--redis-password-file", "FILE", "the Redis password (default $RL_REDIS_PASSWORD)"),
        Opt.Flag("--redis-tls", "TLS to Redis"),
        Opt.Text("--advertise", "IP", "the address other machines reach this one at (Redis; default: the first IPv4 address)"));

    /// <summary>Reads the options; null when <c>--cluster</c> is absent (then none of the others may be given).</summary>
    /// <exception cref="UsageException">For a malformed value, or an option without <c>--cluster</c>.</exception>
    public static ClusterArguments? Read(ParseResult r, ClusterOptions o, string command, string defaultCluster = "")
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(o);
        string? cluster = r.GetValue(o.Cluster);
        string? credential = r.GetValue(o.Credential);
        string? passwordFile = r.GetValue(o.RedisPasswordFile);
        bool redisTls = r.GetValue(o.RedisTls);
        string? advertiseText = r.GetValue(o.Advertise);
        cluster ??= defaultCluster.Length > 0 ? defaultCluster : null;
        if (cluster is null)
        {
            if (credential is not null || passwordFile is not null || redisTls || advertiseText is not null)
                throw new UsageException($"{command}: --credential, --redis-password-file, --redis-tls and --advertise need --cluster");
            return null;
        }
        ClusterMembership membership;
        try
        {
            membership = ClusterMembership.Parse(cluster).WithRedisPassword(passwordFile) with { RedisTls = redisTls };
        }
        catch (FormatException e)
        {
            throw new UsageException($"{command}: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException($"{command}: {e.Message}");
        }
        if (membership.Kind != MembershipKind.Redis && (passwordFile is not null || redisTls))
            throw new UsageException($"{command}: --redis-password-file and --redis-tls go with --cluster redis=HOST:PORT");
        IPAddress? advertise = null;
        if (advertiseText is not null && (!IPAddress.TryParse(advertiseText, out advertise) || !ClusterMembership.Advertisable(advertise)))
            throw new UsageException($"{command}: --advertise {advertiseText} is not an address other machines can reach this one at (an IP, not 0.0.0.0)");
        return new ClusterArguments(membership, credential, advertise);
    }

    /// <summary>The credential (file, variable or default file).</summary>
    /// <exception cref="UsageException">When there is none or it cannot be used; the message says how to make one.</exception>
    public ClusterCredential Credential(string command)
    {
        try
        {
            return ClusterCredential.Resolve(CredentialFile);
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException($"{command}: {e.Message}");
        }
    }
}

/// <summary>The options of <see cref="ClusterArguments"/>, added to a command as a group.</summary>
/// <param name="Cluster"><c>--cluster M</c>.</param>
/// <param name="Credential"><c>--credential FILE</c>.</param>
/// <param name="RedisPasswordFile"><c>--redis-password-file FILE</c>.</param>
/// <param name="RedisTls"><c>--redis-tls</c>.</param>
/// <param name="Advertise"><c>--advertise IP</c>.</param>
public sealed record ClusterOptions(Option<string?> Cluster, Option<string?> Credential, Option<string?> RedisPasswordFile, Option<bool> RedisTls,
    Option<string?> Advertise)
{
    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Cluster);
        command.Options.Add(Credential);
        command.Options.Add(RedisPasswordFile);
        command.Options.Add(RedisTls);
        command.Options.Add(Advertise);
    }
}

/// <summary>
/// A config file that names a Python <c>module:Class</c> environment runs that module's code when the environment is built,
/// so <c>rl train</c> builds it only when told to with <c>--allow-env</c> (environments named on the command line itself need
/// no such option).
/// </summary>
public static class PythonEnvGuard
{
    /// <summary>Refuses <paramref name="config"/> from the file <paramref name="source"/> unless <paramref name="allowed"/> names its Python code.</summary>
    /// <exception cref="ConfigException">With what the file would run and the option that allows it.</exception>
    public static void Check(ExperimentConfig config, string source, IReadOnlyList<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(config);
        var permissions = new WorkerPermissions { Environments = allowed };
        string? code = null;
        if (config.Env.StartsWith("gym:", StringComparison.Ordinal) && config.Env["gym:".Length..].Contains(':') && !permissions.Allows(config.Env["gym:".Length..]))
            code = config.Env["gym:".Length..];
        else if (config.EnvKwargs.TryGetValue("python_module", out var module) && module is string name && !permissions.Allows(name))
            code = name;
        if (code is not null)
            throw new ConfigException(
                $"{source} names the Python environment {config.Env}{(code == config.Env["gym:".Length..] ? "" : $" with the registry module {code}")}: building it imports " +
                $"and runs that Python code on this machine. If you trust the file, run again with --allow-env {code}");
    }
}

/// <summary>Adds the cluster's status line (live workers, rollouts per second per worker) to another progress display.</summary>
/// <param name="inner">The display.</param>
/// <param name="cluster">The cluster.</param>
/// <param name="seconds">Seconds between status lines.</param>
public sealed class ClusterProgress(IProgressSink inner, ClusterRollouts cluster, double seconds) : IProgressSink
{
    private TimeSpan? _last;

    /// <inheritdoc />
    public void Report(ProgressReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        inner.Report(report);
        if (_last is { } last && (report.Elapsed - last).TotalSeconds < seconds) return;
        _last = report.Elapsed;
        if (cluster.Backend is { } backend) inner.Message(backend.StatusLine());
    }

    /// <inheritdoc />
    public void Message(string line) => inner.Message(line);

    /// <inheritdoc />
    public void Finish(ProgressReport report)
    {
        if (cluster.Backend is { } backend) inner.Message(backend.StatusLine());
        inner.Finish(report);
    }
}
