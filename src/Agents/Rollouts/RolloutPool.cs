using System.Runtime.ExceptionServices;
using Rl.Agents.Policies;
using Rl.Core;

namespace Rl.Agents.Rollouts;

/// <summary>
/// Runs rollout tasks on several threads, one <see cref="RolloutWorker"/> (with its own environment) per thread. Tasks are
/// numbered 0..n−1 and handed out dynamically; a task must depend only on its index (its parameters, reset seed and action
/// seed are fixed by the caller beforehand) and write its result to slot <c>index</c>, so results are identical for any
/// number of threads as long as an episode depends only on its reset seed (true of every environment that follows
/// Gymnasium's seeding; not of wrappers that learn across episodes, such as a running normalization).
/// </summary>
public sealed class RolloutPool : IDisposable
{
    private readonly RolloutWorker[] _workers;

    /// <summary>Creates <paramref name="threads"/> workers, each with an environment from <paramref name="makeEnv"/>.</summary>
    /// <param name="makeEnv">Builds one environment; called once per thread.</param>
    /// <param name="threads">Number of worker threads (at least 1).</param>
    /// <param name="architecture">Chooses the policy architecture from the first environment (its spaces).</param>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="threads"/> is below 1.</exception>
    public RolloutPool(Func<IEnv> makeEnv, int threads, Func<IEnv, PolicyArchitecture> architecture)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "rollouts need at least one thread");
        var envs = new List<IEnv>();
        try
        {
            for (int i = 0; i < threads; i++) envs.Add(makeEnv());
            Architecture = architecture(envs[0]);
            _workers = [.. envs.Select(e => new RolloutWorker(e, Architecture))];
        }
        catch
        {
            foreach (var e in envs) e.Dispose();
            throw;
        }
    }

    /// <summary>The policy architecture every worker runs.</summary>
    public PolicyArchitecture Architecture { get; }

    /// <summary>Number of worker threads.</summary>
    public int Threads => _workers.Length;

    /// <summary>The first worker's environment (for its name, spec and spaces).</summary>
    public IEnv Environment => _workers[0].Env;

    /// <summary>
    /// Runs <paramref name="task"/> for indices 0..<paramref name="count"/>−1 on the workers and returns when all are done.
    /// The first exception a task throws is rethrown as is.
    /// </summary>
    public void Run(int count, Action<RolloutWorker, int> task)
    {
        int threads = Math.Min(_workers.Length, count);
        if (threads <= 1)
        {
            for (int i = 0; i < count; i++) task(_workers[0], i);
            return;
        }
        int next = -1;
        try
        {
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, w =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count) task(_workers[w], i);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>Disposes the workers' environments.</summary>
    public void Dispose()
    {
        foreach (var w in _workers) w.Dispose();
    }
}
