using System.Runtime.InteropServices;
using System.Text;
using Rl.Experiments;

namespace Rl.Experiments.Tests;

/// <summary>Runs runner commands in-process with Console.Out and Console.Error captured.</summary>
public abstract class ConsoleTest
{
    private static readonly Lock Gate = new();

    /// <summary>
    /// Runs <paramref name="body"/> while no command runs in this process: commands set process-wide state (the user
    /// environment assemblies of <c>--env-assembly</c>, which a config parsed meanwhile would record), so code that parses
    /// configs or trains in-process outside <see cref="Rl"/> takes the same gate.
    /// </summary>
    protected static T Exclusive<T>(Func<T> body)
    {
        lock (Gate) return body();
    }

    /// <summary>Runs <c>rl args...</c> through Program.Main and returns (exit code, stdout, stderr).</summary>
    protected static (int Code, string Out, string Err) Rl(params string[] args)
    {
        lock (Gate)
        {
            var (oldOut, oldErr) = (Console.Out, Console.Error);
            var (o, e) = (new StringWriter(), new StringWriter());
            Console.SetOut(o);
            Console.SetError(e);
            try
            {
                int code = Program.Main(args);
                return (code, o.ToString(), e.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldErr);
            }
        }
    }

    /// <summary>Runs a command's Run directly (exceptions propagate) and returns its stdout.</summary>
    protected static string RunCommand(Func<System.CommandLine.Command> create, params string[] args)
    {
        lock (Gate)
        {
            var old = Console.Out;
            var o = new StringWriter();
            Console.SetOut(o);
            try
            {
                Assert.Equal(0, global::Rl.Experiments.Cli.CommandTree.RunDirect(create(), args));
                return o.ToString();
            }
            finally
            {
                Console.SetOut(old);
            }
        }
    }
}

/// <summary>Captures what native code writes to file descriptor 2 (C++ std::cerr), which Console.SetError cannot see.</summary>
public static partial class NativeStderr
{
    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup2(int oldFd, int newFd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    /// <summary>Runs <paramref name="action"/> with fd 2 redirected to a temporary file and returns what was written.</summary>
    public static string Capture(Action action)
    {
        string path = Path.GetTempFileName();
        int saved = dup(2);
        Assert.True(saved >= 0, "dup(2) failed");
        try
        {
            using (var file = File.Open(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite))
            {
                int fd = (int)file.SafeFileHandle.DangerousGetHandle();
                Assert.True(dup2(fd, 2) >= 0, "dup2 failed");
                try
                {
                    action();
                }
                finally
                {
                    dup2(saved, 2);
                }
            }
            return File.ReadAllText(path, Encoding.UTF8);
        }
        finally
        {
            close(saved);
            File.Delete(path);
        }
    }
}
