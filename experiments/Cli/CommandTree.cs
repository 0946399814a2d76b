using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Rl.Agents;
using Rl.Agents.Training;
using Rl.Environments;
using Rl.Experiments.Training;

namespace Rl.Experiments.Cli;

/// <summary>
/// The runner's command tree on System.CommandLine: builds <c>rl</c> from <see cref="Program.Commands"/>, parses, reports
/// parse errors (exit code 2, naming the option and the value, with a suggestion for an unknown name), and runs a command's
/// action with its <c>--env-assembly</c> assemblies loaded. Help (<c>rl CMD --help</c>), response files
/// (<c>rl train @args.rsp</c>) and completions (<c>rl [suggest:N] "rl tr"</c>, <c>rl completion bash</c>) come from System.CommandLine.
/// </summary>
public static class CommandTree
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Command, string> HelpNotes = [];

    /// <summary>The root description, first line of <c>rl --help</c>.</summary>
    public const string Description = "rl: the reinforcement-learning toolkit's runner (rl <command> --help for a command's options)";

    /// <summary>
    /// Builds the root command with every command, or, when <paramref name="only"/> names one, with that command only (a run
    /// of one command does not build the others).
    /// </summary>
    public static RootCommand Root(string? only = null)
    {
        var root = new RootCommand(Description);
        // One help option, -h/--help, for every command (the default also answers -? /? /h, which only clutters completions).
        for (int i = root.Options.Count - 1; i >= 0; i--)
            if (root.Options[i] is HelpOption) root.Options.RemoveAt(i);
        root.Options.Add(new HelpOption("--help", "-h") { Action = new NotedHelp() });
        foreach (var (name, create) in Program.Commands)
        {
            if (only is not null && name != only) continue;
            var command = create();
            if (command.Name != name) throw new InvalidOperationException($"Program.Commands[{name}] created the command '{command.Name}'");
            RejectUnknownOptions(command);
            CompleteAfterRepeatable(command);
            root.Subcommands.Add(command);
        }
        return root;
    }

    /// <summary>Adds text printed after the options in <c>rl CMD --help</c> (keys, notes, examples).</summary>
    public static T Notes<T>(this T command, string text) where T : Command
    {
        HelpNotes.AddOrUpdate(command, text.TrimEnd());
        return command;
    }

    /// <summary>
    /// Sets the command's action: <paramref name="run"/> with the command's <c>--env-assembly</c> assemblies loaded (when it
    /// takes the option) and the pixel environments registered. Exceptions propagate (the runner maps them to exit codes).
    /// </summary>
    public static T Runs<T>(this T command, Func<ParseResult, int> run) where T : Command
    {
        ArgumentNullException.ThrowIfNull(run);
        command.SetAction(r =>
        {
            PixelEnvironments.EnsureRegistered();
            var envAssembly = command.Options.OfType<Option<string[]>>().FirstOrDefault(o => o.Name == UserEnvironments.Option);
            UserEnvironments.BeginCommand(TopName(r), envAssembly is null ? [] : r.GetValue(envAssembly) ?? []);
            try
            {
                return run(r);
            }
            finally
            {
                UserEnvironments.EndCommand();
            }
        });
        return command;
    }

    /// <summary>
    /// Parses <paramref name="args"/> against one command and runs it, exceptions propagating (for tests and for a benchmark
    /// that runs another with its arguments).
    /// </summary>
    /// <exception cref="UsageException">For a parse error, with System.CommandLine's messages.</exception>
    public static int RunDirect(Command command, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(command);
        RejectUnknownOptions(command);
        var result = command.Parse(args);
        if (result.Errors.Count > 0)
            throw new UsageException($"rl {command.Name}: {string.Join("; ", result.Errors.Select(e => e.Message))}");
        return result.Invoke(Invocation());
    }

    /// <summary>Standard output and error as they are now (tests redirect them), exceptions not caught.</summary>
    public static InvocationConfiguration Invocation() =>
        new() { Output = Console.Out, Error = Console.Error, EnableDefaultExceptionHandler = false };

    /// <summary>The command path of a parse (<c>rl bench pg solve</c>).</summary>
    public static string PathOf(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var names = new List<string>();
        for (SymbolResult? s = result.CommandResult; s is CommandResult c; s = c.Parent)
            if (c.Command is not RootCommand) names.Add(c.Command.Name);
        names.Add("rl");
        names.Reverse();
        return string.Join(" ", names);
    }

    /// <summary>The command line of a parse as typed after <c>rl</c> (for the line printed under a benchmark table).</summary>
    public static string Line(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Join(" ", result.Tokens.Where(t => t.Type != TokenType.Command).Select(t => t.Value).Prepend(PathOf(result)));
    }

    /// <summary>The name of the top-level command of a parse (<c>bench</c> for <c>rl bench pg solve</c>).</summary>
    private static string TopName(ParseResult result)
    {
        var path = PathOf(result).Split(' ');
        return path.Length > 1 ? path[1] : path[0];
    }

    /// <summary>Prints the parse errors of <paramref name="result"/> to standard error, with suggestions; returns 2.</summary>
    public static int ReportErrors(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var err = Console.Error;
        string path = PathOf(result);
        var command = result.CommandResult.Command;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // An unknown option taken for a positional argument pushes the real positionals out: report the option only.
        bool unknownOption = result.Errors.Any(e => e.Message.StartsWith("unknown option", StringComparison.Ordinal));
        foreach (var error in result.Errors)
        {
            if (unknownOption && error.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal)) continue;
            if (error.Message == "Required command was not provided." && command.Subcommands.Count > 0)
            {
                if (seen.Add(error.Message))
                    err.WriteLine($"{path}: name a subcommand: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}");
                continue;
            }
            string message = error.Message;
            var missing = System.Text.RegularExpressions.Regex.Match(message, "^Required argument missing for option: '(.+)'\\.$");
            if (missing.Success) message = $"option {missing.Groups[1].Value} needs a value";
            else if (message.StartsWith("Required argument", StringComparison.Ordinal) && message.Contains(" missing for command", StringComparison.Ordinal))
                message = "missing " + string.Join(" ", command.Arguments
                    .Where(a => a.Arity.MinimumNumberOfValues > 0 && (result.GetResult(a) is not ArgumentResult r || r.Tokens.Count == 0))
                    .Select(a => $"<{a.HelpName ?? a.Name}>"));
            if (seen.Add(message)) err.WriteLine($"{path}: {message}");
        }
        foreach (var token in unknownOption ? [] : result.UnmatchedTokens.Distinct())
        {
            var near = Suggest(command, token);
            if (near.Count > 0) err.WriteLine($"  '{token}': did you mean {string.Join(" or ", near)}?");
        }
        err.WriteLine($"(see {path} --help)");
        return 2;
    }

    /// <summary>The option and subcommand names of <paramref name="command"/> close to <paramref name="token"/>.</summary>
    public static IReadOnlyList<string> Suggest(Command command, string token)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(token);
        var names = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name))
            .Concat(command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))
            .Concat(Ancestors(command).SelectMany(c => c.Options.Where(o => o.Recursive)).SelectMany(o => o.Aliases.Prepend(o.Name)))
            .Where(n => n.Length > 2 || !token.StartsWith("--", StringComparison.Ordinal))
            .Distinct().ToList();
        string bare = token.Split('=')[0];
        return names.Select(n => (Name: n, Distance: Distance(bare, n)))
            .Where(x => x.Distance <= Math.Max(2, x.Name.Length / 3) || (bare.Length >= 4 && x.Name.StartsWith(bare, StringComparison.Ordinal)))
            .OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal).Take(3).Select(x => x.Name).ToList();
    }

    private static IEnumerable<Command> Ancestors(Command command)
    {
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
            yield return parent;
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    /// <summary>
    /// A positional argument never takes a word that looks like an option (<c>--sed</c>): that is reported as an unknown
    /// option with a suggestion, instead of becoming a config name or an environment id. Applied to the whole tree.
    /// </summary>
    private static void RejectUnknownOptions(Command command)
    {
        foreach (var argument in command.Arguments)
        {
            argument.Validators.Add(r =>
            {
                foreach (var token in r.Tokens)
                {
                    string t = token.Value;
                    if (t.Length < 2 || t[0] != '-' || double.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, out _)) continue;
                    var near = Suggest(command, t);
                    r.AddError($"unknown option '{t}'" + (near.Count > 0 ? $"; did you mean {string.Join(" or ", near)}?" : ""));
                }
            });
        }
        foreach (var sub in command.Subcommands) RejectUnknownOptions(sub);
    }

    /// <summary>
    /// After a value of a repeatable option (<c>--set a=1 </c>), System.CommandLine's completion still offers only that option's
    /// values, though the parser takes one value per occurrence; such an option completes as its command there: option names,
    /// subcommands and the arguments' values (environment ids after <c>--env-assembly X.dll</c>). Applied to the whole tree.
    /// </summary>
    private static void CompleteAfterRepeatable(Command command)
    {
        foreach (var option in command.Options.Where(o => o.Arity.MaximumNumberOfValues > 1 && !o.AllowMultipleArgumentsPerToken))
        {
            var own = option.CompletionSources.ToList();
            option.CompletionSources.Clear();
            option.CompletionSources.Add(context =>
            {
                var tokens = context.ParseResult.Tokens;
                string word = context.WordToComplete;
                int previous = tokens.Count - (word.Length > 0 && tokens.Count > 0 && tokens[^1].Value == word ? 2 : 1);
                if (previous >= 0 && tokens[previous].Type == TokenType.Option
                    && (tokens[previous].Value == option.Name || option.Aliases.Contains(tokens[previous].Value)))
                    return own.SelectMany(source => source(context)); // the option's own value
                var names = command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name))
                    .Concat(command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))
                    .Select(n => new System.CommandLine.Completions.CompletionItem(n));
                return names.Concat(command.Arguments.SelectMany(a => a.GetCompletions(context)))
                    .Where(item => item.Label.Contains(word, StringComparison.OrdinalIgnoreCase))
                    .DistinctBy(item => item.Label).OrderBy(item => item.Label, StringComparer.OrdinalIgnoreCase);
            });
        }
        foreach (var sub in command.Subcommands) CompleteAfterRepeatable(sub);
    }

    /// <summary>Help with the command's notes (keys, examples) after the options.</summary>
    private sealed class NotedHelp : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var output = parseResult.InvocationConfiguration.Output;
            new HelpAction().Invoke(parseResult);
            if (HelpNotes.TryGetValue(parseResult.CommandResult.Command, out var notes))
            {
                output.WriteLine(notes);
                output.WriteLine();
            }
            return 0;
        }
    }
}

