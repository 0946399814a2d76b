using System.CommandLine;
using System.CommandLine.Invocation;
using Rl.Experiments.Cli;
using Rl.Experiments.Commands;

namespace Rl.Experiments;

/// <summary>
/// The <c>rl</c> console runner: <c>rl &lt;command&gt; [args]</c>, parsed by System.CommandLine from the commands of
/// <see cref="Commands"/>. Exit codes: 0 success, 1 error (one line, or the full exception with <c>RL_DEBUG=1</c>), 2 usage
/// or config error (a bad option value names the option and the value), 130 interrupted.
/// </summary>
public static class Program
{
    /// <summary>
    /// Every command by name, each declared by its own file's <c>Create()</c> (its options, arguments, help and action).
    /// Adding a command is one file in Commands/ plus one line here (docs/architecture.md, "The command line").
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Func<Command>> Commands = new SortedDictionary<string, Func<Command>>(StringComparer.Ordinal)
    {
        ["algos"] = AlgosCommand.Create,
        ["bench"] = BenchCommand.Create,
        ["cluster"] = ClusterCommand.Create,
        ["compare"] = CompareCommand.Create,
        ["completion"] = CompletionCommand.Create,
        ["demos"] = DemosCommand.Create,
        ["envs"] = EnvsCommand.Create,
        ["health"] = HealthCommand.Create,
        ["eval"] = EvalCommand.Create,
        ["play"] = PlayCommand.Create,
        ["rollout"] = RolloutCommand.Create,
        ["sweep"] = SweepCommand.Create,
        ["train"] = TrainCommand.Create,
        ["watch"] = WatchCommand.Create,
        ["worker"] = WorkerCommand.Create,
    };

    /// <summary>When <see cref="Main"/> started (a <see cref="System.Diagnostics.Stopwatch"/> timestamp; 0 when the runner was
    /// not started through it), for the start-up breakdown of <c>rl bench train</c>.</summary>
    public static long MainStarted { get; private set; }

    /// <summary>Parses the arguments and runs the command they name.</summary>
    public static int Main(string[] args)
    {
        MainStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0)
        {
            // No command: the overview on standard error, as a usage error.
            CommandTree.Root().Parse(["--help"]).Invoke(new InvocationConfiguration { Output = Console.Error, Error = Console.Error });
            return 2;
        }
        if (args[0] == "help") args = [.. args.Skip(1), "--help"]; // rl help train = rl train --help
        // A run of one command builds only that command; help, completions and unknown names build them all.
        var root = CommandTree.Root(Commands.ContainsKey(args[0]) ? args[0] : null);
        var result = root.Parse(args);
        if (result.Errors.Count > 0 && result.Action is not { ClearsParseErrors: true } && !args[0].StartsWith("[suggest", StringComparison.Ordinal)) return CommandTree.ReportErrors(result);
        return Execute(CommandTree.PathOf(result), () => result.Invoke(CommandTree.Invocation()));
    }

    /// <summary>Runs one command and turns exceptions into exit codes and one-line messages.</summary>
    /// <param name="name">The command's path for messages (<c>rl train</c>).</param>
    /// <param name="run">Runs the command; returns its exit code.</param>
    public static int Execute(string name, Func<int> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            return run();
        }
        catch (EnvironmentAssemblyLoadException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        catch (Training.ConfigException e)
        {
            Console.Error.WriteLine($"{name}: {e.Message}");
            return 2;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine($"(see {name} --help)");
            return 2;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("RL_DEBUG") != "1")
        {
            Console.Error.WriteLine($"{name}: error: {Describe(e)}");
            Console.Error.WriteLine("(set RL_DEBUG=1 for the full exception)");
            return 1;
        }
    }

    /// <summary>The message of an exception, unwrapped from reflection and aggregate wrappers.</summary>
    public static string Describe(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        while (e is System.Reflection.TargetInvocationException or AggregateException && e.InnerException is not null)
            e = e.InnerException;
        return e.Message;
    }
}
