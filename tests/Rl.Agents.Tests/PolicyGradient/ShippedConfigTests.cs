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
        object? table = null; // [config] or one of its sub-tables ([config.network], [config.optimizer], [config.schedule])
        int keys = 0;
        foreach (var raw in lines)
        {
            string line = raw.Split('#')[0].Trim();
            if (line.StartsWith('['))
                table = line == "[config]" ? defaults
                    : line.StartsWith("[config.", StringComparison.Ordinal) ? configType.GetProperty(Pascal(line[8..^1]))!.GetValue(defaults) : null;
            if (table is null || !line.Contains('=')) continue;
            string key = line[..line.IndexOf('=')].Trim(), value = line[(line.IndexOf('=') + 1)..].Trim();
            var property = table.GetType().GetProperty(Pascal(key));
            Assert.True(property is not null, $"{file}: unknown key '{key}'");
            object? expected = property!.GetValue(table);
            string actual = expected switch
            {
                int[] a => "[" + string.Join(", ", a) + "]",
                string s => "\"" + s + "\"",
                bool b => b ? "true" : "false",
                double d => d.ToString("0.0###########", CultureInfo.InvariantCulture),
                Enum e => "\"" + ConfigName(e) + "\"",
                _ => Convert.ToString(expected, CultureInfo.InvariantCulture)!,
            };
            if (expected is double dv) Assert.Equal(dv, double.Parse(value, CultureInfo.InvariantCulture));
            else Assert.Equal(actual, value);
            keys++;
        }
        Assert.True(keys >= 15, $"{file}: only {keys} keys");
    }

    private static string Pascal(string key) => string.Concat(key.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    // The config name of an enum value: its [EnumMember] value, else the snake_case member name.
    private static string ConfigName(Enum e)
    {
        var field = e.GetType().GetField(e.ToString())!;
        if (field.GetCustomAttributes(typeof(System.Runtime.Serialization.EnumMemberAttribute), false) is [System.Runtime.Serialization.EnumMemberAttribute { Value: { } v }]) return v;
        return string.Concat(e.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "experiments", "configs"))) return dir.FullName;
        throw new DirectoryNotFoundException("experiments/configs not found above " + AppContext.BaseDirectory);
    }
}
