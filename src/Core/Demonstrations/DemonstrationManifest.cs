using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rl.Core.Demonstrations;

/// <summary>One completed episode as listed in a manifest.</summary>
/// <param name="File">The episode's npz file name, relative to the demonstration directory.</param>
/// <param name="Length">Its number of steps (actions); the file holds one more observation than that.</param>
/// <param name="Return">The sum of its rewards.</param>
/// <param name="Terminated">Whether the last step terminated the episode.</param>
/// <param name="Truncated">Whether the last step truncated the episode.</param>
/// <param name="Sha256">The file's SHA-256, lower-case hex, checked when loading.</param>
/// <param name="Seed">The reset seed, when the recorder knew it.</param>
/// <param name="InfoKeys">The step-info keys stored as <c>info_KEY</c> arrays.</param>
public sealed record DemonstrationEpisodeEntry(
    string File, int Length, double Return, bool Terminated, bool Truncated, string Sha256, int? Seed, string[] InfoKeys);

/// <summary>
/// The <c>manifest.json</c> of a demonstration directory: the environment, its spaces and the completed episodes.
/// Property names are snake_case so Python reads it naturally (<c>json.load(open("manifest.json"))["episodes"]</c>).
/// </summary>
public sealed record DemonstrationManifest
{
    /// <summary>The manifest's file name inside a demonstration directory.</summary>
    public const string FileName = "manifest.json";

    /// <summary>The format tag written to every manifest.</summary>
    public const string FormatTag = "rl-demonstrations";

    /// <summary>Identifies the format. Default <c>rl-demonstrations</c>.</summary>
    public string Format { get; init; } = FormatTag;

    /// <summary>The format version. Default 1.</summary>
    public int Version { get; init; } = 1;

    /// <summary>The id of the environment the episodes were recorded in.</summary>
    public string EnvId { get; init; } = "";

    /// <summary>The observation space; values are stored with its dtype and shape.</summary>
    public required SpaceDescription ObservationSpace { get; init; }

    /// <summary>The action space; values are stored with its dtype and shape.</summary>
    public required SpaceDescription ActionSpace { get; init; }

    /// <summary>The completed episodes, in recording order.</summary>
    public IReadOnlyList<DemonstrationEpisodeEntry> Episodes { get; init; } = [];

    /// <summary>Total steps over all episodes.</summary>
    [JsonIgnore]
    public int TotalSteps => Episodes.Sum(e => e.Length);

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The manifest as JSON text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads the manifest of <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">If the directory has no manifest.</exception>
    /// <exception cref="InvalidDataException">Naming the file if it is not a valid demonstration manifest.</exception>
    public static DemonstrationManifest Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"'{directory}' is not a demonstration directory: it has no {FileName}.", path);
        DemonstrationManifest? m;
        try
        {
            m = JsonSerializer.Deserialize<DemonstrationManifest>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid demonstration manifest: {e.Message}", e);
        }
        if (m is null || m.Format != FormatTag)
            throw new InvalidDataException($"{path}: not a demonstration manifest (format is '{m?.Format}', expected '{FormatTag}').");
        if (m.Version != 1) throw new InvalidDataException($"{path}: manifest version {m.Version} is not supported (expected 1).");
        return m;
    }

    /// <summary>Writes the manifest into <paramref name="directory"/> atomically (a temporary file renamed over the old one).</summary>
    public void WriteAtomic(string directory) =>
        AtomicFile.Write(Path.Combine(directory, FileName), s => s.Write(System.Text.Encoding.UTF8.GetBytes(ToJson())));
}

/// <summary>Writes files so that readers see either the old or the complete new content, never a partial one.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes through <paramref name="write"/> into a temporary file beside <paramref name="path"/>, flushes it to disk and renames
    /// it over <paramref name="path"/>; returns the SHA-256 of what was written (lower-case hex).
    /// </summary>
    public static string Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = Path.Combine(dir, "." + Path.GetFileName(path) + ".tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            string sha;
            using (var fs = File.OpenRead(temp)) sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(fs));
            File.Move(temp, path, overwrite: true);
            return sha;
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } // best effort: the temporary file is ignored by readers anyway
            throw;
        }
    }
}
