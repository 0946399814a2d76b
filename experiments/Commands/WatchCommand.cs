using Rl.Core;
using Rl.Environments;
using Rl.Experiments.Cli;
using Rl.Rendering;
using Rl.Rendering.Native;
using Rl.Rendering.Video;
using Rl.Rendering.Watch;

namespace Rl.Experiments.Commands;

/// <summary>
/// <c>rl watch &lt;env-id&gt; [--policy CHECKPOINT|RUN_DIR|random] [--fps N] [--episodes N] [--seed N] [--record-video DIR]
/// [--set key=value]... [--no-hud]</c>: plays live rollouts in a window with a HUD and keys (pause, single step, speed,
/// restart, quit). Given a run directory, it follows the training run: before each episode it loads the newest checkpoint
/// that has appeared.
/// </summary>
public static class WatchCommand
{
    /// <summary>The usage line.</summary>
    public const string Usage =
        "rl watch <env-id> [--policy CHECKPOINT|RUN_DIR|random] [--fps N] [--episodes N] [--seed N] [--record-video DIR] [--set key=value]... [--no-hud]";

    /// <summary>
    /// Builds a policy from a checkpoint file for an environment. Connected by the runner, which knows how a run stores
    /// its algorithm id and config next to its checkpoints; null until then, and <c>--policy</c> with a checkpoint then
    /// fails with a message saying so.
    /// </summary>
    public static Func<string, IEnv, IWatchPolicy>? LoadCheckpointPolicy { get; set; }

    /// <summary>The file pattern of checkpoints inside a run directory (searched recursively). Default <c>*.ckpt</c>.</summary>
    public static string CheckpointSearchPattern { get; set; } = "*.ckpt";

    /// <summary>Runs the command; returns the exit code (1 when no window can be opened, with what to install or set).</summary>
    /// <exception cref="UsageException">For bad arguments.</exception>
    public static int Run(IReadOnlyList<string> args)
    {
        var reader = new ArgReader(args, "watch");
        string envId = reader.RequirePositional("environment id (e.g. CartPole-v1)");
        string policyArg = reader.Option("--policy") ?? "random";
        double? fps = reader.Double("--fps");
        int? episodes = reader.Int("--episodes", 1);
        int? seed = reader.Int("--seed");
        string? videoDir = reader.Option("--record-video");
        var sets = reader.Multi("--set");
        bool noHud = reader.Flag("--no-hud");
        reader.EnsureAllConsumed();
        if (fps is < 0) throw new UsageException($"watch: --fps = {fps} must be 0 (as fast as possible) or positive");

        var registry = Envs.Registry; // registers the built-in environments
        RenderingEnvs.EnsureRegistered(registry);
        IEnv env;
        try
        {
            env = registry.Make(envId, new MakeOptions { Kwargs = OptionSet.Parse(sets) });
        }
        catch (Exception e) when (e is KeyNotFoundException or ArgumentException)
        {
            throw new UsageException($"watch: {e.Message}");
        }
        try
        {
            if (videoDir is not null)
                env = EnvRegistry.WrapGeneric(typeof(RecordVideo<,>), env, new RecordVideoOptions
                {
                    Directory = videoDir, EpisodeTrigger = _ => true, NamePrefix = SafeName(envId),
                });
            var policy = MakePolicy(policyArg, env, seed ?? 0);
            var session = new WatchSession(env, policy, new WatchOptions { Fps = fps, Episodes = episodes, Seed = seed, Hud = !noHud })
            {
                Log = Console.WriteLine,
            };
            session.Run();
            if (env is IVideoRecorder recorder)
                foreach (var file in recorder.VideosWritten) Console.WriteLine($"video: {file}");
            return 0;
        }
        catch (RenderingUnavailableException e)
        {
            Console.Error.WriteLine($"rl watch: {e.Message}");
            return 1;
        }
        finally
        {
            env.Dispose();
        }
    }

    private static IWatchPolicy MakePolicy(string policyArg, IEnv env, int seed)
    {
        if (policyArg == "random") return new RandomWatchPolicy(env.ActionSpace, seed);
        if (!File.Exists(policyArg) && !Directory.Exists(policyArg))
            throw new UsageException($"watch: --policy '{policyArg}' is neither 'random' nor an existing checkpoint file or run directory");
        var loader = LoadCheckpointPolicy ?? throw new UsageException(
            $"watch: --policy {policyArg}: loading checkpoint policies is not connected in this build (WatchCommand.LoadCheckpointPolicy is unset); use --policy random");
        return new CheckpointFollower(policyArg, env, loader, CheckpointSearchPattern);
    }

    private static string SafeName(string id) => string.Concat(id.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}

/// <summary>
/// A policy loaded from a checkpoint file, or from the newest checkpoint of a run directory, re-checked before every
/// episode so that watching follows a training run as new checkpoints appear.
/// </summary>
public sealed class CheckpointFollower : IWatchPolicy
{
    private readonly string _source;
    private readonly IEnv _env;
    private readonly Func<string, IEnv, IWatchPolicy> _load;
    private readonly string _pattern;
    private IWatchPolicy? _current;
    private (string Path, DateTime Written)? _loaded;

    /// <summary>Follows <paramref name="fileOrRunDirectory"/>, loading checkpoints with <paramref name="load"/>.</summary>
    public CheckpointFollower(string fileOrRunDirectory, IEnv env, Func<string, IEnv, IWatchPolicy> load, string pattern = "*.ckpt")
    {
        _source = fileOrRunDirectory;
        _env = env;
        _load = load;
        _pattern = pattern;
    }

    /// <inheritdoc />
    public string Name => _loaded is { } l ? Path.GetFileName(l.Path) : "(no checkpoint yet)";

    /// <summary>The newest checkpoint file under <paramref name="directory"/> matching <paramref name="pattern"/> (temporary files skipped), or null.</summary>
    public static FileInfo? Newest(string directory, string pattern) =>
        new DirectoryInfo(directory).EnumerateFiles(pattern, SearchOption.AllDirectories)
            .Where(f => !f.Name.Contains(".tmp", StringComparison.Ordinal))
            .OrderByDescending(f => f.LastWriteTimeUtc)
            .FirstOrDefault();

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">If a run directory has no checkpoint yet when the first episode starts.</exception>
    public string? BeginEpisode()
    {
        var file = File.Exists(_source) ? new FileInfo(_source) : Newest(_source, _pattern);
        if (file is null)
        {
            if (_current is not null) return null;
            throw new InvalidOperationException($"watch: run directory '{_source}' has no checkpoint matching {_pattern} yet");
        }
        if (_loaded is { } l && l.Path == file.FullName && l.Written == file.LastWriteTimeUtc) return null;
        try
        {
            var policy = _load(file.FullName, _env);
            _current = policy;
            _loaded = (file.FullName, file.LastWriteTimeUtc);
            return $"loaded {file.Name}";
        }
        catch (Exception e) when (_current is not null && e is IOException or InvalidDataException or InvalidOperationException)
        {
            // A checkpoint being replaced mid-read: keep the previous policy and try again next episode.
            return $"kept {Name}: {e.Message}";
        }
    }

    /// <inheritdoc />
    public object Act(object observation) =>
        (_current ?? throw new InvalidOperationException("watch: no checkpoint loaded")).Act(observation);
}
