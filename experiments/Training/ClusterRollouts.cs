using Rl.Agents;
using Rl.Agents.GradientFree;
using Rl.Distributed;

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
    /// <param name="options">Scheduling settings.</param>
    /// <param name="log">Receives news about workers.</param>
    /// <param name="advertise">The address workers reach the learner at (Redis membership; null: the first IPv4 address).</param>
    public static async Task<ClusterRollouts> StartAsync(ClusterMembership membership, DistributedRolloutOptions options, Action<string> log,
        System.Net.IPAddress? advertise = null)
    {
        var silo = await RolloutSilo.StartLearnerAsync(membership, advertise: advertise);
        return new ClusterRollouts(silo, options, log);
    }

    /// <summary>The factory for <see cref="TrainingSession.Create"/> and <see cref="TrainingSession.Resume"/>.</summary>
    /// <exception cref="ConfigException">For an algorithm that is not gradient-free (its rollouts cannot be distributed).</exception>
    public IRolloutBackend Create(ExperimentConfig config, RolloutJob job)
    {
        ArgumentNullException.ThrowIfNull(config);
        Backend = new DistributedRolloutBackend(_silo, job, config.ToToml(), _options, _log);
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

    /// <summary>How a worker resolves the learner's config text: the environment factory and the policy options.</summary>
    /// <exception cref="ConfigException">If the text is not a config of a gradient-free algorithm.</exception>
    public static WorkerJobSetup Resolve(string configText)
    {
        BuiltInAlgorithms.EnsureRegistered();
        var config = ExperimentConfig.Parse(configText, "the learner's config");
        EnsureSupported(config);
        return new WorkerJobSetup(config.MakeEnv, ((GradientFreeConfig)config.Config).ToPolicyOptions());
    }

    /// <summary>Stops the learner's silo.</summary>
    public ValueTask DisposeAsync() => _silo.DisposeAsync();
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
