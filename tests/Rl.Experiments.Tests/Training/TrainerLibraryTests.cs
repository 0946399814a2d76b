using System.Diagnostics;
using Rl.Agents;
using Rl.Agents.GradientFree;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Environments;

namespace Rl.Experiments.Tests.Training;

/// <summary>The Trainer as a library: a few lines of C#, models saved and loaded, callbacks, stop conditions, the event writer.</summary>
public class TrainerLibraryTests
{
    public TrainerLibraryTests() => BuiltInAlgorithms.EnsureRegistered();

    private static readonly TrainerOptions Short = new() { TotalSteps = 20_000, EvalEpisodes = 5, RewardThreshold = 475, CheckpointInterval = 0 };

    [Fact]
    public void AFewLinesTrainAUserBuiltEnvironmentAndTheLoadedModelActsAsTheSavedOne()
    {
        using var dir = new TempDir();
        using var model = Model.Train("ars", new ArsConfig { Directions = 8, TopDirections = 4 }, () => Envs.Make("CartPole-v1"), Short, seed: 3);
        Assert.NotNull(model.Outcome);
        Assert.True(model.Outcome!.EnvSteps > 0);
        string file = dir.Sub("cartpole.model");
        model.Save(file);
        using var loaded = Model.Load(file, () => Envs.Make("CartPole-v1"));

        // Observation normalisation (ARS V2) travels with the model: the same actions for the same observations.
        using var env = Envs.Make("CartPole-v1");
        object obs = env.ResetObject(11).Observation;
        for (int t = 0; t < 200; t++)
        {
            object action = model.Predict(obs);
            Assert.Equal(action, loaded.Predict(obs));
            var step = env.StepObject(action);
            obs = step.Terminated || step.Truncated ? env.ResetObject(null).Observation : step.Observation;
        }
        var e = Assert.Throws<CheckpointException>(() => Model.Load(dir.Sub("nope")));
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void ARegisteredEnvironmentIdAndADirectoryGiveARunWithLogsAndTheEnvironmentsThreshold()
    {
        using var dir = new TempDir();
        using var model = Model.Train("ars", new ArsConfig(), "CartPole-v1", new TrainerOptions { TotalSteps = 200_000, EvalEpisodes = 5 }, seed: 0, runDirectory: dir.Sub("run"));
        Assert.Equal(TrainingStatus.Solved, model.Outcome!.Status);
        Assert.True(File.Exists(dir.Sub("run/metrics.csv")));
        Assert.True(File.Exists(dir.Sub("run/learning_curve.png")));
        Assert.Single(Directory.GetFiles(dir.Sub("run/tensorboard")));
        using var loaded = Model.Load(CheckpointStore.Files(dir.Sub("run/checkpoints"))[0]);
        Assert.Equal("CartPole-v1", loaded.EnvId);
    }

    private sealed class Counter : ITrainingCallback
    {
        public int Starts, Iterations, Evaluations, Ends;
        public int StopAfter = int.MaxValue;

        public void OnTrainingStart(Trainer trainer) => Starts++;

        public bool OnIteration(Trainer trainer, IterationRecord record) => ++Iterations < StopAfter;

        public void OnEvaluation(Trainer trainer, EvalResult evaluation, long envSteps) => Evaluations++;

        public void OnTrainingEnd(Trainer trainer, TrainingOutcome outcome) => Ends++;
    }

    [Fact]
    public void CallbacksSeeEveryIterationAndEvaluationAndCanStopTraining()
    {
        var counter = new Counter { StopAfter = 3 };
        using var model = Model.Train("ars", new ArsConfig(), () => Envs.Make("CartPole-v1"), Short with { EvalInterval = 1 }, seed: 1,
            configure: t => t.Callbacks.Add(counter));
        Assert.Equal(TrainingStatus.Stopped, model.Outcome!.Status);
        Assert.Equal(3, model.Outcome.Iteration);
        Assert.Equal((1, 3, 3, 1), (counter.Starts, counter.Iterations, counter.Evaluations, counter.Ends));
    }

    [Fact]
    public void StopConditionsEndTrainingWithTheirStatus()
    {
        using var byRule = Model.Train("ars", new ArsConfig(), () => Envs.Make("CartPole-v1"), Short, seed: 1,
            configure: t => t.StopConditions.Add(StopWhen.Callback(c => c.Iteration >= 2)));
        Assert.Equal((TrainingStatus.Stopped, 2), (byRule.Outcome!.Status, byRule.Outcome.Iteration));
        using var byTime = Model.Train("ars", new ArsConfig(), () => Envs.Make("CartPole-v1"), Short with { MaxWallSeconds = 1e-9 }, seed: 1);
        Assert.Equal((TrainingStatus.WallTimeLimit, 0), (byTime.Outcome!.Status, byTime.Outcome.Iteration));
        using var byIterations = Model.Train("ars", new ArsConfig(), () => Envs.Make("CartPole-v1"), Short with { MaxIterations = 2 }, seed: 1);
        Assert.Equal((TrainingStatus.IterationLimit, 2), (byIterations.Outcome!.Status, byIterations.Outcome.Iteration));
        Assert.NotNull(byIterations.Outcome.FinalEval);
        var e = Assert.Throws<ArgumentException>(() => Model.Train("ars", new ArsConfig(), () => Envs.Make("CartPole-v1"), Short with { EvalEpisodes = 0, KeepCheckpoints = 0 }));
        Assert.Contains("EvalEpisodes = 0", e.Message);
        Assert.Contains("KeepCheckpoints = 0", e.Message);
        Assert.Contains("unknown algorithm 'nope'", Assert.Throws<ArgumentException>(() => Model.Train("nope", new ArsConfig(), "CartPole-v1")).Message);
    }

    [Fact]
    public void TheEventWriterWritesCheckedRecordsWithStepsTagsAndUnixWallTime()
    {
        using var dir = new TempDir();
        double now = 1_765_000_000.25;
        string path;
        using (var w = new EventFileWriter(dir.Path, () => now))
        {
            path = w.Path;
            w.Scalar("a/x", 1.5, 10);
            now += 1;
            w.Scalar("b", -2, 3_000_000_000);
            w.Histogram("h", [1f, 2f, 2f, -3f, float.NaN], 7);
            w.Flush();
            Assert.Equal(4, EventFileReader.Read(path).Records); // flushed while open
        }
        var events = EventFileReader.Read(path); // checks both CRCs of every record
        Assert.Equal("brain.Event:2", events.FileVersion);
        Assert.Equal([("a/x", 10L, 1.5f, 1_765_000_000.25), ("b", 3_000_000_000L, -2f, 1_765_000_001.25)],
            events.Scalars.Select(s => (s.Tag, s.Step, s.Value, s.WallTime)));
        var h = Assert.Single(events.Histograms);
        Assert.Equal(("h", 7L, 4.0, -3.0, 2.0, 2.0), (h.Tag, h.Step, h.Count, h.Min, h.Max, h.Sum));
        Assert.StartsWith("events.out.tfevents.1765000000.", Path.GetFileName(path));

        var bytes = File.ReadAllBytes(path);
        bytes[^3] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.Throws<InvalidDataException>(() => EventFileReader.Read(path));

        double before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        using var real = new EventFileWriter(dir.Sub("real"));
        real.Scalar("t", 1, 1);
        real.Flush();
        double wall = EventFileReader.Read(real.Path).Scalars[0].WallTime;
        Assert.InRange(wall, before - 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 + 1);
    }

    private static (int Code, string Metrics, string Err) ChildTrain(string dir, int processors, params string[] args)
    {
        string host = Path.Combine(AppContext.BaseDirectory, "rl");
        var info = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.ArgumentList.Add("--out");
        info.ArgumentList.Add(dir);
        info.Environment["DOTNET_PROCESSOR_COUNT"] = processors.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        _ = stdout.Result;
        return (p.ExitCode, File.Exists(Path.Combine(dir, "metrics.csv")) ? File.ReadAllText(Path.Combine(dir, "metrics.csv")) : "", err);
    }

    [Fact]
    public void TheSameConfigGivesTheSameMetricsOnOneAndTwoCores()
    {
        using var dir = new TempDir();
        string[] args = ["train", "reinforce", "CartPole-v1", "--plain", "--set", "run.total_steps=3000", "--set", "run.stop_when_solved=false",
            "--set", "run.threads=0", "--set", "config.torch_threads=0", "--set", "run.eval_episodes=3", "--set", "run.device=cpu"];
        var one = ChildTrain(dir.Sub("one"), 1, args);
        var two = ChildTrain(dir.Sub("two"), 2, args);
        Assert.True(one.Code == 0, one.Err);
        Assert.True(two.Code == 0, two.Err);
        Assert.NotEmpty(one.Metrics);
        Assert.Equal(one.Metrics, two.Metrics);
    }

    private static string Child(params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "rl")) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err.Result);
        return output;
    }

    [Fact]
    public void AGradientFreeRunLoadsNeitherTorchSharpNorOrleansAndATorchRunDoes()
    {
        string ars = Child("bench", "train", "ars", "CartPole-v1");
        Assert.Contains("TorchSharp loaded: no; Orleans loaded: no", ars);
        foreach (var phase in new[] { "runtime start", "command line", "loading", "training", "evaluation", "checkpoint", "logs", "plot", "total", "of the total: JIT compiling" })
            Assert.Contains($"| {phase}", ars);
        Assert.Matches(@"\d+ assemblies loaded; rl\.dll ReadyToRun-compiled: (yes|no)", ars);
        string reinforce = Child("bench", "train", "reinforce", "CartPole-v1", "--set", "run.total_steps=600", "--set", "run.device=cpu");
        Assert.Contains("TorchSharp loaded: yes", reinforce);
    }
}
