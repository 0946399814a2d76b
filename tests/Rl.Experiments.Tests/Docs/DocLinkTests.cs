using System.Text.RegularExpressions;

namespace Rl.Experiments.Tests.Docs;

/// <summary>Every relative link of README.md and docs/**/*.md points at a file that exists, and at a heading of it when it names one.</summary>
public partial class DocLinkTests
{
    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#+ (?<title>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\p{L}\p{Nd}\p{Mn}\- _]")]
    private static partial Regex NotInSlug();

    /// <summary>A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens.</summary>
    internal static string Slug(string heading) => NotInSlug().Replace(heading.Trim().ToLowerInvariant(), "").Replace(' ', '-');

    [Fact]
    public void SlugsFollowGitHubsRule()
    {
        Assert.Equal("rl-play-demonstrations-by-hand", Slug("`rl play`: demonstrations by hand"));
        Assert.Equal("6-package-it", Slug("6. Package it"));
        Assert.Equal("games-from-pixels-a-kart-racer-and-breakout", Slug("Games from pixels: a kart racer and Breakout"));
    }

    [Fact]
    public void EveryRelativeLinkResolves()
    {
        string root = DocsPaths.Root;
        var pages = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories)
                .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")))
            .ToList();
        var broken = new List<string>();
        foreach (string page in pages)
        {
            string text = CodeBlock().Replace(File.ReadAllText(page), "");
            foreach (Match m in Link().Matches(InlineCode().Replace(text, "")))
            {
                string target = m.Groups["target"].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
                int hash = target.IndexOf('#');
                string file = hash < 0 ? target : target[..hash];
                string full = file.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(file)));
                string where = Path.GetRelativePath(root, page);
                if (!File.Exists(full) && !Directory.Exists(full))
                {
                    broken.Add($"{where}: {target} (no such file)");
                    continue;
                }
                if (hash >= 0 && full.EndsWith(".md", StringComparison.Ordinal))
                {
                    string anchor = target[(hash + 1)..];
                    var anchors = Heading().Matches(CodeBlock().Replace(File.ReadAllText(full), "")).Select(h => Slug(h.Groups["title"].Value)).ToHashSet();
                    if (!anchors.Contains(anchor)) broken.Add($"{where}: {target} (no heading with that anchor)");
                }
            }
        }
        Assert.True(broken.Count == 0, "broken links:\n" + string.Join("\n", broken));
    }
}
