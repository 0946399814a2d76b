using System.Text.RegularExpressions;

namespace Rl.Experiments.Tests;

/// <summary>The benchmark commands' options that change what runs (tiny sizes: the figures themselves are not checked).</summary>
public sealed class BenchCommandTests : ConsoleTest
{
    [Fact]
    public void BenchEnvOnlyMeasuresTheNamedCasesAndPairsAVectorWithWhatItWraps()
    {
        var (code, output, err) = Rl("bench", "env", "--steps", "4000", "--repeats", "2", "--only", "of 8");
        Assert.True(code == 0, err);
        var rows = output.Split('\n').Where(l => l.StartsWith("| CartPole", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Contains("8 envs stepped one after another", rows[0]);
        // The vector row: its ratio to the row above in wall time and in CPU time (two numbers, not "-").
        var cells = rows[1].Split('|').Select(c => c.Trim()).ToArray();
        Assert.Contains("SyncVectorEnv of 8", cells[1]);
        Assert.Matches(@"^\d+\.\d\d$", cells[6]);
        Assert.Matches(@"^\d+\.\d\d$", cells[7]);
        Assert.Contains("not run with --only", output);

        (code, _, err) = Rl("bench", "env", "--steps", "1000", "--only", "no such case");
        Assert.Equal(2, code);
        Assert.Contains("no case's name contains 'no such case'", err);
    }

    [Fact]
    public void SoakInterleavedAdvancesEveryPhaseInRounds()
    {
        var (code, output, err) = Rl("bench", "soak", "--state-steps", "1800", "--pixel-steps", "40", "--train-steps", "400", "--reports", "3", "--interleaved");
        Assert.True(code == 0, err);
        var phases = output.Split('\n').Where(l => Regex.IsMatch(l, @"^\| [A-Za-z]")).Select(l => l.Split('|')[1].Trim())
            .Where(p => p != "phase").ToList();
        var names = phases.Distinct().ToList();
        Assert.Contains("CartPole-v1", names);
        Assert.Contains("Breakout-v0", names);
        Assert.Contains("train ars CartPole-v1", names);
        // Three rounds of every phase in the same order: round r's rows are the names again.
        Assert.Equal(3 * names.Count, phases.Count);
        Assert.Equal(names.Concat(names).Concat(names), phases);
        Assert.Contains("flat within 5%", output);
        Assert.Contains("0 failure(s)", output);
    }
}
