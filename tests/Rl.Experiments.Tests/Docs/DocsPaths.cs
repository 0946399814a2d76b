namespace Rl.Experiments.Tests.Docs;

/// <summary>Where the repository's documentation and the tutorial's environment assembly are.</summary>
public static class DocsPaths
{
    /// <summary>The repository root: the first folder above the test output that holds Rl.sln.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Rl.sln"))) return dir.FullName;
            throw new DirectoryNotFoundException($"no Rl.sln above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>docs/tutorial/GoalLine's build output (GoalLine.dll), built in the configuration of this test assembly.</summary>
    public static string GoalLineAssembly
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory); // tests/<project>/bin/<config>/net10.0/linux-x64/
            string configuration = output.Parent!.Parent!.Name;
            string path = Path.Combine(Root, "docs", "tutorial", "GoalLine", "bin", configuration, "net10.0", "linux-x64", "GoalLine.dll");
            Assert.True(File.Exists(path), $"the tutorial's assembly {path} was not built");
            return path;
        }
    }
}
