using System.Globalization;
using System.Text.Json;
using Rl.Experiments.Commands;
using Rl.Training.Experiments;

namespace Rl.Experiments.Tests.Experiments;

public class GroupSummaryTests : ConsoleTest
{
    /// <summary>Writes a run directory by hand: iterations of (steps, seconds, training return, evaluation) and result.json.</summary>
    internal static string FakeRun(string dir, long seed, (long Steps, double Seconds, double Return, double? Eval)[] rows, double? finalEval,
        string status = "budget_reached", double threshold = 475)
    {
        Directory.CreateDirectory(dir);
        string C(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var metrics = new List<string> { "iteration,env_steps,episodes,ep_return_mean,ep_len_mean,recent_return_mean,eval_mean_return,eval_std_return,eval_mean_length" };
        var timing = new List<string> { "iteration,env_steps,wall_seconds,iteration_seconds,steps_per_second" };
        for (int i = 0; i < rows.Length; i++)
        {
            var r = rows[i];
            metrics.Add($"{i + 1},{r.Steps},{i + 1},{C(r.Return)},1,{C(r.Return)},{(r.Eval is double e ? C(e) : "")},{(r.Eval is null ? "" : "0")},{(r.Eval is null ? "" : "1")}");
            timing.Add($"{i + 1},{r.Steps},{C(r.Seconds)},1,1");
        }
        File.WriteAllText(Path.Combine(dir, "metrics.csv"), string.Join('\n', metrics) + "\n");
        File.WriteAllText(Path.Combine(dir, "timing.csv"), string.Join('\n', timing) + "\n");
        var result = new Dictionary<string, object?>
        {
            ["status"] = status, ["algo"] = "ars", ["env"] = "CartPole-v1", ["seed"] = seed, ["wall_seconds"] = rows[^1].Seconds,
            ["reward_threshold"] = threshold,
            ["final_eval"] = finalEval is double f ? new Dictionary<string, object> { ["mean_return"] = f, ["episodes"] = 10 } : null,
        };
        File.WriteAllText(Path.Combine(dir, "result.json"), JsonSerializer.Serialize(result));
        return dir;
    }

    private static string FakeGroup(TempDir tmp, string name, double[] finals)
    {
        string group = tmp.Sub(name);
        for (int s = 0; s < finals.Length; s++)
        {
            // Seed s reaches 475 at its third iteration when its final score is above it.
            FakeRun(SeedGroup.SeedDirectory(group, s), s,
            [
                (1000, 1.0 + s, 20, null), (2000, 2.0 + s, 100, 150), (3000, 3.0 + s, 300, finals[s] >= 475 ? 480 : 200), (4000, 4.0 + s, 400, finals[s]),
            ], finals[s]);
        }
        return group;
    }

    [Fact]
    public void GroupSummaryHasTheIqmOfFinalAndBestEvaluationsAndTheMedianStepsToTheThreshold()
    {
        using var tmp = new TempDir();
        string group = FakeGroup(tmp, "g", [500, 480, 100, 490, 300]);
        var summary = GroupSummary.Compute(RunGroup.Load(group), new StratifiedBootstrap { Repetitions = 2_000 });
        Assert.Equal([0L, 1, 2, 3, 4], summary.Runs.Select(r => r.Seed!.Value));
        // finals sorted 100, 300, 480, 490, 500: one dropped from each end.
        Assert.Equal((300 + 480 + 490) / 3.0, summary.FinalIqm!.Estimate, 9);
        Assert.True(summary.FinalIqm.Lower <= summary.FinalIqm.Estimate && summary.FinalIqm.Estimate <= summary.FinalIqm.Upper);
        Assert.Equal(1870 / 5.0, summary.FinalMean!.Value, 9);
        // best = max(evaluations): 500, 480, 200, 490, 300 (seed 2's best is its 200 at step 3000).
        Assert.Equal((300 + 480 + 490) / 3.0, summary.BestIqm!.Estimate, 9);
        // Seeds 0, 1, 3 reach 475 at step 3000 (seconds 3+s); 2 and 4 never: median over {3000,3000,3000,inf,inf} = 3000.
        Assert.Equal(3, summary.Reached);
        Assert.Equal(3000, summary.MedianStepsToThreshold);
        Assert.Equal(6.0, summary.MedianSecondsToThreshold); // the third of {3, 4, 6, inf, inf}
        string text = summary.ToText();
        Assert.Contains("reached by 3 of 5 runs", text);
        Assert.Contains("IQM 423.33 [", text);
        var json = JsonDocument.Parse(summary.ToJson()).RootElement;
        Assert.Equal(5, json.GetProperty("runs").GetArrayLength());
        Assert.Equal(summary.FinalIqm.Upper, json.GetProperty("final_eval_iqm").GetProperty("upper").GetDouble());
        Assert.Contains("| seed | status |", summary.ToMarkdown());
    }

    [Fact]
    public void MedianToTheThresholdIsMissingWhenFewerThanHalfReachedIt()
    {
        using var tmp = new TempDir();
        var summary = GroupSummary.Compute(RunGroup.Load(FakeGroup(tmp, "g", [500, 100, 100, 100])), new StratifiedBootstrap { Repetitions = 100 });
        Assert.Equal(1, summary.Reached);
        Assert.Null(summary.MedianStepsToThreshold);
    }

    [Fact]
    public void AnInterruptedOrUnfinishedRunHasNoFinalEvaluationButKeepsItsBest()
    {
        using var tmp = new TempDir();
        var interrupted = RunHistory.Load(FakeRun(tmp.Sub("i"), 1, [(1000, 1, 20, 150), (2000, 2, 30, 120)], null, status: "interrupted"));
        Assert.Null(interrupted.FinalEvaluation);
        Assert.Equal(150, interrupted.BestEvaluation);
        // A finished run without a final evaluation (run.final_eval = false) reports its last one.
        var finished = RunHistory.Load(FakeRun(tmp.Sub("f"), 2, [(1000, 1, 20, 150), (2000, 2, 30, 120)], null));
        Assert.Equal(120, finished.FinalEvaluation);
        File.Delete(Path.Combine(tmp.Sub("f"), "result.json"));
        Assert.Null(RunHistory.Load(tmp.Sub("f")).FinalEvaluation);
        Assert.Null(RunHistory.Load(tmp.Sub("f")).Status);
    }

    [Fact]
    public void BandHoldsEachRunsLastValueAndTakesTheIqmAcrossRuns()
    {
        using var tmp = new TempDir();
        string g = tmp.Sub("g");
        GroupSummaryTests.FakeRun(SeedGroup.SeedDirectory(g, 0), 0, [(100, 1, 10, null), (200, 2, 20, null)], null);
        GroupSummaryTests.FakeRun(SeedGroup.SeedDirectory(g, 1), 1, [(100, 1, 30, null), (300, 3, 50, null), (400, 4, 70, null)], null);
        var band = LearningCurves.Band(RunGroup.Load(g), CurveAxis.EnvSteps, CurveMetric.TrainingReturn, points: 5);
        // Grid 0, 100, 200, 300, 400; at 0 no run has a value.
        Assert.Equal([100.0, 200, 300, 400], band.X);
        Assert.Equal([20.0, 25, 35, 45], band.Center); // (10+30)/2, (20+30)/2, (20+50)/2, (20+70)/2
        Assert.Equal([2, 2, 2, 2], band.Runs);
        Assert.All(band.X.Select((_, i) => i), i => Assert.True(band.Lower[i] <= band.Center[i] && band.Center[i] <= band.Upper[i]));
        var wall = LearningCurves.Band(RunGroup.Load(g), CurveAxis.WallSeconds, CurveMetric.TrainingReturn, points: 5);
        Assert.Equal([1.0, 2, 3, 4], wall.X);
        Assert.Equal(CurveMetric.TrainingReturn, LearningCurves.ChooseMetric([RunGroup.Load(g)]));
    }

    [Fact]
    public void CompareWritesTheTableMarkdownAndTwoPanelFigure()
    {
        using var tmp = new TempDir();
        string a = FakeGroup(tmp, "a", [500, 480, 490, 470, 500]);
        string b = GroupSummaryTests.FakeRun(tmp.Sub("single"), 9, [(1000, 1, 50, 60), (5000, 9, 480, 490)], 490);
        string md = tmp.Sub("table.md"), fig = tmp.Sub("fig.png");
        var output = new StringWriter();
        Assert.Equal(0, CompareCommand.Compare(new CompareCommand.CompareOptions([$"five={a}", b], fig, md), output));
        string text = output.ToString();
        Assert.Contains("five", text);
        Assert.Contains("single", text);
        Assert.Contains("4/5 (>= 475)", text);
        Assert.Contains("1/1 (>= 475)", text);
        Assert.StartsWith("| run | algo | env | runs | final eval IQM [95% CI]", File.ReadAllText(md));
        var png = File.ReadAllBytes(fig);
        Assert.True(png.Length > 10_000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
    }

    [Fact]
    public void CompareNamesWhatIsNotARunOrGroup()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp.Sub("empty"));
        var (code, _, err) = Rl("compare", tmp.Sub("empty"));
        Assert.Equal(2, code);
        Assert.Contains("is neither a run directory", err);
        (code, _, err) = Rl("compare", tmp.Sub("missing"));
        Assert.Equal(2, code);
        Assert.Contains("does not exist", err);
        (code, _, err) = Rl("compare", "--metric", "best", tmp.Sub("empty"));
        Assert.Contains("--metric 'best'", err);
    }
}
