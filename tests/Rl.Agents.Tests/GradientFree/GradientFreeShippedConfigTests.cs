using System.Globalization;
using System.Reflection;
using Rl.Agents.GradientFree;
using static Rl.Agents.Tests.GradientFree.GradientFreeTestSupport;

namespace Rl.Agents.Tests.GradientFree;

/// <summary>
/// The shipped <c>experiments/configs/&lt;algo&gt;-CartPole-v1.toml</c> files must match the config records' defaults, which
/// are what the solve benchmark and the learning tests measure. Only the scalar <c>key = value</c> lines this project writes
/// are read here; the runner owns real TOML parsing.
/// </summary>
public class GradientFreeShippedConfigTests
{
    public static TheoryData<string> Ids => [.. AllIds];

    [Theory]
    [MemberData(nameof(Ids))]
    public void ShippedCartPoleConfigMatchesTheDefaults(string id)
    {
        string path = Path.Combine(RepositoryRoot(), "experiments", "configs", $"{id}-CartPole-v1.toml");
        var (top, config) = ReadScalars(File.ReadAllLines(path));
        Assert.Equal($"\"{id}\"", top["algo"]);
        Assert.Equal("\"CartPole-v1\"", top["env"]);
        var defaults = DefaultConfig(id);
        Assert.NotEmpty(config);
        foreach (var (key, text) in config)
        {
            string property = string.Concat(key.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
            var p = defaults.GetType().GetProperty(property, BindingFlags.Public | BindingFlags.Instance)
                ?? throw new Xunit.Sdk.XunitException($"{path}: key '{key}' is not a property of {defaults.GetType().Name}");
            object value = p.GetValue(defaults)!;
            string expected = value switch
            {
                bool b => b ? "true" : "false",
                Enum e => $"\"{HyperparameterException.SnakeCase(e.ToString())}\"",
                double d => d.ToString("0.0##############", CultureInfo.InvariantCulture),
                _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
            };
            Assert.True(expected == text.Replace("_", "", StringComparison.Ordinal) || expected == text, $"{path}: {key} = {text} but the default is {expected}");
        }
    }

    private static (Dictionary<string, string> Top, Dictionary<string, string> Config) ReadScalars(string[] lines)
    {
        var top = new Dictionary<string, string>();
        var config = new Dictionary<string, string>();
        string table = "";
        foreach (var raw in lines)
        {
            string line = raw.Split('#')[0].Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith('['))
            {
                table = line.Trim('[', ']');
                continue;
            }
            var parts = line.Split('=', 2, StringSplitOptions.TrimEntries);
            (table == "" ? top : table == "config" ? config : [])[parts[0]] = parts[1];
        }
        return (top, config);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rl.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Rl.sln above {AppContext.BaseDirectory}");
    }
}
