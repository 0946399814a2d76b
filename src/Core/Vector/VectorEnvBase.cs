using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Rl.Core.Spaces;

namespace Rl.Core.Vector;

/// <summary>Where a sub-environment of a vector environment stands between calls.</summary>
internal enum VectorEnvStatus : byte { NeverReset, Running, PendingAutoreset, Ended }

/// <summary>
/// The buffers a vector environment owns and reuses across calls (results are views of them), and the bookkeeping every
/// vector environment shares: argument checks, recording resets and steps, and keeping same-step final observations.
/// </summary>
internal sealed class VectorBuffers<TObs>(int n, AutoresetMode mode, Space<TObs> space)
{
    public readonly AutoresetMode Mode = mode;
    public readonly TObs[] Observations = new TObs[n];
    public readonly double[] Rewards = new double[n];
    public readonly bool[] Terminated = new bool[n];
    public readonly bool[] Truncated = new bool[n];
    public readonly Info[] Infos = Enumerable.Repeat(Info.Empty, n).ToArray();
    public readonly bool[] Autoreset = new bool[n];
    public readonly TObs[] FinalObservations = new TObs[n];
    public readonly Info?[] FinalInfos = new Info?[n];
    public readonly VectorEnvStatus[] Status = new VectorEnvStatus[n];
    // SameStep: a second observation buffer per sub-environment, so the final observation survives the reset.
    public readonly TObs[] Spare = new TObs[n];
    private readonly bool[] _hasFinal = new bool[n];

    public TObs[] CopyObservations()
    {
        var copy = new TObs[Observations.Length];
        for (int i = 0; i < copy.Length; i++) copy[i] = space.Copy(Observations[i]);
        return copy;
    }

    /// <summary>Copies the reset mask (empty: every sub-environment) into <paramref name="selected"/>.</summary>
    public static void ReadMask(string name, ReadOnlySpan<bool> mask, bool[] selected)
    {
        if (mask.Length != 0 && mask.Length != selected.Length)
            throw new ArgumentException($"{name}: the reset mask has {mask.Length} flags but there are {selected.Length} sub-envs", nameof(mask));
        if (mask.Length == 0) Array.Fill(selected, true);
        else mask.CopyTo(selected);
    }

    /// <summary>Checks the number of actions and that every sub-environment may be stepped (Running or pending an autoreset).</summary>
    /// <param name="name">The vector environment's name, for messages.</param>
    /// <param name="actions">One action per sub-environment.</param>
    /// <param name="actionSpace">The action space of one sub-environment.</param>
    /// <param name="checkAll">Whether actions of sub-environments pending an autoreset are checked too (they are ignored).</param>
    public void CheckStep<TAct>(string name, ReadOnlySpan<TAct> actions, Space<TAct> actionSpace, bool checkAll)
    {
        if (actions.Length != Status.Length)
            throw new ArgumentException($"{name}: expected {Status.Length} actions (one per sub-env) but got {actions.Length}", nameof(actions));
        // Scanned only while a sub-environment may be blocked (never reset, or ended with autoreset Disabled): after a full
        // reset in an autoresetting mode every step skips the scan.
        if (_mayBeBlocked) ScanBlocked(name);
        // Discrete int actions (most environments): the range check inline instead of a virtual call per action; the space's
        // range is looked up once (spaces are immutable) instead of a type test per call.
        if (typeof(TAct) == typeof(int) && checkAll && IsDiscrete(actionSpace))
        {
            long start = _discreteStart, n = _discreteN;
            for (int i = 0; i < actions.Length; i++)
                if (unchecked((ulong)((int)(object)actions[i]! - start)) >= (ulong)n) ThrowInvalid(name, actionSpace, actions[i], i); // no box: TAct is int
            return;
        }
        for (int i = 0; i < actions.Length; i++)
            if ((checkAll || Status[i] == VectorEnvStatus.Running) && !actionSpace.Contains(actions[i])) ThrowInvalid(name, actionSpace, actions[i], i);
    }

