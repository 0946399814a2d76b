using Rl.Agents.Parameters;
using Rl.Agents.Policies;
using Rl.Agents.Rollouts;

namespace Rl.Agents.GradientFree;

/// <summary>
/// What every rollout of a gradient-free run has in common, fixed when the algorithm is built: the policy's shape, the
/// shared noise table, and how a candidate is scored. A backend needs nothing else besides the candidates themselves.
/// </summary>
/// <param name="AlgorithmId">The algorithm's id (for messages).</param>
/// <param name="Architecture">The policy architecture the candidates' parameters belong to.</param>
/// <param name="PolicyOptions">The options the architecture was built from (a remote worker rebuilds it from them).</param>
/// <param name="Noise">The shared noise table the candidates' perturbations are sliced from.</param>
/// <param name="EpisodesPerCandidate">Episodes run per candidate.</param>
/// <param name="Horizon">Longest rollout in steps (0: until the environment ends the episode).</param>
/// <param name="Deterministic">Act deterministically; otherwise episode k of a candidate samples with <see cref="Candidate.ActionSeed"/>.</param>
public sealed record RolloutJob(string AlgorithmId, PolicyArchitecture Architecture, PolicyOptions PolicyOptions, NoiseTable Noise,
    int EpisodesPerCandidate, int Horizon, bool Deterministic);

/// <summary>
/// Runs the episodes of a batch of candidates somewhere: on this process's threads (<see cref="LocalRolloutBackend"/>) or on
/// other processes and machines. Every result lands in the slot of its candidate, so the outcome depends only on the
/// candidates and the filter, never on where or in what order the episodes ran.
/// </summary>
public interface IRolloutBackend : IDisposable
{
    /// <summary>Runs <see cref="RolloutJob.EpisodesPerCandidate"/> episodes for every candidate.</summary>
    /// <param name="candidates">The candidates, in order.</param>
    /// <param name="filter">The frozen observation normalization every rollout uses, or null.</param>
    /// <param name="returns">Receives the return of episode k of candidate i at <c>i·E + k</c>.</param>
    /// <param name="lengths">Receives its length at the same index.</param>
    /// <param name="statistics">When not null, <c>statistics[i]</c> is cleared and receives every observation candidate i's episodes saw.</param>
    void Run(IReadOnlyList<Candidate> candidates, ObservationFilter? filter, double[] returns, int[] lengths, ObservationStatistics[]? statistics);
}

/// <summary>The rollout backend of a single process: the candidates' episodes run on a <see cref="RolloutPool"/>'s threads.</summary>
/// <param name="pool">The worker threads and their environments (not owned: disposing the backend leaves it open).</param>
/// <param name="job">The run's rollout settings.</param>
public sealed class LocalRolloutBackend(RolloutPool pool, RolloutJob job) : IRolloutBackend
{
    /// <summary>The pool the episodes run on.</summary>
    public RolloutPool Pool => pool;

    /// <inheritdoc />
    public void Run(IReadOnlyList<Candidate> candidates, ObservationFilter? filter, double[] returns, int[] lengths, ObservationStatistics[]? statistics)
    {
        int episodes = job.EpisodesPerCandidate;
        pool.Run(candidates.Count, (worker, i) =>
        {
            var candidate = candidates[i];
            candidate.Materialize(job.Noise, worker.Parameters);
            var taskStatistics = statistics?[i];
            taskStatistics?.Clear();
            for (int k = 0; k < episodes; k++)
            {
                var rng = job.Deterministic ? null : new Core.Rng(candidate.ActionSeed(k));
                var episode = worker.RunEpisode(worker.Parameters, filter, candidate.EpisodeSeed(k), job.Deterministic, rng, taskStatistics, job.Horizon);
                returns[i * episodes + k] = episode.Return;
                lengths[i * episodes + k] = episode.Length;
            }
        });
    }

    /// <summary>Nothing to release: the pool belongs to the caller.</summary>
    public void Dispose() { }
}
