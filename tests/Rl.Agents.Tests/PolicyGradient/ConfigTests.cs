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

    // Enum-valued keys cannot hold a bad name in C# (the config binder rejects "gelu" etc.: Rl.Experiments.Tests.ConfigTests);
    // an undefined enum value set from code is still rejected.
    public static TheoryData<string, string> BadReinforce => new()
    {
        { "gamma = 1.5", "Gamma=1.5" },
        { "baseline = 7", "Baseline=7" },
        { "num_envs = 0", "NumEnvs=0" },
        { "steps_per_iteration = 0", "StepsPerIteration=0" },
        { "network.hidden_sizes = []", "Network.HiddenSizes=" },
        { "network.activation = 7", "Network.Activation=7" },
        { "network.init = 7", "Network.Init=7" },
        { "network.conv_norm = 7", "Network.ConvNorm=7" },
        { "optimizer.kind = 7", "Optimizer.Kind=7" },
        { "optimizer.learning_rate = 0", "Optimizer.LearningRate=0" },
        { "value_learning_rate = -1", "ValueLearningRate=-1" },
        { "schedule.kind = 7", "Schedule.Kind=7" },
        { "schedule.gamma = 1.5", "Schedule.Gamma=1.5" },
        { "entropy_coef = -0.1", "EntropyCoef=-0.1" },
        { "optimizer.max_grad_norm = -1", "Optimizer.MaxGradNorm=-1" },
        { "network.kind = 7", "Network.Kind=7" },
        { "network.conv_channels, network.conv_kernels and network.conv_strides must have the same length", "Network.ConvKernels=3" },
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
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name is not ("EqualityContract" or "Aliases")))
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

    // Sets a (dotted) property path on a copy of the records along the path: "Optimizer.LearningRate=0".
    private static T With<T>(T config, string assignment) where T : class
    {
        var (path, value) = (assignment[..assignment.IndexOf('=')], assignment[(assignment.IndexOf('=') + 1)..]);
        return (T)Set(config, path.Split('.'), value);
    }

    private static object Set(object record, string[] path, string value)
    {
        var copy = record.GetType().GetMethod("<Clone>$")!.Invoke(record, null)!;
        var p = copy.GetType().GetProperty(path[0])!;
        object parsed = path.Length > 1 ? Set(p.GetValue(copy)!, path[1..], value)
            : p.PropertyType == typeof(double) ? double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
            : p.PropertyType == typeof(int) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
            : p.PropertyType == typeof(int[]) ? value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray()
            : p.PropertyType.IsEnum ? Enum.ToObject(p.PropertyType, int.Parse(value, System.Globalization.CultureInfo.InvariantCulture))
            : value;
        p.SetValue(copy, parsed);
        return copy;
    }
}
