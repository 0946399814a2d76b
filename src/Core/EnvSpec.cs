namespace Rl.Core;

/// <summary>Static facts about an environment class (Gymnasium's <c>metadata</c>).</summary>
/// <param name="RenderModes">Render modes the environment supports, e.g. <c>rgb_array</c>, <c>human</c>.</param>
/// <param name="RenderFps">Frames per second a viewer should play at.</param>
public sealed record EnvMetadata(IReadOnlyList<string> RenderModes, int RenderFps)
{
    /// <summary>Metadata of an environment that cannot render.</summary>
    public static readonly EnvMetadata None = new([], 0);
}

/// <summary>
/// A registered environment: its versioned id and how the registry builds it (Gymnasium's <c>EnvSpec</c>).
/// </summary>
public sealed record EnvSpec
{
    /// <summary>The versioned id, e.g. <c>CartPole-v1</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Builds the unwrapped environment from keyword options (validated by the factory).</summary>
    public required Func<OptionSet, IEnv> Factory { get; init; }

    /// <summary>Episodes are truncated after this many steps by a TimeLimit wrapper (null: no limit).</summary>
    public int? MaxEpisodeSteps { get; init; }

    /// <summary>The mean return over 100 episodes at which the task counts as solved (null: none).</summary>
    public double? RewardThreshold { get; init; }

    /// <summary>Whether the environment is nondeterministic even with a seed.</summary>
    public bool Nondeterministic { get; init; }

    /// <summary>
    /// Whether the environment does not use its seed: every episode starts the same and the dynamics are deterministic, so
    /// different seeds give the same episodes (the checker then does not ask for a difference). Default false.
    /// </summary>
    public bool FixedStart { get; init; }

    /// <summary>The keyword options the factory accepts, with a short description each.</summary>
    public IReadOnlyDictionary<string, string> KwargDocs { get; init; } = new Dictionary<string, string>();

    /// <summary>A one-line description for listings.</summary>
    public string Description { get; init; } = "";

    /// <summary>The keyword options this spec was made with (set on the spec an environment carries after <c>Make</c>).</summary>
    public OptionSet Kwargs { get; init; } = OptionSet.Empty;

    /// <summary>The name without the version suffix, e.g. <c>CartPole</c>.</summary>
    public string Name => EnvId.Parse(Id).Name;

    /// <summary>The version number, or null for an unversioned id.</summary>
    public int? Version => EnvId.Parse(Id).Version;
}

/// <summary>A parsed environment id: <c>[namespace:]Name[-vN]</c>.</summary>
/// <param name="Namespace">Optional namespace before a colon (e.g. <c>gym</c>).</param>
/// <param name="Name">The name.</param>
/// <param name="Version">The version number, or null.</param>
public readonly record struct EnvId(string? Namespace, string Name, int? Version)
{
    /// <summary>Parses an id.</summary>
    /// <exception cref="ArgumentException">If the id is empty or malformed.</exception>
    public static EnvId Parse(string id)
    {
        if (string.IsNullOrWhiteSpace(id)) throw new ArgumentException("environment id is empty", nameof(id));
        string? ns = null;
        string rest = id;
        int colon = id.IndexOf(':');
        if (colon >= 0)
        {
            ns = id[..colon];
            rest = id[(colon + 1)..];
            if (ns.Length == 0 || rest.Length == 0) throw new ArgumentException($"environment id '{id}' is malformed", nameof(id));
        }
        int dash = rest.LastIndexOf("-v", StringComparison.Ordinal);
        if (dash > 0 && int.TryParse(rest.AsSpan(dash + 2), System.Globalization.NumberStyles.None, null, out int v))
            return new EnvId(ns, rest[..dash], v);
        return new EnvId(ns, rest, null);
    }

    /// <inheritdoc />
    public override string ToString() => (Namespace is null ? "" : Namespace + ":") + Name + (Version is int v ? $"-v{v}" : "");
}
