using TorchSharp;

namespace Rl.Agents.Networks;

/// <summary>
/// Temporarily changes libtorch's intra-op thread count: <c>using (IntraOpThreads.Use(1)) { ... }</c>.
/// <para>
/// The agents run the forward passes that pick actions (one observation per environment, e.g. a batch of 8 frames) on one
/// thread. Such a batch is too small to split: every operator of a two-thread pass meets the other thread at a barrier,
/// and when the cores are busy with other work each barrier waits for the other thread to be scheduled. Measured with
/// <c>rl bench ppo</c> on the 2-core machine under load, the shipped Breakout net's batch-8 forward took 2.3 ms on one
/// thread and 514 ms on two (see docs/ppo-dqn.md). The outputs are the same bits either way (the bench checks it), and
/// the updates still use the configured <c>torch_threads</c>.
/// </para>
/// </summary>
public static class IntraOpThreads
{
    /// <summary>The thread count for forward passes over one observation per environment (acting, evaluation).</summary>
    public const int Acting = 1;

    /// <summary>Sets the intra-op thread count to <paramref name="threads"/> until the returned scope is disposed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="threads"/> is below 1.</exception>
    public static Scope Use(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        int previous = torch.get_num_threads();
        if (previous != threads) torch.set_num_threads(threads);
        return new Scope(previous, threads);
    }

    /// <summary>Restores the previous thread count when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly int _previous;
        private readonly int _current;

        internal Scope(int previous, int current) => (_previous, _current) = (previous, current);

        /// <summary>Restores the thread count that was in effect before <see cref="Use"/>.</summary>
        public void Dispose()
        {
            if (_previous > 0 && _previous != _current) torch.set_num_threads(_previous);
        }
    }
}
