using System.CommandLine;
using System.Globalization;
using System.Text;
using Rl.Core;
using Rl.Environments;
using Rl.Experiments.Cli;

namespace Rl.Experiments.Commands;

/// <summary><c>rl envs</c>: lists the registered environments with their spaces, reward thresholds and time limits.</summary>
public static class EnvsCommand
{
    /// <summary>The command: its options, help and action.</summary>
    public static Command Create()
    {
        var json = Opt.Flag("--json",
            "one JSON object per environment (id, observation_space, action_space, reward_threshold, max_episode_steps, description, kwargs)");
        var kwargs = Opt.Flag("--kwargs", "also list each environment's keyword options (rl rollout --kwarg key=value, [env_kwargs] in configs)");
        var command = new Command("envs", "List the registered environments: id, reward threshold, time limit, observation and action spaces")
        {
            json, kwargs, UserEnvironments.CreateOption(),
        };
        return command.Runs(r => Run(r.GetValue(json), r.GetValue(kwargs)));
    }

    /// <summary>Prints the environments as a table or JSON lines.</summary>
    public static int Run(bool json, bool kwargs)
    {
        var rows = Envs.List().Select(Describe).ToList();
        var o = Console.Out;
        if (json)
        {
            foreach (var r in rows) o.WriteLine(r.ToJson());
            return 0;
        }
        string[] header = ["ID", "THRESHOLD", "MAX STEPS", "OBSERVATION SPACE", "ACTION SPACE"];
        var table = rows.Select(r => new[]
        {
            r.Spec.Id,
            r.Spec.RewardThreshold is double t ? t.ToString("G", CultureInfo.InvariantCulture) : "-",
            r.Spec.MaxEpisodeSteps?.ToString(CultureInfo.InvariantCulture) ?? "-",
            r.Observation, r.Action,
        }).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => table.Select(row => row[c].Length).Append(header[c].Length).Max()).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
        o.WriteLine(Line(header));
        foreach (var (row, r) in table.Zip(rows))
        {
            o.WriteLine(Line(row));
            if (kwargs)
            {
                if (r.Spec.Description.Length > 0) o.WriteLine($"    {r.Spec.Description}");
                foreach (var (k, doc) in r.Spec.KwargDocs.OrderBy(p => p.Key, StringComparer.Ordinal))
                    o.WriteLine($"    kwarg {k}: {doc}");
            }
        }
        return 0;
    }

    private sealed record Row(EnvSpec Spec, string Observation, string Action)
    {
        public string ToJson()
        {
            var sb = new StringBuilder("{");
            sb.Append("\"id\":").Append(JsonValues.Format(Spec.Id));
            sb.Append(",\"observation_space\":").Append(JsonValues.Format(Observation));
            sb.Append(",\"action_space\":").Append(JsonValues.Format(Action));
            sb.Append(",\"reward_threshold\":").Append(JsonValues.Format(Spec.RewardThreshold));
            sb.Append(",\"max_episode_steps\":").Append(JsonValues.Format(Spec.MaxEpisodeSteps));
            sb.Append(",\"description\":").Append(JsonValues.Format(Spec.Description));
            sb.Append(",\"kwargs\":{");
            sb.AppendJoin(',', Spec.KwargDocs.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => JsonValues.Format(p.Key) + ":" + JsonValues.Format(p.Value)));
            return sb.Append("}}").ToString();
        }
    }

    private static Row Describe(EnvSpec spec)
    {
        // Spaces belong to instances; an environment whose native library is missing is still listed, with the reason.
        try
        {
            using var env = spec.Factory(OptionSet.Empty);
            return new Row(spec, env.ObservationSpace.ToString() ?? "?", env.ActionSpace.ToString() ?? "?");
        }
        catch (Exception e)
        {
            string why = $"(unavailable: {Program.Describe(e)})";
            return new Row(spec, why, "");
        }
    }
}
