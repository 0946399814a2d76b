using System.CommandLine;
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
    /// <summary>The command: its arguments, options, help and action.</summary>
    public static Command Create()
    {
        var id = Opt.Required("env-id", "the environment (rl envs lists them)").EnvIds();
        var seed = Opt.Seed("seed of the first reset (later resets continue the stream) and of the random policy");
        var resetOptions = Opt.Many("--reset-option", "KEY=VALUE", "an option passed to every reset (e.g. low=-0.01 for CartPole-v1)");
        var kwargs = Opt.Many("--kwarg", "KEY=VALUE", "a keyword option for Make (see rl envs --kwargs)");
        var actions = Opt.Text("--actions", "LIST",
            "actions applied in order: 1,0,1 (discrete) or [0.5,-1],[0,1] (vectors); the rollout stops when the list runs out, " +
            "resetting between episodes while actions remain");
        var policy = Opt.Text("--policy", "random", "sample actions uniformly from the action space (the default without --actions)")
            .Words("random");
        var episodes = Opt.Int("--episodes", "number of episodes (default 1; with --actions: until the list runs out)", 1);
        var maxSteps = Opt.Int("--max-steps", "truncate episodes after N steps (replaces the registered time limit)", 1);
        var command = new Command("rollout", "Run episodes of an environment and print one JSON line per reset and step (a stable interface for scripts)")
        {
            id, seed, resetOptions, kwargs, actions, policy, episodes, maxSteps, UserEnvironments.CreateOption(),
        };
        command.Notes("""
            Output: after each reset {"episode":0,"t":0,"obs":[...]}, after each step
            {"episode":0,"t":1,"action":1,"reward":1.0,"obs":[...],"terminated":false,"truncated":false}.
            """);
        return command.Runs(r => Run(r.GetValue(id)!, r.GetValue(seed), ParseOptions(r.GetValue(resetOptions)!, "--reset-option"),
            ParseOptions(r.GetValue(kwargs)!, "--kwarg"), r.GetValue(actions), r.GetValue(policy), r.GetValue(episodes), r.GetValue(maxSteps)));
    }

    /// <summary>Runs the episodes and prints the JSON lines.</summary>
    public static int Run(string id, int? seed, OptionSet resetOptions, OptionSet kwargs, string? actionsText, string? policy, int? episodes, int? maxSteps)
    {
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

    private static OptionSet ParseOptions(IReadOnlyList<string> items, string option)
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
