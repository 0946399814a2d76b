namespace Rl.Core.Vector;

/// <summary>
/// A vector environment whose sub-environments are split into fixed contiguous partitions, one per worker: the calling
/// thread runs the first partition and persistent background threads the others (woken through a generation counter and
/// a monitor, which allocate nothing per call, unlike <see cref="Parallel"/> or a lazily initialised <see cref="Barrier"/>).
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
    private readonly object _startGate = new(), _doneGate = new();
    private Action<int>? _work;
    private int _generation, _pending;
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
        Volatile.Write(ref _pending, Workers - 1);
        lock (_startGate)
        {
            _generation = unchecked(_generation + 1);
            Monitor.PulseAll(_startGate);
        }
        RunPartition(0);
        var spin = new SpinWait();
        while (Volatile.Read(ref _pending) != 0 && !spin.NextSpinWillYield) spin.SpinOnce();
        lock (_doneGate)
            while (_pending != 0) Monitor.Wait(_doneGate);
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
        int seen = 0;
        while (true)
        {
            // Spin briefly (the next call usually comes soon), then sleep on the monitor.
            var spin = new SpinWait();
            while (Volatile.Read(ref _generation) == seen && !spin.NextSpinWillYield) spin.SpinOnce();
            lock (_startGate)
            {
                while (_generation == seen) Monitor.Wait(_startGate);
                seen = _generation;
            }
            if (_stopping) return;
            RunPartition(w);
            if (Interlocked.Decrement(ref _pending) == 0)
                lock (_doneGate) Monitor.PulseAll(_doneGate);
        }
    }

    /// <summary>Stops the worker threads and disposes the sub-environments.</summary>
    public override void Dispose()
    {
        if (!_stopping)
        {
            _stopping = true;
            lock (_startGate)
            {
                _generation = unchecked(_generation + 1);
                Monitor.PulseAll(_startGate);
            }
            foreach (var t in _threads) t.Join();
        }
        base.Dispose();
    }
}
