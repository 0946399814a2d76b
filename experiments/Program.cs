using Rl.Experiments.Cli;
using Rl.Experiments.Commands;

namespace Rl.Experiments;

/// <summary>One runner command: its entry point and its usage text (first line: synopsis; second line: one-line summary).</summary>
/// <param name="Run">Runs the command with the arguments after its name; returns the exit code.</param>
/// <param name="Usage">The text printed by <c>rl &lt;command&gt; --help</c> and after a usage error.</param>
public sealed record Command(Func<IReadOnlyList<string>, int> Run, string Usage)
{
    /// <summary>The one-line summary (the usage text's second line).</summary>
    public string Summary => Usage.Split('\n').Skip(1).FirstOrDefault()?.Trim() ?? "";
}

/// <summary>
/// The <c>rl</c> console runner: dispatches <c>rl &lt;command&gt; [args]</c> through <see cref="Commands"/>.
/// Exit codes: 0 success, 1 error (one line, or the full exception with <c>RL_DEBUG=1</c>), 2 usage or config error,
/// 130 interrupted.
/// </summary>
public static class Program
{
    /// <summary>Every command by name. Adding a command is one file in Commands/ plus one line here.</summary>
    public static readonly IReadOnlyDictionary<string, Command> Commands = new SortedDictionary<string, Command>(StringComparer.Ordinal)
    {
        ["algos"] = new(AlgosCommand.Run, AlgosCommand.Usage),
        ["bench"] = new(BenchCommand.Run, BenchCommand.Usage),
        ["cluster"] = new(ClusterCommand.Run, ClusterCommand.Usage),
        ["demos"] = new(DemosCommand.Run, DemosCommand.Usage),
        ["envs"] = new(EnvsCommand.Run, EnvsCommand.Usage),
        ["eval"] = new(EvalCommand.Run, EvalCommand.Usage),
        ["play"] = new(PlayCommand.Run, PlayCommand.Usage),
        ["rollout"] = new(RolloutCommand.Run, RolloutCommand.Usage),
        ["sweep"] = new(SweepCommand.Run, SweepCommand.Usage),
        ["train"] = new(TrainCommand.Run, TrainCommand.Usage),
        ["watch"] = new(WatchCommand.Run, WatchCommand.Usage),
        ["worker"] = new(WorkerCommand.Run, WorkerCommand.Usage),
    };

    /// <summary>Runs the command named by the first argument.</summary>
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            if (args.Length >= 2 && Commands.TryGetValue(args[1], out var helped))
            {
                Console.Out.WriteLine(UserEnvironments.WithUsage(args[1], helped.Usage).TrimEnd());
                return 0;
            }
            PrintOverview(args.Length == 0 ? Console.Error : Console.Out);
            return args.Length == 0 ? 2 : 0;
        }
        if (!Commands.TryGetValue(args[0], out var command))
        {
            Console.Error.WriteLine($"rl: unknown command '{args[0]}'; commands: {string.Join(", ", Commands.Keys)} (rl --help)");
            return 2;
        }
        command = command with { Usage = UserEnvironments.WithUsage(args[0], command.Usage) };
        // Environments defined over the renderer (pixel observations) join the registry for every command.
        PixelEnvironments.EnsureRegistered();
        var rest = args.Skip(1).ToList();
        if (rest.Contains("--help") || rest.Contains("-h"))
        {
            Console.Out.WriteLine(command.Usage.TrimEnd());
            return 0;
        }
        return Execute(args[0], command, rest);
    }

    /// <summary>
    /// Loads the user's environment assemblies of <c>--env-assembly</c> (removed from the arguments) before the command
    /// runs; a config's <c>env_assemblies</c> may load code in every command but <c>rl worker</c>.
    /// </summary>
    /// <returns>The remaining arguments.</returns>
    private static IReadOnlyList<string> LoadUserEnvironments(string name, IReadOnlyList<string> args)
    {
        var (rest, paths) = UserEnvironments.Extract(name, args);
        UserEnvironments.BeginCommand(name, paths);
        return rest;
    }

    /// <summary>Runs one command and turns exceptions into exit codes and one-line messages.</summary>
    public static int Execute(string name, Command command, IReadOnlyList<string> args)
    {
        try
        {
            return command.Run(LoadUserEnvironments(name, args));
        }
        catch (EnvironmentAssemblyLoadException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        catch (Training.ConfigException e)
        {
            Console.Error.WriteLine($"rl {name}: {e.Message}");
            return 2;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine();
            Console.Error.WriteLine(command.Usage.TrimEnd());
            return 2;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("RL_DEBUG") != "1")
        {
            Console.Error.WriteLine($"rl {name}: error: {Describe(e)}");
            Console.Error.WriteLine("(set RL_DEBUG=1 for the full exception)");
            return 1;
        }
        finally
        {
            UserEnvironments.EndCommand();
        }
    }

    /// <summary>The message of an exception, unwrapped from reflection and aggregate wrappers.</summary>
    public static string Describe(Exception e)
    {
        while (e is System.Reflection.TargetInvocationException or AggregateException && e.InnerException is not null)
            e = e.InnerException;
        return e.Message;
    }

    private static void PrintOverview(TextWriter w)
    {
        w.WriteLine("rl: the reinforcement-learning toolkit's runner");
        w.WriteLine();
        w.WriteLine("usage: rl <command> [arguments]   (rl <command> --help for details)");
        w.WriteLine();
        int width = Commands.Keys.Max(k => k.Length);
        foreach (var (name, command) in Commands)
            w.WriteLine($"  {name.PadRight(width)}  {command.Summary}");
    }
}
