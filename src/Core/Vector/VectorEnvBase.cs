using System.Runtime.ExceptionServices;
using Rl.Core.Spaces;

namespace Rl.Core.Vector;

/// <summary>The buffers a vector environment owns and reuses across calls; results are views of them.</summary>
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

    public TObs[] CopyObservations()
    {
        var copy = new TObs[Observations.Length];
        for (int i = 0; i < copy.Length; i++) copy[i] = space.Copy(Observations[i]);
        return copy;
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
    private enum Status : byte { NeverReset, Running, PendingAutoreset, Ended }

    private readonly IEnv<TObs, TAct>[] _envs;
    private readonly VectorBuffers<TObs> _buffers;
    private readonly Status[] _status;
    private readonly TAct[] _actions;
    // SameStep: a second observation buffer per sub-environment, so the final observation survives the reset.
    private readonly TObs[] _spare;
    private readonly bool[] _hasFinal;
    private readonly float[][]? _floatObservations;
    private readonly Action<int> _resetOne, _stepOne;
    private readonly Exception?[] _errors;
    private bool[] _resetMask;
    private int? _resetSeed;
    private OptionSet? _resetOptions;
    private bool _disposed;

    /// <summary>Builds one sub-environment per factory and checks that their spaces agree.</summary>
    /// <param name="envFactories">One factory per sub-environment.</param>
    /// <param name="autoresetMode">What happens to sub-environments whose episode ended.</param>
    /// <exception cref="ArgumentException">If there are no factories, one returns null, or the spaces differ.</exception>
    protected VectorEnvBase(IEnumerable<Func<IEnv<TObs, TAct>>> envFactories, AutoresetMode autoresetMode)
    {
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
        _status = new Status[n];
        _actions = new TAct[n];
        _spare = new TObs[n];
        _hasFinal = new bool[n];
        _errors = new Exception?[n];
        _resetMask = new bool[n];
        _floatObservations = _buffers.Observations as float[][];
        _resetOne = ResetOne;
        _stepOne = StepOne;
    }

    /// <inheritdoc />
    public string Name => $"{GetType().Name.Split('`')[0]}({_envs[0].Name} x {_envs.Length})";

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
        if (mask.Length != 0 && mask.Length != NumEnvs)
            throw new ArgumentException($"{Name}: the reset mask has {mask.Length} flags but there are {NumEnvs} sub-envs", nameof(mask));
        if (mask.Length == 0) Array.Fill(_resetMask, true);
        else mask.CopyTo(_resetMask);
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
        if (actions.Length != NumEnvs)
            throw new ArgumentException($"{Name}: expected {NumEnvs} actions (one per sub-env) but got {actions.Length}", nameof(actions));
        // Check everything before stepping anything, so a rejected call leaves every sub-environment as it was.
        for (int i = 0; i < actions.Length; i++)
        {
            if (_status[i] is Status.NeverReset or Status.Ended) ThrowResetNeeded(i);
            if (!SingleActionSpace.Contains(actions[i]))
                throw new InvalidActionException($"{Name} sub-env {i}", SingleActionSpace, actions[i],
                    SingleActionSpace.Explain(actions[i]) ?? "rejected");
        }
        actions.CopyTo(_actions);
        Run(_stepOne);
        return new VectorStepResult<TObs>(_buffers);
    }

    private void ThrowResetNeeded(int i) => throw new ResetNeededException(Name, _status[i] == Status.Ended
        ? $"sub-env {i}'s episode ended and the autoreset mode is Disabled; reset it with Reset(mask: ...) before stepping it"
        : $"Step was called before sub-env {i} was reset; call Reset first");

    /// <inheritdoc />
    public void WriteObservations(Span<float> destination)
    {
        int dim = ObservationDim;
        if (destination.Length != NumEnvs * dim)
            throw new ArgumentException($"{Name}: the destination has {destination.Length} floats but {NumEnvs} observations of {dim} need {NumEnvs * dim}", nameof(destination));
        var observations = _buffers.Observations;
        for (int i = 0; i < observations.Length; i++)
        {
            var slice = destination.Slice(i * dim, dim);
            if (_floatObservations is not null) _floatObservations[i].AsSpan().CopyTo(slice);
            else SingleObservationSpace.Flatten(observations[i], slice);
        }
    }

    private void Run(Action<int> work)
    {
        ForEachEnv(work);
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
            RecycleFinal(i);
            var r = _envs[i].Reset(_resetSeed is int s ? unchecked(s + i) : null, _resetOptions, _buffers.Observations[i]);
            _buffers.Observations[i] = r.Observation;
            _buffers.Infos[i] = r.Info;
            _buffers.Rewards[i] = 0;
            _buffers.Terminated[i] = _buffers.Truncated[i] = _buffers.Autoreset[i] = false;
            _status[i] = Status.Running;
        }
        catch (Exception e)
        {
            _errors[i] = e;
        }
    }

    private void StepOne(int i)
    {
        try
        {
            var env = _envs[i];
            var b = _buffers;
            RecycleFinal(i);
            if (_status[i] == Status.PendingAutoreset)
            {
                // NextStep: the episode ended in the previous step; reset instead of stepping and ignore the action.
                var r = env.Reset(null, null, b.Observations[i]);
                b.Observations[i] = r.Observation;
                b.Infos[i] = r.Info;
                b.Rewards[i] = 0;
                b.Terminated[i] = b.Truncated[i] = false;
                b.Autoreset[i] = true;
                _status[i] = Status.Running;
                return;
            }

            var s = env.Step(_actions[i], b.Observations[i]);
            b.Rewards[i] = s.Reward;
            b.Terminated[i] = s.Terminated;
            b.Truncated[i] = s.Truncated;
            b.Autoreset[i] = false;
            if (!s.Done || AutoresetMode != AutoresetMode.SameStep)
            {
                b.Observations[i] = s.Observation;
                b.Infos[i] = s.Info;
                if (s.Done) _status[i] = AutoresetMode == AutoresetMode.NextStep ? Status.PendingAutoreset : Status.Ended;
                return;
            }

            // SameStep: keep the final observation aside and reset into the spare buffer.
            b.FinalObservations[i] = s.Observation;
            b.FinalInfos[i] = s.Info;
            _hasFinal[i] = true;
            var reset = env.Reset(null, null, _spare[i]);
            _spare[i] = default!;
            b.Observations[i] = reset.Observation;
            b.Infos[i] = reset.Info;
        }
        catch (Exception e)
        {
            _errors[i] = e;
        }
    }

    // The buffer holding the previous step's final observation becomes the spare for the next reset.
    private void RecycleFinal(int i)
    {
        if (!_hasFinal[i]) return;
        _spare[i] = _buffers.FinalObservations[i];
        _buffers.FinalObservations[i] = default!;
        _buffers.FinalInfos[i] = null;
        _hasFinal[i] = false;
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
