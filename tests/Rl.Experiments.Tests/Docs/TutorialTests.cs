using System.Diagnostics;
using System.Text.Json;
using MyEnvs;
using Rl.Core;
using Rl.Environments;

namespace Rl.Experiments.Tests.Docs;

/// <summary>
/// docs/tutorial.md, step by step: its C# (docs/tutorial/*.cs, compiled into this assembly) runs here, and its command lines
/// run as a user runs them, against the tutorial's environment assembly (docs/tutorial/GoalLine, built by this project).
/// </summary>
public class TutorialTests
{
    private static readonly Lazy<bool> Registered = new(() =>
    {
        TutorialSteps.Register();
        return true;
    });

    private static void EnsureRegistered() => Assert.True(Registered.Value);

    [Fact]
    public void TheEnvironmentPassesBothCheckersAndSteeringReachesTheTarget()
    {
        EnsureRegistered();
        var report = TutorialSteps.Check();
        Assert.True(report.Ok, report.ToString());
        Assert.Empty(report.Warnings);
        for (int seed = 0; seed < 20; seed++)
        {
            double total = TutorialSteps.Steer(seed);
            Assert.True(total > 0.5 && total <= 1.0, $"seed {seed}: steering towards the target gave {total}");
        }
    }

    [Fact]
    public void TrainingSolvesItAndTheSavedModelActsAndEvaluates()
    {
        EnsureRegistered();
        using var dir = new TempDir();
        string model = dir.Sub("goal-line.model");
        var outcome = TutorialSteps.Train(dir.Sub("run"), model);
        Assert.Equal(TrainingStatus.Solved, outcome.Status);
        Assert.True(File.Exists(Path.Combine(dir.Sub("run"), "metrics.csv")));

        var (action, mean) = TutorialSteps.Use(model);
        Assert.Equal(1, action); // the target lies to the right: move right
        Assert.True(mean >= 0.8, $"the reloaded model's mean return over 100 episodes is {mean}, below the threshold 0.8");
    }

    [Fact]
    public void AFrameIsDrawnHeadless()
    {
        EnsureRegistered();
        using var dir = new TempDir();
        var frame = TutorialSteps.SaveFrame(dir.Sub("frame.png"));
        Assert.Equal([60, 240, 3], frame.Shape);
        Assert.True(new FileInfo(dir.Sub("frame.png")).Length > 0);
        // The red point and the green target are drawn on the white picture.
        Assert.Contains(Enumerable.Range(0, 240), x => frame[x, 30, 0] > 150 && frame[x, 30, 1] < 80);
        Assert.Contains(Enumerable.Range(0, 240), x => frame[x, 30, 1] > 120 && frame[x, 30, 0] < 80);
    }

    [Fact]
    public void TheReadmeExamplesRun()
    {
        Assert.Equal(500, ReadmeExamples.EnvLoop());
        var (outcome, action) = ReadmeExamples.Train();
        File.Delete("cartpole-ars.model");
        Assert.Equal(TrainingStatus.Solved, outcome.Status);
        Assert.IsType<int>(action);
    }

    [Fact]
    public void TheCommandLineStepsRunOnTheEnvironmentAssembly()
    {
        using var dir = new TempDir();
        string assembly = DocsPaths.GoalLineAssembly;

        var (code, output, err) = RunRl("envs", "--env-assembly", assembly);
        Assert.True(code == 0, err);
        Assert.Contains("GoalLine-v0", output);

        (code, output, err) = RunRl("rollout", "GoalLine-v0", "--env-assembly", assembly, "--seed", "1", "--actions", "1,1,1");
        Assert.True(code == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(lines.Count >= 2, output);
        Assert.Equal(2, lines[0].GetProperty("obs").GetArrayLength());

        string run = dir.Sub("run");
        (code, output, err) = RunRl("train", "ars", "GoalLine-v0", "--env-assembly", assembly, "--seed", "0", "--out", run, "--plain");
        Assert.True(code == 0, $"rl train: {err}\n{output}");
        Assert.Contains("solved after", output);

        string videos = dir.Sub("videos");
        (code, output, err) = RunRl("eval", run, "--episodes", "2", "--record-video", videos);
        Assert.True(code == 0, $"rl eval: {err}\n{output}");
        Assert.NotEmpty(Directory.GetFiles(videos));
    }

    /// <summary>Runs the runner as a child process (its own environment registry, as a user's shell would).</summary>
    internal static (int Code, string Out, string Err) RunRl(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rl.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var rl = Process.Start(psi)!;
        var stdout = rl.StandardOutput.ReadToEndAsync();
        var stderr = rl.StandardError.ReadToEndAsync();
        if (!rl.WaitForExit(180_000))
        {
            rl.Kill(entireProcessTree: true);
            Assert.Fail($"rl {string.Join(' ', args)} did not finish in 180 s");
        }
        return (rl.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>The tutorial's <c>rl play</c> and <c>rl watch</c> steps in a window on the test display.</summary>
[Collection("Display")]
public sealed class TutorialWindowTests(Rl.Rendering.Tests.XvfbDisplay display)
{
    [Fact]
    public void PlayRecordsDemonstrationsBehaviourCloningLearnsFromThemAndWatchShowsTheTrainedPolicy()
    {
        Assert.False(string.IsNullOrEmpty(display.Display));
        using var dir = new TempDir();
        string assembly = DocsPaths.GoalLineAssembly;
        string script = dir.Sub("keys.txt");
        File.WriteAllText(script, "RIGHT *30\nLEFT *60\nRIGHT *60\n");
        string demos = dir.Sub("demos");
        var (code, output, err) = TutorialTests.RunRl("play", "GoalLine-v0", "--env-assembly", assembly, "--record", demos,
            "--input-script", script, "--episodes", "2", "--fps", "0", "--seed", "3");
        Assert.True(code == 0, $"rl play: {err}\n{output}");
        Assert.Contains("move right", output); // the environment's key map, shown to the player
        Assert.InRange(Rl.Core.Demonstrations.DemonstrationManifest.Read(demos).Episodes.Count, 1, 2);

        // Behaviour cloning from what was played (the tutorial's command, with a few epochs).
        (code, output, err) = TutorialTests.RunRl("train", "bc", "GoalLine-v0", "--env-assembly", assembly, "--set", "config.demos_dir=" + demos,
            "--set", "run.max_iterations=3", "--out", dir.Sub("bc"), "--plain");
        Assert.True(code == 0, $"rl train bc: {err}\n{output}");
        Assert.True(File.Exists(Path.Combine(dir.Sub("bc"), "result.json")), output);

        string videos = dir.Sub("videos");
        (code, output, err) = TutorialTests.RunRl("watch", "GoalLine-v0", "--env-assembly", assembly, "--policy", dir.Sub("bc"),
            "--episodes", "1", "--fps", "0", "--record-video", videos);
        Assert.True(code == 0, $"rl watch: {err}\n{output}");
        Assert.NotEmpty(Directory.GetFiles(videos));
    }
}