    private Space? _actionSpace;
    private bool _discrete;
    private long _discreteStart, _discreteN;

    private bool IsDiscrete(Space actionSpace)
    {
        if (!ReferenceEquals(actionSpace, _actionSpace))
        {
            _discrete = actionSpace is Spaces.Discrete;
            (_discreteStart, _discreteN) = actionSpace is Spaces.Discrete e ? (e.Start, e.N) : (0L, 0L);
            _actionSpace = actionSpace;
        }
        return _discrete;
    }

    // Whether some sub-environment may be NeverReset or Ended: true from the start, set again whenever one ends with autoreset
    // Disabled (possibly from several worker threads at once: they all write true), cleared by a scan that finds none.
    private bool _mayBeBlocked = true;

    private void ScanBlocked(string name)
    {
        for (int i = 0; i < Status.Length; i++)
        {
            if (Status[i] is VectorEnvStatus.NeverReset or VectorEnvStatus.Ended)
                throw new ResetNeededException(name, Status[i] == VectorEnvStatus.Ended
                    ? $"sub-env {i}'s episode ended and the autoreset mode is Disabled; reset it with Reset(mask: ...) before stepping it"
                    : $"Step was called before sub-env {i} was reset; call Reset first");
        }
        _mayBeBlocked = false;
    }

    private static void ThrowInvalid<TAct>(string name, Space<TAct> actionSpace, TAct action, int i) =>
        throw new InvalidActionException($"{name} sub-env {i}", actionSpace, action, actionSpace.Explain(action) ?? "rejected");

    /// <summary>Records a reset of sub-environment <paramref name="i"/> (<paramref name="autoreset"/>: done by a step).</summary>
    public void RecordReset(int i, ResetResult<TObs> r, bool autoreset)
    {
        SetObservation(i, r.Observation);
        SetInfo(Infos, i, r.Info);
        Rewards[i] = 0;
        Terminated[i] = Truncated[i] = false;
        Autoreset[i] = autoreset;
        Status[i] = VectorEnvStatus.Running;
    }

    /// <summary>Records a step's reward and flags; its observation too unless a same-step reset follows.</summary>
    /// <param name="i">The sub-environment, in [0, n): the hot path reads and writes the buffers without bounds checks.</param>
    /// <param name="s">Its step's result.</param>
    /// <returns>Whether a same-step autoreset must follow (the episode ended and the mode is SameStep).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool RecordStep(int i, StepResult<TObs> s)
    {
        Debug.Assert((uint)i < (uint)Status.Length);
        At(Rewards, i) = s.Reward;
        At(Terminated, i) = s.Terminated;
        At(Truncated, i) = s.Truncated;
        At(Autoreset, i) = false;
        if (s.Done && Mode == AutoresetMode.SameStep)
        {
            FinalObservations[i] = s.Observation;
            FinalInfos[i] = s.Info;
            _hasFinal[i] = true;
            return true;
        }
        SetObservation(i, s.Observation);
        SetInfo(Infos, i, s.Info);
        if (s.Done)
        {
            if (Mode == AutoresetMode.NextStep) Status[i] = VectorEnvStatus.PendingAutoreset;
            else
            {
                Status[i] = VectorEnvStatus.Ended;
                _mayBeBlocked = true;
            }
        }
        return false;
    }

    /// <summary>Element <paramref name="i"/> of a buffer without a bounds check: every buffer has one element per sub-env and
    /// callers pass a sub-environment index. A reference-type element is written without the array-covariance check, which
    /// is safe because each buffer's element type is exactly its declared type (they are allocated here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ref T At<T>(T[] buffer, int i) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffer), i);

