using System.ComponentModel;
using System.Reflection;
using Rl.Agents.GradientFree;
using Rl.Agents.Training;
using static Rl.Agents.Tests.GradientFree.GradientFreeTestSupport;

namespace Rl.Agents.Tests.GradientFree;

public class GradientFreeConfigTests
{
    /// <summary>A bad config, the key the message must name, and the value it must show.</summary>
    public static TheoryData<GradientFreeConfig, string, string> BadConfigs => new()
    {
        { new ArsConfig { Directions = 4, TopDirections = 5 }, "top_directions", "5" },
        { new ArsConfig { TopDirections = 0 }, "top_directions", "0" },
        { new ArsConfig { Directions = 0 }, "directions", "0" },
        { new ArsConfig { NoiseStd = 0 }, "noise_std", "0" },
        { new ArsConfig { StepSize = -0.1 }, "step_size", "-0.1" },
        { new ArsConfig { RewardShift = double.NaN }, "reward_shift", "NaN" },
        { new EvolutionStrategiesConfig { Sigma = -1 }, "sigma", "-1" },
        { new EvolutionStrategiesConfig { Sigma = double.NaN }, "sigma", "NaN" },
        { new EvolutionStrategiesConfig { Population = 1 }, "population", "1" },
        { new EvolutionStrategiesConfig { Population = 7 }, "population", "7" }, // odd with mirrored sampling
        { new EvolutionStrategiesConfig { AdamBeta2 = 1 }, "adam_beta2", "1" },
        { new EvolutionStrategiesConfig { WeightDecay = -0.01 }, "weight_decay", "-0.01" },
        { new EvolutionStrategiesConfig { RewardShift = double.NaN }, "reward_shift", "NaN" },
        { new CemConfig { Population = 1 }, "population", "1" },
        { new CemConfig { EliteFraction = 0 }, "elite_fraction", "0" },
        { new CemConfig { EliteFraction = 1.5 }, "elite_fraction", "1.5" },
        { new CemConfig { InitialSigma = 0 }, "initial_sigma", "0" },
        { new CemConfig { ExtraNoise = -1 }, "extra_noise", "-1" },
        { new RandomSearchConfig { Population = 0 }, "population", "0" },
        { new RandomSearchConfig { Sigma = double.PositiveInfinity }, "sigma", "Infinity" },
        { new IterativeRandomSearchConfig { Elites = 30, Population = 24 }, "elites", "30" },
        { new IterativeRandomSearchConfig { SigmaDecay = 1.5 }, "sigma_decay", "1.5" },
        { new IterativeRandomSearchConfig { MinSigma = 1, Sigma = 0.5 }, "min_sigma", "1" },
        { new CemConfig { EpisodesPerCandidate = 0 }, "episodes_per_candidate", "0" },
        { new CemConfig { Horizon = -5 }, "horizon", "-5" },
        { new CemConfig { HiddenSizes = [] }, "hidden_sizes", "[]" },
        { new CemConfig { ConvChannels = [8, 16], ConvKernels = [3] }, "conv_kernels", "[3]" },
        { new CemConfig { ActionNoise = -0.1 }, "action_noise", "-0.1" },
        { new CemConfig { NoiseTableSize = 0 }, "noise_table_size", "0" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void BadHyperparametersAreRejectedWithTheKeyAndValue(GradientFreeConfig config, string key, string value)
    {
        var e = Assert.Throws<HyperparameterException>(() => Create(config, Context()));
        Assert.Equal(key, e.Key);
        Assert.Contains($"{key} = {value}:", e.Message);
        Assert.IsAssignableFrom<ArgumentException>(e); // what the runner catches for bad input
    }

    [Fact]
    public void TheMessageSaysWhatIsRequired()
    {
        var e = Assert.Throws<HyperparameterException>(() => new ArsConfig { Directions = 8, TopDirections = 9 }.Validate());
        Assert.Equal("ars: invalid hyperparameter top_directions = 9: must lie in [1, directions = 8]", e.Message);
    }

    [Fact]
    public void ANoiseTableSmallerThanThePolicyIsRejected()
    {
        var e = Assert.Throws<HyperparameterException>(() => Create(new EvolutionStrategiesConfig { NoiseTableSize = 15 }, Context()));
        Assert.Contains("noise_table_size = 15", e.Message);
        Assert.Contains("10 parameters", e.Message);
    }

    [Fact]
    public void AConvPolicyOnVectorObservationsIsRejectedNamingTheSpace()
    {
        var e = Assert.Throws<ArgumentException>(() => Create(new CemConfig { Policy = Policies.PolicyKind.Conv }, Context()));
        Assert.Contains("Box(", e.Message);
        Assert.Contains("image observations", e.Message);
    }

    [Fact]
    public void TheFiveAlgorithmsAreRegisteredWithTheirConfigs()
    {
        BuiltInAlgorithms.EnsureRegistered();
        var expected = new Dictionary<string, Type>
        {
            ["random-search"] = typeof(RandomSearchConfig),
            ["iterative-random-search"] = typeof(IterativeRandomSearchConfig),
            ["cem"] = typeof(CemConfig),
            ["es"] = typeof(EvolutionStrategiesConfig),
            ["ars"] = typeof(ArsConfig),
        };
        foreach (var (id, configType) in expected)
        {
            var info = AlgorithmRegistry.Get(id);
            Assert.Equal(configType, info.ConfigType);
            using var algorithm = info.Create(Activator.CreateInstance(configType)!, Context());
            Assert.Equal(id, algorithm.Id);
        }
    }

    [Theory]
    [MemberData(nameof(ConfigTypes))]
    public void EveryConfigKeyIsDocumentedAndTheDefaultsAreValid(Type configType)
    {
        Assert.True(configType.IsSealed);
        var properties = configType.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        Assert.NotEmpty(properties);
        foreach (var p in properties)
        {
            var description = p.GetCustomAttribute<DescriptionAttribute>();
            Assert.True(description is { Description.Length: > 10 }, $"{configType.Name}.{p.Name} has no [Description]");
            Assert.True(p.SetMethod?.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit") == true, $"{p.Name} is not init-only");
        }
        ((GradientFreeConfig)Activator.CreateInstance(configType)!).Validate();
    }

    public static TheoryData<Type> ConfigTypes => [typeof(RandomSearchConfig), typeof(IterativeRandomSearchConfig), typeof(CemConfig), typeof(EvolutionStrategiesConfig), typeof(ArsConfig)];
}
