// The C# examples of README.md: each #region is shown there verbatim (tests/Rl.Experiments.Tests/Docs/DocSnippetTests.cs
// compares them) and run by tests/Rl.Experiments.Tests/Docs/TutorialTests.cs, so the front page's code compiles and works.
using Rl.Agents;
using Rl.Agents.GradientFree;
using Rl.Core;
using Rl.Environments;
using Rl.Training;

namespace MyEnvs;

/// <summary>The README's examples as methods.</summary>
public static class ReadmeExamples
{
    /// <summary>The environment loop: one CartPole episode with a hand-written policy; returns its return.</summary>
    public static double EnvLoop()
    {
        #region readme-env
        using var env = Envs.Make<float[], int>("CartPole-v1");     // registered id, with its 500-step time limit
        var obs = new float[4];                                     // reused: Step writes the observation into it
        env.Reset(seed: 42, into: obs);
        double episodeReturn = 0;
        while (true)
        {
            int action = obs[2] + obs[3] > 0 ? 1 : 0;               // push the cart towards where the pole falls
            var step = env.Step(action, into: obs);
            episodeReturn += step.Reward;
            if (step.Terminated || step.Truncated) break;
        }
        Console.WriteLine($"return {episodeReturn}");
        #endregion
        return episodeReturn;
    }

    /// <summary>Training with the library Trainer; returns the outcome and the action the reloaded model picks.</summary>
    public static (TrainingOutcome Outcome, object Action) Train()
    {
        #region readme-train
        BuiltInAlgorithms.EnsureRegistered();
        using var model = Model.Train("ars", new ArsConfig { StepSize = 0.02 }, () => Envs.Make("CartPole-v1"),
            new TrainerOptions { TotalSteps = 100_000, RewardThreshold = 475 }, seed: 1,
            configure: t => t.StopConditions.Add(StopWhen.WallTime(60)));   // runDirectory: "runs/x" adds logs, plot, checkpoints
        Console.WriteLine(model.Outcome);                                   // status, iterations, steps, final evaluation
        model.Save("cartpole-ars.model");
        using var loaded = Model.Load("cartpole-ars.model", () => Envs.Make("CartPole-v1"));
        object action = loaded.Predict(new float[] { 0.01f, 0, 0.02f, 0 }, deterministic: true);
        #endregion
        return (model.Outcome!, action);
    }
}
