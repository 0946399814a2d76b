using System.Globalization;
using Rl.Agents.ActorCritic;
using Rl.Agents.Training;
using Rl.Experiments.Commands;
using Rl.Experiments.Training;
using Rl.Training.Health;
using TorchSharp;

namespace Rl.Experiments.Tests.Training;

/// <summary>
/// The training-health checks: one pathological configuration per warning that must raise it (printed live once, in the
/// final summary and in health.json/health.md), and solved shipped runs that raise none.
/// </summary>
public sealed class HealthTests : ConsoleTest, IDisposable
{
    private static readonly List<TempDir> Shared = [];
    private readonly List<TempDir> _dirs = [];

    static HealthTests() => AppDomain.CurrentDomain.ProcessExit += (_, _) => Shared.ForEach(d => d.Dispose());

    /// <inheritdoc />
    public void Dispose() => _dirs.ForEach(d => d.Dispose());

    private sealed class Messages : IProgressSink
    {
        public List<string> Lines { get; } = [];
        public void Report(ProgressReport report) { }
        public void Message(string line) => Lines.Add(line);
        public void Finish(ProgressReport report) { }
    }

    private sealed record Run(HealthReport Report, List<string> Lines, string Directory, TrainingStatus? Status, Exception? Error);

    /// <summary>
    /// A config key of <paramref name="algo"/>'s config record: the flat name when the record has it (<c>learning_rate</c>),
    /// else its nested form (<c>optimizer.learning_rate</c>), so the tests follow the config vocabulary either way.
    /// </summary>
    private static string Key(string algo, string flat, string nested)
    {
        global::Rl.Agents.BuiltInAlgorithms.EnsureRegistered();
        var keys = ConfigBinder.Describe(AlgorithmRegistry.Get(algo).ConfigType).Select(k => k.Key).ToHashSet();
        return "config." + (keys.Contains(flat) ? flat : keys.Contains(nested) ? nested : throw new InvalidOperationException($"{algo} has neither '{flat}' nor '{nested}'"));
    }

    private static string LearningRate(string algo) => Key(algo, "learning_rate", "optimizer.learning_rate");

    private Run Train(string algo, long steps, IEnumerable<string> overrides, Action<IAlgorithm>? tamper = null, bool solve = false) =>
        Train(_dirs, algo, steps, overrides, tamper, solve);

    private static Run Train(List<TempDir> dirs, string algo, long steps, IEnumerable<string> overrides, Action<IAlgorithm>? tamper = null, bool solve = false)
    {
        global::Rl.Agents.BuiltInAlgorithms.EnsureRegistered();
        var (name, text) = ShippedConfigs.For(algo, "CartPole-v1") ?? throw new InvalidOperationException($"no shipped {algo} config");
        string[] run =
        [
            "run.device=cpu", $"run.total_steps={steps.ToString(CultureInfo.InvariantCulture)}", "run.eval_episodes=10", "run.checkpoint_interval=0",
            $"run.stop_when_solved={(solve ? "true" : "false")}",
        ];
        var config = ExperimentConfig.Parse(text, name, [.. run, .. overrides]);
        var dir = new TempDir();
        lock (dirs) dirs.Add(dir);
        string path = dir.Sub("run");
        var messages = new Messages();
        TrainingStatus? status = null;
        Exception? error = null;
        using (var session = TrainingSession.Create(config, path))
        {
            tamper?.Invoke(session.Algorithm);
            try
            {
                status = session.Run(messages, CancellationToken.None).Status;
            }
            catch (InvalidOperationException e)
            {
                error = e;
            }
        }
        var report = HealthReport.FromJson(File.ReadAllText(Path.Combine(path, HealthMonitor.JsonFile)));
        Assert.True(File.Exists(Path.Combine(path, HealthMonitor.MarkdownFile)));
        return new Run(report, messages.Lines, path, status, error);
    }

