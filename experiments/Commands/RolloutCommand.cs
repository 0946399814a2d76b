using System.Globalization;
using System.Text;
using Rl.Core;
using Rl.Environments;
using Rl.Experiments.Cli;

namespace Rl.Experiments.Commands;

/// <summary>
/// <c>rl rollout</c>: runs episodes of an environment and prints one JSON object per line after every reset and step.
/// This output is a stable interface for scripts (documented in the README); new fields may be added, none removed.
/// </summary>
public static class RolloutCommand
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        rl rollout <env-id> [--seed N] [--reset-option key=value]... [--kwarg key=value]... [--actions 1,0,1,...]
                   [--policy random] [--episodes N] [--max-steps N]
          Run episodes and print JSON lines: after each reset {"episode":0,"t":0,"obs":[...]}, after each step
          {"episode":0,"t":1,"action":1,"reward":1.0,"obs":[...],"terminated":false,"truncated":false}.
          --seed N            seed of the first reset (later resets continue the stream) and of the random policy
          --reset-option k=v  an option passed to every reset (e.g. low=-0.01 for CartPole-v1); repeatable
          --kwarg k=v         a keyword option for Make (see rl envs --kwargs); repeatable
          --actions LIST      actions applied in order: 1,0,1 (discrete) or [0.5,-1],[0,1] (vectors); the rollout stops
                              when the list runs out, resetting between episodes while actions remain
          --policy random     sample actions uniformly from the action space (the default without --actions)
          --episodes N        number of episodes (default 1; with --actions: until the list runs out)
          --max-steps N       truncate episodes after N steps (replaces the registered time limit)
        """;

    /// <summary>Runs the command.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        var a = new ArgReader(args, "rl rollout");
        int? seed = a.Int("--seed");
        var resetOptions = ParseOptions(a.Multi("--reset-option"), "--reset-option");
        var kwargs = ParseOptions(a.Multi("--kwarg"), "--kwarg");
        string? actionsText = a.Option("--actions");
        string? policy = a.Option("--policy");
        int? episodes = a.Int("--episodes", 1);
        int? maxSteps = a.Int("--max-steps", 1);
        string id = a.RequirePositional("<env-id>"); // after the options, whose values are not positionals
        a.EnsureAllConsumed();
        if (policy is not null && policy != "random")
            throw new UsageException($"rl rollout: --policy '{policy}' is not supported (only 'random'; trained policies: rl eval)");
        if (policy is not null && actionsText is not null)
            throw new UsageException("rl rollout: give either --actions or --policy, not both");

        using var env = Envs.Make(id, new MakeOptions { Kwargs = kwargs, MaxEpisodeSteps = maxSteps });
        var actions = actionsText is null ? null : JsonValues.ParseActions(actionsText, env.ActionSpace.ValueType);
        if (seed is int s) env.ActionSpace.Seed(s);
        int episodeLimit = episodes ?? (actions is null ? 1 : int.MaxValue);

        var output = Console.Out;
        var line = new StringBuilder(256);
        int next = 0;
        for (int episode = 0; episode < episodeLimit; episode++)
        {
            if (actions is not null && next >= actions.Count) break;
            var reset = env.ResetObject(episode == 0 ? seed : null, resetOptions);
            line.Clear().Append("{\"episode\":").Append(episode).Append(",\"t\":0,\"obs\":");
            JsonValues.Append(line, reset.Observation);
            output.WriteLine(line.Append('}'));
            for (int t = 1; ; t++)
            {
                if (actions is not null && next >= actions.Count) break;
                object action = actions is null ? env.ActionSpace.SampleObject() : actions[next++];
                var step = env.StepObject(action);
                line.Clear().Append("{\"episode\":").Append(episode).Append(",\"t\":").Append(t.ToString(CultureInfo.InvariantCulture))
                    .Append(",\"action\":");
                JsonValues.Append(line, action);
                line.Append(",\"reward\":");
                JsonValues.Append(line, step.Reward);
                line.Append(",\"obs\":");
                JsonValues.Append(line, step.Observation);
                line.Append(",\"terminated\":").Append(step.Terminated ? "true" : "false")
                    .Append(",\"truncated\":").Append(step.Truncated ? "true" : "false").Append('}');
                output.WriteLine(line);
                if (step.Done) break;
            }
        }
        output.Flush();
        return 0;
    }

    private static OptionSet ParseOptions(List<string> items, string option)
    {
        try
        {
            return OptionSet.Parse(items);
        }
        catch (FormatException e)
        {
            throw new UsageException($"rl rollout: {option}: {e.Message}");
        }
    }
}
