using System.Diagnostics;
using Rl.Training.Experiments;

namespace Rl.Experiments.Tests.Experiments;

/// <summary>How a seed's child process reports its end when it is asked to stop.</summary>
public class SeedProcessTests
{
    private static void SendSigterm(Process p)
    {
        using var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    [Fact]
    public async Task AChildThatTheStopsSigtermEndsBeforeItHandlesItCountsAsInterrupted()
    {
        using var dir = new TempDir();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        // sleep installs no SIGTERM handler, as a trainer still starting has not: the signal ends it (128 + 15).
        int code = await SeedGroup.RunProcessAsync(new ProcessStartInfo("sleep", "30"), dir.Sub("log.txt"), SendSigterm, cancel.Token);
        Assert.Equal(SeedGroup.InterruptedExitCode, code);
    }

    [Fact]
    public async Task AChildThatDiesOfSigtermUnaskedIsNotCountedAsInterrupted()
    {
        using var dir = new TempDir();
        int code = await SeedGroup.RunProcessAsync(new ProcessStartInfo("sh", ["-c", "kill -TERM $$"]), dir.Sub("log.txt"), SendSigterm, CancellationToken.None);
        Assert.Equal(128 + 15, code);
    }
}
