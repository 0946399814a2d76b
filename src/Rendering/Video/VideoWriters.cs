using System.Diagnostics;
using System.Text;

namespace Rl.Rendering.Video;

/// <summary>Writes a sequence of RGB frames of one size to a video file.</summary>
public interface IVideoWriter : IDisposable
{
    /// <summary>The file being written.</summary>
    string Path { get; }

    /// <summary>Playback rate.</summary>
    double Fps { get; }

    /// <summary>Frames written so far.</summary>
    int FrameCount { get; }

    /// <summary>Appends a frame: H x W x 3 bytes, rows from the top. Every frame must have the size of the first.</summary>
    /// <exception cref="ArgumentException">If the size differs from the first frame's or the data length is wrong.</exception>
    void Write(ReadOnlySpan<byte> rgb, int width, int height);
}

/// <summary>The container/codec of a video file.</summary>
public enum VideoFormat
{
    /// <summary>MP4 (H.264) when ffmpeg is installed, otherwise GIF.</summary>
    Auto,
    /// <summary>MP4 through ffmpeg; falls back to GIF (with a warning) when ffmpeg is missing.</summary>
    Mp4,
    /// <summary>Animated GIF, written in-process.</summary>
    Gif,
}

/// <summary>Opens video writers: MP4 through ffmpeg (Debian's <c>ffmpeg</c>), GIF when ffmpeg is missing.</summary>
public static class VideoWriters
{
    private static readonly Lazy<string?> Ffmpeg = new(() => FindExecutable("ffmpeg"));

    /// <summary>
    /// The ffmpeg executable: <c>RL_FFMPEG</c> if set (a path that does not exist, e.g. <c>none</c>, means "no ffmpeg": GIF),
    /// else <c>ffmpeg</c> on PATH; null when not found.
    /// </summary>
    public static string? FfmpegPath => Environment.GetEnvironmentVariable("RL_FFMPEG") is { Length: > 0 } p
        ? (File.Exists(p) ? p : null)
        : Ffmpeg.Value;

    /// <summary>Where warnings go (e.g. "ffmpeg not found, writing GIF"); defaults to standard error.</summary>
    public static Action<string> Warn { get; set; } = m => Console.Error.WriteLine(m);

    /// <summary>
    /// Opens a writer for <paramref name="pathWithoutExtension"/> plus <c>.mp4</c> or <c>.gif</c> as
    /// <paramref name="format"/> and the presence of ffmpeg decide.
    /// </summary>
    public static IVideoWriter Open(string pathWithoutExtension, double fps, VideoFormat format = VideoFormat.Auto)
    {
        if (format != VideoFormat.Gif && FfmpegPath is string ffmpeg)
            return new FfmpegVideoWriter(pathWithoutExtension + ".mp4", fps, ffmpeg);
        if (format == VideoFormat.Mp4)
            Warn($"ffmpeg not found (apt-get install ffmpeg, or set RL_FFMPEG): writing {pathWithoutExtension}.gif instead of MP4");
        return new GifWriter(pathWithoutExtension + ".gif", fps);
    }

    /// <summary>Opens a writer for a path whose extension (<c>.mp4</c> or <c>.gif</c>) chooses the format.</summary>
    /// <exception cref="ArgumentException">For another extension.</exception>
    public static IVideoWriter OpenFile(string path, double fps)
    {
        string ext = System.IO.Path.GetExtension(path).ToLowerInvariant();
        string stem = path[..^ext.Length];
        return ext switch
        {
            ".mp4" => Open(stem, fps, VideoFormat.Mp4),
            ".gif" => new GifWriter(path, fps),
            _ => throw new ArgumentException($"video file '{path}' must end in .mp4 or .gif", nameof(path)),
        };
    }

    private static string? FindExecutable(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = System.IO.Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}

/// <summary>
/// What every writer shares: the file and its folder, the frame count, and the check that every frame is RGB of the
/// first frame's size.
/// </summary>
public abstract class VideoWriterBase : IVideoWriter
{
    private bool _disposed;

