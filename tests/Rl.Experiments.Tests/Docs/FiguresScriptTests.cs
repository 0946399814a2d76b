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

    private static (int Code, string Out, string Err) Figures(string root, params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(DocsPaths.Root, "build", "figures.sh"));
        psi.ArgumentList.Add("--root");
        psi.ArgumentList.Add(root);
        psi.ArgumentList.Add("--nice");
        psi.ArgumentList.Add("0");
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "build/figures.sh did not finish in 60 s");
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
    public void TheRepositorysFiguresParseAndTheEnvironmentTableIsCurrent()
    {
        var (code, output, err) = Figures(DocsPaths.Root, "--list");
        Assert.True(code == 0, err);
        foreach (string name in new[] { "environments", "bench-env", "solve-gradient-free", "solve-pg" })
            Assert.Contains(name + "\t", output);

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
