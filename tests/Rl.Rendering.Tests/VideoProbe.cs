using System.Diagnostics;
using System.Globalization;

namespace Rl.Rendering.Tests;

/// <summary>Decodes a video file with ffprobe (Debian's ffmpeg) and counts its frames (also linked into the runner's tests).</summary>
internal static class VideoProbe
{
    /// <summary>The decoded frame count and the frame size of <paramref name="file"/>'s first video stream.</summary>
    public static (int Frames, int Width, int Height) Probe(string file)
    {
        var psi = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames,width,height", "-of", "csv=p=0", file })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd().Trim();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"ffprobe failed on {file}: {error}");
        var parts = output.Split(',');
        return (int.Parse(parts[2], CultureInfo.InvariantCulture), int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}
