// The C# steps of docs/tutorial.md. Each #region is shown on that page verbatim (a test compares them), and the tests in
// tests/Rl.Experiments.Tests/Docs/TutorialTests.cs run every step, so the tutorial compiles and works as long as they pass.
#region usings
using Rl.Agents;
using Rl.Agents.GradientFree;
using Rl.Core;
using Rl.Environments;
using Rl.Rendering;
using Rl.Training;
#endregion

namespace MyEnvs;

/// <summary>The tutorial's program, one method per step.</summary>
public static class TutorialSteps
{
    #region register
    /// <summary>Makes GoalLine-v0 known to <c>Envs.Make</c> (what <c>--env-assembly</c> does for the runner).</summary>
    public static void Register() => new GoalLineEnvironments().Register(Envs.Registry);
    #endregion

    #region check
    /// <summary>Runs the environment checker and the rendering checker; throws with every failure listed.</summary>
    public static EnvCheckReport Check()
    {
        static IEnv Make() => Envs.Make("GoalLine-v0");     // with the registered 50-step time limit

        var report = EnvChecker.Check(Make(), Make);        // spaces, seeding, reset/step contract, buffers
        Console.WriteLine(report);
        report.ThrowIfFailed();

        RenderChecker.Check(Make).ThrowIfFailed();          // rgb_array frames (and a window where there is a display)
        return report;
    }
    #endregion

    #region first-steps
    /// <summary>One episode by hand: always step towards the target. Returns the episode's return.</summary>
    public static double Steer(int seed)
    {
        using var env = Envs.Make<float[], int>("GoalLine-v0");
        var obs = new float[2];
        env.Reset(seed, into: obs);
        double total = 0;
        while (true)
        {
            int action = obs[1] > obs[0] ? 1 : 0;           // target to the right: move right
            var step = env.Step(action, into: obs);
            total += step.Reward;
            if (step.Terminated || step.Truncated) return total;
        }
    }
    #endregion

    #region train
    /// <summary>Trains ARS on GoalLine-v0 until it is solved (mean return 0.8) or 300k steps; saves the model.</summary>
    public static TrainingOutcome Train(string runDirectory, string modelPath)
    {
        BuiltInAlgorithms.EnsureRegistered();
        using var model = Model.Train("ars", new ArsConfig(), "GoalLine-v0",
            new TrainerOptions { TotalSteps = 300_000 }, seed: 0,
            runDirectory: runDirectory);                     // metrics.csv, TensorBoard, checkpoints, learning_curve.png
        Console.WriteLine(model.Outcome);                    // status, iterations, steps, final evaluation
        model.Save(modelPath);
        return model.Outcome!;
    }
    #endregion

    #region use
    /// <summary>Loads the saved model, asks it for one action, and evaluates it on 100 fresh episodes.</summary>
    public static (int Action, double MeanReturn) Use(string modelPath)
    {
        using var model = Model.Load(modelPath, () => Envs.Make("GoalLine-v0"));
        int action = (int)model.Predict(new float[] { -0.5f, 0.5f }, deterministic: true);   // target to the right

        var result = Rl.Agents.Evaluation.Evaluator.Evaluate(model.Algorithm.Policy, () => Envs.Make("GoalLine-v0"),
            new Rl.Agents.Evaluation.EvaluationOptions { Episodes = 100, Seed = 1000 });
        return (action, result.MeanReturn);
    }
    #endregion

    #region frame
    /// <summary>Draws the first state of an episode headless (no display needed) and saves it as a PNG.</summary>
    public static Frame SaveFrame(string pngPath)
    {
        using var env = (IRenderedEnv)RenderingEnvs.WithRenderMode(Envs.Make("GoalLine-v0"), "rgb_array");
        env.ResetObject(seed: 1);
        var frame = env.Render()!;                           // Height x Width x 3 bytes
        frame.SavePng(pngPath);
        return frame;
    }
    #endregion
}
