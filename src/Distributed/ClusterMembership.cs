using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Rl.Distributed;

/// <summary>How silos find each other.</summary>
public enum MembershipKind
{
    /// <summary>
    /// Orleans' development clustering on one machine: the learner's silo is the primary at 127.0.0.1:<see cref="ClusterMembership.PrimaryPort"/>
    /// and holds the membership table; workers join it.
    /// </summary>
    Localhost,

    /// <summary>Orleans' Redis clustering: every silo, learner and workers, registers in a Redis server; for several machines.</summary>
    Redis,
}

/// <summary>
/// The <c>--cluster</c> value of <c>rl worker</c> and <c>rl train</c>: <c>localhost</c>, <c>localhost:PORT</c>, or
/// <c>redis=HOST:PORT</c> (any StackExchange.Redis configuration string after <c>redis=</c>).
/// </summary>
public sealed record ClusterMembership
{
    /// <summary>The default primary silo port of localhost clustering.</summary>
    public const int DefaultPrimaryPort = 11111;

    /// <summary>The Orleans cluster and service id every rl silo uses.</summary>
    public const string ClusterName = "rl-rollouts";

    /// <summary>The membership provider.</summary>
    public MembershipKind Kind { get; init; }

    /// <summary>The primary silo's port (localhost clustering).</summary>
    public int PrimaryPort { get; init; } = DefaultPrimaryPort;

    /// <summary>The Redis configuration string (Redis clustering).</summary>
    public string Redis { get; init; } = "";

    /// <summary>Parses a <c>--cluster</c> value.</summary>
    /// <exception cref="FormatException">If the value is none of the accepted forms.</exception>
    public static ClusterMembership Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        if (t == "localhost") return new ClusterMembership { Kind = MembershipKind.Localhost };
        if (t.StartsWith("localhost:", StringComparison.Ordinal))
        {
            if (!int.TryParse(t["localhost:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
                throw new FormatException($"--cluster {text}: the primary silo port must be a number in 1..65535");
            return new ClusterMembership { Kind = MembershipKind.Localhost, PrimaryPort = port };
        }
        if (t.StartsWith("redis=", StringComparison.Ordinal) && t.Length > "redis=".Length)
        {
            string configuration = t["redis=".Length..];
            try
            {
                ConfigurationOptions.Parse(configuration);
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"--cluster {text}: not a Redis configuration string ({e.Message})", e);
            }
            return new ClusterMembership { Kind = MembershipKind.Redis, Redis = configuration };
        }
        throw new FormatException($"--cluster {text}: expected localhost, localhost:PORT or redis=HOST:PORT");
    }

    /// <summary>The value as given on the command line.</summary>
    public override string ToString() => Kind == MembershipKind.Redis
        ? "redis=" + Redis
        : PrimaryPort == DefaultPrimaryPort ? "localhost" : $"localhost:{PrimaryPort}";

    /// <summary>
    /// Configures <paramref name="silo"/>'s clustering and endpoints. The learner's silo is the primary of localhost
    /// clustering; a worker uses <paramref name="port"/> (0: a free one) and, with Redis, advertises
    /// <paramref name="advertise"/> (null: this machine's first IPv4 address that is not loopback).
    /// </summary>
    internal void Configure(ISiloBuilder silo, bool learner, int port, IPAddress? advertise)
    {
        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterName, ClusterName));
        // Quick failure detection: a silo that stops answering is declared dead within seconds, not a minute.
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 2;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            o.DefunctSiloExpiration = TimeSpan.FromMinutes(5);
        });
        // Chunks may take minutes (long episodes); hung workers are handled by the learner's reassignment, not by timeouts.
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(30));
        if (Kind == MembershipKind.Localhost)
        {
            var primary = new IPEndPoint(IPAddress.Loopback, PrimaryPort);
            silo.UseLocalhostClustering(learner ? PrimaryPort : (port > 0 ? port : FreePort()), 0, learner ? null : primary, ClusterName, ClusterName);
        }
        else
        {
            silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(Redis));
            var address = advertise ?? FirstAddress();
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = address;
                o.SiloPort = port > 0 ? port : FreePort();
                o.GatewayPort = 0;
                o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, o.SiloPort);
            });
        }
        silo.AddPlacementDirector<SiloKeyPlacement, SiloKeyPlacementDirector>();
    }

    /// <summary>Whether the primary silo of localhost clustering accepts connections (always true for Redis).</summary>
    public bool PrimaryReachable()
    {
        if (Kind != MembershipKind.Localhost) return true;
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(IPAddress.Loopback, PrimaryPort).Wait(TimeSpan.FromSeconds(1));
        }
        catch (Exception e) when (e is SocketException or AggregateException)
        {
            return false;
        }
    }

    /// <summary>A TCP port that is free now.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static IPAddress FirstAddress() =>
        Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? throw new InvalidOperationException("this machine has no IPv4 address other than loopback to advertise; pass --advertise IP");
}
