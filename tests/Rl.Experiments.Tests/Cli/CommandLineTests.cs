using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using Rl.Experiments.Cli;
using Rl.Experiments.Commands;

namespace Rl.Experiments.Tests.Cli;

/// <summary>The command line on System.CommandLine: help, validation, suggestions, completions, response files, old forms.</summary>
public sealed partial class CommandLineTests : ConsoleTest
{
    private static ParseResult Parse(params string[] args) => CommandTree.Root().Parse(args);

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rl.sln"))) return dir.FullName;
        throw new InvalidOperationException("Rl.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void OverviewListsEveryCommandWithOneLine()
    {
        var (code, output, _) = Rl("--help");
        Assert.Equal(0, code);
        foreach (var (name, create) in Program.Commands)
        {
            var command = create();
            Assert.False(string.IsNullOrWhiteSpace(command.Description), name);
            Assert.DoesNotContain('\n', command.Description!);
            Assert.Matches(new Regex($@"(?m)^  {Regex.Escape(name)}\b.*{Regex.Escape(command.Description!)}"), output);
        }
        var none = Rl();
        Assert.Equal(2, none.Code);
        Assert.Contains("train", none.Err);
        Assert.Equal(output, Rl("help").Out);
    }

    [Fact]
    public void EveryCommandAndSubcommandHasCompleteHelp()
    {
        var root = CommandTree.Root();
        var paths = new List<string[]>();
        void Walk(Command c, string[] path)
        {
            foreach (var sub in c.Subcommands)
            {
                string[] p = [.. path, sub.Name];
                paths.Add(p);
                Walk(sub, p);
            }
        }
        Walk(root, []);
        Assert.Contains(paths, p => string.Join(" ", p) == "bench pg solve");
        foreach (var path in paths)
        {
            var (code, output, err) = Rl([.. path, "--help"]);
            Assert.True(code == 0, $"rl {string.Join(" ", path)} --help: {err}");
            Assert.Contains("Usage:", output);
            var command = path.Aggregate((Command)root, (c, name) => c.Subcommands.Single(s => s.Name == name));
            foreach (var option in command.Options)
                Assert.False(string.IsNullOrWhiteSpace(option.Description), $"rl {string.Join(" ", path)} {option.Name} has no description");
            foreach (var argument in command.Arguments)
                Assert.False(string.IsNullOrWhiteSpace(argument.Description), $"rl {string.Join(" ", path)} <{argument.Name}> has no description");
        }
        string bench = Rl("bench", "--help").Out;
        foreach (var name in new[] { "env", "solve", "mujoco", "distributed", "render", "python", "pg", "ppo", "train", "games", "soak" })
            Assert.Matches(new Regex($@"(?m)^  {name}\s"), bench);
        Assert.Contains("Ctrl-C writes a checkpoint", Rl("train", "--help").Out); // the notes after the options
    }

    [Fact]
    public void BadValuesExitTwoNamingTheOptionAndTheValue()
    {
        var (code, _, err) = Rl("train", "ars", "CartPole-v1", "--seed", "x");
        Assert.Equal(2, code);
        Assert.Contains("--seed = 'x' is not an integer", err);

        (code, _, err) = Rl("eval", "some-run", "--episodes", "0");
        Assert.Equal(2, code);
        Assert.Contains("--episodes = 0 must be", err);

        (code, _, err) = Rl("bench", "pg", "conv", "--threads", "1,x");
        Assert.Equal(2, code);
        Assert.Contains("--threads = '1,x'", err);

        (code, _, err) = Rl("watch", "CartPole-v1", "--fps", "fast");
        Assert.Equal(2, code);
        Assert.Contains("--fps = 'fast' is not a number", err);

        (code, _, err) = Rl("demos", "verify", "dir");
        Assert.Equal(2, code);
        Assert.Contains("verify", err);

        (code, _, err) = Rl("rollout", "CartPole-v1", "--seed");
        Assert.Equal(2, code);
        Assert.Contains("option --seed needs a value", err);
    }

    [Fact]
    public void UnknownNamesExitTwoWithASuggestion()
    {
        var (code, _, err) = Rl("trian", "ars", "CartPole-v1");
        Assert.Equal(2, code);
        Assert.Contains("did you mean train", err);

        (code, _, err) = Rl("train", "--sed", "3", "ars", "CartPole-v1");
        Assert.Equal(2, code);
        Assert.Contains("unknown option '--sed'; did you mean --seed", err);

        (code, _, err) = Rl("envs", "--jsn");
        Assert.Equal(2, code);
        Assert.Contains("did you mean --json", err);

        (code, _, err) = Rl("bench", "sovle");
        Assert.Equal(2, code);
        Assert.Contains("did you mean solve", err);
    }

    [Fact]
    public void SuggestDirectiveCompletesCommandsOptionsAlgorithmsAndEnvironments()
    {
        static string[] Suggest(string line) =>
            Rl($"[suggest:{line.Length}]", line).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.Contains("train", Suggest("rl tr"));
        var train = Suggest("rl train ");
        Assert.Contains("--seed", train);
        Assert.Contains("--record-video", train);
        Assert.Contains("ars", train);
        Assert.Contains("ppo", train);
        Assert.Contains("ars-CartPole-v1.toml", train);
        Assert.Contains("CartPole-v1", Suggest("rl train ars Cart"));
        Assert.Contains("CartPole-v1", Suggest("rl train --set seed=1 ars Cart")); // after a repeatable option's value
        Assert.Contains("--seed", Suggest("rl train --set seed=1 --se"));
        Assert.Contains("Pendulum-v1", Suggest("rl rollout Pend"));
        Assert.Contains("cuda", Suggest("rl eval run --device "));
        Assert.Contains("pg", Suggest("rl bench "));
        Assert.Contains("engine", Suggest("rl bench pg "));
        Assert.Contains("reinforce", Suggest("rl algos "));

        string fixture = global::Rl.Tests.TestEnvironmentsAssembly.FilePath;
        string user = $"rl rollout --env-assembly {fixture} Se";
        Assert.Contains("Seek-v0", Suggest(user)); // the user's environments, from the assembly on the line

        var (code, script, _) = Rl("completion", "bash");
        Assert.Equal(0, code);
        Assert.Contains("[suggest:", script);
        Assert.Contains("complete -o default -F _rl_complete rl", script);
        Assert.Contains("bashcompinit", Rl("completion", "zsh").Out);
        Assert.Equal(2, Rl("completion", "fish").Code);
    }

    [Fact]
    public void ResponseFilesHoldArguments()
    {
        using var dir = new TempDir();
        string rsp = dir.Sub("args.rsp");
        File.WriteAllLines(rsp, ["# CartPole with two overrides", "ars", "CartPole-v1", "--set run.total_steps=5000", "--set", "seed=3", "--plain"]);
        var result = Parse("train", "@" + rsp, "--out", "elsewhere");
        Assert.Empty(result.Errors);
        var command = result.CommandResult.Command;
        Assert.Equal("ars", result.GetValue<string?>("config|algo"));
        Assert.Equal("CartPole-v1", result.GetValue<string?>("env-id"));
        Assert.Equal(["run.total_steps=5000", "seed=3"], result.GetValue<string[]>("--set")!);
        Assert.True(result.GetValue<bool>("--plain"));
        Assert.Equal("train", command.Name);

        string rollout = dir.Sub("rollout.rsp");
        File.WriteAllLines(rollout, ["CartPole-v1", "--seed 0", "--actions 1,0"]);
        var (code, output, err) = Rl("rollout", "@" + rollout);
        Assert.True(code == 0, err);
        Assert.Equal(3, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(2, Rl("train", "@" + dir.Sub("missing.rsp")).Code);
    }

    [Fact]
    public void ExistingFormsKeepTheirMeaning()
    {
        var r = Parse("train", "ars", "CartPole-v1", "--set", "a=1", "--set=b=2", "--seed", "-3", "--device", "cpu", "--out", "o",
            "--record-video", "v", "--video-every", "4", "--env-assembly", "A.dll", "--env-assembly=B.dll", "--allow-env", "m:C",
            "--cluster", "localhost", "--credential", "c.pem", "--workers", "2", "--human-fps", "5", "--plain");
        Assert.Empty(r.Errors);
        Assert.Equal(["a=1", "b=2"], r.GetValue<string[]>("--set")!);
        Assert.Equal(-3L, r.GetValue<long?>("--seed"));
        Assert.Equal(["A.dll", "B.dll"], r.GetValue<string[]>("--env-assembly")!);
        Assert.Equal(4, r.GetValue<int?>("--video-every"));
        Assert.Empty(Parse("train", "my.toml", "--resume", "runs/x").Errors);
        Assert.Empty(Parse("train", "--resume", "runs/x", "--set", "run.total_steps=9").Errors);
        Assert.Empty(Parse("eval", "runs/x", "--episodes", "7", "--json").Errors);
        Assert.Empty(Parse("worker", "--allow-env", "gym:X", "--allow-dir", "/tmp", "--allow-dir", "/opt", "--cluster", "redis=h:1",
            "--redis-password-file", "p", "--redis-tls", "--advertise", "10.0.0.1", "--threads", "2", "--port", "0", "--verbose").Errors);
        Assert.Empty(Parse("play", "CartPole-v1", "--fps", "0", "--turn-based", "--record", "d", "--input-script", "s", "--no-hud", "--set", "k=v").Errors);
        Assert.Empty(Parse("watch", "CartPole-v1", "--policy", "runs/x", "--fps", "30", "--episodes", "2", "--no-hud").Errors);
        Assert.Empty(Parse("bench", "solve", "--seeds", "5", "--threads", "2").Errors);
        Assert.Empty(Parse("bench", "pg", "memory", "--steps", "12000", "--reports", "4").Errors);
        Assert.Empty(Parse("bench", "train", "ars", "CartPole-v1", "--set", "run.total_steps=1").Errors);
        Assert.Empty(Parse("bench", "mujoco", "--env", "Hopper-v1", "--env", "Ant-v1").Errors);
        Assert.Empty(Parse("cluster", "init", "--out", "f", "--force").Errors);
    }

    /// <summary>
    /// Every <c>rl ...</c> command line in the README's and docs' code blocks and inline code parses. Lines with placeholders
    /// (<c>&lt;env-id&gt;</c>, <c>[--seed N]</c>, <c>...</c>, <c>a|b</c>) are synopses, not commands, and are skipped, as are lines
    /// marked <c># a usage error</c>; an upper-case word (<c>DIR</c>, <c>N</c>) or a shell variable stands for a value and is
    /// replaced by one, and response files (<c>@FILE</c>) are left out.
    /// </summary>
    [Fact]
    public void EveryCommandLineInTheDocsParses()
    {
        string root = RepoRoot();
        var files = new[] { Path.Combine(root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md")).ToList();
        string names = string.Join("|", Program.Commands.Keys);
        var command = new Regex($@"(?:^|[\s(""])(?:\./)?rl ((?:{names})(?=\s|$)[^`#|;&>)]*)"); // not `rl train:` of a message
        var failures = new List<string>();
        int parsed = 0;
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            bool inBlock = false;
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i];
                if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
                {
                    inBlock = !inBlock;
                    continue;
                }
                if (line.Contains("# a usage error", StringComparison.Ordinal)) continue; // an example of a wrong command
                var texts = inBlock ? [line] : InlineCode().Matches(line).Select(m => m.Groups[1].Value).ToList();
                foreach (var text in texts)
                {
                    var m = command.Match(text);
                    if (!m.Success) continue;
                    string cmd = m.Groups[1].Value.Trim().TrimEnd('\\').Trim();
                    if (cmd.Contains('<') || cmd.Contains('[') || cmd.Contains("...") || cmd.Contains('…') || cmd.Contains('|')) continue;
                    var args = CommandLineParser.SplitCommandLine(cmd).Where(a => !a.StartsWith('@')) // response files are examples
                        .Select(a => Placeholder().IsMatch(a) ? "1" : Regex.Replace(a, @"\$\{?\w+\}?|\$\([^)]*\)", "1")).ToArray();
                    var result = Parse(args);
                    parsed++;
                    // Inline code may name a command or an option without its value (`rl eval`, `rl bench`, `--resume DIR` in prose).
                    var errors = inBlock ? result.Errors : result.Errors.Where(e => !e.Message.StartsWith("Required ", StringComparison.Ordinal)).ToList();
                    if (errors.Count > 0)
                        failures.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: rl {cmd}: {string.Join("; ", errors.Select(e => e.Message))}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(parsed >= 20, $"only {parsed} command lines found in the docs");
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex("^[A-Z][A-Z_0-9]*$")]
    private static partial Regex Placeholder();

    [Fact]
    public void DirectRunsReportParseErrorsAsUsageErrors()
    {
        var e = Assert.Throws<UsageException>(() => CommandTree.RunDirect(RolloutCommand.Create(), ["CartPole-v1", "--episodes", "0"]));
        Assert.Contains("--episodes = 0", e.Message);
    }
}
