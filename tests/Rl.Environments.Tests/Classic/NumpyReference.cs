using System.Diagnostics;
using System.Globalization;

namespace Rl.Environments.Tests.Classic;

/// <summary>Runs a Python script under Debian's python3 with numpy (./test.sh installs both) and returns its output lines.</summary>
internal static class NumpyReference
{
    private const string Python = "/usr/bin/python3";

    /// <summary>Runs <paramref name="script"/> and returns its stdout lines; fails (never skips) when python3 or numpy is missing.</summary>
    public static string[] Run(string script)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: apt-get install python3 python3-numpy (./test.sh does)");
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script.Replace("\r", ""));
        using var p = Process.Start(psi)!;
        var stderrTask = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        string stderr = stderrTask.Result;
        Assert.False(stderr.Contains("No module named 'numpy'", StringComparison.Ordinal), "numpy is missing: apt-get install python3-numpy (./test.sh does)");
        Assert.True(p.ExitCode == 0, stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Parses a line of space-separated Python float reprs (which round-trip exactly).</summary>
    public static double[] Doubles(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Parses a line of space-separated unsigned decimal integers.</summary>
    public static ulong[] UInt64s(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => ulong.Parse(s, CultureInfo.InvariantCulture)).ToArray();
}
