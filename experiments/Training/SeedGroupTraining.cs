using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Rl.Experiments.Cli;
using Rl.Experiments.Commands;
using Rl.Training.Experiments;

namespace Rl.Experiments.Training;

/// <summary>What <c>rl train ... --seeds LIST</c> was asked to do.</summary>
public sealed record SeedGroupOptions
{
    /// <summary>A config file or shipped config name, or the algorithm id when <see cref="Env"/> is given.</summary>
    public string? Config { get; init; }

    /// <summary>The environment id of the <c>&lt;algo&gt; &lt;env-id&gt;</c> form.</summary>
    public string? Env { get; init; }

    /// <summary>The <c>--set key=value</c> overrides, applied to every seed.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>The <c>--device</c> override.</summary>
    public string? Device { get; init; }

    /// <summary>Python environments a config file may name (<c>--allow-env</c>).</summary>
    public IReadOnlyList<string> AllowEnv { get; init; } = [];

    /// <summary>The seeds (<c>--seeds</c>).</summary>
    public IReadOnlyList<long> Seeds { get; init; } = [];

    /// <summary>Seeds trained at once (<c>--jobs</c>); null: one per core, at most the number of seeds.</summary>
    public int? Jobs { get; init; }

    /// <summary>The group directory (<c>--out</c>); null: runs/&lt;algo&gt;-&lt;env&gt;-&lt;time&gt;-seeds.</summary>
    public string? OutDir { get; init; }

    /// <summary>A group directory to continue (<c>--resume GROUP</c>): finished seeds are kept, stopped ones resumed, missing ones started.</summary>
    public string? Resume { get; init; }
}

/// <summary>
/// <c>rl train --seeds</c>: trains one config with several seeds, each seed in its own <c>rl train</c> process (so its
/// result is the one a run with <c>--seed N</c> alone gives: libtorch's generator and thread pool are per process) with a
/// fixed thread count, at most <c>--jobs</c> at a time, into <c>GROUP/seed-N</c>; then writes and prints the group's summary
/// (<see cref="SeedGroup.WriteSummary"/>).
/// </summary>
public static class SeedGroupTraining
{
    /// <summary>The group's record of how it was started (read by <c>--resume GROUP</c>).</summary>
    public const string GroupFile = "group.json";

    /// <summary>Whether <paramref name="directory"/> is a seed group started by <c>rl train --seeds</c>.</summary>
    public static bool IsGroup(string directory) => File.Exists(Path.Combine(directory, GroupFile));

