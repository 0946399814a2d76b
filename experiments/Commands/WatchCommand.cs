using System.CommandLine;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Environments;
using Rl.Experiments.Cli;
using Rl.Experiments.Training;
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
    /// <summary>The command: its arguments, options, help and action.</summary>
    public static Command Create()
    {
        var envId = Opt.Required("env-id", "the environment to watch").EnvIds();
        var policy = Opt.TextOr("--policy", "random", "random|CHECKPOINT|RUN_DIR",
            "random, a checkpoint file, or a run directory: its newest checkpoint, reloaded before each episode as training writes new ones")
            .Words("random");
        var fps = Opt.Double("--fps", "steps per second (default: the environment's render fps; 0: as fast as possible)", 0);
        var episodes = Opt.Int("--episodes", "stop after N episodes (default: until the window is closed or Q)", 1);
        var seed = Opt.Seed("seed of the first reset and of the random policy (default 0)");
        var videoDir = Opt.Text("--record-video", "DIR", "also write every episode to DIR as MP4 (GIF without ffmpeg)");
        var sets = Opt.Set("an environment option (as [env_kwargs] in configs, rl envs --kwargs)");
        var noHud = Opt.Flag("--no-hud", "no text overlay in the window");
        var device = Opt.Device("torch device of a trained policy: auto, cpu, cuda");
        var command = new Command("watch", "Play live rollouts of a random or trained policy in a window, following a training run's new checkpoints")
        {
            envId, policy, fps, episodes, seed, videoDir, sets, noHud, device, UserEnvironments.CreateOption(),
        };
        command.Notes("""
            Keys: SPACE pause, N single step, UP/DOWN faster/slower, R restart the episode, Q quit.
            A display is needed: use xvfb-run -a on a machine without one.
            """);
        return command.Runs(r => Run(r.GetValue(envId)!, r.GetValue(policy)!, r.GetValue(fps), r.GetValue(episodes), r.GetValue(seed),
            r.GetValue(videoDir), r.GetValue(sets)!, r.GetValue(noHud), r.GetValue(device)));
    }

    /// <summary>
    /// Builds a policy from a checkpoint file for an environment. Defaults to the runner's loader (the checkpoint carries
    /// its algorithm and resolved config); replaceable, e.g. by tests.
    /// </summary>
    public static Func<string, IEnv, IWatchPolicy> LoadCheckpointPolicy { get; set; } = (file, _) => TrainedPolicy.Load(file, null);

    /// <summary>The newest checkpoint file of a run directory or checkpoint folder, or null when it has none yet.</summary>
    public static Func<string, string?> NewestCheckpoint { get; set; } =
        dir => CheckpointStore.Files(CheckpointStore.FolderOf(dir)).FirstOrDefault();

    /// <summary>Runs the command; returns the exit code (1 when no window can be opened, with what to install or set).</summary>
    /// <exception cref="UsageException">For bad arguments.</exception>
    public static int Run(string envId, string policyArg, double? fps, int? episodes, int? seed, string? videoDir, IReadOnlyList<string> sets,
        bool noHud, string? device)
    {
        IEnv env = PixelEnvironments.MakeForCommand("watch", envId, sets);
        try
        {
            if (videoDir is not null)
                env = EnvRegistry.WrapGeneric(typeof(RecordVideo<,>), env, new RecordVideoOptions
                {
                    Directory = videoDir, EpisodeTrigger = _ => true, NamePrefix = VideoRecording.SafeName(envId),
                });
            var policy = MakePolicy(policyArg, env, seed ?? 0, device);
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

    private static IWatchPolicy MakePolicy(string policyArg, IEnv env, int seed, string? device)
    {
        if (policyArg == "random") return new RandomWatchPolicy(env.ActionSpace, seed);
        if (!File.Exists(policyArg) && !Directory.Exists(policyArg))
            throw new UsageException($"watch: --policy '{policyArg}' is neither 'random' nor an existing checkpoint file or run directory");
        var load = device is null ? LoadCheckpointPolicy : (file, _) => TrainedPolicy.Load(file, device);
        return new CheckpointFollower(policyArg, env, (file, e) =>
        {
            var policy = load(file, e);
            if (policy is TrainedPolicy trained && e.Spec?.Id is string id && id != trained.Env)
            {
                trained.Dispose();
                throw new UsageException($"watch: checkpoint '{file}' was trained on {trained.Env}, not {id}");
            }
            return policy;
        }, NewestCheckpoint);
    }
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
    private readonly Func<string, string?> _newest;
    private IWatchPolicy? _current;
    private (string Path, DateTime Written)? _loaded;

    /// <summary>
    /// Follows <paramref name="fileOrRunDirectory"/>, loading checkpoints with <paramref name="load"/>; in a directory the
    /// file to load is the one <paramref name="newest"/> names.
    /// </summary>
    public CheckpointFollower(string fileOrRunDirectory, IEnv env, Func<string, IEnv, IWatchPolicy> load, Func<string, string?> newest)
    {
        _source = fileOrRunDirectory;
        _env = env;
        _load = load;
        _newest = newest;
    }

    /// <inheritdoc />
    public string Name => _loaded is { } l ? Path.GetFileName(l.Path) : "(no checkpoint yet)";

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">If a run directory has no checkpoint yet when the first episode starts.</exception>
    public string? BeginEpisode()
    {
        var file = File.Exists(_source) ? new FileInfo(_source) : _newest(_source) is string f ? new FileInfo(f) : null;
        if (file is null)
        {
            if (_current is not null) return null;
            throw new InvalidOperationException($"watch: run directory '{_source}' has no checkpoint yet");
        }
        if (_loaded is { } l && l.Path == file.FullName && l.Written == file.LastWriteTimeUtc) return _current!.BeginEpisode();
        try
        {
            var policy = _load(file.FullName, _env);
            (_current as IDisposable)?.Dispose();
            _current = policy;
            _loaded = (file.FullName, file.LastWriteTimeUtc);
            policy.BeginEpisode();
            return $"loaded {file.Name}";
        }
        catch (Exception e) when (_current is not null && e is IOException or CheckpointException)
        {
            // A checkpoint being replaced mid-read: keep the previous policy and try again next episode.
            return $"kept {Name}: {e.Message}";
        }
    }

    /// <inheritdoc />
    public object Act(object observation) =>
        (_current ?? throw new InvalidOperationException("watch: no checkpoint loaded")).Act(observation);
}

/// <summary>A trained algorithm's policy, rebuilt from a checkpoint by the runner, acting deterministically.</summary>
public sealed class TrainedPolicy : IWatchPolicy, IDisposable
{
    private readonly IAlgorithm _algorithm;
    private readonly Rng _rng = new(0);

    private TrainedPolicy(IAlgorithm algorithm, string name, string env)
    {
        _algorithm = algorithm;
        Name = name;
        Env = env;
    }

    /// <summary>Rebuilds the algorithm saved in <paramref name="checkpointFile"/> (with the config it carries).</summary>
    /// <exception cref="CheckpointException">If the file is damaged or not a checkpoint.</exception>
    public static TrainedPolicy Load(string checkpointFile, string? device)
    {
        var (config, algorithm, file) = EvalCommand.Load(checkpointFile, device, line => Console.Error.WriteLine(line));
        return new TrainedPolicy(algorithm, $"{config.Algo} {Path.GetFileNameWithoutExtension(file)}", config.Env);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The environment id the policy was trained on.</summary>
    public string Env { get; }

    /// <inheritdoc />
    public object Act(object observation) => _algorithm.Policy.Act(observation, deterministic: true, _rng);

    /// <inheritdoc />
    public string? BeginEpisode()
    {
        _algorithm.Policy.ResetState();
        return null;
    }

    /// <summary>Releases the algorithm (its networks).</summary>
    public void Dispose() => _algorithm.Dispose();
}
