using Rl.Core;
using Rl.Core.Rendering;
using Rl.Core.Wrappers;
using Rl.Rendering.MuJoCo;

namespace Rl.Rendering.Video;

/// <summary>What <see cref="RecordVideo{TObs, TAct}"/> records and where.</summary>
public sealed record RecordVideoOptions
{
    /// <summary>The folder the videos go to (created when needed). Required.</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// Which episodes to record, by 0-based episode index. Default: Gymnasium's capped cubic schedule (0, 1, 8, 27, ...,
    /// 729, 1000, then every 1000th).
    /// </summary>
    public Func<int, bool> EpisodeTrigger { get; init; } = RecordVideoTriggers.CappedCubic;

    /// <summary>File names are <c>{NamePrefix}-episode-{index}.mp4</c> (or <c>.gif</c>). Default "rl-video".</summary>
    public string NamePrefix { get; init; } = "rl-video";

    /// <summary>Playback rate; null: the environment's <c>render_fps</c> (30 when it declares none).</summary>
    public double? Fps { get; init; }

    /// <summary>Frame width; null: the scene's native width.</summary>
    public int? Width { get; init; }

    /// <summary>Frame height; null: the scene's native height.</summary>
    public int? Height { get; init; }

    /// <summary>File format. Default <see cref="VideoFormat.Auto"/>: MP4 with ffmpeg, GIF without.</summary>
    public VideoFormat Format { get; init; } = VideoFormat.Auto;
}

/// <summary>Episode triggers for <see cref="RecordVideoOptions.EpisodeTrigger"/>.</summary>
public static class RecordVideoTriggers
{
    /// <summary>Gymnasium's default: perfect cubes below 1000, then every 1000th episode.</summary>
    public static bool CappedCubic(int episode)
    {
        if (episode < 1000)
        {
            int root = (int)Math.Round(Math.Cbrt(episode));
            return root * root * root == episode;
        }
        return episode % 1000 == 0;
    }

    /// <summary>Every <paramref name="n"/>-th episode, starting with the first.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="n"/> is not positive.</exception>
    public static Func<int, bool> Every(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        return episode => episode % n == 0;
    }
}

/// <summary>The untyped view of <see cref="RecordVideo{TObs, TAct}"/>, for code that holds it as an <see cref="IEnv"/>.</summary>
public interface IVideoRecorder
{
    /// <summary>The video files finished so far.</summary>
    IReadOnlyList<string> VideosWritten { get; }
}

/// <summary>
/// Records chosen episodes to video files (Gymnasium's <c>RecordVideo</c>): the first frame at reset, one per step, and
/// the file is closed when the episode ends (or when a new reset or disposal cuts it short). Frames are rendered headless
/// from the scene the environment describes, so the environment needs no render mode. Usable from watch, eval and train.
/// </summary>
/// <typeparam name="TObs">The observation type.</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
public sealed class RecordVideo<TObs, TAct> : Wrapper<TObs, TAct>, IVideoRecorder
{
    private readonly IRenderable _source;
    private readonly Scene _scene = new();
    private readonly List<string> _written = [];
    private IVideoWriter? _writer;
    private byte[] _frame = [];
    private int _episode = -1;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <exception cref="ArgumentException">If the environment cannot render or a size is invalid.</exception>
    public RecordVideo(IEnv<TObs, TAct> inner, RecordVideoOptions options) : base(inner)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Width is <= 0 || options.Height is <= 0)
            throw new ArgumentException($"RecordVideo({inner.Name}): frame size {options.Width}x{options.Height} must be positive");
        if (options.Fps is <= 0) throw new ArgumentException($"RecordVideo({inner.Name}): fps = {options.Fps} must be positive");
        _source = SceneSources.Require(inner, options.Width, options.Height);
        Options = options;
    }

    /// <summary>The recording options.</summary>
    public RecordVideoOptions Options { get; }

    /// <summary>The video files finished so far.</summary>
    public IReadOnlyList<string> VideosWritten => _written;

    /// <summary>Whether the current episode is being recorded.</summary>
    public bool Recording => _writer is not null;

    /// <inheritdoc />
    public override ResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, TObs? into = default)
    {
        var r = Inner.Reset(seed, options, into);
        CloseVideo();
        _episode++;
        if (Options.EpisodeTrigger(_episode))
        {
            double fps = Options.Fps ?? (Metadata.RenderFps > 0 ? Metadata.RenderFps : 30);
            string stem = Path.Combine(Options.Directory, $"{Options.NamePrefix}-episode-{_episode}");
            _writer = VideoWriters.Open(stem, fps, Options.Format);
            CaptureFrame();
        }
        return r;
    }

    /// <inheritdoc />
    public override StepResult<TObs> Step(TAct action, TObs? into = default)
    {
        var r = Inner.Step(action, into);
        if (_writer is not null)
        {
            CaptureFrame();
            if (r.Terminated || r.Truncated) CloseVideo();
        }
        return r;
    }

    private void CaptureFrame()
    {
        _source.DescribeScene(_scene);
        int w = Options.Width ?? _scene.Width, h = Options.Height ?? _scene.Height;
        if (_frame.Length != w * h * 3) _frame = new byte[w * h * 3];
        HeadlessRenderer.ForCurrentThread.Render(_scene, w, h, ColorMode.Rgb, _frame);
        _writer!.Write(_frame, w, h);
    }

    private void CloseVideo()
    {
        if (_writer is null) return;
        var writer = _writer;
        _writer = null;
        writer.Dispose();
        _written.Add(writer.Path);
    }

    /// <summary>Finishes any video in progress and disposes the inner environment.</summary>
    public override void Dispose()
    {
        CloseVideo();
        base.Dispose();
    }
}
