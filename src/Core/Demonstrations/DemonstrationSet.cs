using System.Security.Cryptography;
using Rl.Core.Spaces;

namespace Rl.Core.Demonstrations;

/// <summary>An episode file that could not be loaded, and why.</summary>
/// <param name="File">The file (relative to the demonstration directory).</param>
/// <param name="Reason">What was wrong: missing, checksum mismatch, truncated archive, wrong shape or type, ...</param>
public sealed record SkippedEpisode(string File, string Reason);

/// <summary>
/// The episodes of a demonstration directory, checked against an environment's spaces. Each episode file is verified
/// (listed length, SHA-256, readable archive, array types and shapes, actions inside the action space); a bad file is
/// reported in <see cref="Skipped"/> and the good episodes are still loaded. Episode files that a crash left out of the
/// manifest (written but not yet listed) are loaded too, verified by their content; temporary files are ignored.
/// A directory whose manifest was deleted still loads: every episode file is verified by its content (there is no
/// checksum to compare) and <see cref="Warnings"/> says so; <see cref="RebuildManifest"/> writes a new manifest.
/// </summary>
public sealed class DemonstrationSet
{
    private DemonstrationSet(string directory, DemonstrationManifest manifest, List<DemonstrationEpisode> episodes, List<SkippedEpisode> skipped,
        List<string> warnings)
    {
        Directory = directory;
        Manifest = manifest;
        Episodes = episodes;
        Skipped = skipped;
        Warnings = warnings;
    }

    /// <summary>The demonstration directory.</summary>
    public string Directory { get; }

    /// <summary>The manifest as read.</summary>
    public DemonstrationManifest Manifest { get; }

    /// <summary>The episodes that loaded, in file order.</summary>
    public IReadOnlyList<DemonstrationEpisode> Episodes { get; }

    /// <summary>The episode files that did not load, with the reason.</summary>
    public IReadOnlyList<SkippedEpisode> Skipped { get; }

    /// <summary>Problems with the directory as a whole that did not stop the loading (e.g. a missing manifest).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Total steps over the loaded episodes.</summary>
    public int TotalSteps => Episodes.Sum(e => e.Length);

    /// <summary>Loads the demonstrations in <paramref name="directory"/> for <paramref name="env"/>'s spaces.</summary>
    /// <inheritdoc cref="Load(string, Space, Space)"/>
    public static DemonstrationSet Load(string directory, IEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        return Load(directory, env.ObservationSpace, env.ActionSpace);
    }

    /// <summary>Loads the demonstrations in <paramref name="directory"/>, checking them against the given spaces.</summary>
    /// <exception cref="FileNotFoundException">If the directory does not exist, or has neither a manifest nor episode files.</exception>
    /// <exception cref="InvalidDataException">If the manifest is invalid or was recorded with other spaces.</exception>
    public static DemonstrationSet Load(string directory, Space observationSpace, Space actionSpace)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(observationSpace);
        ArgumentNullException.ThrowIfNull(actionSpace);
        if (!System.IO.Directory.Exists(directory))
            throw new FileNotFoundException($"the demonstration directory '{directory}' does not exist.", directory);
        var obs = SpaceDescription.Of(observationSpace);
        var act = SpaceDescription.Of(actionSpace);
        var warnings = new List<string>();
        DemonstrationManifest manifest;
        if (File.Exists(Path.Combine(directory, DemonstrationManifest.FileName)) || !EpisodeFiles(directory).Any())
            manifest = DemonstrationManifest.Read(directory);
        else
        {
            // Deleted or never written: every episode file is then "unlisted" and loads after its content is checked.
            manifest = new DemonstrationManifest { ObservationSpace = obs, ActionSpace = act };
            warnings.Add($"'{directory}' has no {DemonstrationManifest.FileName}: the episode files were checked by their content only " +
                "(no checksums, no recorded environment id); rebuild the manifest with `rl demos rebuild-manifest " + directory + " --env ID`.");
        }
        if (!manifest.ObservationSpace.SameAs(obs))
            throw new InvalidDataException($"{Path.Combine(directory, DemonstrationManifest.FileName)}: recorded observations are {manifest.ObservationSpace.Repr} " +
                $"({manifest.EnvId}) but the environment's observation space is {obs.Repr}.");
        if (!manifest.ActionSpace.SameAs(act))
            throw new InvalidDataException($"{Path.Combine(directory, DemonstrationManifest.FileName)}: recorded actions are {manifest.ActionSpace.Repr} " +
                $"({manifest.EnvId}) but the environment's action space is {act.Repr}.");