    /// <summary>Prepares to write <paramref name="path"/> (creating its folder) at <paramref name="fps"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="fps"/> is not positive.</exception>
    protected VideoWriterBase(string path, double fps)
    {
        if (!(fps > 0)) throw new ArgumentOutOfRangeException(nameof(fps), fps, "frames per second must be positive");
        Path = path;
        Fps = fps;
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public double Fps { get; }

    /// <inheritdoc />
    public int FrameCount { get; private set; }

    /// <summary>The frame width, fixed by the first frame (0 before it).</summary>
    protected int Width { get; private set; }

    /// <summary>The frame height, fixed by the first frame (0 before it).</summary>
    protected int Height { get; private set; }

    /// <inheritdoc />
    public void Write(ReadOnlySpan<byte> rgb, int width, int height)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (width <= 0 || height <= 0 || width > 65535 || height > 65535)
            throw new ArgumentException($"{Path}: frame {FrameCount} has size {width}x{height}; sizes must be in [1, 65535]");
        if (rgb.Length != width * height * 3)
            throw new ArgumentException($"{Path}: frame {FrameCount} has {rgb.Length} bytes but {height}x{width}x3 RGB needs {width * height * 3}");
        if (FrameCount == 0) (Width, Height) = (width, height);
        else if (width != Width || height != Height)
            throw new ArgumentException($"{Path}: frame {FrameCount} is {width}x{height} but the video is {Width}x{Height}");
        WriteFrame(rgb);
        FrameCount++;
    }

    /// <summary>Appends a checked frame of <see cref="Width"/> x <see cref="Height"/> RGB bytes.</summary>
    protected abstract void WriteFrame(ReadOnlySpan<byte> rgb);

    /// <summary>Completes the file.</summary>
    protected abstract void Finish();

    /// <summary>Completes and closes the file.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Finish();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Writes H.264 MP4 by piping raw RGB frames into <c>ffmpeg -f rawvideo</c> (yuv420p, so odd sizes are padded by one pixel).
/// </summary>
public sealed class FfmpegVideoWriter : VideoWriterBase
{
    private readonly string _ffmpeg;
    private readonly StringBuilder _stderr = new();
    private Process? _process;
    private Stream? _stdin;

    /// <summary>Prepares to write <paramref name="path"/>; ffmpeg starts with the first frame (which fixes the size).</summary>
    public FfmpegVideoWriter(string path, double fps, string ffmpegPath = "ffmpeg") : base(path, fps) => _ffmpeg = ffmpegPath;

    /// <inheritdoc />
    /// <exception cref="IOException">If ffmpeg cannot be started or dies (with its error output).</exception>
    protected override void WriteFrame(ReadOnlySpan<byte> rgb)
    {
        if (_process is null) Start();
        try
        {
            _stdin!.Write(rgb);
        }
        catch (IOException e)
        {
            throw new IOException($"ffmpeg stopped while writing {Path}: {Stderr()}", e);
        }
    }

    private void Start()
    {
        var psi = new ProcessStartInfo(_ffmpeg)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        string fps = Fps.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var a in new[]
                 {
                     "-hide_banner", "-loglevel", "error", "-y",
                     "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{Width}x{Height}", "-r", fps, "-i", "pipe:0",
                     "-an", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-preset", "veryfast",
                     "-pix_fmt", "yuv420p", "-movflags", "+faststart", Path,
                 })
            psi.ArgumentList.Add(a);
        try
        {
            _process = Process.Start(psi) ?? throw new IOException($"could not start {_ffmpeg}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new IOException($"could not start ffmpeg ('{_ffmpeg}'): {e.Message}; apt-get install ffmpeg, or write GIF (VideoFormat.Gif)", e);
        }
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        _stdin = _process.StandardInput.BaseStream;
    }

    private string Stderr()
    {
        lock (_stderr) return _stderr.ToString().Trim();
    }

    /// <summary>Closes ffmpeg's input and waits for it to finish the file.</summary>
    /// <exception cref="IOException">If ffmpeg fails (its error output is in the message).</exception>
    protected override void Finish()
    {
        if (_process is null) return;
        try
        {
            _stdin!.Dispose();
        }
        catch (IOException)
        {
            // ffmpeg already exited; its exit code tells what happened.
        }
        if (!_process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            _process.Kill();
            throw new IOException($"ffmpeg did not finish {Path} within 2 minutes");
        }
        _process.WaitForExit();
        int code = _process.ExitCode;
        _process.Dispose();
        if (code != 0) throw new IOException($"ffmpeg failed with exit code {code} writing {Path}: {Stderr()}");
    }
}
