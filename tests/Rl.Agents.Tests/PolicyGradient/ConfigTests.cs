using System.ComponentModel;
using System.Reflection;
using Rl.Agents.PolicyGradient;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Environments;
using TorchSharp;

namespace Rl.Agents.Tests.PolicyGradient;

public class ConfigTests
{
    public ConfigTests() => torch.set_num_threads(1);

    public static TheoryData<string, string> BadReinforce => new()
    {
        { "gamma = 1.5", "Gamma=1.5" },
        { "baseline = \"critic\"", "Baseline=critic" },
        { "num_envs = 0", "NumEnvs=0" },
        { "steps_per_iteration = 0", "StepsPerIteration=0" },
        { "hidden_sizes = []", "HiddenSizes=" },
        { "activation = \"gelu\"", "Activation=gelu" },
        { "init = \"zeros\"", "Init=zeros" },
        { "conv_norm = \"instance\"", "ConvNorm=instance" },
        { "optimizer = \"adagrad\"", "Optimizer=adagrad" },
        { "learning_rate = 0", "LearningRate=0" },
        { "value_learning_rate = -1", "ValueLearningRate=-1" },
        { "lr_schedule = \"exponential\"", "LrSchedule=exponential" },
        { "entropy_coef = -0.1", "EntropyCoef=-0.1" },
        { "max_grad_norm = -1", "MaxGradNorm=-1" },
        { "network = \"rnn\"", "Network=rnn" },
    };

    [Theory]
    [MemberData(nameof(BadReinforce))]
    public void BadValuesAreRejectedNamingKeyAndValue(string message, string assignment)
    {
        var config = With(new ReinforceConfig(), assignment);
        var e = Assert.Throws<ArgumentException>(() => new Reinforce(config, Contexts.For(() => Envs.Make("CartPole-v1"), 0)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void OffPolicyKeysAreValidated()
    {
        Assert.Contains("importance_truncation = 0", Assert.Throws<ArgumentException>(() => new OffPolicyPgConfig { ImportanceTruncation = 0 }.Validate()).Message);
        Assert.Contains("buffer_capacity = 0", Assert.Throws<ArgumentException>(() => new OffPolicyPgConfig { BufferCapacity = 0 }.Validate()).Message);
        Assert.Contains("minibatches = 0", Assert.Throws<ArgumentException>(() => new OffPolicyPgConfig { Minibatches = 0 }.Validate()).Message);
    }

    [Fact]
    public void DefaultsAreValidAndEveryKeyIsADocumentedInitProperty()
    {
        foreach (var type in new[] { typeof(ReinforceConfig), typeof(OffPolicyPgConfig) })
        {
            ((PolicyGradientConfig)Activator.CreateInstance(type)!).Validate();
            Assert.True(type.IsSealed);
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != "EqualityContract"))
            {
                Assert.NotNull(p.GetCustomAttribute<DescriptionAttribute>());
                var setter = p.SetMethod;
                Assert.NotNull(setter);
                Assert.Contains(setter!.ReturnParameter.GetRequiredCustomModifiers(), m => m.Name == "IsExternalInit");
            }
        }
    }

    [Fact]
    public void AlgorithmsAreRegisteredWithTheirConfigs()
    {
        BuiltInAlgorithms.EnsureRegistered();
        var reinforce = AlgorithmRegistry.Get("reinforce");
        var offPolicy = AlgorithmRegistry.Get("offpolicy-pg");
        Assert.Equal(typeof(ReinforceConfig), reinforce.ConfigType);
        Assert.Equal(typeof(OffPolicyPgConfig), offPolicy.ConfigType);
        using var agent = offPolicy.Create(new OffPolicyPgConfig(), Contexts.For(() => Envs.Make("CartPole-v1"), 0));
        Assert.Equal("offpolicy-pg", agent.Id);
        Assert.IsType<int>(agent.Policy.Act(new float[4], deterministic: false, new Rng(0)));
    }

    [Fact]
    public void IterationsReportDiagnosticsPerLayer()
    {
        using var agent = new Reinforce(new ReinforceConfig { StepsPerIteration = 200 }, Contexts.For(() => Envs.Make("CartPole-v1"), 0));
        var r = agent.RunIteration();
        Assert.Equal(agent.EnvSteps, r.EpisodeLengths.Sum());
        Assert.Equal(r.EpisodeLengths.Select(l => (double)l), r.EpisodeReturns);
        foreach (var net in new[] { "policy", "value" })
        {
            var weights = r.Scalars.Keys.Where(k => k.StartsWith($"diag/{net}/", StringComparison.Ordinal) && k.EndsWith("/weight_norm", StringComparison.Ordinal)).ToList();
            Assert.True(weights.Count >= 6, $"{net}: {weights.Count} layers");
            foreach (var k in weights)
            {
                string layer = k[..^"/weight_norm".Length];
                Assert.True(r.Scalars[k] > 0);
                Assert.True(r.Scalars.ContainsKey(layer + "/grad_norm"));
                Assert.True(r.Scalars.ContainsKey(layer + "/update_ratio"));
                Assert.True(r.Histograms.ContainsKey("weights/" + layer["diag/".Length..]));
            }
        }
        foreach (var key in new[] { "loss/policy", "policy/entropy", "policy/learning_rate", "loss/value", "policy/grad_norm" })
            Assert.True(r.Scalars.ContainsKey(key), key);
    }

    private static T With<T>(T config, string assignment)
    {
        var (name, value) = (assignment[..assignment.IndexOf('=')], assignment[(assignment.IndexOf('=') + 1)..]);
        var p = typeof(T).GetProperty(name)!;
        object parsed = p.PropertyType == typeof(double) ? double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
            : p.PropertyType == typeof(int) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
            : p.PropertyType == typeof(int[]) ? value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray()
            : value;
        p.SetValue(config, parsed);
        return config;
    }
}
