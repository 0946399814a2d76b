using System.Diagnostics;
using Rl.Core;
using Rl.Environments.Python;

namespace Rl.Environments.Tests.PythonBridge;

/// <summary>
/// Puts the pure-Python test environments (PythonEnvs/rl_testenvs, copied next to the test assembly) on PYTHONPATH, which
/// every worker inherits, and helps to check that no worker process survives.
/// </summary>
internal static class PythonTestSupport
{
    /// <summary>The registry module standing in for gymnasium.</summary>
    public const string Module = "rl_testenvs";

    public static readonly string ModuleFolder = Path.Combine(AppContext.BaseDirectory, "PythonEnvs");

    static PythonTestSupport()
    {
        // python3 on PATH may be a pyenv shim that costs a second per start; run the interpreter it resolves to directly.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PythonEnvOptions.PythonVariable)))
        {
            var (code, output) = RunPython("import sys; print(sys.executable)");
            if (code == 0 && File.Exists(output.Trim())) Environment.SetEnvironmentVariable(PythonEnvOptions.PythonVariable, output.Trim());
        }
        string? existing = Environment.GetEnvironmentVariable("PYTHONPATH");
        if (existing is null || !existing.Split(Path.PathSeparator).Contains(ModuleFolder))
            Environment.SetEnvironmentVariable("PYTHONPATH",
                string.IsNullOrEmpty(existing) ? ModuleFolder : ModuleFolder + Path.PathSeparator + existing);
    }

    /// <summary>Runs the static constructor (PYTHONPATH, RL_PYTHON) before a test starts workers by itself.</summary>
    public static void EnsureReady() { }

    /// <summary>The interpreter the tests use: <c>$RL_PYTHON</c> or <c>python3</c> (the bridge's own default).</summary>
    public static string Interpreter => new PythonEnvOptions().ResolvePython();

    /// <summary>Keyword options that select the test registry, plus any others.</summary>
    public static MakeOptions Options(params (string Key, object Value)[] kwargs) =>
        new() { Kwargs = OptionSet.Of([("python_module", Module), .. kwargs]) };

    public static IEnv Make(string id, params (string Key, object Value)[] kwargs) => Envs.Make("gym:" + id, Options(kwargs));

    public static IEnv<TObs, TAct> Make<TObs, TAct>(string id, params (string Key, object Value)[] kwargs) =>
        Envs.Make<TObs, TAct>("gym:" + id, Options(kwargs));

    /// <summary>Makes a full id (with <c>gym:</c>) with keyword options, typed.</summary>
    public static IEnv<TObs, TAct> MakeId<TObs, TAct>(string id, params (string Key, object Value)[] kwargs) =>
        Envs.Make<TObs, TAct>(id, new MakeOptions { Kwargs = OptionSet.Of(kwargs) });

    /// <summary>Whether a process with this id exists (a zombie counts: it still has a /proc entry).</summary>
    public static bool ProcessExists(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>Waits up to five seconds for the process to disappear (reaped, not a zombie).</summary>
    public static bool WaitGone(int pid)
    {
        var clock = Stopwatch.StartNew();
        while (ProcessExists(pid))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(5)) return false;
            Thread.Sleep(20);
        }
        return true;
    }

    /// <summary>The pids of live bridge workers whose command line contains <paramref name="fragment"/>.</summary>
    public static List<int> BridgeWorkers(string fragment)
    {
        var found = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(BridgeScript.Path) && cmdline.Contains(fragment)) found.Add(pid);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return found;
    }

    /// <summary>Waits up to five seconds until no bridge worker mentions <paramref name="fragment"/>.</summary>
    public static List<int> WaitNoWorkers(string fragment)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var left = BridgeWorkers(fragment);
            if (left.Count == 0 || clock.Elapsed > TimeSpan.FromSeconds(5)) return left;
            Thread.Sleep(20);
        }
    }

    /// <summary>Runs <c>python -c code</c> and returns its exit code and output.</summary>
    public static (int ExitCode, string Output) RunPython(string code)
    {
        var info = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(code);
        using var p = Process.Start(info)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + stderr.Result);
    }
}
