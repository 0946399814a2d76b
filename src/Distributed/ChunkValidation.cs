using System.Globalization;

namespace Rl.Distributed;

/// <summary>What a learner accepts from a worker for one job: the longest episode and the largest return magnitude.</summary>
/// <param name="MaxEpisodeLength">Longest possible episode (the horizon or the environment's time limit), or null when unbounded.</param>
/// <param name="MaxAbsReturn">Largest |return| an episode can have, or null when only finiteness is checked.</param>
public sealed record ResultBounds(int? MaxEpisodeLength = null, double? MaxAbsReturn = null);

/// <summary>
/// The learner's check of what a worker sent back for a chunk, before any of it reaches the algorithm: it answers the
/// request that was sent (job, parameter version, the candidates' reset seeds echoed back), has one return and one length
/// per episode and statistics of the right sizes, and every number is possible (finite returns within the bounds, lengths
/// from 1 to the time limit, counts and squared deviations not negative). A worker whose result fails is dropped for the
/// rest of the run, so a faulty or hostile member cannot poison training silently.
/// </summary>
public static class ChunkValidation
{
    /// <summary>What is wrong with <paramref name="result"/> as the answer to <paramref name="request"/>, or null when nothing is.</summary>
    /// <param name="request">The chunk request sent.</param>
    /// <param name="result">What came back.</param>
    /// <param name="episodesPerCandidate">Episodes per candidate of the job.</param>
    /// <param name="observationSize">Observation size (for the statistics).</param>
    /// <param name="bounds">The job's bounds.</param>
    public static string? Problem(ChunkRequest request, ChunkResult result, int episodesPerCandidate, int observationSize, ResultBounds bounds)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(bounds);
        if (result is null) return "no result";
        var inv = CultureInfo.InvariantCulture;
        int n = request.EnvSeed.Length, episodes = n * episodesPerCandidate;
        if (result.Status != ChunkStatus.Done) return $"status {result.Status} for a chunk it was given";
        if (result.JobId != request.JobId || result.Version != request.Version)
            return $"a result for job {result.JobId} version {result.Version} in answer to job {request.JobId} version {request.Version}";
        if (!result.EnvSeed.AsSpan().SequenceEqual(request.EnvSeed))
            return "reset seeds that are not the ones it was sent";
        if (result.Returns is null || result.Returns.Length != episodes) return $"{result.Returns?.Length ?? 0} returns for {episodes} episodes";
        if (result.Lengths is null || result.Lengths.Length != episodes) return $"{result.Lengths?.Length ?? 0} episode lengths for {episodes} episodes";
        for (int i = 0; i < episodes; i++)
        {
            double r = result.Returns[i];
            int length = result.Lengths[i];
            if (!double.IsFinite(r)) return string.Create(inv, $"return {r} (episode {i}) is not finite");
            if (bounds.MaxAbsReturn is double most && Math.Abs(r) > most) return string.Create(inv, $"return {r} (episode {i}) beyond the job's bound ±{most}");
            if (length < 1) return string.Create(inv, $"episode length {length} (episode {i}) below 1");
            if (bounds.MaxEpisodeLength is int longest && length > longest) return string.Create(inv, $"episode length {length} (episode {i}) beyond the time limit {longest}");
        }
        if (!request.CollectStatistics)
            return result.StatisticsCount.Length + result.StatisticsMean.Length + result.StatisticsSquaredDeviations.Length == 0
                ? null : "observation statistics that were not asked for";
        if (result.StatisticsCount.Length != n || result.StatisticsMean.Length != n * observationSize || result.StatisticsSquaredDeviations.Length != n * observationSize)
            return $"observation statistics of the wrong size ({result.StatisticsCount.Length} counts, {result.StatisticsMean.Length} means for {n} candidates of {observationSize} values)";
        for (int i = 0; i < n; i++)
        {
            long count = result.StatisticsCount[i];
            long steps = 0;
            for (int e = 0; e < episodesPerCandidate; e++) steps += result.Lengths[i * episodesPerCandidate + e] + 1;
            if (count < 0 || count > steps) return string.Create(inv, $"observation count {count} for candidate {i}, whose episodes saw at most {steps} observations");
        }
        foreach (double m in result.StatisticsMean)
            if (!double.IsFinite(m)) return "an observation mean that is not finite";
        foreach (double d in result.StatisticsSquaredDeviations)
            if (!double.IsFinite(d) || d < 0) return string.Create(inv, $"a squared deviation {d} (must be finite and ≥ 0)");
        return null;
    }
}