    /// <summary>The warning is in the report, was printed live exactly once, and is in the final summary and health.md.</summary>
    private static HealthWarning AssertWarns(Run run, string check)
    {
        var warning = run.Report.Warnings.FirstOrDefault(w => w.Check == check);
        Assert.True(warning is not null, $"expected '{check}'; got: {string.Join(" | ", run.Report.Warnings.Select(w => w.Line()))}");
        Assert.Single(run.Lines, l => l.StartsWith("health warning", StringComparison.Ordinal) && l.Contains($": {warning.Title} (", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith($"  - {warning.Title}", StringComparison.Ordinal));
        Assert.False(string.IsNullOrWhiteSpace(warning.Meaning));
        Assert.False(string.IsNullOrWhiteSpace(warning.Advice));
        Assert.Contains($"(`{check}`)", File.ReadAllText(Path.Combine(run.Directory, HealthMonitor.MarkdownFile)));
        return warning;
    }

    private static void SetParameters(IAlgorithm algorithm, Func<string, bool> which, Action<torch.Tensor> set)
    {
        var network = ((ActorCriticAgent)algorithm).Network;
        using var _ = torch.no_grad();
        foreach (var (name, p) in network.named_parameters())
            if (which(name)) set(p);
    }

    [Fact]
    public void ALearningRateOf1e9GivesTooSmallAnUpdateRatio()
    {
        var run = Train("ppo", 1536, [$"{LearningRate("ppo")}=1e-9"]);
        var w = AssertWarns(run, HealthChecks.UpdateRatioLow);
        Assert.Contains(w.Findings, f => f.Subject.EndsWith("weight", StringComparison.Ordinal));
    }

    [Fact]
    public void ALearningRateOf1GivesTooLargeAnUpdateRatio()
    {
        // REINFORCE's one gradient step per iteration is diagnosed: with Adam at 1, each step is several times the weights.
        var run = Train("reinforce", 2000, [$"{LearningRate("reinforce")}=1"]);
        AssertWarns(run, HealthChecks.UpdateRatioHigh);
    }

    [Fact]
    public void AHugeArsStepSizeExplodesTheParameters()
    {
        // Gradient-free: no gradients, so only the parameter-norm and evaluation checks have data.
        var run = Train("ars", 600, ["config.step_size=10000"]);
        AssertWarns(run, HealthChecks.WeightExplosion);
        Assert.DoesNotContain(HealthChecks.GradientExplosion, run.Report.Checked);
        Assert.DoesNotContain(HealthChecks.UpdateRatioLow, run.Report.Checked);
    }

    // Plain SGD on the value baseline at a learning rate past its stability limit: the value fit diverges geometrically.
    private static Run DivergingValueFit(List<TempDir> dirs, double valueLearningRate, long steps) =>
        Train(dirs, "reinforce", steps, [$"{Key("reinforce", "optimizer", "optimizer.kind")}=sgd", $"{LearningRate("reinforce")}=0.1",
            $"config.value_learning_rate={valueLearningRate.ToString(CultureInfo.InvariantCulture)}"]);

    private static readonly Lazy<Run> Diverging = new(() => DivergingValueFit(Shared, 0.04, 20_000));

    [Fact]
    public void ADivergingValueFitExplodesTheGradients()
    {
        var w = AssertWarns(Diverging.Value, HealthChecks.GradientExplosion);
        Assert.Contains(w.Findings, f => f.Subject.StartsWith("value/", StringComparison.Ordinal));
    }

    [Fact]
    public void ADivergingValueFitExplodesTheValueLoss()
    {
        var w = AssertWarns(Diverging.Value, HealthChecks.ValueLossExplosion);
        Assert.Equal("loss/value", w.Findings[0].Subject);
    }

    [Fact]
    public void ALearningRateOf1SaturatesTanhUnitsAndTheGradientsVanish()
    {
        var run = Train("ppo", 1536, [$"{LearningRate("ppo")}=1"]);
        AssertWarns(run, HealthChecks.GradientVanishing);
    }

    [Fact]
    public void AReluNetworkWithHugeNegativeBiasesHasDeadUnits()
    {
        var run = Train("ppo", 1536, [$"{Key("ppo", "activation", "network.activation")}=relu"],
            tamper: a => SetParameters(a, n => n.Contains("_body.", StringComparison.Ordinal) && n.EndsWith(".bias", StringComparison.Ordinal), p => p.fill_(-100)));
        var w = AssertWarns(run, HealthChecks.DeadUnits);
        Assert.Contains(w.Findings, f => f.Measured.StartsWith("100", StringComparison.Ordinal));
        Assert.Contains(run.Report.Layers, l => l.DeadFraction == 1.0);
    }

    [Fact]
    public void AHighLearningRateCollapsesThePolicyEntropyEarly()
    {
        var run = Train("ppo", 1024, [$"{LearningRate("ppo")}=0.1"]);
        AssertWarns(run, HealthChecks.EntropyCollapse);
    }

    [Fact]
    public void APolicyThatOnlyWorksBySamplingEvaluatesFarBelowItsTrainingReturns()
    {
        // An untrainable policy (learning rate 1e-9) whose head ignores the state and slightly prefers one action: sampled, it
        // balances like a random policy (about 22 steps); its most likely action alone, always the same, fails in about 9.
        var run = Train("ppo", 1536, [$"{LearningRate("ppo")}=1e-9"], tamper: a => SetParameters(a, n => n.StartsWith("policy_head.", StringComparison.Ordinal), p =>
        {
            p.zero_();
            if (p.dim() == 1) p[0] = 0.05f;
        }));
        AssertWarns(run, HealthChecks.EvalGap);
    }

    [Fact]
    public void AValueFitThatOverflowsIsReportedAsDivergedAndTheExceptionStillPropagates()
    {
        var run = DivergingValueFit(_dirs, 0.1, 4000);
        Assert.NotNull(run.Error);
        Assert.Equal("failed", run.Report.Status);
        var w = AssertWarns(run, HealthChecks.Diverged);
        Assert.Contains("value loss", w.Findings[0].Measured);
    }

    [Theory]
    [InlineData("ars", 50_000)]
    [InlineData("reinforce", 100_000)]
    [InlineData("ppo", 50_000)]
    public void ASolvedShippedRunRaisesNoWarning(string algo, long steps)
    {
        var run = Train(algo, steps, [], solve: true);
        Assert.Equal(TrainingStatus.Solved, run.Status);
        Assert.True(run.Report.Healthy, string.Join(" | ", run.Report.Warnings.Select(w => w.Line())));
        Assert.DoesNotContain(run.Lines, l => l.StartsWith("health warning", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("training health: no warnings", StringComparison.Ordinal));
        Assert.Contains(HealthChecks.EvalGap, run.Report.Checked);
        if (algo != "ars") Assert.Contains(HealthChecks.UpdateRatioLow, run.Report.Checked);
        // The same report again from the run's files (what `rl health` prints).
        var again = HealthMonitor.FromMetrics(run.Directory, totalSteps: steps);
        Assert.Equal(run.Report.Checked, again.Checked);
        Assert.Empty(again.Warnings);
    }

    [Fact]
    public void TheReportOfAPastRunIsRebuiltFromItsMetrics()
    {
        var run = Diverging.Value;
        var again = HealthMonitor.FromMetrics(run.Directory, totalSteps: 20_000);
        Assert.Equal(run.Report.Warnings.Select(w => (w.Check, w.Iteration)), again.Warnings.Select(w => (w.Check, w.Iteration)));
        // Other thresholds, other findings: a stricter value-loss growth fires earlier; disabled checks find nothing.
        int at = run.Report.Warnings.Single(w => w.Check == HealthChecks.ValueLossExplosion).Iteration;
        var strict = HealthMonitor.FromMetrics(run.Directory, new HealthOptions { ValueLossGrowth = 3 });
        Assert.True(strict.Warnings.Single(w => w.Check == HealthChecks.ValueLossExplosion).Iteration < at);
        Assert.Empty(HealthMonitor.FromMetrics(run.Directory, new HealthOptions { Enabled = false }).Warnings);

        // `rl health RUN`: the run's own report (exit code 2: warnings), or rebuilt with its config and other thresholds.
        var printed = new StringWriter();
        Assert.Equal(2, HealthCommand.Run(new(run.Directory, []), printed));
        Assert.Equal(string.Join("\n", run.Report.SummaryLines()) + "\n", printed.ToString().ReplaceLineEndings("\n"));
        var rebuilt = HealthCommand.Rebuild(run.Directory, ["run.health.value_loss_growth=3"]);
        Assert.Equal(strict.Warnings.Single(w => w.Check == HealthChecks.ValueLossExplosion).Iteration,
            rebuilt.Warnings.Single(w => w.Check == HealthChecks.ValueLossExplosion).Iteration);
        Assert.Throws<ConfigException>(() => HealthCommand.Run(new(run.Directory, ["config.learning_rate=1"]), TextWriter.Null));
        var (code, output, _) = Rl("health", run.Directory, "--markdown", "--set", "run.health.value_loss_growth=3");
        Assert.Equal(2, code);
        Assert.StartsWith("# Training health", output);
        Assert.Contains("value_loss_growth = 3", output);
        Assert.Equal(2, Rl("health", run.Directory, "--json", "--markdown").Code);
    }

    [Fact]
    public void TheDocsPageListsEveryThresholdWithItsDefault()
    {
        string? root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "Rl.sln"))) root = Path.GetDirectoryName(root);
        Assert.NotNull(root);
        string page = File.ReadAllText(Path.Combine(root, "docs", "training-health.md"));
        int start = page.IndexOf("```toml\n[run.health]", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/training-health.md has no [run.health] block");
        start += "```toml\n".Length;
        string block = page[start..page.IndexOf("```", start, StringComparison.Ordinal)];
        var table = (Tomlyn.Model.TomlTable)TomlText.Parse(block, "docs/training-health.md")["run"];
        var documented = (Tomlyn.Model.TomlTable)table["health"];
        var defaults = new HealthOptions();
        foreach (var (key, property) in ConfigBinder.Properties(typeof(HealthOptions)))
        {
            Assert.True(documented.ContainsKey(key), $"docs/training-health.md lacks run.health.{key}");
            Assert.True(ConfigBinder.TryConvert(documented[key], property.PropertyType, out var value, out _), key);
            Assert.Equal(property.GetValue(defaults), value);
        }
        Assert.Equal(ConfigBinder.Properties(typeof(HealthOptions)).Count, documented.Count);
    }

