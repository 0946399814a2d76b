using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Rl.Distributed;

/// <summary>
/// An Orleans silo of the rollout cluster running in this process: a worker silo (it hosts a <see cref="RolloutWorkerGrain"/>)
/// or the learner's silo (it hosts none and sends the chunks). Silo names tell the two apart.
/// </summary>
public sealed class RolloutSilo : IAsyncDisposable
{
    /// <summary>The name prefix of worker silos.</summary>
    public const string WorkerPrefix = "rl-worker-";

    private readonly IHost _host;

    private RolloutSilo(IHost host, ClusterMembership membership)
    {
        _host = host;
        Membership = membership;
        Grains = host.Services.GetRequiredService<IGrainFactory>();
        Address = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        MembershipService = host.Services.GetRequiredService<IClusterMembershipService>();
    }

    /// <summary>How the cluster's silos find each other.</summary>
    public ClusterMembership Membership { get; }

    /// <summary>The grain factory.</summary>
    public IGrainFactory Grains { get; }

    /// <summary>This silo's address.</summary>
    public SiloAddress Address { get; }

    internal IClusterMembershipService MembershipService { get; }

    /// <summary>The whole-run trainings of this silo (a worker's; a learner's has none).</summary>
    public TrainingRunService TrainingRuns => _host.Services.GetRequiredService<TrainingRunService>();

    /// <summary>Starts a worker silo whose grain runs rollouts as <paramref name="options"/> say.</summary>
    /// <param name="membership">The cluster to join.</param>
    /// <param name="credential">The cluster's credential (mutual TLS); null only to measure what TLS costs (no authentication at all).</param>
    /// <param name="options">Threads, the job resolver and the log (which also receives refused connections).</param>
    /// <param name="port">Silo port (0: a free one).</param>
    /// <param name="advertise">Address other machines reach this one at (Redis clustering; null: the first IPv4 address).</param>
    /// <param name="cancel">Cancels the start (e.g. while the primary is not up yet).</param>
    public static Task<RolloutSilo> StartWorkerAsync(ClusterMembership membership, ClusterCredential? credential, WorkerHostOptions options, int port = 0,
        IPAddress? advertise = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return StartAsync(membership, credential, learner: false, options, port, advertise, options.Log, cancel);
    }

    /// <summary>Starts the learner's silo (localhost clustering: the primary, which workers join).</summary>
    /// <param name="membership">The cluster.</param>
    /// <param name="credential">The cluster's credential (mutual TLS); null only to measure what TLS costs (no authentication at all).</param>
    /// <param name="log">Receives a line per refused connection (with the peer's address).</param>
    /// <param name="port">Silo port (Redis clustering; 0: a free one).</param>
    /// <param name="advertise">Address workers reach this silo at (Redis clustering; null: the first IPv4 address).</param>
    /// <param name="cancel">Cancels the start.</param>
    /// <exception cref="InvalidOperationException">If the primary port is taken, or Redis is unreachable or refuses the password.</exception>
    public static async Task<RolloutSilo> StartLearnerAsync(ClusterMembership membership, ClusterCredential? credential, Action<string> log, int port = 0,
        IPAddress? advertise = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(membership);
        await membership.EnsureUsableAsync(learner: true, cancel);
        return await StartAsync(membership, credential, learner: true, null, port, advertise, log, cancel);
    }

    /// <summary>Live worker silos, by address, in a stable order.</summary>
    public IReadOnlyList<SiloAddress> LiveWorkers() =>
        [.. MembershipService.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && m.Name.StartsWith(WorkerPrefix, StringComparison.Ordinal))
            .Select(m => m.SiloAddress)
            .OrderBy(a => a.ToParsableString(), StringComparer.Ordinal)];

    /// <summary>Whether the silo at <paramref name="address"/> is an active member.</summary>
    public bool IsActive(SiloAddress address) =>
        MembershipService.CurrentSnapshot.GetSiloStatus(address) == SiloStatus.Active;

    /// <summary>Asks for a fresh membership view (after a failed call, so a dead silo drops out sooner).</summary>
    public async Task RefreshMembershipAsync()
    {
        try
        {
            await MembershipService.Refresh().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // The view stays as it was; the next refresh tries again.
        }
    }

    /// <summary>Tells the cluster this silo leaves, and stops it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _host.StopAsync(timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or OrleansException)
        {
            // Leaving ungracefully is fine: the others will declare this silo dead.
        }
        _host.Dispose();
    }

    private static async Task<RolloutSilo> StartAsync(ClusterMembership membership, ClusterCredential? credential, bool learner, WorkerHostOptions? options,
        int port, IPAddress? advertise, Action<string> log, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(membership);
        if (advertise is not null && !ClusterMembership.Advertisable(advertise))
            throw new ArgumentException($"advertise a concrete address that other machines reach this one at, not {advertise} (silos listen on the address they advertise only)", nameof(advertise));
        var builder = new HostBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .UseOrleans(silo =>
            {
                membership.Configure(silo, learner, port, advertise);
                if (credential is not null) ClusterSecurity.Configure(silo, credential, log);
                silo.Configure<SiloOptions>(o => o.SiloName = (learner ? "rl-learner-" : WorkerPrefix) + $"{Environment.MachineName}-{Environment.ProcessId}-{Environment.TickCount64 % 100000}");
                silo.ConfigureServices(s =>
                {
                    s.AddSingleton(options ?? new WorkerHostOptions(1, _ =>
                        throw new InvalidOperationException("the learner's silo runs no rollouts"), _ => { }));
                    s.AddSingleton<TrainingRunService>();
                });
            });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancel);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new RolloutSilo(host, membership);
    }
}