    // A sub-environment that steps into the buffer it was given returns that same array, and most steps return the shared
    // Info.Empty (or an info kept while it is unchanged): storing only a different reference skips the GC write barrier of a
    // reference store, which is a measurable part of a cheap environment's step.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetObservation(int i, TObs observation)
    {
        ref TObs slot = ref At(Observations, i);
        if (typeof(TObs).IsValueType || !ReferenceEquals(slot, observation)) slot = observation;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SetInfo(Info[] infos, int i, Info info)
    {
        ref Info slot = ref At(infos, i);
        if (!ReferenceEquals(slot, info)) slot = info;
    }

    /// <summary>Records the reset that followed a same-step end (its observation was written into the spare buffer).</summary>
    public void RecordSameStepReset(int i, ResetResult<TObs> r)
    {
        Spare[i] = default!;
        Observations[i] = r.Observation;
        SetInfo(Infos, i, r.Info);
    }

    /// <summary>The buffer holding the previous step's final observation becomes the spare for the next reset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void RecycleFinal(int i)
    {
        if (!At(_hasFinal, i)) return;
        Spare[i] = FinalObservations[i];
        FinalObservations[i] = default!;
        FinalInfos[i] = null;
        _hasFinal[i] = false;
    }

    /// <summary>Flattens every current observation into <paramref name="destination"/> (row-major, one row per sub-env).</summary>
    public void WriteObservations(string name, Span<float> destination)
    {
        int dim = space.FlatDim;
        if (destination.Length != Observations.Length * dim)
            throw new ArgumentException($"{name}: the destination has {destination.Length} floats but {Observations.Length} observations of {dim} need {Observations.Length * dim}", nameof(destination));
        for (int i = 0; i < Observations.Length; i++)
        {
            var slice = destination.Slice(i * dim, dim);
            if (Observations[i] is float[] f) f.AsSpan().CopyTo(slice);
            else space.Flatten(Observations[i], slice);
        }
    }
}

/// <summary>
/// The logic shared by <see cref="SyncVectorEnv{TObs, TAct}"/> and <see cref="ThreadedVectorEnv{TObs, TAct}"/>: argument
/// checks, autoreset bookkeeping and buffer reuse. Subclasses only decide on which thread each sub-environment's work runs.
/// </summary>
/// <typeparam name="TObs">The observation type of one sub-environment.</typeparam>
/// <typeparam name="TAct">The action type of one sub-environment.</typeparam>
public abstract class VectorEnvBase<TObs, TAct> : IVectorEnv<TObs, TAct>
{
    private readonly IEnv<TObs, TAct>[] _envs;
    private readonly VectorBuffers<TObs> _buffers;
    private readonly TAct[] _actions;
    private readonly Action<int> _resetOne, _stepOne;
    private readonly Exception?[] _errors;
    // The sub-environments that are wrappers (the registry's are: TimeLimit at least), typed as the wrapper base class; null
    // where a sub-environment is not one.
    private readonly Wrappers.Wrapper<TObs, TAct, TObs, TAct>?[] _wrappers;
    private bool[] _resetMask;
    private int? _resetSeed;
    private OptionSet? _resetOptions;
    private bool _disposed;
    private readonly bool _onCallingThread;
    private bool _failed;

