using Rl.Core.Demonstrations;
using Rl.Environments;
using Rl.Experiments.Cli;

namespace Rl.Experiments.Commands;

/// <summary><c>rl demos</c>: checks a demonstration directory, or rebuilds its manifest from the episode files that verify.</summary>
public static class DemosCommand
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        rl demos <check|rebuild-manifest> <dir> [--env ID]
          Check a demonstration directory (episodes, steps, skipped files and why), or write a new manifest.json that lists
          the episode files passing every check (after the manifest was deleted or damaged; the files are not changed).
          --env ID   the environment whose spaces the episodes are checked against (default: the id in the manifest;
                     required when there is none)
        """;

    /// <summary>Runs the command.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        var a = new ArgReader(args, "rl demos");
        string? envId = a.Option("--env");
        string action = a.RequirePositional("<check|rebuild-manifest>");
        string dir = a.RequirePositional("<dir>");
        a.EnsureAllConsumed();
        if (action is not ("check" or "rebuild-manifest"))
            throw new UsageException($"rl demos: unknown action '{action}'; use check or rebuild-manifest");
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
