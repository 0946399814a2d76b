using Rl.Agents.ActorCritic;
using Rl.Agents.Imitation;
using Rl.Agents.Networks;
using Rl.Agents.Optimization;
using Rl.Agents.Policies;
using Rl.Agents.PolicyGradient;
using Rl.Agents.ValueBased;
using Rl.Experiments.Commands;
using Rl.Experiments.Training;

namespace Rl.Experiments.Tests;

/// <summary>The [config.network], [config.optimizer] and [config.schedule] tables of the TorchSharp algorithms and their old flat keys.</summary>
public class TorchConfigTableTests : ConsoleTest
{
    public TorchConfigTableTests() => global::Rl.Agents.BuiltInAlgorithms.EnsureRegistered();

    private static ExperimentConfig Parse(string algo, string config, params string[] overrides) =>
        ExperimentConfig.Parse($"algo = \"{algo}\"\nenv = \"CartPole-v1\"\nseed = 1\n{config}", "test.toml", overrides, oldKeys: OldKeyNotices.Silent);

    private static ConfigException Rejects(string algo, string config, params string[] overrides) =>
        Assert.Throws<ConfigException>(() => Parse(algo, config, overrides));

    public static TheoryData<string> TorchAlgorithms => new() { "reinforce", "offpolicy-pg", "ppo", "a2c", "dqn", "bc", "dagger" };

    [Theory]
    [MemberData(nameof(TorchAlgorithms))]
    public void TheTablesBindToTypedSettingsWithEnumsInEveryTorchAlgorithm(string algo)
    {
        var c = Parse(algo, """
            [config.network]
            kind = "mlp"
            hidden_sizes = [32, 16]
            activation = "relu"
            init = "xavier"
            conv_norm = "group"
            conv_pooling = "none"

            [config.optimizer]
            kind = "rmsprop"
            learning_rate = 0.002
            alpha = 0.95
            max_grad_norm = 2

            [config.schedule]
            kind = "cosine"
            horizon = 50
            final_fraction = 0.1
            """);
        dynamic config = c.Config;
        NetworkSettings network = config.Network;
        OptimizerSettings optimizer = config.Optimizer;
        LrSchedule schedule = config.Schedule;
        Assert.Equal((BodyKind.Mlp, Activation.ReLU, InitScheme.Xavier, NormKind.Group, ConvPooling.None), (network.Kind, network.Activation, network.Init, network.ConvNorm, network.ConvPooling));
        Assert.Equal([32, 16], network.HiddenSizes);
        Assert.Equal((OptimizerKind.RmsProp, 0.002, 0.95, 2.0), (optimizer.Kind, optimizer.LearningRate, optimizer.Alpha, optimizer.MaxGradNorm));
        Assert.Equal((LrScheduleKind.Cosine, 50, 0.1), (schedule.Kind, schedule.Horizon, schedule.FinalFraction));
        Assert.Empty(c.OldKeys);
        // The resolved config writes the tables with the enums' config names, and reads back to the same config.
        string toml = c.ToToml(withVersions: false);
        Assert.Contains("[config.optimizer]\nkind = \"rmsprop\"", toml);
        Assert.Contains("activation = \"relu\"", toml);
        Assert.Equal(toml, ExperimentConfig.Parse(toml, "resolved.toml").ToToml(withVersions: false));
    }

