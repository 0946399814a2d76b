using System.Text.RegularExpressions;

namespace Rl.Experiments.Tests.Docs;

/// <summary>
/// The C# blocks of README.md and docs/tutorial.md are copies of regions of real source files that the tests compile and
/// run (docs/tutorial/*.cs): each block is preceded by <c>&lt;!-- code: PATH#REGION --&gt;</c> (or <c>PATH</c> alone for a
/// whole file), and must equal that region, so the pages cannot drift from code that works.
/// </summary>
public partial class DocSnippetTests
{
    [GeneratedRegex(@"<!-- code: (?<path>[^#\s]+)(#(?<region>[A-Za-z0-9_-]+))? -->\r?\n```csharp\r?\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex MarkedBlock();

    [GeneratedRegex(@"^```csharp", RegexOptions.Multiline)]
    private static partial Regex AnyBlock();

    [Theory]
    [InlineData("README.md", 2)]
    [InlineData("docs/tutorial.md", 8)]
    public void EveryCSharpBlockEqualsItsCompiledRegion(string page, int expectedBlocks)
    {
        string text = File.ReadAllText(Path.Combine(DocsPaths.Root, page)).ReplaceLineEndings("\n");
        var marked = MarkedBlock().Matches(text);
        Assert.True(AnyBlock().Matches(text).Count == marked.Count,
            $"{page}: every ```csharp block needs a <!-- code: PATH#REGION --> line right above it ({marked.Count} of {AnyBlock().Matches(text).Count} have one)");
        Assert.True(marked.Count >= expectedBlocks, $"{page}: {marked.Count} marked C# blocks, expected at least {expectedBlocks}");
        foreach (Match m in marked)
        {
            string path = m.Groups["path"].Value;
            string source = File.ReadAllText(Path.Combine(DocsPaths.Root, path)).ReplaceLineEndings("\n");
            string expected = m.Groups["region"].Success ? Region(source, path, m.Groups["region"].Value) : source;
            Assert.True(expected == m.Groups["body"].Value,
                $"{page}: the block marked {path}#{m.Groups["region"].Value} differs from the source; copy the region into the page:\n{expected}");
        }
    }

    [Fact]
    public void ARegionIsCutOutAndDedented()
    {
        const string source = "class A\n{\n    #region r\n    int X;\n\n        int Y;\n    #endregion\n}\n";
        Assert.Equal("int X;\n\n    int Y;\n", Region(source, "a.cs", "r"));
        Assert.Throws<Xunit.Sdk.TrueException>(() => Region(source, "a.cs", "missing"));
    }

    /// <summary>The lines between <c>#region NAME</c> and the next <c>#endregion</c>, with their common indentation removed.</summary>
    internal static string Region(string source, string path, string name)
    {
        var lines = source.Split('\n');
        int start = Array.FindIndex(lines, l => l.Trim() == "#region " + name);
        Assert.True(start >= 0, $"{path} has no #region {name}");
        int end = Array.FindIndex(lines, start + 1, l => l.Trim() == "#endregion");
        Assert.True(end > start, $"{path}: #region {name} has no #endregion");
        var body = lines[(start + 1)..end];
        int indent = body.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Concat(body.Select(l => (l.Trim().Length == 0 ? "" : l[indent..]) + "\n"));
    }
}
