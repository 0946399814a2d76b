using System.Diagnostics;

namespace Rl.Experiments.Tests.Docs;

/// <summary>
/// build/figures.sh, the one command that regenerates every figure of README.md and docs/: run on a sample repository
/// (README.md and docs/*.md with marked blocks and cheap commands), never on the real benchmarks.
/// </summary>
public class FiguresScriptTests
{
    private const string Readme = """
        # Sample

        Text before.

        <!-- figure: table command="printf '| a | b |\n|---|---|\n| 1 | 2 |\n'" budget="instant" -->
        | old | table |
        <!-- /figure -->

        Text between.

        <!-- figure: failing command="echo partial; exit 3" -->
        kept as it was
        <!-- /figure -->

        Text after.
        """;

    private const string Page = """
        # A docs page

        <!-- figure: plain command="echo 'line one'; echo 'line two'" format="text" -->
        <!-- /figure -->
        """;

    private static (int Code, string Out, string Err) Figures(string root, params string[] args) =>
        Exec("bash", [Path.Combine(DocsPaths.Root, "build", "figures.sh"), "--root", root, "--nice", "0", .. args], 60);

    // Runs FILE with ARGS and returns its exit code, standard output and standard error, failing after TIMEOUT seconds.
    private static (int Code, string Out, string Err) Exec(string file, IEnumerable<string> args, int timeoutSeconds)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(timeoutSeconds * 1000), $"{file} {string.Join(' ', args)} did not finish in {timeoutSeconds} s");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static TempDir Sample()
    {
        var dir = new TempDir();
        File.WriteAllText(dir.Sub("README.md"), Readme + "\n");
        Directory.CreateDirectory(dir.Sub("docs"));
        File.WriteAllText(Path.Combine(dir.Sub("docs"), "page.md"), Page + "\n");
        return dir;
    }

    [Fact]
    public void ListNamesEveryFigureWithItsPlaceAndCommandAndRunsNothing()
    {
        using var dir = Sample();
        var (code, output, err) = Figures(dir.Path, "--list");
        Assert.True(code == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("table\tREADME.md:5\tprintf", lines[0]);
        Assert.EndsWith("[instant]", lines[0]);
        Assert.StartsWith("failing\tREADME.md:11\t", lines[1]);
        Assert.StartsWith("plain\tdocs/page.md:3\t", lines[2]);
        Assert.Equal(Readme + "\n", File.ReadAllText(dir.Sub("README.md")));
    }

    [Fact]
    public void OnlyRewritesTheNamedBlockWithTheOutputAndItsProvenance()
    {
        using var dir = Sample();
        var (code, _, err) = Figures(dir.Path, "--only", "table");
        Assert.True(code == 0, err);
        string text = File.ReadAllText(dir.Sub("README.md"));
        string expectedStart = "# Sample\n\nText before.\n\n<!-- figure: table command=\"printf '| a | b |\\n|---|---|\\n| 1 | 2 |\\n'\" budget=\"instant\" -->\n" +
                               "| a | b |\n|---|---|\n| 1 | 2 |\n\n*Figure `table`: `printf";
        Assert.StartsWith(expectedStart, text);
        Assert.DoesNotContain("| old | table |", text);
        Assert.Matches(@"run by `build/figures\.sh --only table` on \d{4}-\d\d-\d\d \d\d:\d\d UTC \(\d+ s\); \d+ logical cores, .+; load average [\d.]+ [\d.]+ [\d.]+ before, [\d.]+ [\d.]+ [\d.]+ after\.\*\n<!-- /figure -->\n\nText between\.", text);
        // Everything outside the block, and the other blocks, are untouched.
        Assert.EndsWith("Text between.\n\n<!-- figure: failing command=\"echo partial; exit 3\" -->\nkept as it was\n<!-- /figure -->\n\nText after.\n", text);
        Assert.Equal(Page + "\n", File.ReadAllText(Path.Combine(dir.Sub("docs"), "page.md")));
    }

    [Fact]
    public void AllRunsEveryBlockAFailureKeepsItsBlockAndFailsTheRun()
    {
        using var dir = Sample();
        var (code, _, err) = Figures(dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("failing: exit code 3; block left as it was", err);
        Assert.Contains("2 updated, 1 failed: failing", err);
        Assert.Contains("kept as it was", File.ReadAllText(dir.Sub("README.md")));
        Assert.DoesNotContain("-->\npartial", File.ReadAllText(dir.Sub("README.md")));
        string page = File.ReadAllText(Path.Combine(dir.Sub("docs"), "page.md"));
        Assert.Contains("format=\"text\" -->\n```text\nline one\nline two\n```\n\n*Figure `plain`:", page);

        // Running again replaces the generated content instead of adding to it.
        Assert.Equal(0, Figures(dir.Path, "--only", "plain").Code);
        string again = File.ReadAllText(Path.Combine(dir.Sub("docs"), "page.md"));
        Assert.Equal(page.Split("line one").Length, again.Split("line one").Length);
        Assert.Single(again.Split('\n'), l => l == "line one");
    }

    [Fact]
    public void BadMarkersAndUnknownNamesAreErrorsNamingThePlace()
    {
        using var dir = Sample();
        var (code, _, err) = Figures(dir.Path, "--only", "nosuch");
        Assert.Equal(2, code);
        Assert.Contains("no figure named nosuch", err);

        File.WriteAllText(Path.Combine(dir.Sub("docs"), "bad.md"), "<!-- figure: open command=\"true\" -->\nno end\n");
        (code, _, err) = Figures(dir.Path, "--list");
        Assert.Equal(2, code);
        Assert.Contains("docs/bad.md:1: figure 'open' has no <!-- /figure -->", err);

        File.WriteAllText(Path.Combine(dir.Sub("docs"), "bad.md"), "<!-- figure: table command=\"true\" -->\n<!-- /figure -->\n");
        (code, _, err) = Figures(dir.Path, "--list");
        Assert.Equal(2, code);
        Assert.Contains("figure 'table' is defined twice: README.md:5 and docs/bad.md:1", err);

        File.WriteAllText(Path.Combine(dir.Sub("docs"), "bad.md"), "<!-- figure: x cmd=\"true\" -->\n<!-- /figure -->\n");
        (code, _, err) = Figures(dir.Path, "--list");
        Assert.Equal(2, code);
        Assert.Contains("docs/bad.md:1: the figure marker has no command=", err);

        File.WriteAllText(Path.Combine(dir.Sub("docs"), "bad.md"), "<!-- figure: x command=\"true\" colour=\"red\" -->\n<!-- /figure -->\n");
        (code, _, err) = Figures(dir.Path, "--list");
        Assert.Equal(2, code);
        Assert.Contains("docs/bad.md:1: unknown attribute(s) colour", err);
    }

    [Fact]
    public void RecordsAreListedWithTheirReasonAndNeverRun()
    {
        using var dir = Sample();
        File.WriteAllText(Path.Combine(dir.Sub("docs"), "old.md"),
            "# Old\n\n<!-- record: ab why=\"two builds against each other\" -->\n| build | s |\n|---|---|\n| old | 2 |\n<!-- /record -->\n");
        var (code, output, err) = Figures(dir.Path, "--list");
        Assert.True(code == 0, err);
        Assert.Contains("ab\tdocs/old.md:3\trecord, not regenerated: two builds against each other\n", output);

        (code, _, err) = Figures(dir.Path, "--only", "ab");
        Assert.Equal(2, code);
        Assert.Contains("ab: a record, not regenerated", err);

        // A whole run leaves the record as it was and does not count it.
        (code, _, err) = Figures(dir.Path);
        Assert.Contains("2 updated, 1 failed: failing", err);
        Assert.Contains("| old | 2 |\n<!-- /record -->", File.ReadAllText(Path.Combine(dir.Sub("docs"), "old.md")));

        File.WriteAllText(Path.Combine(dir.Sub("docs"), "old.md"), "<!-- record: ab -->\n<!-- /record -->\n");
        (code, _, err) = Figures(dir.Path, "--list");
        Assert.Equal(2, code);
        Assert.Contains("docs/old.md:1: a record marker takes exactly why=", err);

        File.WriteAllText(Path.Combine(dir.Sub("docs"), "old.md"), "<!-- record: ab why=\"x\" -->\n<!-- /figure -->\n");
        (code, _, err) = Figures(dir.Path, "--list");
        Assert.Equal(2, code);
        Assert.Contains("docs/old.md:2: <!-- /figure --> without an open figure", err);
    }

    [Fact]
    public void AnOrderLastFigureRunsAfterTheOthersSoItCanSummariseThem()
    {
        // README.md comes first in the scan; its order="last" block reads what the docs page's block wrote.
        using var dir = new TempDir();
        File.WriteAllText(dir.Sub("README.md"), "<!-- figure: summary command=\"cat stamp.txt\" order=\"last\" -->\n<!-- /figure -->\n");
        Directory.CreateDirectory(dir.Sub("docs"));
        File.WriteAllText(Path.Combine(dir.Sub("docs"), "page.md"), "<!-- figure: measure command=\"echo fresh > stamp.txt; echo measured\" -->\n<!-- /figure -->\n");
        var (code, output, err) = Figures(dir.Path, "--list");
        Assert.True(code == 0, err);
        Assert.Contains("summary\tREADME.md:1\tcat stamp.txt  (runs last)", output);
        (code, _, err) = Figures(dir.Path);
        Assert.True(code == 0, err);
        Assert.True(err.IndexOf("figures: measure:", StringComparison.Ordinal) < err.IndexOf("figures: summary:", StringComparison.Ordinal), err);
        Assert.StartsWith("<!-- figure: summary command=\"cat stamp.txt\" order=\"last\" -->\nfresh\n", File.ReadAllText(dir.Sub("README.md")));

        File.WriteAllText(dir.Sub("README.md"), "<!-- figure: summary command=\"true\" order=\"first\" -->\n<!-- /figure -->\n");
        (code, _, err) = Figures(dir.Path, "--list");
        Assert.Equal(2, code);
        Assert.Contains("README.md:1: order=\"first\" is not last", err);
    }

    private static (int Code, string Out, string Err) Python(string script, params string[] args) =>
        Exec("python3", [Path.Combine(DocsPaths.Root, "build", script), .. args], 300);

    // The runner of this test build, for build/learning-table.py's --rl.
    private static string Runner => File.Exists(Path.Combine(AppContext.BaseDirectory, "rl"))
        ? Path.Combine(AppContext.BaseDirectory, "rl")
        : "dotnet " + Path.Combine(AppContext.BaseDirectory, "rl.dll");

    private static string[] Cells(string output, string label)
    {
        string line = output.Split('\n').Single(l => l.StartsWith("| " + label + " |", StringComparison.Ordinal));
        return line.Trim().Trim('|').Split(" | ").Select(c => c.Trim()).ToArray();
    }

    [Fact]
    public void LearningTablePerSeedLayoutTrainsVariantsAndEvaluatesRunsAndCheckpoints()
    {
        using var dir = new TempDir();
        string keep = dir.Sub("runs");
        var (code, output, err) = Python("learning-table.py", "--rl", Runner, "--layout", "seeds", "--seeds", "0-1",
            "--set", "run.total_steps=1500", "--set", "run.stop_when_solved=false", "--set", "run.checkpoint_interval=500",
            "--set", "run.eval_episodes=2", "--eval-episodes", "3", "--eval-seed", "10000", "--checkpoints", "1,100000000",
            "--scale", "0.01", "--keep", keep, "ars-CartPole-v1", "--variant", "one iteration;ars-CartPole-v1;run.max_iterations=1;seeds=5");
        Assert.True(code == 0, err);
        string[] header = Cells(output, "run");
        Assert.Equal(["run", "seeds", "budget", "stopped at (env steps; status)", "median env steps", "runner's final evaluation",
            "`rl eval --episodes 3 --seed 10000`: mean ± std (mean length)", "median", "met the threshold",
            "`rl eval --episodes 3 --seed 10000` of the checkpoint at ≥ 1 steps",
            "`rl eval --episodes 3 --seed 10000` of the checkpoint at ≥ 100,000,000 steps", "training wall s", "load (1 min) start→end"], header);

        string[] main = Cells(output, "ars-CartPole-v1");
        Assert.Equal("0, 1", main[1]);
        Assert.Equal("1,500 steps", main[2]);
        Assert.Equal(2, main[3].Split(" / ").Length);
        Assert.All(main[3].Split(" / "), s => Assert.EndsWith("budget_reached", s));
        Assert.Matches(@"^[\d.]+ ± [\d.]+ \([\d.,]+\) / [\d.]+ ± [\d.]+ \([\d.,]+\)$", main[6]);
        Assert.Matches(@"^[\d.]+ ± [\d.]+ \(step [\d,]+\) / [\d.]+ ± [\d.]+ \(step [\d,]+\)$", main[9]);
        Assert.Equal("– / –", main[10]);
        Assert.EndsWith("of 2 (≥ 4.75)", main[8]);  // CartPole's 475, scaled

        // The variant: its own settings and seed; its run kept for rl compare, and the table's figure is what rl eval gives.
        string[] variant = Cells(output, "one iteration");
        Assert.Equal("5", variant[1]);
        Assert.Equal("1 iterations or 1,500 steps", variant[2]);
        Assert.EndsWith("iteration_limit", variant[3]);
        string run = Path.Combine(keep, "one_iteration", "seed-5");
        Assert.True(File.Exists(Path.Combine(run, "result.json")), output);
        var (evalCode, json, evalErr) = Run(Runner, "eval", run, "--episodes", "3", "--seed", "10000", "--json");
        Assert.True(evalCode == 0, evalErr);
        double mean = System.Text.Json.JsonDocument.Parse(json.Trim().Split('\n')[^1]).RootElement.GetProperty("mean_return").GetDouble();
        Assert.StartsWith((mean * 0.01).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + " ± ", variant[6]);
        Assert.Equal("**" + (mean * 0.01).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + "**", variant[7]);
        Assert.Contains("one iteration: `ars-CartPole-v1.toml --set run.max_iterations=1` (seeds 5)", output);

        (code, _, err) = Python("learning-table.py", "--checkpoints", "1000", "ars-CartPole-v1");
        Assert.Equal(2, code);
        Assert.Contains("--checkpoints needs --layout seeds and --eval-episodes", err);
        (code, _, err) = Python("learning-table.py", "--variant", "no config here");
        Assert.NotEqual(0, code);
        Assert.Contains("expected LABEL;CONFIG[;KEY=VALUE]", err);
    }

    private static (int Code, string Out, string Err) Run(string runner, params string[] args)
    {
        string[] parts = runner.Split(' ', 2);
        return Exec(parts[0], [.. parts.Skip(1), .. args], 120);
    }

    [Fact]
    public void LearningTableHealthLayoutReportsEachRunsHealthJson()
    {
        var (code, output, err) = Python("learning-table.py", "--rl", Runner, "--layout", "health", "--seeds", "0",
            "--set", "run.device=cpu", "--set", "run.eval_episodes=2", "ars-CartPole-v1",
            "--variant", "ppo, 1k steps;ppo-CartPole-v1;run.total_steps=1024");
        Assert.True(code == 0, err);
        string[] ars = Cells(output, "ars-CartPole-v1");
        Assert.Equal("0", ars[1]);
        Assert.Equal("– (no gradients)", ars[4]);
        string[] ppo = Cells(output, "ppo, 1k steps");
        Assert.StartsWith("budget_reached, 4 iterations, 1,024 steps, final evaluation ", ppo[2]);
        Assert.Matches(@"^policy [\d.e-]+ to [\d.e-]+ · value [\d.e-]+ to [\d.e-]+$", ppo[4]);
        Assert.Matches(@"^policy [\d.]+ → [\d.]+ · value [\d.]+ → [\d.]+$", ppo[5]);
    }

    private const string SoakOutput = """
        Soak: 10 random steps over 1 state-observation environments; seed 0; load average before: 1.00 1.00 1.00.

        | phase | steps | exceptions | non-finite values | RSS (MiB) | RSS spread in the phase so far | managed heap (MiB) | live TorchSharp tensors | elapsed (s) |
        |---|---:|---:|---:|---:|---:|---:|---:|---:|
        | CartPole-v1 | 4 | 0 | 0 | 90.0 | - | 1.0 | 0 | 1 |
        | train ars CartPole-v1 | 4 | 0 | 0 | 95.0 | - | 2.0 | 12 | 2 |
        | CartPole-v1 | 8 | 0 | 0 | 100.0 | - | 1.5 | 0 | 3 |
        | train ars CartPole-v1 | 8 | 1 | 2 | 104.0 | - | 3.0 | 12 | 4 |
        | CartPole-v1 | 12 | 0 | 0 | 110.0 | 10.0% | 1.2 | 0 | 5 |
        | train ars CartPole-v1 | 12 | 1 | 2 | 104.0 | 0.0% | 2.5 | 50 | 6 |

        RSS within each phase after its first report: flat within 5% in 1 of 2 phases; the largest spread is 10.0 % (CartPole-v1). 3 failure(s).
        6 s. Load average after: 1.00 1.00 1.00. 2 logical cores; `rl bench soak`
        """;

    [Fact]
    public void SoakTableSummarisesTheRowsByPhaseLeavingOutEachPhasesFirstReport()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Sub("soak.txt"), SoakOutput);
        var (code, output, err) = Python("soak-table.py", "--from", dir.Sub("soak.txt"));
        Assert.True(code == 0, err);
        Assert.Contains("| phases | 2, 3 reports each |", output);
        Assert.Contains("| exceptions | 1 |", output);
        Assert.Contains("| non-finite observations, rewards, training scalars | 2 |", output);
        Assert.Contains("| RSS after each phase's first report (MiB) | 100.0 to 110.0 over all phases |", output);
        Assert.Contains("| the command's verdict | RSS within each phase after its first report: flat within 5% in 1 of 2 phases;", output);
        Assert.Contains("| managed heap, largest phase (train ars CartPole-v1) | 2.0 - 3.0 MiB |", output);
        Assert.Contains("| live TorchSharp tensors (values seen) | 0, 12, 50 |", output);
        Assert.Contains("| CartPole-v1 | 3 | 12 | 0 | 0 | 100.0 - 110.0 | 10.0% | 1.0 - 1.5 | 0 |", output);
        Assert.Contains("| train ars CartPole-v1 | 3 | 12 | 1 | 2 | 104.0 - 104.0 | 0.0% | 2.0 - 3.0 | 12, 50 |", output);
        Assert.Contains("6 s. Load average after: 1.00 1.00 1.00. 2 logical cores; `rl bench soak`", output);

        File.WriteAllText(dir.Sub("soak.txt"), "the soak crashed\n");
        (code, _, err) = Python("soak-table.py", "--from", dir.Sub("soak.txt"));
        Assert.Equal(1, code);
        Assert.Contains("no report rows found", err);
    }

    [Fact]
    public void SideBySidePutsTheSameTableOfSeveralCommandsInColumns()
    {
        var (code, output, err) = Python("side-by-side.py",
            "A=printf '| phase | s | share |\n|---|---:|---:|\n| load | 1.0 | 50%% |\n| JIT (10 methods) | 0.5 | 25%% |\n\nnote a\n'",
            "B=printf '| phase | s | share |\n|---|---:|---:|\n| load | 2.0 | 60%% |\n| JIT (30 methods) | 0.9 | 30%% |\n'");
        Assert.True(code == 0, err);
        Assert.Equal("| phase | A: s | B: s |\n|---|---:|---:|\n| load | 1.0 | 2.0 |\n| JIT | 0.5 (10 methods) | 0.9 (30 methods) |\n\nA: note a  \n", output);

        (code, _, err) = Python("side-by-side.py", "A=printf '| a | b |\n|---|---|\n| x | 1 |\n'", "B=printf '| a | b |\n|---|---|\n| y | 1 |\n'");
        Assert.Equal(1, code);
        Assert.Contains("row 1 differs: x / y", err);
        (code, _, err) = Python("side-by-side.py", "A=exit 4");
        Assert.Equal(1, code);
        Assert.Contains("A: exit code 4", err);
    }

    [Fact]
    public void ProcessTimeRunsEachCommandInANewFolderAndReportsMedians()
    {
        // mkdir fails if {out} is not new for every run (the warm-up and 3 timed runs).
        var (code, output, err) = Python("process-time.py", "--runs", "3", "quick=mkdir {out}", "slow=mkdir {out} && sleep 0.2");
        Assert.True(code == 0, err);
        string[] quick = Cells(output, "quick: `mkdir DIR`");
        string[] slow = Cells(output, "slow: `mkdir DIR && sleep 0.2`");
        Assert.Equal("3", quick[1]);
        double Wall(string[] row) => double.Parse(row[2].Split(' ')[0].Trim('*'), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Wall(slow) >= 0.2, output);
        Assert.Contains("3 runs of each command, alternating, after one warm-up run of each", output);

        (code, _, err) = Python("process-time.py", "--runs", "1", "bad=exit 3");
        Assert.Equal(1, code);
        Assert.Contains("exited with 3", err);
    }

    [Fact]
    public void TheRepositorysFiguresParseAndTheEnvironmentTableIsCurrent()
    {
        var (code, output, err) = Figures(DocsPaths.Root, "--list");
        Assert.True(code == 0, err);
        foreach (string name in new[] { "environments", "bench-env", "solve-gradient-free", "solve-pg", "ppo-dqn-cartpole", "ppo-dqn-classic",
                     "kart-held-out", "ppo-hopper", "ppo-breakout", "soak", "health-shipped", "sweep-ars-hopper", "bench-distributed-sweep",
                     "learning-mujoco-3d", "bench-train", "process-time", "readme-results", "results-summary" })
            Assert.Contains(name + "\t", output);
        // Every figure states its budget; records say why they are not regenerated.
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            Assert.True(line.Contains("\trecord, not regenerated: ", StringComparison.Ordinal) || line.Contains("  [", StringComparison.Ordinal),
                $"no budget: {line}");
        Assert.Contains("ppo-before-after\tdocs/ppo-dqn.md:", output);

        // README.md's and docs/results.md's results tables are what build/results-summary.py reads from today's figure blocks.
        var (sumCode, summary, sumErr) = Python("results-summary.py", DocsPaths.Root);
        Assert.True(sumCode == 0, sumErr);
        Assert.True(File.ReadAllText(Path.Combine(DocsPaths.Root, "README.md")).Contains(summary.TrimEnd('\n') + "\n"),
            "README.md's results table is out of date with the docs' figure blocks: run build/figures.sh --only readme-results,results-summary");
        (sumCode, summary, sumErr) = Python("results-summary.py", "--in-docs", DocsPaths.Root);
        Assert.True(sumCode == 0, sumErr);
        Assert.True(File.ReadAllText(Path.Combine(DocsPaths.Root, "docs", "results.md")).Contains(summary.TrimEnd('\n') + "\n"),
            "docs/results.md's summary table is out of date with the figure blocks: run build/figures.sh --only readme-results,results-summary");

        // The generated table in docs/environments.md is what build/env-table.py prints from today's XML doc comments.
        var psi = new ProcessStartInfo("python3") { UseShellExecute = false, RedirectStandardOutput = true };
        psi.ArgumentList.Add(Path.Combine(DocsPaths.Root, "build", "env-table.py"));
        psi.ArgumentList.Add(DocsPaths.Root);
        using var p = Process.Start(psi)!;
        string table = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(30_000) && p.ExitCode == 0, "build/env-table.py failed");
        string page = File.ReadAllText(Path.Combine(DocsPaths.Root, "docs", "environments.md"));
        Assert.True(page.Contains(table.TrimEnd('\n') + "\n"),
            "docs/environments.md's environment table is out of date with the XML doc comments: run build/figures.sh --only environments");
    }
}
