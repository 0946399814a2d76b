namespace Rl.Core.Vector;

/// <summary>
/// A vector environment whose sub-environments are split into fixed contiguous partitions, one per worker: the calling
/// thread runs the first partition and persistent background threads the others, meeting at a barrier twice per call.
/// Each sub-environment is always run by the same thread, and results are identical to
/// <see cref="SyncVectorEnv{TObs, TAct}"/> for the same seeds (sub-environments share no state). Worth it when one step
/// of a sub-environment costs much more than a thread hand-off (physics, rendering). Dispose it to stop the threads.
/// </summary>
/// <typeparam name="TObs">The observation type of one sub-environment.</typeparam>
/// <typeparam name="TAct">The action type of one sub-environment.</typeparam>
public sealed class ThreadedVectorEnv<TObs, TAct> : VectorEnvBase<TObs, TAct>
{
    private readonly int[] _bounds;
    private readonly Thread[] _threads;
    private readonly Barrier _barrier;
    private Action<int>? _work;
    private volatile bool _stopping;

    /// <summary>Builds one sub-environment per factory and starts the worker threads.</summary>
    /// <param name="envFactories">One factory per sub-environment.</param>
    /// <param name="autoresetMode">What happens to sub-environments whose episode ended (Gymnasium's default: next step).</param>
    /// <param name="workers">Number of partitions, the calling thread included; 0 means
    /// <c>min(NumEnvs, Environment.ProcessorCount)</c>.</param>
    /// <exception cref="ArgumentException">If there are no factories or the sub-environments' spaces differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="workers"/> is negative.</exception>
    public ThreadedVectorEnv(IEnumerable<Func<IEnv<TObs, TAct>>> envFactories,
        AutoresetMode autoresetMode = AutoresetMode.NextStep, int workers = 0)
        : base(envFactories, autoresetMode)
    {
        if (workers < 0)
        {
            base.Dispose();
            throw new ArgumentOutOfRangeException(nameof(workers), workers, $"{Name}: the number of workers must be positive (0 for automatic)");
        }
        Workers = Math.Min(NumEnvs, workers == 0 ? Environment.ProcessorCount : workers);
        _bounds = new int[Workers + 1];
        for (int w = 0; w <= Workers; w++) _bounds[w] = (int)((long)w * NumEnvs / Workers);
        _barrier = new Barrier(Workers);
        _threads = new Thread[Workers - 1];
        for (int w = 1; w < Workers; w++)
        {
            var thread = new Thread(WorkerLoop) { IsBackground = true, Name = $"{Name} worker {w}" };
            _threads[w - 1] = thread;
            thread.Start(w);
        }
    }

    /// <summary>The number of partitions (threads, the calling one included).</summary>
    public int Workers { get; }

    /// <inheritdoc />
    protected override void ForEachEnv(Action<int> work)
    {
        _work = work;
        _barrier.SignalAndWait();
        RunPartition(0);
        _barrier.SignalAndWait();
        _work = null;
    }

    private void RunPartition(int w)
    {
        var work = _work!;
        for (int i = _bounds[w]; i < _bounds[w + 1]; i++) work(i);
    }

    private void WorkerLoop(object? state)
    {
        int w = (int)state!;
        while (true)
        {
            _barrier.SignalAndWait();
            if (_stopping) return;
            RunPartition(w);
            _barrier.SignalAndWait();
        }
    }

    /// <summary>Stops the worker threads and disposes the sub-environments.</summary>
    public override void Dispose()
    {
        if (!_stopping)
        {
            _stopping = true;
            _barrier.SignalAndWait();
            foreach (var t in _threads) t.Join();
            _barrier.Dispose();
        }
        base.Dispose();
    }
}
