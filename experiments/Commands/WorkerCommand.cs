using System.CommandLine;
using System.Net;
using System.Runtime.InteropServices;
using Rl.Distributed;
using Rl.Experiments.Cli;
using Rl.Experiments.Training;

namespace Rl.Experiments.Commands;

/// <summary>
/// <c>rl worker</c>: a silo that runs the rollouts of distributed gradient-free training (<c>rl train ... --cluster</c>) and
/// trains whole runs for seed groups and sweeps on the cluster (<c>rl train --seeds ... --cluster</c>, <c>rl sweep ... --cluster</c>).
/// </summary>
public static class WorkerCommand
{
    /// <summary>The command: its options, help and action.</summary>
    public static Command Create()
    {
        var cluster = ClusterArguments.CreateOptions("localhost (default; the learner on this machine is the primary silo at 127.0.0.1:11111), " +
            "localhost:PORT (another primary port), or redis=HOST:PORT (Redis membership, several machines)");
        var threads = Opt.Int("--threads", "rollout threads (default: the number of cores)", 1, 1024);
        var port = Opt.IntOr("--port", 0, "this silo's port (0: a free one)", 0, 65535, "P");
        var allowEnv = Opt.Many("--allow-env", "ID|MODULE|MODULE:CLASS", "also run these Python environments (gym:X): a Gymnasium id, a module " +
            "(all its classes) or one module:Class. Without it the worker runs the toolkit's native environments only");
        var allowDir = Opt.Many("--allow-dir", "DIR", "environment options that are paths (model files, the python interpreter) may point inside DIR");
        var verbose = Opt.Flag("--verbose", "a line per chunk of rollouts");
        var workDir = Opt.Text("--work-dir", "DIR", "where the whole runs it trains live until the learner has their files (default: a folder in the temporary directory, removed whenever no run is in it)");
        var maxRunMb = Opt.IntOr("--max-run-mb", 2048, "the largest run directory (MB) a learner may upload to continue a run here", 1, 1 << 20);
        var command = new Command("worker", "Run rollouts for distributed es/ars/cem training (rl train ... --cluster) and train whole runs of seed groups and sweeps " +
            "(rl train --seeds ... --cluster, rl sweep ... --cluster) until Ctrl-C")
        {
            threads, port, allowEnv, allowDir, verbose, workDir, maxRunMb, UserEnvironments.CreateOption(),
        };
        cluster.AddTo(command);
        command.Notes("""
            Silos of a cluster authenticate each other with its credential (mutual TLS); a silo without it is refused, and the
            refusal is logged on both sides. The worker builds each job's environment from the learner's config, refuses
            environments it was not allowed, and refuses a learner of another rl build. With localhost membership it waits for
            the learner, and serves the next one when a learner ends. A worker loads only the assemblies of its own
            --env-assembly options, never a path a learner sends.
            Whole runs (seeds, sweep trials) train as rl train processes of this worker's own build, with its --env-assembly and
            --allow-env options, as many at once as --threads allows (a run takes its run.threads, 1 when the config leaves it at 0);
            a run whose learner stops polling it for 2 minutes is stopped and deleted.
            """);
        return command.Runs(r => Run(ClusterArguments.Read(r, cluster, "rl worker", defaultCluster: "localhost")!,
            r.GetValue(threads) ?? Environment.ProcessorCount, r.GetValue(port), r.GetValue(allowEnv)!, r.GetValue(allowDir)!, r.GetValue(verbose),
            r.GetValue(workDir), r.GetValue(maxRunMb)));
    }

