using System.Text.Json;
using Rl.Agents.Training;
using Rl.Core;
using System.CommandLine;
using Rl.Experiments.Cli;
using Rl.Experiments.Training;
using Rl.Rendering.Video;

namespace Rl.Experiments.Commands;

/// <summary><c>rl eval</c>: evaluates a trained policy from a run directory or a checkpoint file.</summary>
public static class EvalCommand
{
    /// <summary>The command: its arguments, options, help and action.</summary>
    public static Command Create()
    {
        var path = Opt.Required("run-dir|checkpoint",
            "a run directory (its newest usable checkpoint; older ones are tried when it is damaged) or a checkpoint file " +
            "(runs/.../checkpoints/step-*.ckpt)");
        var episodes = Opt.IntOr("--episodes", 100, "evaluation episodes", 1, 10_000_000);
        var seed = Opt.IntOr("--seed", 0, "base seed of the evaluation: episode i resets with seed + i (e.g. --seed 10000 --episodes 10 evaluates on reset seeds 10000-10009)");
        var device = Opt.Device("torch device: auto (CUDA when available), cpu, cuda");
        var json = Opt.Flag("--json", "print one JSON object: mean_return, std_return, episodes, mean_length, reward_threshold, solved");
        var (videoDir, videoEvery) = VideoRecording.Options(
            "write evaluation episodes to DIR as MP4 (GIF without ffmpeg): <env>-eval-episode-<i>",
            "record every N-th episode (default: episodes 0, 1, 8, 27, 64, ... as Gymnasium's RecordVideo)");
        var command = new Command("eval", "Evaluate a trained policy from a run directory or checkpoint: mean ± std return, mean length, threshold met")
        {
            path, episodes, seed, device, json, videoDir, videoEvery, UserEnvironments.CreateOption(),
        };
        return command.Runs(r => Run(r.GetValue(path)!, r.GetValue(episodes), r.GetValue(seed), r.GetValue(device), r.GetValue(json),
            VideoRecording.Read(r, videoDir, videoEvery, "rl eval")));
    }

    /// <summary>Evaluates the deterministic policy of <paramref name="path"/> and prints the result.</summary>
    public static int Run(string path, int episodes, int seed, string? device, bool json, (string? Directory, int? Every) recording)
    {
        var (videoDir, videoEvery) = recording;
        var (config, algorithm, file) = Load(path, device, line => Console.Error.WriteLine(line));
        using (algorithm)
        {
            var recorders = new List<IVideoRecorder>();
            if (videoDir is not null) VideoRecording.EnsureFilmable(VideoRecording.Filmable(config), "rl eval");
            Func<IEnv> makeEnv = videoDir is null
                ? config.MakeEvalEnv
                : VideoRecording.Recorded(VideoRecording.Filmable(config), videoDir, VideoRecording.SafeName(config.Env) + "-eval",
                    videoEvery is int n ? RecordVideoTriggers.Every(n) : RecordVideoTriggers.CappedCubic, recorders);
            var result = Evaluator.Evaluate(algorithm.Policy, makeEnv, episodes, seed, config.RewardThreshold);
            // Video files on standard error, so that --json output stays one object.
            foreach (var video in recorders.SelectMany(r => r.VideosWritten)) Console.Error.WriteLine($"video: {video}");
            if (json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(TrainingSession.EvalJson(result)));
                return 0;
            }
            Console.Out.WriteLine($"{config.Algo} on {config.Env} from {file} (iteration {algorithm.Iteration}, step {algorithm.EnvSteps:N0})");
            Console.Out.WriteLine($"mean return {result.MeanReturn:0.00} ± {result.StdReturn:0.00} over {result.Episodes} episodes, mean length {result.MeanLength:0.0}");
            Console.Out.WriteLine(result.RewardThreshold is double t
                ? $"reward threshold {t}: {(result.Solved == true ? "met" : "not met")}"
                : "no reward threshold for this environment");
            return 0;
        }
    }

    /// <summary>
    /// Rebuilds the trained algorithm from a checkpoint file, or from the newest usable checkpoint of a run directory
    /// (the checkpoint carries its resolved config).
    /// </summary>
    /// <exception cref="CheckpointException">If the file is damaged, or the directory has no usable checkpoint.</exception>
    public static (ExperimentConfig Config, IAlgorithm Algorithm, string File) Load(string path, string? device, Action<string> warn)
    {
        (ExperimentConfig, IAlgorithm, string) Use(Checkpoint cp, string file)
        {
            var (config, algorithm) = TrainingSession.LoadAlgorithm(cp, file, null, device);
            return (config, algorithm, file);
        }

        if (File.Exists(path)) return Use(Checkpoint.Read(path), path);
        if (!Directory.Exists(path)) throw new FileNotFoundException($"'{path}' is neither a run directory nor a checkpoint file");
        return CheckpointStore.LoadNewestUsable(CheckpointStore.FolderOf(path), Use, warn);
    }
}
