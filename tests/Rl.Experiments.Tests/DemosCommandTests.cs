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
}
