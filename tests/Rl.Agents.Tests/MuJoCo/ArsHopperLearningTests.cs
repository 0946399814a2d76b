using Rl.Agents.Evaluation;
using Rl.Agents.GradientFree;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Environments;
using Rl.Environments.MuJoCo;
using Xunit.Abstractions;

namespace Rl.Agents.Tests.MuJoCo;

/// <summary>ARS learns to hop forward on this toolkit's MuJoCo hopper within a small fixed budget.</summary>
public sealed class ArsHopperLearningTests(ITestOutputHelper output)
{
    private const long StepBudget = 150_000;
    private const int EvalSeed = 100, EvalEpisodes = 5;

    private sealed class ZeroPolicy : IPolicy
    {
        public object Act(object observation, bool deterministic, Rng rng) => new float[3];
    }

    /// <summary>Runs one deterministic episode of <paramref name="policy"/>; returns the torso's final x.</summary>
    private static double DistanceTravelled(IPolicy policy, int seed)
    {
        using var env = Envs.Make(HopperEnv.Id);
        var rng = new Rng(seed);
        object obs = env.ResetObject(seed: seed).Observation;
        double start = ((HopperEnv)env.Unwrapped).LastStep.XPosition;
        while (true)
        {
            var step = env.StepObject(policy.Act(obs, deterministic: true, rng));
            obs = step.Observation;
            if (step.Terminated || step.Truncated) break;
        }
        return ((HopperEnv)env.Unwrapped).LastStep.XPosition - start;
    }

    [Fact]
    public void ArsBeatsTheZeroActionPolicyByAWideMargin()
    {
        // The baseline: no torque at all; the hopper topples after about 175 steps, earning mostly the healthy bonus.
        var zero = Evaluator.Evaluate(new ZeroPolicy(), () => Envs.Make(HopperEnv.Id), new EvaluationOptions { Episodes = EvalEpisodes, Seed = EvalSeed });

        // V2-t with the survival bonus removed from the ranking returns, so directions are chosen for forward motion.
        var config = new ArsConfig { Version = ArsVersion.V2, Directions = 8, TopDirections = 4, StepSize = 0.02, NoiseStd = 0.03, RewardShift = 1.0 };
        using var ars = new Ars(config, new TrainingContext { MakeEnv = () => Envs.Make(HopperEnv.Id), Seed = 0, Threads = 2 });
        while (ars.EnvSteps < StepBudget) ars.RunIteration();
        var trained = ars.Evaluate(EvalEpisodes, EvalSeed);

        double zeroDistance = DistanceTravelled(new ZeroPolicy(), EvalSeed);
        double distance = DistanceTravelled(ars.Policy, EvalSeed);
        output.WriteLine($"zero action: return {zero.MeanReturn:F1}, length {zero.MeanLength:F0}, {zeroDistance:F2} m; " +
            $"ARS after {ars.EnvSteps} steps: return {trained.MeanReturn:F1}, length {trained.MeanLength:F0}, {distance:F2} m");

        Assert.InRange(zero.MeanReturn, 100, 300);
        Assert.True(trained.MeanReturn >= 3 * zero.MeanReturn,
            $"ARS after {ars.EnvSteps} steps: {trained.MeanReturn:F1} (mean length {trained.MeanLength:F0}) vs {zero.MeanReturn:F1} for zero action");
        // Not just standing still for the healthy bonus: it moves forward, where zero action stays put.
        Assert.True(Math.Abs(zeroDistance) < 0.5, $"zero action moved {zeroDistance:F2} m");
        Assert.True(distance >= 2.0, $"ARS's hopper moved {distance:F2} m forward in one episode");
    }
}
