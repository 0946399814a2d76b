using System.CommandLine;
using Rl.Core.Demonstrations;
using Rl.Environments;
using Rl.Experiments.Cli;

namespace Rl.Experiments.Commands;

/// <summary><c>rl demos</c>: checks a demonstration directory, or rebuilds its manifest from the episode files that verify.</summary>
public static class DemosCommand
{
    /// <summary>The command: its arguments, options, help and action.</summary>
    public static Command Create()
    {
        var action = Opt.Required("action", "check: report episodes, steps, skipped files and why; rebuild-manifest: write a new manifest.json " +
            "listing the episode files that pass every check (the files are not changed)");
        action.AcceptOnlyFromAmong("check", "rebuild-manifest");
        var dir = Opt.Required("dir", "the demonstration directory (rl play --record DIR)");
        var env = Opt.Text("--env", "ID", "the environment whose spaces the episodes are checked against (default: the id in the manifest; " +
            "required when there is none)").EnvIds();
        var command = new Command("demos", "Check a demonstration directory, or rebuild its manifest from the episode files that verify")
        {
            action, dir, env, UserEnvironments.CreateOption(),
        };
        return command.Runs(r => Run(r.GetValue(action)!, r.GetValue(dir)!, r.GetValue(env)));
    }

    /// <summary>Checks <paramref name="dir"/> or rebuilds its manifest; 1 when files were skipped or warnings given.</summary>
    public static int Run(string action, string dir, string? envId)
    {
        if (!Directory.Exists(dir)) throw new UsageException($"rl demos: the directory '{dir}' does not exist");
        envId ??= RecordedEnvId(dir)
            ?? throw new UsageException($"rl demos: '{dir}' has no readable {DemonstrationManifest.FileName} naming its environment; give --env ID");

        using var env = Envs.Make(envId);
        var set = action == "check"
            ? DemonstrationSet.Load(dir, env)
            : DemonstrationSet.RebuildManifest(dir, envId, env.ObservationSpace, env.ActionSpace);
        if (action == "rebuild-manifest")
            Console.Out.WriteLine($"wrote {Path.Combine(dir, DemonstrationManifest.FileName)}: {set.Manifest.Episodes.Count} episode(s) listed");
        Console.Out.WriteLine(set.Summary());
        return set.Skipped.Count == 0 && set.Warnings.Count == 0 ? 0 : 1;
    }

    private static string? RecordedEnvId(string dir)
    {
        if (!File.Exists(Path.Combine(dir, DemonstrationManifest.FileName))) return null;
        try
        {
            string id = DemonstrationManifest.Read(dir).EnvId;
            return id.Length > 0 ? id : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