        var episodes = new List<DemonstrationEpisode>();
        var skipped = new List<SkippedEpisode>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in manifest.Episodes)
        {
            listed.Add(entry.File);
            string path = Path.Combine(directory, entry.File);
            string? why = null;
            if (!File.Exists(path)) why = $"{path}: the file is missing.";
            else
            {
                string sha;
                using (var fs = File.OpenRead(path)) sha = Convert.ToHexStringLower(SHA256.HashData(fs));
                if (sha != entry.Sha256) why = $"{path}: checksum mismatch (file is corrupt or was changed after recording).";
            }
            var episode = why is null ? TryRead(path, entry.File, observationSpace, actionSpace, out why) : null;
            if (episode is not null && episode.Length != entry.Length)
            {
                why = $"{path}: holds {episode.Length} steps but the manifest lists {entry.Length}.";
                episode = null;
            }
            if (episode is null) skipped.Add(new SkippedEpisode(entry.File, why!));
            else episodes.Add(episode);
        }
        // Written just before a crash, before the manifest listed it: keep it if its content checks out.
        foreach (string path in EpisodeFiles(directory))
        {
            string file = Path.GetFileName(path);
            if (listed.Contains(file)) continue;
            var episode = TryRead(path, file, observationSpace, actionSpace, out string? why);
            if (episode is null) skipped.Add(new SkippedEpisode(file, why!));
            else episodes.Add(episode);
        }
        return new DemonstrationSet(directory, manifest, episodes, skipped, warnings);
    }

    // The episode-NNNNNN.npz files of a directory, in index order (temporary and foreign files excluded).
    private static IEnumerable<string> EpisodeFiles(string directory) =>
        System.IO.Directory.EnumerateFiles(directory, "episode-*.npz")
            .Where(p => DemonstrationWriter.EpisodeIndex(Path.GetFileName(p)) >= 0)
            .Order(StringComparer.Ordinal);

    /// <summary>
    /// Writes a new <c>manifest.json</c> for <paramref name="directory"/> listing the episode files that pass every check
    /// against the given spaces (the files themselves are not changed); seeds are kept from the old manifest where it lists
    /// the same file with the same checksum. Files that fail are left out and reported in the returned set's
    /// <see cref="Skipped"/>.
    /// </summary>
    /// <param name="directory">The demonstration directory.</param>
    /// <param name="envId">The environment id to record in the manifest.</param>
    /// <param name="observationSpace">The environment's observation space.</param>
    /// <param name="actionSpace">The environment's action space.</param>
    /// <returns>The directory loaded again through its new manifest.</returns>
    /// <exception cref="FileNotFoundException">If the directory does not exist or holds no episode files.</exception>
    /// <exception cref="InvalidDataException">If an existing manifest was recorded with other spaces.</exception>
    public static DemonstrationSet RebuildManifest(string directory, string envId, Space observationSpace, Space actionSpace)
    {
        ArgumentNullException.ThrowIfNull(envId);
        var old = Load(directory, observationSpace, actionSpace);
        var oldSeeds = old.Manifest.Episodes.ToDictionary(e => (e.File, e.Sha256), e => e.Seed);
        var entries = new List<DemonstrationEpisodeEntry>();
        foreach (var episode in old.Episodes.OrderBy(e => Path.GetFileName(e.File), StringComparer.Ordinal))
        {
            string file = Path.GetFileName(episode.File);
            string sha;
            using (var fs = File.OpenRead(Path.Combine(directory, file))) sha = Convert.ToHexStringLower(SHA256.HashData(fs));
            entries.Add(new DemonstrationEpisodeEntry(file, episode.Length, episode.Return, episode.Terminated[^1], episode.Truncated[^1], sha,
                oldSeeds.GetValueOrDefault((file, sha)), [.. episode.Infos.Keys.Order(StringComparer.Ordinal)]));
        }
        new DemonstrationManifest
        {
            EnvId = envId,
            ObservationSpace = SpaceDescription.Of(observationSpace),
            ActionSpace = SpaceDescription.Of(actionSpace),
            Episodes = entries,
        }.WriteAtomic(directory);
        return Load(directory, observationSpace, actionSpace);
    }

    private static DemonstrationEpisode? TryRead(string path, string file, Space obs, Space act, out string? why)
    {
        try
        {
            why = null;
            return new DemonstrationEpisode(obs, act, Npz.Read(path), path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or OverflowException)
        {
            why = e.Message.Contains(file, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}";
            return null;
        }
    }

    /// <summary>A one-line summary, one line per warning and one line per skipped file.</summary>
    public string Summary()
    {
        var lines = new List<string>
        {
            $"{Directory}: {Episodes.Count} episode(s), {TotalSteps} steps of {(Manifest.EnvId.Length > 0 ? Manifest.EnvId : "an unnamed environment")}" +
            (Episodes.Count > 0 ? $", mean return {Episodes.Average(e => e.Return):0.##}" : "") +
            (Skipped.Count > 0 ? $"; skipped {Skipped.Count} bad file(s):" : ""),
        };
        lines.AddRange(Warnings.Select(w => "  warning: " + w));
        lines.AddRange(Skipped.Select(s => "  " + s.Reason));
        return string.Join(Environment.NewLine, lines);
    }
}
