using System.Globalization;
using Rl.Agents.PolicyGradient;

namespace Rl.Agents.Tests.PolicyGradient;

/// <summary>The shipped CartPole configs name real keys and state the values the learning tests and benchmark use (the defaults).</summary>
public class ShippedConfigTests
{
    [Theory]
    [InlineData("reinforce-CartPole-v1.toml", typeof(ReinforceConfig), "reinforce")]
    [InlineData("offpolicy-pg-CartPole-v1.toml", typeof(OffPolicyPgConfig), "offpolicy-pg")]
    public void ShippedConfigMatchesTheDefaults(string file, Type configType, string algo)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "experiments", "configs", file));
        Assert.Contains($"algo = \"{algo}\"", lines);
        var defaults = Activator.CreateInstance(configType)!;
        bool inConfig = false;
        int keys = 0;
        foreach (var raw in lines)
        {
            string line = raw.Split('#')[0].Trim();
            if (line.StartsWith('[')) inConfig = line == "[config]";
            if (!inConfig || !line.Contains('=')) continue;
            string key = line[..line.IndexOf('=')].Trim(), value = line[(line.IndexOf('=') + 1)..].Trim();
            string name = string.Concat(key.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
            var property = configType.GetProperty(name);
            Assert.True(property is not null, $"{file}: unknown key '{key}'");
            object? expected = property!.GetValue(defaults);
            string actual = expected switch
            {
                int[] a => "[" + string.Join(", ", a) + "]",
                string s => "\"" + s + "\"",
                bool b => b ? "true" : "false",
                double d => d.ToString("0.0###########", CultureInfo.InvariantCulture),
                _ => Convert.ToString(expected, CultureInfo.InvariantCulture)!,
            };
            if (expected is double dv) Assert.Equal(dv, double.Parse(value, CultureInfo.InvariantCulture));
            else Assert.Equal(actual, value);
            keys++;
        }
        Assert.True(keys >= 15, $"{file}: only {keys} keys");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "experiments", "configs"))) return dir.FullName;
        throw new DirectoryNotFoundException("experiments/configs not found above " + AppContext.BaseDirectory);
    }
}