    /// <summary>Serves rollouts and whole runs until Ctrl-C or SIGTERM.</summary>
    /// <param name="cluster">The cluster options.</param>
    /// <param name="threads">Rollout threads, and the threads whole runs share.</param>
    /// <param name="port">The silo port (0: a free one).</param>
    /// <param name="allowEnv">Python environments allowed (<c>--allow-env</c>).</param>
    /// <param name="allowDir">Directories path-valued options may point into (<c>--allow-dir</c>).</param>
    /// <param name="verbose">A line per chunk of rollouts.</param>
    /// <param name="workDir">Where whole runs live (null: a temporary folder).</param>
    /// <param name="maxRunMb">The largest upload of a continued run, in MB.</param>
    public static int Run(ClusterArguments cluster, int threads, int port, IReadOnlyList<string> allowEnv, IReadOnlyList<string> allowDir, bool verbose,
        string? workDir = null, int maxRunMb = 2048)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        foreach (var dir in allowDir)
            if (!Directory.Exists(dir)) throw new UsageException($"rl worker: --allow-dir {dir}: no such directory");
        var membership = cluster.Membership;
        using var credential = cluster.Credential("rl worker");
        var permissions = new WorkerPermissions { Environments = allowEnv, Directories = [.. allowDir.Select(Path.GetFullPath)] };

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            stop.Cancel();
        });
        string work = Path.GetFullPath(workDir ?? Path.Combine(Path.GetTempPath(), $"rl-worker-{Environment.ProcessId}"));
        var options = new WorkerHostOptions(threads, ClusterRollouts.Resolver(permissions), Log, verbose ? Log : null)
        {
            Runs = ClusterRuns.WorkerHost(permissions, allowEnv, UserEnvironments.CommandLinePaths, work, maxRunMb * (1L << 20)),
        };
        Log($"rl worker: build {RolloutProtocol.Build} (protocol {RolloutProtocol.Version}), {threads} thread{(threads == 1 ? "" : "s")}, cluster {membership}, " +
            $"credential {credential.Fingerprint} ({credential.Source}); Python environments allowed: {(allowEnv.Count == 0 ? "none" : string.Join(", ", allowEnv))}; " +
            $"whole runs in {work}");
        ServeAsync(membership, credential, options, port, cluster.Advertise, stop.Token).GetAwaiter().GetResult();
        Log("rl worker: stopped");
        return 0;
    }

    private static void Log(string line)
    {
        Console.Out.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
        Console.Out.Flush();
    }

    /// <summary>Joins the cluster and serves until stopped; with localhost membership, rejoins when the learner comes back.</summary>
    private static async Task ServeAsync(ClusterMembership membership, ClusterCredential credential, WorkerHostOptions options, int port, IPAddress? advertise,
        CancellationToken stop)
    {
        bool waitingShown = false, strangerShown = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await membership.EnsureUsableAsync(learner: false, stop);
            }
            catch (InvalidOperationException e)
            {
                Log(e.Message + "; retrying");
                await Delay(5000, stop);
                continue;
            }
            var primary = await PrimaryAsync(membership, credential);
            if (primary != PeerState.Member)
            {
                if (primary == PeerState.Stranger && !strangerShown)
                    Log($"could not authenticate the silo at 127.0.0.1:{membership.PrimaryPort}: it holds another cluster credential (or refused this one); not joining it");
                else if (primary == PeerState.Unreachable && !waitingShown)
                    Log($"waiting for the learner (primary silo at 127.0.0.1:{membership.PrimaryPort})");
                (waitingShown, strangerShown) = (primary == PeerState.Unreachable || waitingShown, primary == PeerState.Stranger);
                // A primary of another cluster logs each attempt as refused: ask it seldom.
                await Delay(primary == PeerState.Stranger ? 10000 : 1000, stop);
                continue;
            }
            RolloutSilo silo;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(TimeSpan.FromSeconds(60));
                silo = await RolloutSilo.StartWorkerAsync(membership, credential, options, port, advertise, timeout.Token);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                if (stop.IsCancellationRequested) break;
                Log($"could not join the cluster ({Program.Describe(e).Split('\n')[0]}); retrying");
                await Delay(2000, stop);
                continue;
            }
            waitingShown = false;
            Log($"joined the cluster as silo {silo.Address}");
            int unreachable = 0;
            while (!stop.IsCancellationRequested && unreachable < 3)
            {
                await Delay(1000, stop);
                unreachable = await PrimaryAsync(membership, credential) == PeerState.Member ? 0 : unreachable + 1;
            }
            if (!stop.IsCancellationRequested) Log("the learner's silo is gone; leaving the cluster and waiting for the next learner");
            await silo.DisposeAsync();
        }
    }

    /// <summary>Who answers at the primary silo's port (localhost membership; with Redis there is no primary: a member).</summary>
    private static Task<PeerState> PrimaryAsync(ClusterMembership membership, ClusterCredential credential) =>
        membership.Kind != MembershipKind.Localhost
            ? Task.FromResult(PeerState.Member)
            : ClusterSecurity.ProbeAsync(new IPEndPoint(IPAddress.Loopback, membership.PrimaryPort), credential, TimeSpan.FromSeconds(5));

    private static async Task Delay(int ms, CancellationToken stop)
    {
        try
        {
            await Task.Delay(ms, stop);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
