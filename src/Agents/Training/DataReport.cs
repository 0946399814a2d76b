using Rl.Core.Demonstrations;

namespace Rl.Agents.Training;

/// <summary>
/// An algorithm that trains on data loaded when it was built (e.g. a recorded demonstration directory) and says what it
/// loaded and what it skipped; the runner prints it when training starts and writes it into <c>result.json</c>.
/// </summary>
public interface IReportsData
{
    /// <summary>What was loaded, or null when the algorithm loaded no data set (e.g. it generated its data).</summary>
    DataReport? Data { get; }
}

/// <summary>What a demonstration directory gave an algorithm: episodes and labels loaded, files skipped (with the reason) and warnings.</summary>
public sealed record DataReport
{
    /// <summary>Where the data came from (the demonstration directory).</summary>
    public required string Source { get; init; }

    /// <summary>Episodes loaded.</summary>
    public int Episodes { get; init; }

    /// <summary>Labelled states (observation, action) loaded.</summary>
    public int Labels { get; init; }

    /// <summary>Files that were not loaded, each with the reason.</summary>
    public IReadOnlyList<SkippedEpisode> Skipped { get; init; } = [];

    /// <summary>Problems with the data as a whole that did not stop the loading (e.g. a missing manifest).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>A human-readable summary: one line, then one line per warning and per skipped file.</summary>
    public required string Summary { get; init; }

    /// <summary>The report of a loaded demonstration set.</summary>
    public static DataReport Of(DemonstrationSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return new DataReport
        {
            Source = set.Directory,
            Episodes = set.Episodes.Count,
            Labels = set.TotalSteps,
            Skipped = set.Skipped,
            Warnings = set.Warnings,
            Summary = set.Summary(),
        };
    }
}