/// <summary>Completion sources: the registered environment ids and algorithm ids, and the shipped config names.</summary>
public static class Completion
{
    /// <summary>
    /// The registered environment ids (with the pixel environments, and those of the <c>--env-assembly</c> assemblies already
    /// typed on the line being completed).
    /// </summary>
    public static IEnumerable<string> EnvIds(ParseResult? line = null)
    {
        PixelEnvironments.EnsureRegistered();
        if (line?.CommandResult.Command.Options.OfType<Option<string[]>>().FirstOrDefault(o => o.Name == UserEnvironments.Option) is { } option)
            foreach (var path in line.GetValue(option) ?? [])
            {
                try
                {
                    Rl.Core.EnvironmentAssemblies.Load(path, Envs.Registry);
                }
                catch (Exception e) when (e is IOException or Rl.Core.EnvironmentAssemblyException or BadImageFormatException)
                {
                    // A half-typed or wrong path completes with the other ids.
                }
            }
        return Envs.List().Select(s => s.Id);
    }

    /// <summary>The registered algorithm ids.</summary>
    public static IEnumerable<string> AlgoIds()
    {
        BuiltInAlgorithms.EnsureRegistered();
        return AlgorithmRegistry.All.Select(a => a.Id);
    }

    /// <summary>The shipped config names (<c>rl train NAME</c>).</summary>
    public static IEnumerable<string> ConfigNames() => ShippedConfigs.All().Select(c => c.Name);
}