    /// <summary>Builds one sub-environment per factory and checks that their spaces agree.</summary>
    /// <param name="envFactories">One factory per sub-environment.</param>
    /// <param name="autoresetMode">What happens to sub-environments whose episode ended.</param>
    /// <param name="onCallingThread">Whether every sub-environment runs on the calling thread, in order: then steps and resets
    /// call the per-environment work directly, without <see cref="ForEachEnv"/> and a delegate per sub-environment.</param>
    /// <exception cref="ArgumentException">If there are no factories, one returns null, or the spaces differ.</exception>
    protected VectorEnvBase(IEnumerable<Func<IEnv<TObs, TAct>>> envFactories, AutoresetMode autoresetMode, bool onCallingThread = false)
    {
        _onCallingThread = onCallingThread;
        ArgumentNullException.ThrowIfNull(envFactories);
        if (!Enum.IsDefined(autoresetMode))
            throw new ArgumentOutOfRangeException(nameof(autoresetMode), autoresetMode, "unknown autoreset mode");
        var factories = envFactories.ToArray();
        if (factories.Length == 0) throw new ArgumentException("a vector environment needs at least one environment factory", nameof(envFactories));
        _envs = new IEnv<TObs, TAct>[factories.Length];
        try
        {
            for (int i = 0; i < factories.Length; i++)
                _envs[i] = factories[i]() ?? throw new ArgumentException($"environment factory {i} returned null", nameof(envFactories));
            var first = _envs[0];
            for (int i = 1; i < _envs.Length; i++)
            {
                if (!_envs[i].ObservationSpace.Equals(first.ObservationSpace))
                    throw new ArgumentException($"sub-env {i} ({_envs[i].Name}) has observation space {_envs[i].ObservationSpace} but sub-env 0 ({first.Name}) has {first.ObservationSpace}", nameof(envFactories));
                if (!_envs[i].ActionSpace.Equals(first.ActionSpace))
                    throw new ArgumentException($"sub-env {i} ({_envs[i].Name}) has action space {_envs[i].ActionSpace} but sub-env 0 ({first.Name}) has {first.ActionSpace}", nameof(envFactories));
            }
        }
        catch
        {
            foreach (var e in _envs) e?.Dispose();
            throw;
        }

        int n = _envs.Length;
        AutoresetMode = autoresetMode;
        SingleObservationSpace = _envs[0].ObservationSpace;
        SingleActionSpace = _envs[0].ActionSpace;
        ObservationSpace = new BatchedSpace<TObs>(SingleObservationSpace, n);
        ActionSpace = new BatchedSpace<TAct>(SingleActionSpace, n);
        _buffers = new VectorBuffers<TObs>(n, autoresetMode, SingleObservationSpace);
        _actions = new TAct[n];
        _errors = new Exception?[n];
        _resetMask = new bool[n];
        _wrappers = new Wrappers.Wrapper<TObs, TAct, TObs, TAct>?[n];
        for (int i = 0; i < n; i++) _wrappers[i] = _envs[i] as Wrappers.Wrapper<TObs, TAct, TObs, TAct>;
        _resetOne = ResetOne;
        _stepOne = StepOne;
    }

    /// <inheritdoc />
    public string Name => _name ??= $"{GetType().Name.Split('`')[0]}({_envs[0].Name} x {_envs.Length})";

    // Built once: every Step passes the name to the checks, and a step must not allocate.
    private string? _name;

    /// <inheritdoc />
    public int NumEnvs => _envs.Length;

    /// <inheritdoc />
    public AutoresetMode AutoresetMode { get; }

    /// <inheritdoc />
    public Space<TObs> SingleObservationSpace { get; }

    /// <inheritdoc />
    public Space<TAct> SingleActionSpace { get; }

    /// <inheritdoc />
    public BatchedSpace<TObs> ObservationSpace { get; }

    /// <inheritdoc />
    public BatchedSpace<TAct> ActionSpace { get; }

    /// <inheritdoc />
    public int ObservationDim => SingleObservationSpace.FlatDim;

    /// <inheritdoc />
    public EnvMetadata Metadata => _envs[0].Metadata;

    /// <inheritdoc />
    public EnvSpec? Spec => _envs[0].Spec;

    /// <inheritdoc />
    public IReadOnlyList<IEnv<TObs, TAct>> Envs => _envs;

    /// <summary>Runs <paramref name="work"/> once for every sub-environment index and returns when all are done.</summary>
    /// <param name="work">The per-sub-environment work; it catches its own exceptions.</param>
    protected abstract void ForEachEnv(Action<int> work);

    /// <inheritdoc />
    public VectorResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, ReadOnlySpan<bool> mask = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        VectorBuffers<TObs>.ReadMask(Name, mask, _resetMask);
        _resetSeed = seed;
        _resetOptions = options;
        Run(_resetOne);
        _resetOptions = null;
        return new VectorResetResult<TObs>(_buffers);
    }

