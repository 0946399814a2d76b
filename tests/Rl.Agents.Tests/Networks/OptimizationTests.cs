using Rl.Agents.Optimization;
using Rl.Agents.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.Tests.Networks;

public class OptimizationTests
{
    public OptimizationTests() => torch.set_num_threads(1);

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(9, 1.0)]
    [InlineData(10, 0.5)]
    [InlineData(25, 0.25)]
    public void StepScheduleHalvesEveryStepSize(long t, double expected) =>
        Assert.Equal(expected, new LrSchedule { Kind = LrScheduleKind.Step, StepSize = 10, Gamma = 0.5 }.LearningRate(1.0, t), 12);

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(50, 0.055)]
    [InlineData(100, 0.01)]
    [InlineData(1000, 0.01)]
    public void LinearScheduleReachesTheFinalFractionAtTheHorizon(long t, double expected) =>
        Assert.Equal(expected, new LrSchedule { Kind = LrScheduleKind.Linear, Horizon = 100, FinalFraction = 0.1 }.LearningRate(0.1, t), 12);

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(50, 0.5)]
    [InlineData(25, 0.8535533905932737)] // (1 + cos(pi/4)) / 2
    [InlineData(100, 0.0)]
    [InlineData(150, 0.0)]
    public void CosineScheduleFollowsHalfACosine(long t, double expected) =>
        Assert.Equal(expected, new LrSchedule { Kind = LrScheduleKind.Cosine, Horizon = 100 }.LearningRate(1.0, t), 12);

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(25, 0.55)]
    [InlineData(50, 1.0)]
    [InlineData(75, 0.55)]
    [InlineData(100, 0.1)]
    [InlineData(150, 1.0)]
    public void CyclicalScheduleIsTriangular(long t, double expected) =>
        Assert.Equal(expected, new LrSchedule { Kind = LrScheduleKind.Cyclical, CycleLength = 100, MinFraction = 0.1 }.LearningRate(1.0, t), 12);

    [Fact]
    public void ConstantScheduleKeepsTheBaseRate() => Assert.Equal(0.3, new LrSchedule().LearningRate(0.3, 12345));

    private static (nn.Module Module, TorchSharp.Modules.Parameter W) Scalar(float value)
    {
        var m = nn.Linear(1, 1, hasBias: false);
        using (torch.no_grad()) m.weight!.fill_(value);
        return (m, m.weight!);
    }

    [Fact]
    public void SgdWithMomentumAndWeightDecayMatchesHandComputedSteps()
    {
        using var scope = torch.NewDisposeScope();
        var (m, w) = Scalar(1f);
        using var opt = new TrainingOptimizer("t", m, new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 0.1, Momentum = 0.9, WeightDecay = 0.01 }, new LrSchedule());
        // loss = 3w, gradient 3 (+ 0.01 w from weight decay); momentum buffer b = 0.9 b + g; w -= lr b.
        double wv = 1, b = 0;
        for (int i = 0; i < 3; i++)
        {
            opt.Step(3 * w.sum());
            double g = 3 + 0.01 * wv;
            b = i == 0 ? g : 0.9 * b + g;
            wv -= 0.1 * b;
            Assert.Equal(wv, w.item<float>(), 5);
        }
        Assert.Equal(3, opt.Updates);
    }

    [Fact]
    public void AdamFirstStepMovesByTheLearningRate()
    {
        using var scope = torch.NewDisposeScope();
        var (m, w) = Scalar(1f);
        using var opt = new TrainingOptimizer("t", m, new OptimizerSettings { LearningRate = 0.01 }, new LrSchedule());
        opt.Step(-5 * w.sum());
        Assert.Equal(1.01, w.item<float>(), 5); // bias-corrected m/sqrt(v) = sign(g) on the first step
    }

    [Fact]
    public void RmsPropFirstStepMatchesHandComputed()
    {
        using var scope = torch.NewDisposeScope();
        var (m, w) = Scalar(1f);
        using var opt = new TrainingOptimizer("t", m, new OptimizerSettings { Kind = OptimizerKind.RmsProp, LearningRate = 0.01, Momentum = 0, Alpha = 0.99 }, new LrSchedule());
        opt.Step(2 * w.sum());
        // v = (1 - 0.99) g^2; w -= lr g / (sqrt(v) + eps)
        Assert.Equal(1 - 0.01 * 2 / (Math.Sqrt(0.01 * 4) + 1e-8), w.item<float>(), 5);
    }

    [Fact]
    public void GradientClippingCapsTheGlobalNormAndReportsTheNormBefore()
    {
        using var scope = torch.NewDisposeScope();
        var (m, w) = Scalar(0f);
        using var opt = new TrainingOptimizer("t", m, new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 1, Momentum = 0, MaxGradNorm = 0.5 }, new LrSchedule());
        var report = opt.Step(10 * w.sum());
        Assert.Equal(10, report.GradNorm, 4);
        Assert.Equal(-0.5, w.item<float>(), 5);
    }

    [Fact]
    public void ScheduleDrivesTheOptimizersLearningRate()
    {
        using var scope = torch.NewDisposeScope();
        var (m, w) = Scalar(0f);
        using var opt = new TrainingOptimizer("t", m, new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 1, Momentum = 0 },
            new LrSchedule { Kind = LrScheduleKind.Step, StepSize = 1, Gamma = 0.5 });
        var rates = Enumerable.Range(0, 3).Select(_ => opt.Step(w.sum()).LearningRate).ToArray();
        Assert.Equal(new[] { 1.0, 0.5, 0.25 }, rates);
        Assert.Equal(-1.75, w.item<float>(), 6);
    }

    [Fact]
    public void NonFiniteLossStopsWithTheNetworkAndUpdate()
    {
        using var scope = torch.NewDisposeScope();
        var (m, w) = Scalar(1f);
        using var opt = new TrainingOptimizer("policy", m, new OptimizerSettings(), new LrSchedule());
        var e = Assert.Throws<InvalidOperationException>(() => opt.Step(w.sum() * float.NaN));
        Assert.Contains("policy loss is NaN at update 0", e.Message);
    }

    [Fact]
    public void OptimizerStateAndSchedulePositionRoundTrip()
    {
        using var scope = torch.NewDisposeScope();
        var settings = new OptimizerSettings { LearningRate = 0.1 };
        var schedule = new LrSchedule { Kind = LrScheduleKind.Linear, Horizon = 10 };
        var (m1, w1) = Scalar(1f);
        using var a = new TrainingOptimizer("t", m1, settings, schedule);
        for (int i = 0; i < 3; i++) a.Step((w1 * w1).sum());
        var cp = new Checkpoint();
        a.Save(cp, "opt");
        var (m2, w2) = Scalar(w1.item<float>());
        using var b = new TrainingOptimizer("t", m2, settings, schedule);
        b.Load(cp, "opt");
        Assert.Equal(3, b.Updates);
        a.Step((w1 * w1).sum());
        b.Step((w2 * w2).sum());
        Assert.Equal(w1.item<float>(), w2.item<float>());
    }

    [Fact]
    public void DiagnosticsReportPerLayerNormsAndUpdateRatios()
    {
        using var scope = torch.NewDisposeScope();
        var net = nn.Sequential(("fc", nn.Linear(3, 2)));
        using var opt = new TrainingOptimizer("policy", net, new OptimizerSettings { LearningRate = 1e-3 }, new LrSchedule());
        opt.Step(net.forward(torch.ones(4, 3)).sum(), diagnose: true);
        var scalars = new Dictionary<string, double>();
        var histograms = new Dictionary<string, float[]>();
        opt.ReportDiagnostics(scalars, histograms);
        foreach (var key in new[] { "weight_norm", "grad_norm", "update_ratio" })
        {
            Assert.True(scalars.ContainsKey($"diag/policy/fc.weight/{key}"), key);
            Assert.True(scalars.ContainsKey($"diag/policy/fc.bias/{key}"), key);
        }
        Assert.Equal(4.0 * Math.Sqrt(2), scalars["diag/policy/fc.bias/grad_norm"], 4); // d(sum)/d(bias) = 4 per output
        Assert.InRange(scalars["diag/policy/fc.weight/update_ratio"], 1e-4, 1e-1);
        Assert.Equal(6, histograms["weights/policy/fc.weight"].Length);
    }

    [Fact]
    public void BadSettingsNameTheKeyAndValue()
    {
        Assert.Contains("optimizer.learning_rate = -1", Assert.Throws<ArgumentException>(() => new OptimizerSettings { LearningRate = -1 }.Validate()).Message);
        Assert.Contains("value_optimizer.learning_rate = 0", Assert.Throws<ArgumentException>(() => new OptimizerSettings { LearningRate = 0 }.Validate("value_optimizer")).Message);
        Assert.Contains("value_learning_rate = 0", Assert.Throws<ArgumentException>(() => new global::Rl.Agents.PolicyGradient.ReinforceConfig { ValueLearningRate = 0 }.Validate()).Message);
        Assert.Contains("optimizer.momentum = 1", Assert.Throws<ArgumentException>(() => new OptimizerSettings { Momentum = 1 }.Validate()).Message);
        Assert.Contains("schedule.gamma = 1.5", Assert.Throws<ArgumentException>(() => new LrSchedule { Gamma = 1.5 }.Validate()).Message);
        Assert.Contains("optimizer.kind = 9", Assert.Throws<ArgumentException>(() => new OptimizerSettings { Kind = (OptimizerKind)9 }.Validate()).Message);
    }
}