    [Fact]
    public void EachAlgorithmKeepsItsOwnDefaultsInTheSharedTables()
    {
        Assert.Equal(0.01, ((ReinforceConfig)Parse("reinforce", "").Config).Optimizer.LearningRate);
        Assert.Equal(0.001, ((OffPolicyPgConfig)Parse("offpolicy-pg", "").Config).Optimizer.LearningRate);
        var ppo = (PpoConfig)Parse("ppo", "[config.optimizer]\nlearning_rate = 0.001\n").Config;
        Assert.Equal((0.001, 0.5), (ppo.Optimizer.LearningRate, ppo.Optimizer.MaxGradNorm)); // the table overrides one key, keeps PPO's clip
        var a2c = (A2cConfig)Parse("a2c", "").Config;
        Assert.Equal((OptimizerKind.RmsProp, 7e-4, 1e-5), (a2c.Optimizer.Kind, a2c.Optimizer.LearningRate, a2c.Optimizer.Epsilon));
        Assert.Equal(Activation.ReLU, ((DqnConfig)Parse("dqn", "").Config).Network.Activation);
        Assert.Equal([16, 32, 32], ((BcConfig)Parse("bc", "").Config).Network.ConvChannels);
        Assert.Equal(BaselineKind.RunningMean, ((ReinforceConfig)Parse("reinforce", "[config]\nbaseline = \"mean\"\n").Config).Baseline);
        Assert.Equal(ContinuousLoss.Nll, ((DaggerConfig)Parse("dagger", "[config]\ncontinuous_loss = \"nll\"\n").Config).ContinuousLoss);
    }

    [Fact]
    public void OldFlatKeysAreReadAsTheirNewKeysWithANoticeNamingIt()
    {
        var c = Parse("reinforce", """
            [config]
            learning_rate = 0.02
            hidden_sizes = [8]
            network = "mlp"
            optimizer = "sgd"
            momentum = 0.9
            lr_schedule = "step"
            lr_step_size = 7
            rmsprop_alpha = 0.9
            """);
        var config = (ReinforceConfig)c.Config;
        Assert.Equal((0.02, OptimizerKind.Sgd, 0.9, 0.9), (config.Optimizer.LearningRate, config.Optimizer.Kind, config.Optimizer.Momentum, config.Optimizer.Alpha));
        Assert.Equal((BodyKind.Mlp, 8), (config.Network.Kind, config.Network.HiddenSizes.Single()));
        Assert.Equal((LrScheduleKind.Step, 7), (config.Schedule.Kind, config.Schedule.StepSize));
        Assert.True(c.OldKeys.Count == 8, string.Join("\n", c.OldKeys));
        Assert.Contains("'config.learning_rate' is deprecated; use 'config.optimizer.learning_rate' (read as that key)", c.OldKeys);
        Assert.Contains(c.OldKeys, n => n.Contains("'config.rmsprop_alpha' is deprecated; use 'config.optimizer.alpha'", StringComparison.Ordinal));

        // Printed (on standard error by default), one line per key.
        var err = new StringWriter();
        ExperimentConfig.Parse("algo = \"bc\"\nenv = \"CartPole-v1\"\n", "old.toml", ["config.learning_rate=0.005"], noticeTo: err);
        Assert.Equal("note: old.toml: --set 'config.learning_rate' is deprecated; use 'config.optimizer.learning_rate' (read as that key)", err.ToString().Trim());
    }

    [Fact]
    public void SetWorksWithTheNewKeysAndWithTheOldOnesOverTheTables()
    {
        const string Table = "[config.optimizer]\nlearning_rate = 0.01\n";
        Assert.Equal(3e-4, ((ReinforceConfig)Parse("reinforce", Table, "config.optimizer.learning_rate=3e-4").Config).Optimizer.LearningRate);
        // README's --set config.learning_rate=... still overrides a config that has the table.
        var c = Parse("reinforce", Table, "config.learning_rate=0.05", "config.network.kind=conv", "config.schedule.kind=linear");
        var config = (ReinforceConfig)c.Config;
        Assert.Equal((0.05, BodyKind.Conv, LrScheduleKind.Linear), (config.Optimizer.LearningRate, config.Network.Kind, config.Schedule.Kind));
        Assert.Single(c.OldKeys);
        // An old config file's string value under a new table's name is the alias; --set into its table still works.
        var old = (PpoConfig)Parse("ppo", "[config]\noptimizer = \"sgd\"\n", "config.optimizer.learning_rate=0.1").Config;
        Assert.Equal((OptimizerKind.Sgd, 0.1), (old.Optimizer.Kind, old.Optimizer.LearningRate));
    }