    /// <inheritdoc />
    public VectorStepResult<TObs> Step(ReadOnlySpan<TAct> actions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Check everything before stepping anything, so a rejected call leaves every sub-environment as it was.
        _buffers.CheckStep(Name, actions, SingleActionSpace, checkAll: true);
        // On the calling thread the loop reads the caller's span directly; only worker threads need the actions copied.
        if (_onCallingThread) StepOnCallingThread(actions);
        else
        {
            actions.CopyTo(_actions);
            Run(_stepOne);
        }
        return new VectorStepResult<TObs>(_buffers);
    }

    // Every sub-environment in order on this thread, reading the caller's actions directly. A failing sub-environment does
    // not stop the others (as on worker threads): the loop resumes after it. The loop itself (StepRange) has no exception
    // handler, so the JIT keeps its index and buffers in registers; _stepping says which sub-environment threw.
    private void StepOnCallingThread(ReadOnlySpan<TAct> actions)
    {
        int i = 0;
        while (i < actions.Length)
        {
            try
            {
                StepRange(i, actions);
                i = actions.Length;
            }
            catch (Exception e)
            {
                i = _stepping;
                _errors[i++] = e;
                _failed = true;
            }
        }
        ThrowFirstError();
    }

    private int _stepping;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void StepRange(int from, ReadOnlySpan<TAct> actions)
    {
        bool recycle = _buffers.Mode == AutoresetMode.SameStep;
        for (int i = from; i < actions.Length; i++)
        {
            _stepping = i;
            StepCore(i, actions[i], recycle);
        }
    }

    /// <inheritdoc />
    public void WriteObservations(Span<float> destination) => _buffers.WriteObservations(Name, destination);

    private void Run(Action<int> work)
    {
        ForEachEnv(work);
        ThrowFirstError();
    }

    private void ThrowFirstError()
    {
        if (!Volatile.Read(ref _failed)) return;
        _failed = false;
        for (int i = 0; i < _errors.Length; i++)
        {
            if (_errors[i] is not Exception e) continue;
            Array.Clear(_errors);
            ExceptionDispatchInfo.Capture(e).Throw();
        }
    }

    private void ResetOne(int i)
    {
        if (!_resetMask[i]) return;
        try
        {
            _buffers.RecycleFinal(i);
            var r = _envs[i].Reset(_resetSeed is int s ? unchecked(s + i) : null, _resetOptions, _buffers.Observations[i]);
            _buffers.RecordReset(i, r, autoreset: false);
        }
        catch (Exception e)
        {
            _errors[i] = e;
            Volatile.Write(ref _failed, true);
        }
    }

    private void StepOne(int i)
    {
        try
        {
            StepCore(i, _actions[i], _buffers.Mode == AutoresetMode.SameStep);
        }
        catch (Exception e)
        {
            _errors[i] = e;
            Volatile.Write(ref _failed, true);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void StepCore(int i, TAct action, bool recycle)
    {
        // i is a sub-environment index (< n, the length of every buffer): the reads below skip bounds checks. Only SameStep
        // keeps final observations aside (recycle).
        var b = _buffers;
        if (recycle) b.RecycleFinal(i);
        if (VectorBuffers<TObs>.At(b.Status, i) == VectorEnvStatus.PendingAutoreset)
        {
            // NextStep: the episode ended in the previous step; reset instead of stepping and ignore the action.
            b.RecordReset(i, _envs[i].Reset(null, null, b.Observations[i]), autoreset: true);
            return;
        }
        // A wrapper's Step is a virtual call through its class's method table; a call through the generic interface from
        // this shared generic code first looks the interface up at run time.
        var wrapper = VectorBuffers<TObs>.At(_wrappers, i);
        var into = VectorBuffers<TObs>.At(b.Observations, i);
        var r = wrapper is not null ? wrapper.Step(action, into) : _envs[i].Step(action, into);
        // SameStep: the final observation stays aside and the reset goes into the spare buffer.
        if (b.RecordStep(i, r)) b.RecordSameStepReset(i, _envs[i].Reset(null, null, b.Spare[i]));
    }

    /// <summary>Disposes the sub-environments.</summary>
    public virtual void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var env in _envs) env.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}(obs={SingleObservationSpace}, act={SingleActionSpace}, autoreset={AutoresetMode})";
}
