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

    /// <summary>The Redis configuration string (Redis clustering), without a password; <c>ssl=true</c> in it turns on TLS to Redis.</summary>
    public string Redis { get; init; } = "";

    /// <summary>The environment variable that may hold the Redis password (<c>requirepass</c>, or an ACL user's).</summary>
    public const string RedisPasswordVariable = "RL_REDIS_PASSWORD";

    /// <summary>The Redis password (never printed; see <see cref="WithRedisPassword"/>), or null.</summary>
    public string? RedisPassword { get; init; }

    /// <summary>Connect to Redis over TLS (also <c>ssl=true</c> in the configuration string).</summary>
    public bool RedisTls { get; init; }

    /// <summary>
    /// This membership with the Redis password read from <paramref name="passwordFile"/> (first line; the file must be
    /// readable only by its owner) or else from <see cref="RedisPasswordVariable"/>; unchanged when neither is given.
    /// </summary>
    /// <exception cref="InvalidOperationException">If the file is missing or readable by others.</exception>
    public ClusterMembership WithRedisPassword(string? passwordFile)
    {
        if (passwordFile is not null)
        {
            string full = Path.GetFullPath(passwordFile);
            if (!File.Exists(full)) throw new InvalidOperationException($"Redis password file {full} does not exist");
            if (ClusterCredential.OthersMayAccess(full) is not null)
                throw new InvalidOperationException($"Redis password file {full} may be read by other users; run: chmod 600 {full}");
            return this with { RedisPassword = File.ReadAllLines(full).FirstOrDefault()?.Trim() ?? "" };
        }
        string? fromEnvironment = Environment.GetEnvironmentVariable(RedisPasswordVariable);
        return string.IsNullOrEmpty(fromEnvironment) ? this : this with { RedisPassword = fromEnvironment };
    }

    /// <summary>The StackExchange.Redis options: the configuration string, the password and TLS.</summary>
    public ConfigurationOptions RedisOptions()
    {
        var options = ConfigurationOptions.Parse(Redis);
        if (RedisPassword is not null) options.Password = RedisPassword;
        if (RedisTls) options.Ssl = true;
        return options;
    }

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
            ConfigurationOptions parsed;
            try
            {
                parsed = ConfigurationOptions.Parse(configuration);
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"--cluster redis=...: not a Redis configuration string ({e.Message})", e);
            }
            // A password on the command line is visible to every user (ps, /proc/PID/cmdline) and lands in logs.
            if (parsed.Password is not null || parsed.User is not null)
                throw new FormatException($"--cluster redis=...: give the Redis password in ${RedisPasswordVariable} or a file (--redis-password-file), not on the command line");
            if (parsed.EndPoints.Count == 0)
                throw new FormatException($"--cluster {text}: no Redis host; expected redis=HOST:PORT");
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
    /// <paramref name="advertise"/> (null: this machine's first IPv4 address that is not loopback). Silos listen on the
    /// address they advertise only (loopback with localhost clustering), never on every interface.
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
        IPAddress address;
        int siloPort;
        if (Kind == MembershipKind.Localhost)
        {
            var primary = new IPEndPoint(IPAddress.Loopback, PrimaryPort);
            siloPort = learner ? PrimaryPort : (port > 0 ? port : FreePort());
            silo.UseLocalhostClustering(siloPort, 0, learner ? null : primary, ClusterName, ClusterName);
            address = IPAddress.Loopback;
        }
        else
        {
            var options = RedisOptions();
            silo.UseRedisClustering(o => o.ConfigurationOptions = options);
            address = advertise ?? FirstAddress();
            siloPort = port > 0 ? port : FreePort();
        }
        silo.Configure<EndpointOptions>(o =>
        {
            o.AdvertisedIPAddress = address;
            o.SiloPort = siloPort;
            o.GatewayPort = 0;
            o.SiloListeningEndpoint = new IPEndPoint(address, siloPort);
        });
        silo.AddPlacementDirector<SiloKeyPlacement, SiloKeyPlacementDirector>();
    }

    /// <summary>
    /// Checks, before a silo starts, what would otherwise fail late or harm a running cluster: with localhost clustering a
    /// learner's primary port must be free (a second learner on it would split the cluster); with Redis the server must be
    /// reachable and accept the password.
    /// </summary>
    /// <exception cref="InvalidOperationException">With a message naming the port or the Redis server and what is wrong.</exception>
    public async Task EnsureUsableAsync(bool learner, CancellationToken cancel = default)
    {
        if (Kind == MembershipKind.Localhost)
        {
            if (!learner) return;
            if (PrimaryReachable())
                throw new InvalidOperationException(
                    $"port {PrimaryPort} on 127.0.0.1 is in use (another learner's cluster, or another program, listens there); this learner does not join it. " +
                    "Stop that learner, or give this one another port: --cluster localhost:PORT (and its workers the same)");
            return;
        }
        var options = RedisOptions();
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 5000;
        options.ConnectRetry = 1;
        string where = string.Join(", ", options.EndPoints.Select(e => e is DnsEndPoint d ? $"{d.Host}:{d.Port}" : e.ToString()));
        try
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(15), cancel);
            await connection.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(10), cancel);
        }
        catch (RedisConnectionException e) when (e.FailureType == ConnectionFailureType.AuthenticationFailure || e.Message.Contains("AUTH", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"the Redis server at {where} refused this silo's credentials ({(RedisPassword is null ? $"no password given: set ${RedisPasswordVariable} or --redis-password-file" : "wrong password")})", e);
        }
        catch (RedisServerException e) when (e.Message.Contains("NOAUTH", StringComparison.Ordinal) || e.Message.Contains("WRONGPASS", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"the Redis server at {where} refused this silo's credentials ({(RedisPassword is null ? $"no password given: set ${RedisPasswordVariable} or --redis-password-file" : "wrong password")})", e);
        }
        catch (Exception e) when (e is RedisConnectionException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"cannot reach the Redis server at {where} that holds the cluster's membership ({FirstLine(e.Message)}); check the host and port, that redis-server runs and that this machine may connect to it", e);
        }
    }

    private static string FirstLine(string text)
    {
        string line = text.Split('\n')[0];
        return line.Length > 200 ? line[..200] + "..." : line;
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

    /// <summary>Whether <paramref name="address"/> can be advertised: a concrete address, not 0.0.0.0 or ::.</summary>
    public static bool Advertisable(IPAddress address) =>
        address is not null && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any);

    private static IPAddress FirstAddress() =>
        Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? throw new InvalidOperationException("this machine has no IPv4 address other than loopback to advertise; pass --advertise IP");
}
