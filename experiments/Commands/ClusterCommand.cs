using System.CommandLine;
using Rl.Distributed;
using Rl.Experiments.Cli;

namespace Rl.Experiments.Commands;

/// <summary><c>rl cluster init</c>: creates the credential the silos of a cluster authenticate each other with.</summary>
public static class ClusterCommand
{
    /// <summary>The command (<c>rl cluster init</c>): its options, help and action.</summary>
    public static Command Create()
    {
        var outPath = Opt.Text("--out", "FILE", $"where to write it (default {ClusterCredential.DefaultPath})");
        var force = Opt.Flag("--force", "replace an existing file (silos holding the old one can no longer join)");
        var init = new Command("init", "Create a cluster credential: a fresh key and self-signed certificate in one PEM file, mode 0600") { outPath, force };
        init.Notes("""
            Silos (rl worker, rl train --cluster) talk mutual TLS and accept only peers that hold the same file. Copy it to every
            machine of the cluster over a channel you trust (scp), keep it 0600 there, and pass --credential FILE or put its text
            in $RL_CLUSTER_CREDENTIAL. The secret never goes on the command line.
            """);
        init.Runs(r => Init(r.GetValue(outPath), r.GetValue(force)));
        return new Command("cluster", "Cluster set-up: rl cluster init creates the credential the silos authenticate each other with") { init };
    }

    /// <summary>Writes a new credential to <paramref name="outPath"/> (or the default file).</summary>
    public static int Init(string? outPath, bool force)
    {
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
