using Rl.Core;

namespace Rl.Environments.Tests;

/// <summary>Every registered environment goes through the checker, so a new environment is checked as soon as it is registered.</summary>
public class CheckerAllEnvsTests
{
    public static TheoryData<string, bool> RegisteredIds()
    {
        var data = new TheoryData<string, bool>();
        foreach (var spec in Envs.List())
        {
            data.Add(spec.Id, false);
            data.Add(spec.Id, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RegisteredIds))]
    public void EveryRegisteredEnvPassesTheChecker(string id, bool disableTimeLimit)
    {
        var options = new MakeOptions { DisableTimeLimit = disableTimeLimit };
        using var env = Envs.Make(id, options);
        var report = EnvChecker.Check(env, () => Envs.Make(id, options));
        report.ThrowIfFailed();
        // Gymnasium only warns when a second close() throws; the built-in environments must not need the warning.
        Assert.DoesNotContain(report.Warnings, w => w.Contains("disposing a second time", StringComparison.Ordinal));
        // With its time limit every registered episode ends, so stepping after the end must have been tested.
        if (!disableTimeLimit && Envs.Registry.GetSpec(id).MaxEpisodeSteps is not null)
            Assert.DoesNotContain(report.Results, r => r.Status == EnvCheckStatus.Skipped && r.Name == "step outputs and episode end");
    }

    [Fact]
    public void TheBuiltInsAreRegistered() => Assert.Contains(Envs.List(), s => s.Id == "CartPole-v1");
}