    /// <summary>Trains the group and prints its summary; returns the exit code (0 all seeds ended normally, 130 one was interrupted, 1 one failed).</summary>
    /// <exception cref="ConfigException">If the config is invalid (checked once, before any seed starts).</exception>
    /// <exception cref="UsageException">If the group directory already holds a group (without --resume) or is not one (with it).</exception>
    /// <param name="o">The options.</param>
    /// <param name="output">Where progress and the summary go; null: standard output.</param>
    /// <param name="cluster">
    /// Trains every seed whole on the cluster's workers (<c>--cluster</c>; this process is the learner silo), as many at once
    /// as their threads take (or <c>--jobs</c>), each run directory brought back here. Null: child processes here, <c>--jobs</c> at a time.
    /// </param>
    public static int Run(SeedGroupOptions o, TextWriter? output = null, Rl.Distributed.DistributedRuns? cluster = null)
    {
        ArgumentNullException.ThrowIfNull(o);
        var w = output ?? Console.Out;
        if (o.Resume is not null) o = ForResume(o);
        if (o.Config is null) throw new UsageException("rl train: missing <config.toml> or <algo> <env-id>");
        if (o.Seeds.Count == 0) throw new UsageException("rl train: --seeds needs at least one seed (e.g. 0-4 or 0,3,7)");
        // The config is checked here once, so a mistake is one message rather than one failed process per seed.
        var (text, source) = TrainCommand.LoadConfigText(o.Config, o.Env, quiet: true);
        var config = ExperimentConfig.Parse(text, source, o.Overrides, o.Seeds[0], o.Device);
        if (o.Env is null && File.Exists(o.Config) && !o.Overrides.Any(x => x.StartsWith("env=", StringComparison.Ordinal)))
            PythonEnvGuard.Check(config, o.Config, o.AllowEnv);
        config.CheckEnvironment();
        int jobs = o.Jobs ?? (cluster is not null ? o.Seeds.Count : SeedGroup.DefaultJobs(o.Seeds.Count));
        // Each seed's threads are fixed (results do not depend on them), so the seeds share the cores instead of each taking all;
        // on the cluster one thread each, so a worker trains as many seeds at once as it has threads.
        int threads = config.Run.Threads > 0 ? config.Run.Threads : cluster is not null ? 1 : Math.Max(1, Environment.ProcessorCount / jobs);
        var overrides = config.Run.Threads > 0 ? o.Overrides : [.. o.Overrides, $"run.threads={threads.ToString(CultureInfo.InvariantCulture)}"];
        string group = Path.GetFullPath(o.OutDir ?? TrainCommand.DefaultRunDirectory(config) + "-seeds");
        if (o.Resume is null)
        {
            if (File.Exists(group)) throw new UsageException($"rl train: --out '{o.OutDir}' is an existing file, not a directory");
            if (IsGroup(group) || o.Seeds.Any(s => Directory.Exists(SeedGroup.SeedDirectory(group, s))))
                throw new UsageException($"rl train: '{group}' already holds a seed group; continue it with rl train --resume {group}, or choose another --out");
            Directory.CreateDirectory(group);
            WriteGroupFile(group, o);
        }
        w.WriteLine($"seed group: {config.Algo} on {config.Env}, seeds {SeedList.Format(o.Seeds)} ({o.Seeds.Count}), " +
                    (cluster is null ? $"{jobs} at a time" : $"on the cluster's workers ({cluster.Membership}), up to {jobs} at a time") +
                    $", {threads} thread(s) each; group directory {group}");
        w.WriteLine($"each seed: {group}/seed-N (a full run directory), console output in {group}/{SeedGroup.LogFolder}/seed-N.log");

        IReadOnlyList<SeedOutcome> outcomes;
        bool interrupted;
        using (var interrupts = new Interrupts("the running seeds write a checkpoint and stop; no further seed starts"))
        {
            var kept = new System.Collections.Concurrent.ConcurrentDictionary<long, bool>();
            outcomes = SeedGroup.RunAsync(group, o.Seeds, jobs, (job, cancel) => TrainSeed(job, o, overrides, group, w, cluster, kept, cancel), outcome =>
            {
                if (kept.ContainsKey(outcome.Seed)) return;
                string what = outcome.ExitCode switch { 0 => "done", 130 => "interrupted", _ => $"failed (exit code {outcome.ExitCode}, see its log)" };
                string eval = RunHistory.IsRunDirectory(outcome.Directory) && RunHistory.Load(outcome.Directory) is { FinalEvaluation: double f } run
                    ? $", {run.Status}, final evaluation {f.ToString("0.##", CultureInfo.InvariantCulture)}"
                    : "";
                w.WriteLine($"seed {outcome.Seed}: {what} in {outcome.Seconds:0.0} s{eval}");
            }, interrupts.Token).GetAwaiter().GetResult();
            interrupted = interrupts.Token.IsCancellationRequested;
        }
        if (cluster is not null) w.WriteLine(cluster.StatusLine());
        bool anyRun = o.Seeds.Any(s => RunHistory.IsRunDirectory(SeedGroup.SeedDirectory(group, s)));
        if (anyRun)
        {
            var summary = SeedGroup.WriteSummary(group, Path.GetFileName(group));
            w.WriteLine();
            w.Write(summary.ToText());
            w.WriteLine($"summary: {Path.Combine(group, SeedGroup.SummaryJson)}, {Path.Combine(group, SeedGroup.SummaryMarkdown)}, {Path.Combine(group, SeedGroup.PlotFile)}");
        }
        var skipped = o.Seeds.Where(s => outcomes.All(x => x.Seed != s)).ToList();
        if (outcomes.Any(x => x.ExitCode == 130) || skipped.Count > 0 || interrupted)
        {
            w.WriteLine($"continue with: rl train --resume {group}");
            return 130;
        }
        if (outcomes.FirstOrDefault(x => x.ExitCode != 0) is { } failed)
        {
            Console.Error.WriteLine($"rl train: seed {failed.Seed} failed (exit code {failed.ExitCode}); its output: {Path.Combine(group, SeedGroup.LogFolder, $"seed-{failed.Seed}.log")}");
            return 1;
        }
        return 0;
    }

