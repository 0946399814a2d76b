using Rl.Core;
using Rl.Environments.Python;

namespace Rl.Environments.Tests.PythonBridge;

/// <summary>
/// A <c>module:Class</c> id is built only when it names an environment (a class with reset and step, or a registered entry
/// point), checked on the Python side before anything is called: <c>gym:os:system</c> with a <c>command</c> option used to
/// run the command.
/// </summary>
public class PythonEnvTargetTests
{
    public PythonEnvTargetTests() => PythonTestSupport.EnsureReady();

    [Theory]
    [InlineData("os:system", "command")]
    [InlineData("subprocess:Popen", "args")]
    [InlineData("builtins:exec", "source")]
    public void A_callable_that_is_not_an_environment_is_refused_before_it_is_called(string target, string key)
    {
        string marker = Path.Combine(Path.GetTempPath(), $"rl-pwned-{Guid.NewGuid():N}");
        string command = $"touch {marker}";
        string value = key == "source" ? $"open('{marker}', 'w').close()" : command;
        var e = Assert.Throws<PythonEnvException>(() => Envs.Make("gym:" + target, new MakeOptions { Kwargs = OptionSet.Of((key, value)) }));
        Assert.Equal(PythonFailure.UnknownEnvironment, e.Failure);
        Assert.Contains("not an environment", e.Message);
        Assert.Contains(target, e.Message);
        Assert.False(File.Exists(marker), $"{target} was called: {marker} exists");
    }

    [Fact]
    public void An_environment_class_is_still_built()
    {
        using var env = Envs.Make("gym:rl_testenvs.testing:FaultyEnv");
        Assert.NotNull(env.ObservationSpace);
    }
}
