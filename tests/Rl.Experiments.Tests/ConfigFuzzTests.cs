using System.Text;
using Rl.Core;
using Rl.Core.Tests;
using Rl.Experiments.Training;

namespace Rl.Experiments.Tests;

/// <summary>
/// Configs may come from someone else: random mutations of a shipped config parse or fail with <see cref="ConfigException"/>;
/// nothing else escapes or hangs, and oversized or deeply nested files are refused before the TOML parser sees them.
/// </summary>
public sealed class ConfigFuzzTests
{
    [Fact]
    public async Task MutatedConfigsFailWithAConfigException()
    {
        var (name, text) = ShippedConfigs.Find("ars-CartPole-v1.toml")!.Value;
        ExperimentConfig.Parse(text, name);
        int rejected = await Fuzz.Run<ConfigException>(Encoding.UTF8.GetBytes(text), 2000, seed: 17,
            bytes => ExperimentConfig.Parse(Encoding.UTF8.GetString(bytes), name),
            e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
        Assert.True(rejected > 500, $"only {rejected} of 2000 mutations were rejected");
    }

    [Fact]
    public void DeepNestingAndHugeFilesAreRefusedBeforeParsing()
    {
        var e = Assert.Throws<ConfigException>(() => TomlText.Parse("x = " + new string('[', 100_000), "nested.toml"));
        Assert.Contains("nested.toml nests brackets deeper than 64 levels", e.Message);
        string path = Path.Combine(Path.GetTempPath(), $"rl-huge-config-{Environment.ProcessId}.toml");
        try
        {
            using (var fs = File.Create(path)) fs.SetLength(TomlText.MaxBytes + 1L);
            e = Assert.Throws<ConfigException>(() => TomlText.ReadFile(path));
            Assert.Contains("more than the limit of 1048576 bytes", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
