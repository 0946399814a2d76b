using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Rl.Agents.Training;
using Rl.Distributed;
using Rl.Experiments.Cli;
using Rl.Training.Experiments;
using Tomlyn.Model;

namespace Rl.Experiments.Training;

/// <summary>
/// The runner's side of whole runs on the cluster (seeds of <c>rl train --seeds</c>, trials of <c>rl sweep</c>): the orders
/// a learner sends (<see cref="NewRun"/>, <see cref="Continue"/>), and how an <c>rl worker</c> checks and trains them
/// (<see cref="WorkerHost"/>): each run is an <c>rl train</c> process of the worker's own build, with the worker's own
/// <c>--env-assembly</c> assemblies and <c>--allow-env</c> list, and never the assemblies a config names.
/// </summary>
public static class ClusterRuns
{
    /// <summary>
    /// The training build: the module version ids of the runner and the training library with the rollout build; learner and
    /// worker must have the same, or one seed would train differently on one machine than on another.
    /// </summary>
    public static string Build { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(string.Join("|",
        new[] { typeof(ClusterRuns), typeof(Rl.Training.Trainer) }.Select(t => t.Assembly.ManifestModule.ModuleVersionId.ToString("N"))
            .Append(RolloutProtocol.Build)))))[..12];

    /// <summary>The <c>--set</c> item that fixes a run's threads when the config leaves <c>run.threads</c> at 0 (one per run), else none.</summary>
    public static IReadOnlyList<string> ThreadOverride(ExperimentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Run.Threads > 0 ? [] : ["run.threads=1"];
    }

    /// <summary>The order of a new run of the resolved <paramref name="config"/> (its <c>run.threads</c> already fixed).</summary>
    public static RunOrder NewRun(string name, ExperimentConfig config, string directory, string? logFile, double explodeFactor = 0, string? lossKey = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new RunOrder
        {
            Name = name, ConfigText = config.ToToml(), Directory = Path.GetFullPath(directory), LogFile = logFile, Threads = Math.Max(1, config.Run.Threads),
            ExplodeFactor = explodeFactor, LossKey = lossKey,
        };
    }

    /// <summary>The order that continues the run in <paramref name="directory"/> with <c>run.*</c> <paramref name="overrides"/>.</summary>
    /// <exception cref="ConfigException">If the run's config.toml cannot be read.</exception>
    public static RunOrder Continue(string name, string directory, IReadOnlyList<string> overrides, string? logFile, double explodeFactor = 0, string? lossKey = null)
    {
        string file = Path.Combine(directory, TrainingSession.ConfigFile);
        string text = File.ReadAllText(file);
        var config = ExperimentConfig.Parse(text, file, oldKeys: OldKeyNotices.Summary, noticeTo: TextWriter.Null);
        return new RunOrder
        {
            Name = name, ConfigText = text, Directory = Path.GetFullPath(directory), Resume = true, Overrides = overrides, LogFile = logFile,
            Threads = Math.Max(1, config.Run.Threads), ExplodeFactor = explodeFactor, LossKey = lossKey,
        };
    }

    /// <summary>
    /// How an <c>rl worker</c> trains whole runs: it refuses configs whose environment or path-valued options
    /// <paramref name="permissions"/> do not allow (also the configs stored in an uploaded run's checkpoints), and trains each
    /// run as a child <c>rl train</c> process (<c>--no-config-assemblies</c>) with the worker's own <paramref name="allowEnv"/>
    /// and <c>--env-assembly</c> paths, in <paramref name="workDirectory"/>.
    /// </summary>
    public static RunHostOptions WorkerHost(WorkerPermissions permissions, IReadOnlyList<string> allowEnv, IReadOnlyList<string> envAssemblies, string workDirectory,
        long maxUploadBytes = 2L << 30)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        return new RunHostOptions
        {
            WorkDirectory = Path.GetFullPath(workDirectory),
            Build = Build,
            MaxUploadBytes = maxUploadBytes,
            Check = launch => Check(launch, permissions),
            Train = (launch, stop, kill) => TrainAsync(launch, allowEnv, envAssemblies, stop, kill),
        };
    }

    private static string? Check(RunLaunch launch, WorkerPermissions permissions)
    {
        var texts = new List<(string Text, string Source)> { (launch.Spec.ConfigText, $"the learner's config of {launch.Spec.Name}") };
        if (launch.Spec.Resume && Directory.Exists(launch.RunDirectory))
        {
            // A continued run trains with the config stored in its checkpoint: each must pass as well.
            string stored = Path.Combine(launch.RunDirectory, TrainingSession.ConfigFile);
            if (File.Exists(stored)) texts.Add((File.ReadAllText(stored), $"{launch.Spec.Name}'s config.toml"));
            foreach (var file in Rl.Training.CheckpointStore.Files(Path.Combine(launch.RunDirectory, Rl.Training.RunFiles.Checkpoints)))
            {
                try
                {
                    var cp = Checkpoint.Read(file);
                    texts.Add((Encoding.UTF8.GetString(cp.GetBytes(TrainingSession.RunnerPrefix + "config.toml")), $"{launch.Spec.Name}'s checkpoint {Path.GetFileName(file)}"));
                }
                catch (CheckpointException)
                {
                    // An unreadable checkpoint is never trained from (the run resumes from an older one).
                }
            }
        }
        foreach (var (text, source) in texts)
        {
            ExperimentConfig config;
            try
            {
                config = ExperimentConfig.Parse(text, source, oldKeys: OldKeyNotices.Summary, noticeTo: TextWriter.Null);
            }
            catch (ConfigException e)
            {
                return e.Message.Replace("\n", " ");
            }
            if (permissions.Refusal(config.Env, config.EnvKwargs) is { } refusal) return refusal;
            foreach (var (key, value) in Strings(TomlText.Parse(config.ToToml(withVersions: false), source), ""))
                if (key is not ("env" or "algo") && !key.StartsWith("env_kwargs.", StringComparison.Ordinal) && permissions.PathRefusal(key, value) is { } path)
                    return path;
        }
        return null;
    }

    /// <summary>Every string value of a document with its dotted key.</summary>
    private static IEnumerable<(string Key, string Value)> Strings(TomlTable table, string prefix)
    {
        foreach (var (key, value) in table)
        {
            if (value is string s) yield return (prefix + key, s);
            else if (value is TomlTable sub)
                foreach (var x in Strings(sub, prefix + key + ".")) yield return x;
        }
    }

    private static Task<int> TrainAsync(RunLaunch launch, IReadOnlyList<string> allowEnv, IReadOnlyList<string> envAssemblies, CancellationToken stop, CancellationToken kill)
    {
        var spec = launch.Spec;
        var args = new List<string> { "train" };
        if (spec.Resume)
        {
            args.AddRange(["--resume", launch.RunDirectory]);
            foreach (var o in spec.Overrides) args.AddRange(["--set", o]);
        }
        else
        {
            string job = Path.Combine(Path.GetDirectoryName(launch.RunDirectory)!, "job.toml");
            File.WriteAllText(job, spec.ConfigText);
            args.AddRange([job, "--out", launch.RunDirectory]);
        }
        args.AddRange(["--plain", "--no-config-assemblies"]);
        if (spec.ExplodeFactor > 0) args.AddRange(["--explode-factor", spec.ExplodeFactor.ToString("R", CultureInfo.InvariantCulture)]);
        if (spec.LossKey is { } key) args.AddRange(["--loss-key", key]);
        foreach (var a in allowEnv) args.AddRange(["--allow-env", a]);
        foreach (var path in envAssemblies) args.AddRange(["--env-assembly", path]);
        return SeedGroup.RunProcessAsync(SeedGroupTraining.StartInfo(args), launch.LogFile, SeedGroupTraining.Terminate, stop, kill);
    }
}
