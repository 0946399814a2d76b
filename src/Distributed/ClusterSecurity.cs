using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace Rl.Distributed;

/// <summary>
/// Mutual TLS between the silos of one cluster: every connection, in and out, is TLS 1.2/1.3 where both ends present the
/// cluster's <see cref="ClusterCredential"/> certificate and prove they hold its key; a peer with another certificate or none
/// is cut off during the handshake, before any Orleans message is read. Each refused connection is reported on this side with
/// the peer's address.
/// </summary>
public static class ClusterSecurity
{
    /// <summary>Configures <paramref name="silo"/>'s connections; <paramref name="log"/> receives a line per refused connection.</summary>
    internal static void Configure(ISiloBuilder silo, ClusterCredential credential, Action<string> log)
    {
        // Registered before UseTls, so these wrap the TLS middleware: they see how its handshake ended.
        silo.Configure<SiloConnectionOptions>(o =>
        {
            o.ConfigureSiloInboundConnection(b => b.Use(next => context => Watch(context, next, inbound: true, log)));
            o.ConfigureSiloOutboundConnection(b => b.Use(next => context => Watch(context, next, inbound: false, log)));
        });
        silo.UseTls(options =>
        {
            options.LocalCertificate = credential.Certificate;
            options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
            options.HandshakeTimeout = TimeSpan.FromSeconds(10);
            // Self-signed, so the chain is "untrusted": what counts is that the peer holds this very certificate's key.
            options.RemoteCertificateValidation = (certificate, _, errors) =>
                credential.Matches(certificate) && (errors & ~(SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch)) == 0;
        });
    }

    /// <summary>
    /// Whether a member of this cluster listens at <paramref name="endpoint"/>: a TLS handshake with the credential, so the
    /// check itself is an authenticated connection (a bare TCP probe would be refused and logged as an intruder).
    /// </summary>
    public static async Task<PeerState> ProbeAsync(IPEndPoint endpoint, ClusterCredential credential, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credential);
        using var cancel = new CancellationTokenSource(timeout);
        using var client = new TcpClient(endpoint.AddressFamily);
        try
        {
            await client.ConnectAsync(endpoint, cancel.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return PeerState.Unreachable;
        }
        bool matched = false;
        await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) => matched = credential.Matches(certificate));
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "rl-cluster",
                ClientCertificates = new X509CertificateCollection { credential.Certificate },
                // TLS 1.2: the client's handshake ends only after the server's Finished, so the server has accepted this
                // silo's certificate before the probe closes (with 1.3 the close could cut the server's side short).
                EnabledSslProtocols = SslProtocols.Tls12,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, cancel.Token);
            return PeerState.Member;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            return matched ? PeerState.Unreachable : PeerState.Stranger;
        }
    }

    private static async Task Watch(ConnectionContext context, ConnectionDelegate next, bool inbound, Action<string> log)
    {
        await next(context);
        // The TLS middleware returns without running the connection when its handshake fails; then no peer certificate is set.
        if (context.Features.Get<ITlsConnectionFeature>() is { RemoteCertificate: null })
            log(inbound
                ? $"refused a connection from {context.RemoteEndPoint}: it did not prove it holds this cluster's credential (another credential, none, or not TLS)"
                : $"could not authenticate the silo at {context.RemoteEndPoint}: it holds another cluster credential (or refused this one); not joining it");
    }
}

/// <summary>What answers at a silo's address.</summary>
public enum PeerState
{
    /// <summary>Nothing (no listener, or no complete answer in time).</summary>
    Unreachable,

    /// <summary>A silo holding this cluster's credential.</summary>
    Member,

    /// <summary>Something that does not hold this cluster's credential (another cluster's silo, or another program).</summary>
    Stranger,
}
