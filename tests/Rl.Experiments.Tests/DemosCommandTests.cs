using Rl.Core;
using Rl.Core.Demonstrations;
using Rl.Environments;

namespace Rl.Experiments.Tests;

public sealed class DemosCommandTests : ConsoleTest, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rl-demos-command-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private void RecordCartPole(int episodes)
    {
        using var env = Envs.Make("CartPole-v1");
        var w = DemonstrationWriter.For(_dir, env);
        for (int e = 0; e < episodes; e++)
        {
            w.BeginEpisode(env.ResetObject(seed: e).Observation, seed: e);
            for (int t = 0; t < 5; t++)
            {
                var s = env.StepObject(t % 2);
                w.Record(t % 2, s.Observation, s.Reward, s.Terminated, s.Truncated, s.Info);
            }
            w.EndEpisode();
        }
    }

    [Fact]
    public void RebuildManifestAfterItWasDeleted()
    {
        RecordCartPole(2);
        File.Delete(Path.Combine(_dir, DemonstrationManifest.FileName));
        var (code, stdout, stderr) = Rl("demos", "check", _dir);
        Assert.Equal(2, code);
        Assert.Contains("give --env ID", stderr, StringComparison.Ordinal);
        (code, stdout, _) = Rl("demos", "check", _dir, "--env", "CartPole-v1");
        Assert.Equal(1, code);
        Assert.Contains("2 episode(s), 10 steps", stdout, StringComparison.Ordinal);
        Assert.Contains("warning: ", stdout, StringComparison.Ordinal);
        (code, stdout, _) = Rl("demos", "rebuild-manifest", _dir, "--env", "CartPole-v1");
        Assert.Equal(0, code);
        Assert.Contains("2 episode(s) listed", stdout, StringComparison.Ordinal);
        Assert.Equal("CartPole-v1", DemonstrationManifest.Read(_dir).EnvId);
        (code, stdout, _) = Rl("demos", "check", _dir);
        Assert.Equal(0, code);
        Assert.DoesNotContain("warning", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void BcNamesADemosDirThatDoesNotExist()
    {
        string missing = Path.Combine(_dir, "missing");
        var (code, _, stderr) = Rl("train", "bc", "CartPole-v1", "--set", "config.demos_dir=" + missing, "--out", Path.Combine(_dir, "run"), "--plain");
        Assert.NotEqual(0, code);
        Assert.Contains($"'{missing}' does not exist", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("no manifest.json", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void BcPrintsAndRecordsTheSkippedDemonstrationFiles()
    {
        RecordCartPole(3);
        // A listed episode changed after recording (truncated), and an unlisted foreign file.
        string truncated = Path.Combine(_dir, DemonstrationWriter.EpisodeFileName(1));
        File.WriteAllBytes(truncated, File.ReadAllBytes(truncated)[..40]);
        File.WriteAllBytes(Path.Combine(_dir, DemonstrationWriter.EpisodeFileName(9)), "not an archive"u8.ToArray());
        string run = Path.Combine(_dir, "run");
        var (code, stdout, stderr) = Rl("train", "bc", "CartPole-v1", "--set", "config.demos_dir=" + _dir, "--out", run, "--plain",
            "--set", "run.max_iterations=1", "--set", "run.eval_episodes=1", "--set", "config.eval_episodes=1");
        Assert.True(code == 0, stderr);
        Assert.Contains("data: 10 labelled states loaded from", stdout, StringComparison.Ordinal);
        Assert.Contains("2 episode(s), 10 steps", stdout, StringComparison.Ordinal);
        Assert.Contains("skipped 2 bad file(s)", stdout, StringComparison.Ordinal);
        Assert.Contains("episode-000001.npz: checksum mismatch", stdout, StringComparison.Ordinal);
        Assert.Contains("episode-000009.npz", stdout, StringComparison.Ordinal);

        using var result = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json")));
        var data = result.RootElement.GetProperty("data");
        Assert.Equal(2, data.GetProperty("episodes").GetInt32());
        Assert.Equal(10, data.GetProperty("labels").GetInt32());
        var skipped = data.GetProperty("skipped").EnumerateArray().ToList();
        Assert.Equal(["episode-000001.npz", "episode-000009.npz"], skipped.Select(x => x.GetProperty("file").GetString()));
        Assert.Contains("checksum mismatch", skipped[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(skipped[1].GetProperty("reason").GetString()));
    }

    [Fact]
    public void DaggerAcceptsADemosDir()
    {
        RecordCartPole(2);
        string run = Path.Combine(_dir, "dagger");
        var (code, stdout, stderr) = Rl("train", "dagger", "CartPole-v1", "--set", "config.demos_dir=" + _dir, "--out", run, "--plain",
            "--set", "config.steps_per_iteration=20", "--set", "config.epochs_per_iteration=2", "--set", "run.max_iterations=1",
            "--set", "run.eval_episodes=1", "--set", "config.eval_episodes=1");
        Assert.True(code == 0, stderr);
        Assert.Contains("data: 10 labelled states loaded from", stdout, StringComparison.Ordinal);
        using var result = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json")));
        Assert.Equal(10, result.RootElement.GetProperty("data").GetProperty("labels").GetInt32());
    }
}
