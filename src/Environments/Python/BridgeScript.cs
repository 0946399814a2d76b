using System.Security.Cryptography;

namespace Rl.Environments.Python;

/// <summary>
/// The worker script (gym_bridge.py) ships inside this assembly as a resource, so every output that carries the library
/// (tests, the runner, a published app) has it. It is written once per version to a user-owned cache folder and run from
/// there, which keeps tracebacks and <c>ps</c> listings readable.
/// </summary>
public static class BridgeScript
{
    private const string ResourceName = "Rl.Environments.Python.gym_bridge.py";
    private static readonly Lazy<string> s_path = new(Extract, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The script's text.</summary>
    public static byte[] Content()
    {
        using var stream = typeof(BridgeScript).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the resource {ResourceName} is missing from {typeof(BridgeScript).Assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The path of the script on disk (written on first use; the file name carries a hash of the content).</summary>
    public static string Path => s_path.Value;

    private static string Extract()
    {
        byte[] content = Content();
        string hash = Convert.ToHexStringLower(SHA256.HashData(content))[..16];
        Exception? last = null;
        foreach (string dir in CandidateFolders())
        {
            try
            {
                string file = System.IO.Path.Combine(dir, $"gym_bridge-{hash}.py");
                if (File.Exists(file) && File.ReadAllBytes(file).AsSpan().SequenceEqual(content)) return file;
                if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
                else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                // Write then rename, so a concurrent process never runs a half-written script.
                string temp = $"{file}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
                File.WriteAllBytes(temp, content);
                File.Move(temp, file, overwrite: true);
                return file;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                last = e;
            }
        }
        throw new IOException($"could not write the Python bridge script to any of: {string.Join(", ", CandidateFolders())}", last);
    }

    private static IEnumerable<string> CandidateFolders()
    {
        string? cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache))
        {
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (!string.IsNullOrEmpty(home)) cache = System.IO.Path.Combine(home, ".cache");
        }
        if (!string.IsNullOrEmpty(cache)) yield return System.IO.Path.Combine(cache, "rl-toolkit");
        yield return System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"rl-toolkit-{Environment.UserName}");
    }
}