    [Fact]
    public void AnOldKeyAndItsNewKeyTogetherAreAnError()
    {
        var e = Rejects("ppo", "[config]\nlearning_rate = 0.1\nlr_horizon = 5\n[config.optimizer]\nlearning_rate = 0.2\n[config.schedule]\nhorizon = 6\n");
        Assert.Contains("'config.learning_rate' and 'config.optimizer.learning_rate' are the same setting ('learning_rate' is its old name): give only 'config.optimizer.learning_rate'", e.Message);
        Assert.Contains("'config.lr_horizon' and 'config.schedule.horizon' are the same setting", e.Message);
        var set = Rejects("dqn", "", "config.max_grad_norm=1", "config.optimizer.max_grad_norm=2");
        Assert.Contains("--set config.max_grad_norm and --set config.optimizer.max_grad_norm are the same setting: give only --set config.optimizer.max_grad_norm", set.Message);
    }

    [Fact]
    public void BadValuesInTheTablesAreAllReportedNamingKeyValueAndChoices()
    {
        var e = Rejects("ppo", "", "config.network.activation=gelu", "config.optimizer.kind=adagrad", "config.schedule.kind=exponential",
            "config.optimizer.learning_rate=-1", "config.schedule.gamma=2", "config.network.hidden_sizes=[]", "config.network.bogus=1");
        string m = e.Message;
        Assert.Contains("'config.network.activation' = \"gelu\" has the wrong type: expected one of: tanh, relu", m);
        Assert.Contains("'config.optimizer.kind' = \"adagrad\" has the wrong type: expected one of: sgd, rmsprop, adam", m);
        Assert.Contains("'config.schedule.kind' = \"exponential\" has the wrong type: expected one of: constant, step, linear, cosine, cyclical", m);
        Assert.Contains("optimizer.learning_rate = -1 must be a positive number", m);
        Assert.Contains("schedule.gamma = 2 must be in (0, 1]", m);
        Assert.Contains("network.hidden_sizes = [] must be a non-empty list", m);
        Assert.Contains("unknown key 'config.network.bogus'; valid keys in [config.network]: kind, hidden_sizes", m);
        Assert.Equal(7, m.Split('\n').Count(l => l.TrimStart().StartsWith("- ", StringComparison.Ordinal)));
    }

    [Fact]
    public void AlgosListsTheTableKeysWithTheirDocumentationAndOldNames()
    {
        string output = RunCommand(AlgosCommand.Create, "ppo");
        string Line(string key) => output.Split('\n').Single(l => l.TrimStart().StartsWith(key + " ", StringComparison.Ordinal));
        Assert.Contains("= 0.0003", Line("optimizer.learning_rate"));
        Assert.Contains("Base learning rate", Line("optimizer.learning_rate"));
        Assert.Contains("(old key: learning_rate)", Line("optimizer.learning_rate"));
        Assert.Contains("one of: sgd, rmsprop, adam", Line("optimizer.kind"));
        Assert.Contains("one of: tanh, relu", Line("network.activation"));
        Assert.Contains("(old key: lr_schedule)", Line("schedule.kind"));
        Assert.DoesNotContain(output.Split('\n'), l => l.TrimStart().StartsWith("learning_rate ", StringComparison.Ordinal));
    }

    [Fact]
    public void ShippedConfigsUseTheTablesOnly()
    {
        foreach (var (name, text) in ShippedConfigs.All())
            Assert.True(ExperimentConfig.Parse(text, name, oldKeys: OldKeyNotices.Silent).OldKeys.Count == 0, $"{name} uses old key names");
    }

    [Theory]
    [MemberData(nameof(TorchAlgorithms))]
    public void AConfigStoredBeforeTheTablesReadsAsTheSameConfig(string algo)
    {
        string resolved = Parse(algo, "[config.optimizer]\nlearning_rate = 0.004\n[config.network]\nhidden_sizes = [9]\n").ToToml(withVersions: false);
        var old = ExperimentConfig.Parse(PolicyGradientTrainingTests.BeforeTheTables(resolved), "stored", oldKeys: OldKeyNotices.Silent);
        Assert.Equal(30, old.OldKeys.Count);
        Assert.Equal(resolved, old.ToToml(withVersions: false));
    }
}
