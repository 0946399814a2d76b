using Rl.Distributed;
using Rl.Experiments.Cli;

namespace Rl.Experiments.Commands;

/// <summary><c>rl cluster init</c>: creates the credential the silos of a cluster authenticate each other with.</summary>
public static class ClusterCommand
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        rl cluster init [--out FILE] [--force]
          Create a cluster credential: a fresh key and self-signed certificate in one PEM file, mode 0600 (default
          ~/.config/rl/cluster-credential.pem). Silos (rl worker, rl train --cluster) talk mutual TLS and accept only peers
          that hold the same file. Copy it to every machine of the cluster over a channel you trust (scp), keep it 0600 there,
          and pass --credential FILE or put its text in $RL_CLUSTER_CREDENTIAL. The secret never goes on the command line.
          --out FILE      where to write it
          --force         replace an existing file (silos holding the old one can no longer join)
        """;

    /// <summary>Runs the command.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        var a = new ArgReader(args, "rl cluster");
        string? outPath = a.Option("--out");
        bool force = a.Flag("--force");
        string verb = a.RequirePositional("a subcommand (init)");
        a.EnsureAllConsumed();
        if (verb != "init") throw new UsageException($"rl cluster: unknown subcommand '{verb}' (expected: init)");
        string path = outPath ?? ClusterCredential.DefaultPath;
        ClusterCredential credential;
        try
        {
            credential = ClusterCredential.Create(path, force);
        }
        catch (IOException e)
        {
            throw new UsageException("rl cluster init: " + e.Message);
        }
        using (credential)
            Console.Out.WriteLine($"wrote the cluster credential {credential.Source} (mode 0600, fingerprint {credential.Fingerprint}); " +
                                  "copy it to every machine of the cluster and keep it secret");
        return 0;
    }
}
