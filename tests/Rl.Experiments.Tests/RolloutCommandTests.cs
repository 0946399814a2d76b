using System.Text.Json;
using Rl.Core;
using Rl.Environments;
using Rl.Experiments.Cli;
using Rl.Experiments.Commands;

namespace Rl.Experiments.Tests;

public class RolloutCommandTests : ConsoleTest
{
    private static List<JsonElement> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    private static float[] Obs(JsonElement line) => line.GetProperty("obs").EnumerateArray().Select(x => x.GetSingle()).ToArray();

    [Fact]
    public void ActionsAreAppliedInOrderAndMatchTheEnvironmentStepForStep()
    {
        var lines = Lines(RunCommand(RolloutCommand.Create, "CartPole-v1", "--seed", "0", "--actions", "1,0,1"));
        Assert.Equal(4, lines.Count);
        Assert.Equal(["episode", "t", "obs"], lines[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["episode", "t", "action", "reward", "obs", "terminated", "truncated"], lines[1].EnumerateObject().Select(p => p.Name));

        using var env = Envs.Make<float[], int>("CartPole-v1");
        Assert.Equal(env.Reset(seed: 0).Observation, Obs(lines[0]));
        int[] actions = [1, 0, 1];
        for (int t = 1; t <= 3; t++)
        {
            var line = lines[t];
            var step = env.Step(actions[t - 1]);
            Assert.Equal(0, line.GetProperty("episode").GetInt32());
            Assert.Equal(t, line.GetProperty("t").GetInt32());
            Assert.Equal(actions[t - 1], line.GetProperty("action").GetInt32());
            Assert.Equal(step.Reward, line.GetProperty("reward").GetDouble());
            Assert.Equal(step.Observation, Obs(line));
            Assert.Equal(step.Terminated, line.GetProperty("terminated").GetBoolean());
            Assert.Equal(step.Truncated, line.GetProperty("truncated").GetBoolean());
        }
    }

    [Fact]
    public void RewardIsWrittenAsAFloatLiteral()
    {
        string output = RunCommand(RolloutCommand.Create, "CartPole-v1", "--seed", "1", "--actions", "0");
        Assert.Contains("\"reward\":1.0,", output);
    }

    [Fact]
    public void ActionsContinueIntoTheNextEpisodeUntilTheListRunsOut()
    {
        // Always pushing left ends a CartPole episode in well under 40 steps.
        string actions = string.Join(",", Enumerable.Repeat("0", 40));
        var lines = Lines(RunCommand(RolloutCommand.Create, "CartPole-v1", "--seed", "3", "--actions", actions));
        var resets = lines.Where(l => !l.TryGetProperty("action", out _)).ToList();
        Assert.True(resets.Count >= 2);
        Assert.Equal(40, lines.Count(l => l.TryGetProperty("action", out _)));
        var firstEnd = lines.First(l => l.TryGetProperty("terminated", out var t) && t.GetBoolean());
        int endIndex = lines.IndexOf(firstEnd);
        Assert.Equal(1, lines[endIndex + 1].GetProperty("episode").GetInt32());
        Assert.Equal(0, lines[endIndex + 1].GetProperty("t").GetInt32());
    }

    [Fact]
    public void RandomPolicyIsSeededAndEpisodesEnd()
    {
        string a = RunCommand(RolloutCommand.Create, "CartPole-v1", "--seed", "7", "--policy", "random", "--episodes", "3");
        string b = RunCommand(RolloutCommand.Create, "CartPole-v1", "--seed", "7", "--episodes", "3");
        Assert.Equal(a, b);
        var lines = Lines(a);
        Assert.Equal(3, lines.Count(l => l.GetProperty("t").GetInt32() == 0));
        var ends = lines.Where(l => l.TryGetProperty("terminated", out var t) && (t.GetBoolean() || l.GetProperty("truncated").GetBoolean()));
        Assert.Equal(3, ends.Count());
        Assert.NotEqual(a, RunCommand(RolloutCommand.Create, "CartPole-v1", "--seed", "8", "--episodes", "3"));
    }

    [Fact]
    public void MaxStepsTruncates()
    {
        var lines = Lines(RunCommand(RolloutCommand.Create, "CartPole-v1", "--seed", "0", "--actions", "1,0,1,0,1,0", "--max-steps", "4"));
        var step4 = lines.Single(l => l.GetProperty("episode").GetInt32() == 0 && l.GetProperty("t").GetInt32() == 4);
        Assert.True(step4.GetProperty("truncated").GetBoolean());
        Assert.False(step4.GetProperty("terminated").GetBoolean());
        Assert.Equal(1, lines.Last().GetProperty("episode").GetInt32());
    }

    [Fact]
    public void ResetOptionsAndKwargsReachTheEnvironment()
    {
        var lines = Lines(RunCommand(RolloutCommand.Create, "CartPole-v1", "--seed", "0", "--reset-option", "low=0", "--reset-option", "high=0",
            "--kwarg", "sutton_barto_reward=true", "--actions", "1"));
        Assert.All(Obs(lines[0]), x => Assert.Equal(0f, x));
        Assert.Equal(0.0, lines[1].GetProperty("reward").GetDouble()); // Sutton-Barto: 0 per step until failure
    }

    [Fact]
    public void BadInputIsRejectedWithAClearMessage()
    {
        var e = Assert.Throws<ArgumentException>(() => RunCommand(RolloutCommand.Create, "CartPole-v1", "--reset-option", "lo=1", "--actions", "1"));
        Assert.Contains("lo", e.Message);
        var a = Assert.Throws<InvalidActionException>(() => RunCommand(RolloutCommand.Create, "CartPole-v1", "--actions", "1,2"));
        Assert.Contains("Discrete(2)", a.Message);
        Assert.Throws<UsageException>(() => RunCommand(RolloutCommand.Create, "CartPole-v1", "--actions", "1", "--policy", "random"));
        Assert.Throws<UsageException>(() => RunCommand(RolloutCommand.Create, "CartPole-v1", "--actions", "1,,x"));
        Assert.Throws<UsageException>(() => RunCommand(RolloutCommand.Create, "CartPole-v1", "--policy", "greedy"));
        Assert.Throws<UsageException>(() => RunCommand(RolloutCommand.Create, "CartPole-v1", "--bogus"));
        Assert.Throws<KeyNotFoundException>(() => RunCommand(RolloutCommand.Create, "CartPole-v9"));
    }

    [Fact]
    public void ExitCodesThroughProgram()
    {
        var ok = Rl("rollout", "CartPole-v1", "--seed", "0", "--actions", "1");
        Assert.Equal(0, ok.Code);
        Assert.Equal(2, ok.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var usage = Rl("rollout");
        Assert.Equal(2, usage.Code);
        Assert.Contains("missing <env-id>", usage.Err);
        Assert.Contains("rl rollout --help", usage.Err);

        var error = Rl("rollout", "Nope-v0");
        Assert.Equal(1, error.Code);
        Assert.Contains("Nope-v0", error.Err);
        Assert.Contains("CartPole-v1", error.Err); // lists the registered ids

        Assert.Equal(2, Rl("no-such-command").Code);
        var help = Rl("rollout", "--help");
        Assert.Equal(0, help.Code);
        Assert.Contains("--reset-option", help.Out);
        Assert.Equal(0, Rl("--help").Code);
    }
}

public class EnvsCommandTests : ConsoleTest
{
    [Fact]
    public void ListsIdsSpacesThresholdsAndTimeLimits()
    {
        string output = RunCommand(EnvsCommand.Create);
        var row = output.Split('\n').Single(l => l.StartsWith("CartPole-v1 ", StringComparison.Ordinal));
        Assert.Contains("475", row);
        Assert.Contains("500", row);
        Assert.Contains("Box(", row);
        Assert.Contains("Discrete(2)", row);
    }

    [Fact]
    public void JsonListsEveryRegisteredEnvironment()
    {
        var objects = RunCommand(EnvsCommand.Create, "--json").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(Envs.List().Select(s => s.Id), objects.Select(o => o.GetProperty("id").GetString()));
        var cp = objects.Single(o => o.GetProperty("id").GetString() == "CartPole-v1");
        Assert.Equal(475.0, cp.GetProperty("reward_threshold").GetDouble());
        Assert.Equal(500, cp.GetProperty("max_episode_steps").GetInt32());
        Assert.Equal("Discrete(2)", cp.GetProperty("action_space").GetString());
        Assert.True(cp.GetProperty("kwargs").TryGetProperty("sutton_barto_reward", out _));
    }
}

public class JsonValuesTests
{
    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    [InlineData(1e300, "1E+300")]
    public void DoublesKeepADecimalPointAndRoundTrip(double value, string expected) => Assert.Equal(expected, JsonValues.Format(value));

    [Fact]
    public void Float32ValuesUseTheShortestRoundTripText()
    {
        // Widened to double, 0.1f would print as 0.10000000149011612.
        string s = JsonValues.Format(new[] { 0.1f, 2f, 1.1754944E-38f });
        Assert.Equal("[0.1,2.0,1.1754944E-38]", s);
        var parsed = JsonDocument.Parse(s).RootElement.EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(new[] { 0.1f, 2f, 1.1754944E-38f }, parsed);
    }

    [Fact]
    public void ActionsParseByActionType()
    {
        Assert.Equal(new object[] { 1L, 0L }, JsonValues.ParseActions("1,0", typeof(int)));
        var v = JsonValues.ParseActions("[0.5,-1],[0,1]", typeof(float[]));
        Assert.Equal(new[] { 0.5, -1.0 }, (double[])v[0]);
        Assert.Equal(new[] { 2L, 3L }, (long[])JsonValues.ParseActions("[2,3]", typeof(int[]))[0]);
        Assert.Throws<UsageException>(() => JsonValues.ParseActions("1", typeof(float[])));
        Assert.Throws<UsageException>(() => JsonValues.ParseActions("[1]", typeof(int)));
    }
}

public class ReadmeExampleTests
{
    [Fact]
    public void TheReadmeLoopRunsAnEpisode()
    {
        // Same code as the README's "Using the library" example.
        using var env = Envs.Make<float[], int>("CartPole-v1");
        var obs = new float[4];
        env.Reset(seed: 42, into: obs);
        double episodeReturn = 0;
        while (true)
        {
            int action = obs[2] + obs[3] > 0 ? 1 : 0;
            var step = env.Step(action, into: obs);
            episodeReturn += step.Reward;
            if (step.Terminated || step.Truncated) break;
        }
        Assert.InRange(episodeReturn, 100, 500); // the simple controller balances far longer than random play (~20)
    }
}

public class ArgumentOrderTests : ConsoleTest
{
    [Fact]
    public void OptionsMayComeBeforeThePositional()
    {
        string a = RunCommand(RolloutCommand.Create, "--seed", "4", "--actions", "1,1", "CartPole-v1");
        string b = RunCommand(RolloutCommand.Create, "CartPole-v1", "--seed", "4", "--actions", "1,1");
        Assert.Equal(b, a);
    }
}
