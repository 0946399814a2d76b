using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Rl.Rendering.Tests;

/// <summary>
/// Gives window tests a display: the existing DISPLAY when set (a desktop, or the Xvfb the test script started), otherwise an
/// Xvfb started here as a child process on a free display number and stopped at the end.
/// </summary>
public sealed class XvfbDisplay : IDisposable
{
    private readonly Process? _xvfb;

    public XvfbDisplay()
    {
        var existing = Environment.GetEnvironmentVariable("DISPLAY");
        if (!string.IsNullOrEmpty(existing))
        {
            Display = existing;
            return;
        }
        string xvfb = new[] { "/usr/bin/Xvfb", "/usr/local/bin/Xvfb" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("window tests need a display: set DISPLAY, or apt-get install xvfb so the tests can start Xvfb");
        int n = Enumerable.Range(90, 100).First(i => !File.Exists($"/tmp/.X{i}-lock") && !File.Exists($"/tmp/.X11-unix/X{i}"));
        var psi = new ProcessStartInfo(xvfb) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { $":{n}", "-screen", "0", "1024x768x24", "-nolisten", "tcp" }) psi.ArgumentList.Add(a);
        _xvfb = Process.Start(psi)!;
        _xvfb.ErrorDataReceived += (_, _) => { };
        _xvfb.OutputDataReceived += (_, _) => { };
        _xvfb.BeginErrorReadLine();
        _xvfb.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!File.Exists($"/tmp/.X11-unix/X{n}"))
        {
            if (_xvfb.HasExited) throw new InvalidOperationException($"Xvfb :{n} exited with code {_xvfb.ExitCode}");
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"Xvfb :{n} did not start within 20 s");
            Thread.Sleep(50);
        }
        Display = $":{n}";
        SetDisplay(Display);
    }

    public string Display { get; }

    /// <summary>Sets DISPLAY for .NET and for native code (GLFW reads the C environment, which .NET does not update).</summary>
    public static void SetDisplay(string? value)
    {
        Environment.SetEnvironmentVariable("DISPLAY", value);
        if (value is null) unsetenv("DISPLAY");
        else setenv("DISPLAY", value, 1);
    }

    public void Dispose()
    {
        if (_xvfb is null) return;
        Assert.True(GlfwWindow.Shutdown(), "a test left a window open");
        SetDisplay(null);
        _xvfb.Kill();
        _xvfb.WaitForExit();
        _xvfb.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setenv(string name, string value, int overwrite);

    [DllImport("libc", SetLastError = true)]
    private static extern int unsetenv(string name);
}

[CollectionDefinition("Display")]
public sealed class DisplayCollection : ICollectionFixture<XvfbDisplay>;
