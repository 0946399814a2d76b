using System.Diagnostics;
using Rl.Core.Demonstrations;
using Rl.Environments;
using Rl.Rendering.Tests;

namespace Rl.Experiments.Tests;

/// <summary><c>rl play</c> as a person (here a key script) would run it: a child process with a window.</summary>
[Collection("Display")]
public sealed class PlayCommandTests(XvfbDisplay display) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rl-play-cmd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Process StartRl(IEnumerable<string> args, bool withDisplay = true)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rl.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (!withDisplay)
        {
            psi.Environment.Remove("DISPLAY");
            psi.Environment.Remove("WAYLAND_DISPLAY");
        }
        return Process.Start(psi)!;
    }

    private static int ManifestEpisodes(string dir)
    {
        try
        {
            return File.Exists(Path.Combine(dir, DemonstrationManifest.FileName)) ? DemonstrationManifest.Read(dir).Episodes.Count : 0;
        }
        catch (IOException)
        {
            return 0; // being replaced this instant
        }
    }

    [Fact]
    public void KillingTheRecorderMidEpisodeKeepsEveryCompletedEpisodeLoadable()
    {
        Assert.False(string.IsNullOrEmpty(display.Display));
        string script = Path.Combine(_dir, "keys.txt");
        // Push right briefly, then hold LEFT for good: cart-pole falls every ~10 steps, so episodes keep completing
        // (about six a second at 60 steps/s) and the recorder is almost always in the middle of one.
        File.WriteAllText(script, "# kill test\nRIGHT *3\nLEFT *1000000\n");
        string demos = Path.Combine(_dir, "demos");
        using var rl = StartRl(["play", "CartPole-v1", "--record", demos, "--input-script", script, "--fps", "60", "--seed", "4"]);
        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        rl.OutputDataReceived += (_, e) => { lock (stdout) stdout.AppendLine(e.Data); };
        rl.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        rl.BeginOutputReadLine();
        rl.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (ManifestEpisodes(demos) < 2)
        {
            if (rl.HasExited || DateTime.UtcNow > deadline)
            {
                if (!rl.HasExited) rl.Kill();
                rl.WaitForExit();
                lock (stderr) Assert.Fail($"rl play saved fewer than 2 episodes (exit code {rl.ExitCode}): {stderr}");
            }
            Thread.Sleep(20);
        }
        Thread.Sleep(70); // into the next episode
        rl.Kill(); // SIGKILL: no chance to clean up
        rl.WaitForExit();

        using var env = Envs.Make("CartPole-v1");
        var set = DemonstrationSet.Load(demos, env);
        Assert.True(set.Episodes.Count >= 2, $"{set.Episodes.Count} episodes");
        Assert.Empty(set.Skipped);
        Assert.Equal(set.Manifest.Episodes.Count, set.Episodes.Count);
        Assert.All(set.Episodes, e => Assert.True(e.Terminated[^1] || e.Truncated[^1], $"{e.File} is not a completed episode"));
        Assert.Equal(4, set.Manifest.Episodes[0].Seed);
        // Every saved line of the console names a file that loads; episode files left over by the kill, if any, are
        // not in the manifest and never half-written.
        string log;
        lock (stdout) log = stdout.ToString();
        Assert.Contains("keys:", log);
        Assert.Contains("push the cart left", log);
        foreach (var saved in log.Split('\n').Where(l => l.Contains("saved episode-", StringComparison.Ordinal)))
            Assert.Contains(set.Episodes, e => saved.Contains(Path.GetFileName(e.File), StringComparison.Ordinal));
        Assert.All(Directory.GetFiles(demos, "*.npz"), f => Assert.Contains(set.Episodes, e => Path.GetFileName(e.File) == Path.GetFileName(f)));
    }

    [Fact]
    public void WithoutADisplayItSaysWhatToDo()
    {
        using var rl = StartRl(["play", "CartPole-v1", "--record", Path.Combine(_dir, "none")], withDisplay: false);
        string err = rl.StandardError.ReadToEnd();
        rl.WaitForExit();
        Assert.Equal(1, rl.ExitCode);
        Assert.Contains("no display", err);
        Assert.Contains("xvfb", err);
    }

    [Fact]
    public void BadScriptsAndUnplayableEnvironmentsAreUsageErrors()
    {
        string script = Path.Combine(_dir, "bad.txt");
        File.WriteAllText(script, "LEFT\nJUMP\n");
        using (var rl = StartRl(["play", "CartPole-v1", "--input-script", script]))
        {
            string err = rl.StandardError.ReadToEnd();
            rl.WaitForExit();
            Assert.Equal(2, rl.ExitCode);
            Assert.Contains("bad.txt line 2", err);
            Assert.Contains("'JUMP'", err);
        }
        using (var rl = StartRl(["play", "NoSuchGame-v9"]))
        {
            string err = rl.StandardError.ReadToEnd();
            rl.WaitForExit();
            Assert.Equal(2, rl.ExitCode);
            Assert.Contains("NoSuchGame-v9", err);
        }
    }
}

/// <summary><c>rl train dagger ... --human</c> with a key script standing in for the person.</summary>
[Collection("Display")]
public sealed class HumanDaggerCommandTests(XvfbDisplay display) : ConsoleTest, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rl-human-dagger-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Code, string Out, string Err) Train(string script, int maxIterations)
    {
        string keys = Path.Combine(_dir, "keys.txt");
        File.WriteAllText(keys, script);
        return Rl("train", "dagger", "CartPole-v1", "--human", "--human-script", keys, "--human-fps", "1000", "--plain",
            "--out", Path.Combine(_dir, "run"), "--set", "config.steps_per_iteration=20", "--set", $"run.max_iterations={maxIterations}",
            "--set", "config.epochs_per_iteration=2", "--set", "config.eval_episodes=1", "--set", "run.eval_episodes=1");
    }

    [Fact]
    public void ThePersonsKeysLabelEveryStateOfTheRun()
    {
        Assert.False(string.IsNullOrEmpty(display.Display));
        var (code, output, err) = Train(string.Concat(Enumerable.Repeat("LEFT *2\nRIGHT *2\n", 15)), maxIterations: 2);
        Assert.True(code == 0, $"exit {code}: {err}\n{output}");
        Assert.Contains("you are the expert for CartPole-v1", output);
        Assert.Contains("push the cart left", output);
        // 40 labelled states and the evaluation episodes (they count as steps too); more labels than the script's 60
        // frames would have ended it with ESC.
        Assert.True(output.Contains("iteration limit reached after 2 iterations", StringComparison.Ordinal), output);
    }

    [Fact]
    public void EscStopsTheRunLikeAnInterruptWithACheckpoint()
    {
        var (code, output, err) = Train(string.Concat(Enumerable.Repeat("LEFT\nRIGHT\n", 13)), maxIterations: 3);
        Assert.True(code == 130, $"exit {code}: {err}\n{output}");
        Assert.Contains("ESC", output + err);
        // The script's 26 frames label iteration 1's 20 states, then ESC comes 6 states into iteration 2.
        Assert.True(output.Contains("interrupted after 1 iterations", StringComparison.Ordinal), output);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_dir, "run", "checkpoints")));
    }

    [Fact]
    public void HumanNeedsAnImitationAlgorithm()
    {
        var (code, _, err) = Rl("train", "cem", "CartPole-v1", "--human", "--out", Path.Combine(_dir, "cem"), "--set", "run.max_iterations=1");
        Assert.Equal(2, code);
        Assert.Contains("takes no expert", err);
    }
}
