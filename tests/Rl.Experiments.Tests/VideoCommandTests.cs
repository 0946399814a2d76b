using System.Globalization;
using System.Text.Json;
using Rl.Agents.Training;
using Rl.Experiments.Training;
using Rl.Rendering.Tests;

namespace Rl.Experiments.Tests;

/// <summary><c>--record-video DIR [--video-every N]</c> on <c>rl train</c> and <c>rl eval</c>.</summary>
public class VideoCommandTests : ConsoleTest
{
    public VideoCommandTests() => TestAlgorithms.EnsureRegistered();

    private const string Config = """
        algo = "test-hillclimb"
        env = "CartPole-v1"
        seed = 5

        [run]
        total_steps = 1500
        stop_when_solved = false
        eval_episodes = 2
        eval_interval = 700
        progress_seconds = 0
        device = "cpu"

        [config]
        noise_std = 0.5
        episodes_per_candidate = 2
        """;

    private static string Train(TempDir dir, string run, params string[] extra)
    {
        string config = dir.Sub("config-in.toml");
        File.WriteAllText(config, Config);
        var (code, output, err) = Rl(["train", config, "--out", dir.Sub(run), .. extra]);
        Assert.True(code == 0, $"rl train exited with {code}: {err}");
        return output;
    }

    private static JsonElement EvalJson(string runDir, int episodes, params string[] extra)
    {
        var (code, output, err) = Rl(["eval", runDir, "--episodes", episodes.ToString(CultureInfo.InvariantCulture), "--seed", "5", "--json", .. extra]);
        Assert.True(code == 0, $"rl eval exited with {code}: {err}");
        return JsonDocument.Parse(output).RootElement;
    }

    private static float[] FinalWeights(string runDir) =>
        Checkpoint.Read(CheckpointStore.Files(Path.Combine(runDir, "checkpoints"))[0]).GetArray<float>("hc/weights");

    [Fact]
    public void TrainRecordsEveryNthIterationAndTheEndWithoutChangingTraining()
    {
        using var dir = new TempDir();
        Train(dir, "plain");
        string output = Train(dir, "video", "--record-video", dir.Sub("videos"), "--video-every", "10");

        // Recording plays its own episodes: the training is the same as without it.
        Assert.Equal(File.ReadAllText(dir.Sub("plain/metrics.csv")), File.ReadAllText(dir.Sub("video/metrics.csv")));
        Assert.Equal(FinalWeights(dir.Sub("plain")), FinalWeights(dir.Sub("video")));

        int iterations = File.ReadAllLines(dir.Sub("video/metrics.csv")).Length - 1;
        Assert.True(iterations > 10, $"only {iterations} iterations");
        var expected = Enumerable.Range(1, iterations).Where(i => i % 10 == 0 || i == iterations)
            .Select(i => $"CartPole-v1-iteration-{i}-episode-0.mp4").ToList();
        var files = Directory.GetFiles(dir.Sub("videos")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), files);
        foreach (var name in expected) Assert.Contains($"video: {Path.Combine(dir.Sub("videos"), name)}", output);

        // The last video is one deterministic episode of the final policy from the run's seed: rl eval agrees on its length.
        double length = EvalJson(dir.Sub("video"), 1).GetProperty("mean_length").GetDouble();
        var (frames, width, height) = VideoProbe.Probe(Path.Combine(dir.Sub("videos"), expected[^1]));
        Assert.Equal((int)length + 1, frames); // the reset frame and one per step
        Assert.Equal((600, 400), (width, height));
    }

    [Fact]
    public void EvalRecordsEveryNthEpisodeWithOneFramePerStepPlusTheReset()
    {
        using var dir = new TempDir();
        Train(dir, "run");
        string videos = dir.Sub("videos");
        var all = EvalJson(dir.Sub("run"), 3, "--record-video", videos, "--video-every", "2");
        Assert.Equal(3, all.GetProperty("episodes").GetInt32());
        Assert.Equal(["CartPole-v1-eval-episode-0.mp4", "CartPole-v1-eval-episode-2.mp4"],
            Directory.GetFiles(videos).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        double first = EvalJson(dir.Sub("run"), 1).GetProperty("mean_length").GetDouble();
        Assert.Equal((int)first + 1, VideoProbe.Probe(Path.Combine(videos, "CartPole-v1-eval-episode-0.mp4")).Frames);
        Assert.InRange(VideoProbe.Probe(Path.Combine(videos, "CartPole-v1-eval-episode-2.mp4")).Frames, 2, 501);

        var (code, _, err) = Rl("eval", dir.Sub("run"), "--video-every", "2");
        Assert.Equal(2, code);
        Assert.Contains("--video-every 2 needs --record-video DIR", err);
    }
}