    [Fact]
    public void ThresholdsComeFromTheRunHealthTableAndBadOnesAreNamed()
    {
        global::Rl.Agents.BuiltInAlgorithms.EnsureRegistered();
        var (name, text) = ShippedConfigs.For("ppo", "CartPole-v1")!.Value;
        var config = ExperimentConfig.Parse(text, name, ["run.health.update_ratio_min=1e-4", "run.health.eval_gap=2"]);
        var options = TrainingSession.Options(config).Health;
        Assert.Equal(1e-4, options.UpdateRatioMin);
        Assert.Equal(2, options.EvalGap);
        Assert.Contains("[run.health]", config.ToToml());
        var e = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse(text, name, ["run.health.window=0", "run.health.dead_unit_fraction=2", "run.health.nope=1"]));
        Assert.Contains("'run.health.window' = 0", e.Message);
        Assert.Contains("'run.health.dead_unit_fraction' = 2", e.Message);
        Assert.Contains("unknown key 'run.health.nope'", e.Message);
        var inverted = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse(text, name, ["run.health.update_ratio_min=0.5", "run.health.update_ratio_max=0.1"]));
        Assert.Contains("update_ratio_max", inverted.Message);
        Assert.Throws<ArgumentException>(() => new TrainerOptions { Health = new HealthOptions { Window = 0 } }.Validate());
    }
}