    private static async Task<int> TrainSeed(SeedJob job, SeedGroupOptions o, IReadOnlyList<string> overrides, string group, TextWriter w,
        Rl.Distributed.DistributedRuns? cluster, System.Collections.Concurrent.ConcurrentDictionary<long, bool> kept, CancellationToken cancel)
    {
        var args = new List<string> { "train" };
        string? status = RunHistory.IsRunDirectory(job.Directory) && File.Exists(Path.Combine(job.Directory, TrainingSession.ResultFile))
            ? RunHistory.Load(job.Directory).Status
            : null;
        if (o.Resume is not null && status is not null && status != "interrupted")
        {
            kept[job.Seed] = true;
            lock (w) w.WriteLine($"seed {job.Seed}: already finished ({status}), kept");
            return 0;
        }
        bool resume = o.Resume is not null && File.Exists(Path.Combine(job.Directory, TrainingSession.ConfigFile));
        string log = Path.Combine(group, SeedGroup.LogFolder, $"seed-{job.Seed.ToString(CultureInfo.InvariantCulture)}.log");
        if (cluster is not null && await TrainSeedOnCluster(job, o, overrides, w, cluster, resume, log, cancel).ConfigureAwait(false) is int code)
            return code;
        if (resume)
        {
            args.AddRange(["--resume", job.Directory]);
            args.AddRange(overrides.Where(x => x.TrimStart().StartsWith("run.", StringComparison.Ordinal) && !x.TrimStart().StartsWith("run.threads=", StringComparison.Ordinal))
                .SelectMany(x => new[] { "--set", x }));
        }
        else
        {
            args.Add(o.Config!);
            if (o.Env is not null) args.Add(o.Env);
            foreach (var x in overrides) args.AddRange(["--set", x]);
            if (o.Device is not null) args.AddRange(["--device", o.Device]);
            foreach (var x in o.AllowEnv) args.AddRange(["--allow-env", x]);
            args.AddRange(["--seed", job.Seed.ToString(CultureInfo.InvariantCulture), "--out", job.Directory]);
        }
        args.Add("--plain");
        foreach (var path in UserEnvironments.CommandLinePaths) args.AddRange(["--env-assembly", path]);
        lock (w) w.WriteLine($"seed {job.Seed}: {(args[1] == "--resume" ? "resuming" : "started")}");
        return await SeedGroup.RunProcessAsync(StartInfo(args), log, Terminate, cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// One seed on the cluster: a new run of the config with the seed, or the continuation of the seed's stopped run (its
    /// directory uploaded); the worker's console output is appended to the seed's log. A failure to place or bring back the
    /// run (every worker refused it, too large) fails the seed with its message; with no worker left for the wait, null: the
    /// seed trains here.
    /// </summary>
    private static async Task<int?> TrainSeedOnCluster(SeedJob job, SeedGroupOptions o, IReadOnlyList<string> overrides, TextWriter w,
        Rl.Distributed.DistributedRuns cluster, bool resume, string log, CancellationToken cancel)
    {
        string name = $"seed {job.Seed.ToString(CultureInfo.InvariantCulture)}";
        try
        {
            Rl.Distributed.RunOrder order;
            if (resume)
            {
                order = ClusterRuns.Continue(name, job.Directory, [.. overrides.Where(x => x.TrimStart().StartsWith("run.", StringComparison.Ordinal) &&
                                                                                        !x.TrimStart().StartsWith("run.threads=", StringComparison.Ordinal))], log);
            }
            else
            {
                var (text, source) = TrainCommand.LoadConfigText(o.Config!, o.Env, quiet: true);
                var config = ExperimentConfig.Parse(text, source, overrides, job.Seed, o.Device, noticeTo: TextWriter.Null);
                order = ClusterRuns.NewRun(name, config, job.Directory, log);
            }
            lock (w) w.WriteLine($"{name}: {(resume ? "resuming" : "started")} on the cluster");
            var outcome = await cluster.RunAsync(order, cancel).ConfigureAwait(false);
            if (outcome.Worker.Length > 0)
                lock (w) w.WriteLine($"{name}: trained on worker {outcome.Worker}" + (outcome.Attempts > 1 ? $" (attempt {outcome.Attempts}: a worker was lost under it)" : "") +
                                     (outcome.Error is { } error ? $": {error}" : ""));
            return outcome.ExitCode;
        }
        catch (Rl.Distributed.NoWorkerException e)
        {
            lock (w) w.WriteLine($"{name}: {e.Message}; training it on this machine instead");
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ConfigException or IOException)
        {
            lock (w) Console.Error.WriteLine($"rl train: {name}: {e.Message}");
            return 1;
        }
    }

    /// <summary>How to start this runner again with <paramref name="args"/> (<c>dotnet rl.dll ...</c>, or the app host).</summary>
    public static ProcessStartInfo StartInfo(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string assembly = typeof(Program).Assembly.Location;
        string? self = Environment.ProcessPath;
        string host = self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? self
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var info = new ProcessStartInfo(host) { UseShellExecute = false };
        info.ArgumentList.Add(assembly);
        foreach (var a in args) info.ArgumentList.Add(a);
        return info;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    // SIGTERM: the child trainer finishes its iteration, writes a checkpoint and exits with 130.
    internal static void Terminate(Process p)
    {
        if (OperatingSystem.IsWindows() || SysKill(p.Id, 15) != 0) p.Kill(entireProcessTree: true);
    }

    private static void WriteGroupFile(string group, SeedGroupOptions o)
    {
        var json = new Dictionary<string, object?>
        {
            ["config"] = o.Config is not null && File.Exists(o.Config) ? Path.GetFullPath(o.Config) : o.Config,
            ["env"] = o.Env,
            ["overrides"] = o.Overrides,
            ["device"] = o.Device,
            ["allow_env"] = o.AllowEnv,
            ["seeds"] = o.Seeds,
        };
        File.WriteAllText(Path.Combine(group, GroupFile), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static SeedGroupOptions ForResume(SeedGroupOptions o)
    {
        string group = o.Resume!;
        if (!IsGroup(group))
            throw new UsageException($"rl train: '{group}' is not a seed group (no {GroupFile}); resume a single run with rl train --resume RUN_DIR");
        if (o.Config is not null || o.Seeds.Count > 0 || o.OutDir is not null)
            throw new UsageException("rl train: --resume GROUP continues a seed group as it was started; give no config, --seeds or --out with it");
        if (o.Overrides.FirstOrDefault(x => !x.TrimStart().StartsWith("run.", StringComparison.Ordinal)) is { } bad)
            throw new UsageException($"rl train: --set {bad}: a resumed group keeps its algorithm, environment and seeds; only run.* settings can change");
        string path = Path.Combine(group, GroupFile);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var r = doc.RootElement;
            static List<string> Strings(JsonElement e, string name) =>
                e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
            return o with
            {
                Config = r.GetProperty("config").GetString(),
                Env = r.TryGetProperty("env", out var env) && env.ValueKind == JsonValueKind.String ? env.GetString() : null,
                Overrides = [.. Strings(r, "overrides"), .. o.Overrides],
                Device = o.Device ?? (r.TryGetProperty("device", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null),
                AllowEnv = [.. Strings(r, "allow_env"), .. o.AllowEnv],
                Seeds = r.GetProperty("seeds").EnumerateArray().Select(x => x.GetInt64()).ToList(),
                OutDir = group,
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ConfigException($"{path} is damaged ({e.Message}); start a new group with rl train ... --seeds LIST --out NEW_DIR", e);
        }
    }
}
