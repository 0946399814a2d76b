using System.Net.Security;
using System.Security.Authentication;
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
