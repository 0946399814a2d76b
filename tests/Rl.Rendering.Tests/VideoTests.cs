using System.Diagnostics;
using Rl.Core;
using Rl.Environments.Classic;
using Rl.Rendering.Video;

namespace Rl.Rendering.Tests;

public sealed class VideoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rl-video-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Runs episodes with a fixed action pattern; returns each recorded episode's frames as rendered headless.</summary>
    private static void RunEpisodes(IEnv<float[], int> env, int episodes, int maxSteps)
    {
        for (int e = 0; e < episodes; e++)
        {
            env.Reset(seed: 100 + e);
            for (int t = 0; t < maxSteps; t++)
                if (env.Step(t % 3 == 0 ? 0 : 1).Done) break;
        }
    }

    [Fact]
    public void GifFramesDecodeToExactlyTheRenderedFrames()
    {
        var inner = new CartPoleEnv();
        using var env = new RecordVideo<float[], int>(inner, new RecordVideoOptions
        {
            Directory = _dir, Format = VideoFormat.Gif, Width = 150, Height = 100, EpisodeTrigger = _ => true,
        });
        env.Reset(seed: 1);
        var expected = new List<byte[]> { HeadlessRenderer.ForCurrentThread.Render(inner, 150, 100).Pixels };
        for (int t = 0; t < 12; t++)
        {
            env.Step(t % 2);
            expected.Add(HeadlessRenderer.ForCurrentThread.Render(inner, 150, 100).Pixels);
        }
        env.Dispose();
        var path = Assert.Single(env.VideosWritten);
        Assert.EndsWith("rl-video-episode-0.gif", path);
        var gif = GifReader.Read(path);
        Assert.Equal((150, 100), (gif.Width, gif.Height));
        Assert.True(gif.Loops);
        Assert.Equal(13, gif.Frames.Count);
        Assert.All(gif.DelaysCs, d => Assert.Equal(2, d)); // 50 fps
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], gif.Frames[i]);
    }

    [Fact]
    public void GifWithManyColoursUsesAMedianCutPaletteCloseToTheOriginal()
    {
        string path = Path.Combine(_dir, "gradient.gif");
        var frames = new List<byte[]>();
        using (var w = new GifWriter(path, 10))
        {
            for (int f = 0; f < 3; f++)
            {
                var rgb = new byte[97 * 61 * 3];
                for (int y = 0; y < 61; y++)
                    for (int x = 0; x < 97; x++)
                    {
                        int o = (y * 97 + x) * 3;
                        rgb[o] = (byte)(x * 255 / 96);
                        rgb[o + 1] = (byte)(y * 255 / 60);
                        rgb[o + 2] = (byte)((x + y + 40 * f) % 256);
                    }
                frames.Add(rgb);
                w.Write(rgb, 97, 61);
            }
        }
        var gif = GifReader.Read(path);
        Assert.Equal(3, gif.Frames.Count);
        for (int f = 0; f < 3; f++)
        {
            double err = 0;
            for (int i = 0; i < frames[f].Length; i++) err += Math.Abs(frames[f][i] - gif.Frames[f][i]);
            Assert.InRange(err / frames[f].Length, 0, 8); // thousands of colours into 256: a few levels off on average
        }
        Assert.Equal(10, gif.DelaysCs[0]);
    }

    [Fact]
    public void EveryNthEpisodeIsRecordedAndMp4FramesAreCounted()
    {
        using var env = new RecordVideo<float[], int>(new CartPoleEnv(), new RecordVideoOptions
        {
            Directory = _dir, EpisodeTrigger = RecordVideoTriggers.Every(2), NamePrefix = "cp", Width = 120, Height = 80,
        });
        RunEpisodes(env, episodes: 4, maxSteps: 12);
        env.Dispose();
        Assert.Equal(2, env.VideosWritten.Count);
        bool mp4 = VideoWriters.FfmpegPath is not null;
        string ext = mp4 ? ".mp4" : ".gif";
        Assert.Equal([Path.Combine(_dir, "cp-episode-0" + ext), Path.Combine(_dir, "cp-episode-2" + ext)], env.VideosWritten);
        foreach (var (file, episode) in env.VideosWritten.Zip([0, 2]))
        {
            int steps = CountSteps(100 + episode, 12);
            if (mp4)
            {
                var (frames, width, height) = Probe(file);
                Assert.Equal((120, 80), (width, height));
                Assert.Equal(steps + 1, frames);
            }
            else Assert.Equal(steps + 1, GifReader.Read(file).Frames.Count);
        }
    }

    [Fact]
    public void Mp4ThroughFfmpegHasTheFramesWritten()
    {
        if (VideoWriters.FfmpegPath is null)
        {
            // Without ffmpeg, asking for MP4 falls back to GIF with a warning.
            var warnings = new List<string>();
            var old = VideoWriters.Warn;
            VideoWriters.Warn = warnings.Add;
            try
            {
                using var w = VideoWriters.Open(Path.Combine(_dir, "x"), 30, VideoFormat.Mp4);
                Assert.IsType<GifWriter>(w);
                Assert.Contains("apt-get install ffmpeg", Assert.Single(warnings));
            }
            finally { VideoWriters.Warn = old; }
            return;
        }
        string path = Path.Combine(_dir, "odd.mp4");
        using (var w = VideoWriters.OpenFile(path, 25))
        {
            var rgb = new byte[65 * 33 * 3];
            for (int i = 0; i < 17; i++)
            {
                Array.Fill(rgb, (byte)(i * 15));
                w.Write(rgb, 65, 33);
            }
            Assert.Throws<ArgumentException>(() => w.Write(new byte[10 * 10 * 3], 10, 10));
        }
        var (frames, width, height) = Probe(path);
        Assert.Equal(17, frames);
        Assert.Equal((66, 34), (width, height)); // yuv420p needs even sizes: padded by one pixel
    }

    [Fact]
    public void CappedCubicMatchesGymnasium()
    {
        var picked = Enumerable.Range(0, 3001).Where(RecordVideoTriggers.CappedCubic).ToList();
        Assert.Equal([0, 1, 8, 27, 64, 125, 216, 343, 512, 729, 1000, 2000, 3000], picked);
    }

    private static int CountSteps(int seed, int maxSteps)
    {
        var env = new CartPoleEnv();
        env.Reset(seed: seed);
        for (int t = 0; t < maxSteps; t++)
            if (env.Step(t % 3 == 0 ? 0 : 1).Done) return t + 1;
        return maxSteps;
    }

    private static (int Frames, int Width, int Height) Probe(string file) => VideoProbe.Probe(file);
}
