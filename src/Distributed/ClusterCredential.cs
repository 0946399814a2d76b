using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Rl.Distributed;

/// <summary>
/// The secret every silo of one cluster holds: a self-signed certificate and its private key (PEM, one file). Silos talk
/// mutual TLS and accept a peer only when it proves it holds the same certificate's key (<see cref="ClusterSecurity"/>), so
/// whoever lacks the file can neither join nor submit work. Created by <c>rl cluster init</c>; read from a file that only its
/// owner may read, or from the <see cref="EnvironmentVariable"/> variable; never from the command line.
/// </summary>
public sealed class ClusterCredential : IDisposable
{
    /// <summary>The environment variable that may hold the credential's PEM text (instead of a file).</summary>
    public const string EnvironmentVariable = "RL_CLUSTER_CREDENTIAL";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private ClusterCredential(X509Certificate2 certificate, string source)
    {
        Certificate = certificate;
        Source = source;
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData))[..16];
    }

    /// <summary>The certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Where it was read from (a path or the variable's name; never the secret), for messages.</summary>
    public string Source { get; }

    /// <summary>The first 16 hex digits of the certificate's SHA-256: public, safe to log, tells two credentials apart.</summary>
    public string Fingerprint { get; }

    /// <summary>The default credential file: <c>$XDG_CONFIG_HOME/rl/cluster-credential.pem</c> (else <c>~/.config/rl/...</c>).</summary>
    public static string DefaultPath
    {
        get
        {
            string? config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            if (string.IsNullOrEmpty(config)) config = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
            return Path.Combine(config, "rl", "cluster-credential.pem");
        }
    }

    /// <summary>
    /// Creates a new credential in <paramref name="path"/> (mode 0600; its directory is created with mode 0700). A fresh
    /// ECDSA P-256 key, self-signed, valid for 10 years, for both ends of TLS.
    /// </summary>
    /// <exception cref="IOException">If the file exists and <paramref name="overwrite"/> is false.</exception>
    public static ClusterCredential Create(string path, bool overwrite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (File.Exists(full) && !overwrite)
            throw new IOException($"{full} exists already; every silo of its cluster holds it. Give another path, or --force to replace it (the old one stops working)");
        string? dir = Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
            else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        string pem = NewPem();
        if (File.Exists(full)) File.Delete(full);
        // Created 0600 from the start: there is no moment where another user could open it.
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) create.UnixCreateMode = OwnerOnly;
        using (var stream = new FileStream(full, create))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
            writer.Write(pem);
        return FromPem(pem, full);
    }

    /// <summary>Reads a credential file; refuses one that users other than its owner may read or write.</summary>
    /// <exception cref="InvalidOperationException">With a message naming the file and what is wrong with it.</exception>
    public static ClusterCredential Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new InvalidOperationException($"cluster credential {full} does not exist; create one with: rl cluster init --out {full}");
        if (OthersMayAccess(full) is { } mode)
            throw new InvalidOperationException(
                $"cluster credential {full} may be read or changed by other users (mode {Convert.ToString((int)mode, 8)}); run: chmod 600 {full}");
        return FromPem(File.ReadAllText(full), full);
    }

    /// <summary>
    /// The credential for a command: <paramref name="path"/> when given, else <see cref="EnvironmentVariable"/>'s PEM
    /// text, else <see cref="DefaultPath"/> when it exists.
    /// </summary>
    /// <exception cref="InvalidOperationException">When there is none, or it cannot be read (the message says how to make one).</exception>
    public static ClusterCredential Resolve(string? path)
    {
        if (path is not null) return Load(path);
        string? text = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(text)) return FromPem(text, "$" + EnvironmentVariable);
        if (File.Exists(DefaultPath)) return Load(DefaultPath);
        throw new InvalidOperationException(
            $"no cluster credential: silos of a cluster authenticate each other with one. Create it with 'rl cluster init' (writes {DefaultPath}), " +
            $"copy that file (mode 0600) to every machine of the cluster, and pass --credential FILE or put its text in ${EnvironmentVariable}");
    }

    /// <summary>The file's mode when users other than its owner may access it (Unix), else null.</summary>
    public static UnixFileMode? OthersMayAccess(string path)
    {
        if (OperatingSystem.IsWindows()) return null;
        var mode = File.GetUnixFileMode(path);
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
                                    UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        return (mode & others) != 0 ? mode : null;
    }

    /// <summary>Parses a credential's PEM text (a certificate and its private key).</summary>
    /// <exception cref="InvalidOperationException">If the text holds no certificate with a matching private key.</exception>
    public static ClusterCredential FromPem(string pem, string source)
    {
        ArgumentNullException.ThrowIfNull(pem);
        try
        {
            using var parsed = X509Certificate2.CreateFromPem(pem, pem);
            // A PKCS#12 round trip gives a key SslStream can use on every platform.
            var certificate = X509CertificateLoader.LoadPkcs12(parsed.Export(X509ContentType.Pkcs12), null);
            return new ClusterCredential(certificate, source);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"cluster credential {source} is not a certificate with its private key in PEM ({e.Message}); create one with 'rl cluster init'", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"cluster credential {source} is not a certificate with its private key in PEM ({e.Message}); create one with 'rl cluster init'", e);
        }
    }

    /// <summary>Whether <paramref name="certificate"/> is this credential's certificate (byte for byte).</summary>
    public bool Matches(X509Certificate? certificate) =>
        certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(Certificate.RawData);

    /// <summary>Releases the key.</summary>
    public void Dispose() => Certificate.Dispose();

    private static string NewPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=rl-cluster-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"), new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        return "# rl cluster credential: every silo of the cluster holds this file; keep it secret (mode 0600)\n" +
               certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n";
    }
}
