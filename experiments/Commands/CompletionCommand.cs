using System.CommandLine;
using Rl.Experiments.Cli;

namespace Rl.Experiments.Commands;

/// <summary>
/// <c>rl completion bash|zsh</c>: prints a shell script that completes <c>rl</c> commands, options, algorithm ids,
/// environment ids and config names by asking <c>rl</c> itself through System.CommandLine's suggest directive
/// (<c>rl "[suggest:N]" "rl train a"</c>).
/// </summary>
public static class CompletionCommand
{
    /// <summary>The command: its argument, help and action.</summary>
    public static Command Create()
    {
        var shell = Opt.Required("shell", "bash or zsh");
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print a tab-completion script for bash or zsh: eval \"$(rl completion bash)\"") { shell };
        command.Notes("""
            Install: add  eval "$(rl completion bash)"  to ~/.bashrc (or  eval "$(rl completion zsh)"  to ~/.zshrc).
            The script asks rl itself for the words at the cursor: rl "[suggest:POSITION]" "COMMAND LINE".
            """);
        return command.Runs(r =>
        {
            Console.Out.Write(Script(r.GetValue(shell)!));
            return 0;
        });
    }

    /// <summary>The completion script for <paramref name="shell"/> (bash or zsh).</summary>
    public static string Script(string shell) => shell switch
    {
        "bash" => Bash,
        "zsh" => "autoload -U +X bashcompinit && bashcompinit\n" + Bash,
        _ => throw new UsageException($"rl completion: unknown shell '{shell}' (bash or zsh)"),
    };

    // The line is rewritten to start with "rl" whatever the command was typed as (./rl, a path), and the cursor moved with it.
    private const string Bash = """
        # rl tab completion (rl completion bash); completions come from rl's suggest directive.
        _rl_complete()
        {
            local first="${COMP_WORDS[0]}"
            local line="rl${COMP_LINE#"$first"}"
            local point=$((COMP_POINT - ${#first} + 2))
            local IFS=$'\n'
            COMPREPLY=( $(compgen -W "$("$first" "[suggest:$point]" "$line" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _rl_complete rl ./rl

        """;
}
