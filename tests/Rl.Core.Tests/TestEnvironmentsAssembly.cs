namespace Rl.Tests;

/// <summary>Where tests/Rl.TestEnvironments' build output is (a user's environment assembly that registers Seek-v0).</summary>
public static class TestEnvironmentsAssembly
{
    /// <summary>The fixture's .dll, built in the same configuration as the calling test assembly.</summary>
    public static string FilePath
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory); // tests/<project>/bin/<config>/net10.0/linux-x64/
            string configuration = output.Parent!.Parent!.Name;
            string tests = output.Parent.Parent.Parent!.Parent!.Parent!.FullName;
            string path = Path.Combine(tests, "Rl.TestEnvironments", "bin", configuration, "net10.0", "linux-x64", "Rl.TestEnvironments.dll");
            Assert.True(File.Exists(path), $"the fixture assembly {path} was not built");
            return path;
        }
    }
}
