using System.Text.Json;

namespace Rl.Experiments.Tests.Training;

/// <summary>The solve check stops population methods whose training episodes are exploratory samples (issue 19, item 6).</summary>
public class StopRuleTests : ConsoleTest
{
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void CemOnCartPoleStopsOnceItsDeterministicPolicySolves(int seed)
    {
        using var dir = new TempDir();
        string run = dir.Sub("cem");
        var (code, output, err) = Rl("train", "cem", "CartPole-v1", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--out", run, "--plain", "--set", "run.progress_seconds=0");
        Assert.True(code == 0, err);
        var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json"))).RootElement;
        Assert.True(result.GetProperty("status").GetString() == "solved", output);
        Assert.True(result.GetProperty("env_steps").GetInt64() < 50_000, output); // the shipped budget is 100,000
        Assert.True(result.GetProperty("final_eval").GetProperty("mean_return").GetDouble() >= 475);
    }
}
