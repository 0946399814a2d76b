using System.CommandLine;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Experiments.Cli;
using Rl.Experiments.Training;
using Rl.Rendering.Video;

namespace Rl.Experiments.Commands;

/// <summary>
/// <c>--record-video DIR [--video-every N]</c> for <c>rl eval</c> and <c>rl train</c>: evaluation episodes written as video
/// through <see cref="RecordVideo{TObs, TAct}"/> (MP4 with ffmpeg, GIF without).
/// </summary>
public static class VideoRecording
{
    /// <summary>The <c>--record-video DIR</c> and <c>--video-every N</c> options (N at least 1).</summary>
    public static (Option<string?> Directory, Option<int?> Every) Options(string directory, string every) =>
        (Opt.Text("--record-video", "DIR", directory), Opt.Int("--video-every", every, 1));

    /// <summary>Reads <c>--record-video DIR</c> and <c>--video-every N</c> (only valid with a directory).</summary>
    /// <exception cref="UsageException">If <c>--video-every</c> comes without <c>--record-video</c>.</exception>
    public static (string? Directory, int? Every) Read(ParseResult result, Option<string?> directory, Option<int?> every, string command)
    {
        ArgumentNullException.ThrowIfNull(result);
        string? dir = result.GetValue(directory);
        int? n = result.GetValue(every);
        if (n is not null && dir is null)
            throw new UsageException($"{command}: --video-every {n} needs --record-video DIR");
        return (dir, n);
    }

    /// <summary>
    /// Makes <paramref name="config"/>'s evaluation environment for filming: with the options of
    /// <see cref="ExperimentConfig.EvaluationKwargs"/> (<c>[env_kwargs]</c>, <c>[eval_env_kwargs]</c> over them), and a Python
    /// (<c>gym:</c>) environment made with <c>render_mode=rgb_array</c> unless <c>[env_kwargs]</c> sets a render mode, so
    /// that its frames come back from Python.
    /// </summary>
    public static Func<IEnv> Filmable(ExperimentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var kwargs = PixelEnvironments.WithRgbArrayFrames(config.Env, config.EvaluationKwargs);
        return () => Rl.Environments.Envs.Make(config.Env, new MakeOptions { Kwargs = kwargs, MaxEpisodeSteps = config.Run.MaxEpisodeSteps });
    }

    /// <summary>
    /// Makes one environment and renders its first frame, so a video that cannot be made fails before training or evaluation
    /// starts rather than after it.
    /// </summary>
    /// <exception cref="UsageException">Naming the environment and why it cannot be filmed.</exception>
    public static void EnsureFilmable(Func<IEnv> makeEnv, string command)
    {
        ArgumentNullException.ThrowIfNull(makeEnv);
        string name = "the environment";
        try
        {
            using var env = Rl.Rendering.RenderingEnvs.WithRenderMode(makeEnv(), Rl.Rendering.RenderModes.RgbArray);
            name = env.Name;
            env.ResetObject(0);
            if (((Rl.Rendering.IRenderedEnv)env).Render() is null) throw new InvalidOperationException("no frame was rendered");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Rl.Rendering.Native.RenderingUnavailableException)
        {
            throw new UsageException($"{command} --record-video: cannot film {name}: {Program.Describe(e)}");
        }
    }

    /// <summary>
    /// Wraps the environments <paramref name="makeEnv"/> builds in <see cref="RecordVideo{TObs, TAct}"/>; files are
    /// <c>DIR/{prefix}-episode-{i}.mp4</c>. The recorders made are added to <paramref name="recorders"/>, so the files they
    /// wrote can be listed after the environments were disposed.
    /// </summary>
    public static Func<IEnv> Recorded(Func<IEnv> makeEnv, string directory, string prefix, Func<int, bool> trigger, List<IVideoRecorder> recorders) => () =>
    {
        var env = makeEnv();
        try
        {
            var wrapped = EnvRegistry.WrapGeneric(typeof(RecordVideo<,>), env, new RecordVideoOptions
            {
                Directory = directory, EpisodeTrigger = trigger, NamePrefix = prefix,
            });
            recorders.Add((IVideoRecorder)wrapped);
            return wrapped;
        }
        catch
        {
            env.Dispose();
            throw;
        }
    };

    /// <summary>A file-name-safe form of an environment id or algorithm name.</summary>
    public static string SafeName(string id) => string.Concat(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}

/// <summary>
/// For <c>rl train --record-video DIR --video-every N</c>: after every N-th iteration and when training ends, plays one
/// evaluation episode of the current policy (deterministic, on its own environment with a fixed seed) and writes it to
/// <c>DIR/{env}-iteration-{i}-episode-0.mp4</c>. Training is unaffected: the training environments, the runner's evaluation
/// seeds and the algorithm's random streams are not touched (the same run without videos logs the same metrics).
/// </summary>
public sealed class TrainingVideoSink : IProgressSink
{
    private readonly IProgressSink _inner;
    private readonly TrainingSession _session;
    private readonly string _directory;
    private readonly int _every;
    private int _lastRecorded = -1;

    /// <summary>Forwards progress to <paramref name="inner"/> and records videos of <paramref name="session"/>'s policy.</summary>
    public TrainingVideoSink(IProgressSink inner, TrainingSession session, string directory, int every)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        _inner = inner;
        _session = session;
        _directory = directory;
        _every = every;
    }

    /// <summary>The video files written so far.</summary>
    public List<string> Written { get; } = [];

    /// <inheritdoc />
    public void Report(ProgressReport report)
    {
        _inner.Report(report);
        if (report.Iteration % _every == 0) Record(report.Iteration);
    }

    /// <inheritdoc />
    public void Message(string line) => _inner.Message(line);

    /// <inheritdoc />
    public void Finish(ProgressReport report)
    {
        if (report.Iteration > 0) Record(report.Iteration);
        _inner.Finish(report);
    }

    private void Record(int iteration)
    {
        if (iteration == _lastRecorded) return;
        _lastRecorded = iteration;
        var config = _session.Config;
        var recorders = new List<IVideoRecorder>();
        string prefix = $"{VideoRecording.SafeName(config.Env)}-iteration-{iteration}";
        var makeEnv = VideoRecording.Recorded(VideoRecording.Filmable(config), _directory, prefix, _ => true, recorders);
        EvalResult result;
        try
        {
            // The same seed every time, so the videos show the policy's progress on one episode start.
            result = Evaluator.Evaluate(_session.Algorithm.Policy, makeEnv, 1, unchecked((int)config.Seed), null);
        }
        catch (IOException e)
        {
            // A video that cannot be written (disk full, ffmpeg died) is reported; training goes on.
            _inner.Message($"video at iteration {iteration} not written: {e.Message}");
            return;
        }
        foreach (var file in recorders.SelectMany(r => r.VideosWritten))
        {
            Written.Add(file);
            _inner.Message($"video: {file} (iteration {iteration}, return {result.MeanReturn:0.##}, {result.MeanLength:0} steps)");
        }
    }
}
