using System.Net;
using System.Runtime.InteropServices;
using Rl.Distributed;
using Rl.Experiments.Cli;
using Rl.Experiments.Training;

namespace Rl.Experiments.Commands;

/// <summary><c>rl worker</c>: a silo that runs the rollouts of distributed gradient-free training (<c>rl train ... --cluster</c>).</summary>
public static class WorkerCommand
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        rl worker [--cluster localhost[:PORT] | redis=HOST:PORT] [--threads N] [--port P] [--advertise IP] [--verbose]
          Run rollouts for distributed es/ars/cem training (rl train ... --cluster) until Ctrl-C.
          --cluster M     localhost (default; the learner on this machine is the primary silo at 127.0.0.1:11111),
                          localhost:PORT (another primary port), or redis=HOST:PORT (Redis membership, several machines)
          --threads N     rollout threads (default: the number of cores)
          --port P        this silo's port (default: a free one)
          --advertise IP  the address other machines reach this one at (Redis; default: the first IPv4 address)
          --verbose       a line per chunk of rollouts
          The worker builds each job's environment from the learner's config and refuses a learner of another rl build.
          With localhost membership it waits for the learner, and serves the next one when a learner ends.
        """;

    /// <summary>Runs the command.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        var a = new ArgReader(args, "rl worker");
        string clusterText = a.Option("--cluster") ?? "localhost";
        int threads = a.Int("--threads", 1, 1024) ?? Environment.ProcessorCount;
        int port = a.Int("--port", 1, 65535) ?? 0;
        string? advertiseText = a.Option("--advertise");
        bool verbose = a.Flag("--verbose");
        a.EnsureAllConsumed();
        ClusterMembership membership;
        try
        {
            membership = ClusterMembership.Parse(clusterText);
        }
        catch (FormatException e)
        {
            throw new UsageException("rl worker: " + e.Message);
        }
        IPAddress? advertise = null;
        if (advertiseText is not null && !IPAddress.TryParse(advertiseText, out advertise))
            throw new UsageException($"rl worker: --advertise {advertiseText} is not an IP address");

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
        var options = new WorkerHostOptions(threads, ClusterRollouts.Resolve, Log, verbose ? Log : null);
        Log($"rl worker: build {RolloutProtocol.Build} (protocol {RolloutProtocol.Version}), {threads} thread{(threads == 1 ? "" : "s")}, cluster {membership}");
        ServeAsync(membership, options, port, advertise, stop.Token).GetAwaiter().GetResult();
        Log("rl worker: stopped");
        return 0;
    }

    private static void Log(string line)
    {
        Console.Out.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
        Console.Out.Flush();
    }

    /// <summary>Joins the cluster and serves until stopped; with localhost membership, rejoins when the learner comes back.</summary>
    private static async Task ServeAsync(ClusterMembership membership, WorkerHostOptions options, int port, IPAddress? advertise, CancellationToken stop)
    {
        bool waitingShown = false;
        while (!stop.IsCancellationRequested)
        {
            if (!membership.PrimaryReachable())
            {
                if (!waitingShown) Log($"waiting for the learner (primary silo at 127.0.0.1:{membership.PrimaryPort})");
                waitingShown = true;
                await Delay(1000, stop);
                continue;
            }
            RolloutSilo silo;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(TimeSpan.FromSeconds(60));
                silo = await RolloutSilo.StartWorkerAsync(membership, options, port, advertise, timeout.Token);
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
                unreachable = membership.PrimaryReachable() ? 0 : unreachable + 1;
            }
            if (!stop.IsCancellationRequested) Log("the learner's silo is gone; leaving the cluster and waiting for the next learner");
            await silo.DisposeAsync();
        }
    }

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
