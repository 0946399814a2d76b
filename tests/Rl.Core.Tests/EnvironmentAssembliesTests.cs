using Rl.Tests;

namespace Rl.Core.Tests;

public class EnvironmentAssembliesTests
{
    [Fact]
    public void TheRegistrarOfTheAttributeRegistersItsEnvironmentsOncePerRegistry()
    {
        var registry = new EnvRegistry();
        var ids = EnvironmentAssemblies.Load(TestEnvironmentsAssembly.FilePath, registry);
        Assert.Equal(["Seek-v0"], ids);
        Assert.Equal(0.8, registry.GetSpec("Seek-v0").RewardThreshold);
        Assert.Same(ids, EnvironmentAssemblies.Load(TestEnvironmentsAssembly.FilePath, registry)); // no second registration
        Assert.Contains(TestEnvironmentsAssembly.FilePath, EnvironmentAssemblies.Paths);

        var other = new EnvRegistry(); // the same assembly serves another registry
        Assert.Equal(["Seek-v0"], EnvironmentAssemblies.Load(TestEnvironmentsAssembly.FilePath, other));
        using var env = other.Make("Seek-v0");
        Assert.True(EnvChecker.Check(env, () => other.Make("Seek-v0")).Ok);
    }

    [Fact]
    public void FilesThatCannotServeAreRejectedNamingThem()
    {
        var registry = new EnvRegistry();
        var dir = Directory.CreateTempSubdirectory("rl-envasm-").FullName;
        try
        {
            string missing = Path.Combine(dir, "missing.dll");
            Assert.Equal($"environment assembly '{missing}' not found",
                Assert.Throws<FileNotFoundException>(() => EnvironmentAssemblies.Load(missing, registry)).Message);
            Assert.Equal($"environment assembly '{dir}' is a directory; name the .dll file",
                Assert.Throws<FileNotFoundException>(() => EnvironmentAssemblies.Load(dir, registry)).Message);

            string text = Path.Combine(dir, "text.dll");
            File.WriteAllText(text, "MZ but not really");
            var e = Assert.Throws<EnvironmentAssemblyException>(() => EnvironmentAssemblies.Load(text, registry));
            Assert.Equal($"environment assembly '{text}' is not a .NET assembly (a native library or another kind of file?)", e.Message);
            Assert.Equal(text, e.AssemblyPath);

            string plain = typeof(Assert).Assembly.Location; // a .NET assembly without the attribute
            e = Assert.Throws<EnvironmentAssemblyException>(() => EnvironmentAssemblies.Load(plain, registry));
            Assert.StartsWith($"environment assembly '{plain}' registers no environments: add [assembly: Rl.Core.EnvironmentRegistrar(typeof(YourRegistrar))]", e.Message);
            Assert.Empty(registry.Specs);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
