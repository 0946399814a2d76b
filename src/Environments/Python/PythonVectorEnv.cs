using System.Runtime.ExceptionServices;
using Rl.Core;
using Rl.Core.Spaces;
using Rl.Core.Vector;

namespace Rl.Environments.Python;

/// <summary>Builds vector environments over Python worker processes.</summary>
public static class PythonVectorEnv
{
    /// <summary>
    /// Starts <paramref name="numEnvs"/> workers for the same Python environment (in parallel) as one vector environment.
    /// </summary>
    /// <param name="id">A Gymnasium id, <c>module:Env-v0</c> or <c>module:Class</c> (without the <c>gym:</c> prefix).</param>
    /// <param name="numEnvs">The number of sub-environments (one worker process each).</param>
    /// <param name="make">Keyword options (bridge settings and the environment's) and time-limit settings.</param>
    /// <param name="autoreset">What happens to sub-environments whose episode ended.</param>
    /// <param name="bridge">How to run the workers; bridge keys in <paramref name="make"/>'s keyword options override it.</param>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="numEnvs"/> is not positive.</exception>
    /// <exception cref="PythonEnvException">If a worker cannot start or make the environment (every worker is stopped).</exception>
    /// <exception cref="InvalidCastException">If the translated spaces give other types than <typeparamref name="TObs"/> and <typeparamref name="TAct"/>.</exception>
    public static PythonVectorEnv<TObs, TAct> Make<TObs, TAct>(string id, int numEnvs, MakeOptions? make = null,
        AutoresetMode autoreset = AutoresetMode.NextStep, PythonEnvOptions? bridge = null)
    {
        if (numEnvs <= 0) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, $"gym:{id}: a vector environment needs at least one sub-env");
        if (!Enum.IsDefined(autoreset)) throw new ArgumentOutOfRangeException(nameof(autoreset), autoreset, "unknown autoreset mode");
        make ??= new MakeOptions();
        var (options, kwargs) = PythonEnvOptions.Split(make.Kwargs, bridge);
        var envs = PythonEnv.MakeMany(id, numEnvs, kwargs, options, make);
        if (envs[0] is not PythonEnv<TObs, TAct>)
        {
            var (o, a) = EnvRegistry.TypeArguments(envs[0]);
            foreach (var e in envs) e.Dispose();
            throw new InvalidCastException($"gym:{id} has observations of type {o.Name} and actions of type {a.Name}, not {typeof(TObs).Name} and {typeof(TAct).Name}");
        }
        return new PythonVectorEnv<TObs, TAct>(envs.Cast<PythonEnv<TObs, TAct>>().ToArray(), autoreset);
    }
}

/// <summary>
/// Several copies of a Python environment, one worker process each, stepped together as Gymnasium's <c>AsyncVectorEnv</c>
/// does: a step sends every worker its action, then gathers the replies, so the workers compute in parallel while this
/// thread only writes and reads pipes. Sub-environment <c>i</c> is seeded with <c>seed + i</c>.
/// </summary>
/// <typeparam name="TObs">The observation type of one sub-environment.</typeparam>
/// <typeparam name="TAct">The action type of one sub-environment.</typeparam>
/// <remarks>
/// Results are views of buffers this object reuses: the next <c>Reset</c> or <c>Step</c> overwrites them, array observations
/// included (copy with <see cref="VectorStepResult{TObs}.CopyObservations"/>). If one worker fails, the replies of the
/// others are still read, so the vector environment stays usable where the failure allows (a Python exception), and the
/// exception names the sub-environment.
/// </remarks>
public sealed class PythonVectorEnv<TObs, TAct> : IVectorEnv<TObs, TAct>
{
    private readonly PythonEnv<TObs, TAct>[] _envs;
    private readonly VectorBuffers<TObs> _buffers;
    private readonly TAct[] _actions;
    private readonly bool[] _selected, _sent;
    private readonly Exception?[] _errors;
    private int? _resetSeed;
    private OptionSet? _resetOptions;
    private bool _disposed;

    internal PythonVectorEnv(PythonEnv<TObs, TAct>[] envs, AutoresetMode autoreset)
    {
        _envs = envs;
        int n = envs.Length;
        AutoresetMode = autoreset;
        for (int i = 1; i < n; i++)
        {
            if (!envs[i].ObservationSpace.Equals(envs[0].ObservationSpace) || !envs[i].ActionSpace.Equals(envs[0].ActionSpace))
            {
                Dispose();
                throw new ArgumentException($"sub-env {i} of {envs[0].Name} has spaces {envs[i]} but sub-env 0 has {envs[0]}");
            }
        }
        _buffers = new VectorBuffers<TObs>(n, autoreset, envs[0].ObservationSpace);
        ObservationSpace = new BatchedSpace<TObs>(envs[0].ObservationSpace, n);
        ActionSpace = new BatchedSpace<TAct>(envs[0].ActionSpace, n);
        _actions = new TAct[n];
        _selected = new bool[n];
        _sent = new bool[n];
        _errors = new Exception?[n];
    }

    /// <inheritdoc />
    public string Name => $"PythonVectorEnv({_envs[0].Name} x {_envs.Length})";

    /// <inheritdoc />
    public int NumEnvs => _envs.Length;

    /// <inheritdoc />
    public AutoresetMode AutoresetMode { get; }

    /// <inheritdoc />
    public Space<TObs> SingleObservationSpace => _envs[0].ObservationSpace;

    /// <inheritdoc />
    public Space<TAct> SingleActionSpace => _envs[0].ActionSpace;

    /// <inheritdoc />
    public int ObservationDim => SingleObservationSpace.FlatDim;

    /// <inheritdoc />
    public EnvMetadata Metadata => _envs[0].Metadata;

    /// <inheritdoc />
    public EnvSpec? Spec => _envs[0].Spec;

    /// <inheritdoc />
    public BatchedSpace<TObs> ObservationSpace { get; }

    /// <inheritdoc />
    public BatchedSpace<TAct> ActionSpace { get; }

    /// <summary>The sub-environments, each with its worker (calling their Reset or Step directly bypasses this object's bookkeeping).</summary>
    public IReadOnlyList<PythonEnv<TObs, TAct>> Envs => _envs;

    IReadOnlyList<IEnv<TObs, TAct>> IVectorEnv<TObs, TAct>.Envs => _envs;

    /// <summary>Resets the sub-environments (all, or those where <paramref name="mask"/> is true), all workers at once.</summary>
    /// <param name="seed">When given, sub-environment <c>i</c> is reseeded with <c>seed + i</c>.</param>
    /// <param name="options">Reset options sent to every reset sub-environment.</param>
    /// <param name="mask">Empty for all, or one flag per sub-environment.</param>
    /// <exception cref="ArgumentException">If the mask has the wrong length.</exception>
    /// <exception cref="PythonEnvException">If a worker fails, naming the sub-environment.</exception>
    public VectorResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, ReadOnlySpan<bool> mask = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        VectorBuffers<TObs>.ReadMask(Name, mask, _selected);
        _resetSeed = seed;
        _resetOptions = options;
        Run(stepping: false);
        _resetOptions = null;
        return new VectorResetResult<TObs>(_buffers);
    }

    /// <summary>Sends every sub-environment its action (or, for a pending next-step autoreset, a reset), then gathers the results.</summary>
    /// <param name="actions">One action per sub-environment.</param>
    /// <exception cref="ArgumentException">If the number of actions is not <see cref="NumEnvs"/>.</exception>
    /// <exception cref="InvalidActionException">If an action is outside the action space (nothing is sent).</exception>
    /// <exception cref="ResetNeededException">Before the first reset, or for a finished sub-environment with
    /// <see cref="AutoresetMode.Disabled"/> (nothing is sent).</exception>
    /// <exception cref="PythonEnvException">If a worker fails, naming the sub-environment.</exception>
    public VectorStepResult<TObs> Step(ReadOnlySpan<TAct> actions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _buffers.CheckStep(Name, actions, SingleActionSpace, checkAll: false);
        actions.CopyTo(_actions);
        Array.Fill(_selected, true);
        Run(stepping: true);
        return new VectorStepResult<TObs>(_buffers);
    }

    private void Send(int i, bool stepping)
    {
        var env = _envs[i];
        if (!stepping) env.SendReset(_resetSeed is int s ? unchecked(s + i) : null, _resetOptions);
        else if (_buffers.Status[i] == VectorEnvStatus.PendingAutoreset) env.SendReset(null, null);
        else env.SendStep(_actions[i], AutoresetMode == AutoresetMode.SameStep);
    }

    private void Gather(int i, bool stepping)
    {
        var b = _buffers;
        b.RecycleFinal(i);
        var env = _envs[i];
        if (!stepping || b.Status[i] == VectorEnvStatus.PendingAutoreset)
        {
            b.RecordReset(i, env.ReceiveReset(b.Observations[i]), autoreset: stepping);
            return;
        }
        if (AutoresetMode != AutoresetMode.SameStep)
        {
            b.RecordStep(i, env.ReceiveStep(b.Observations[i]));
            return;
        }
        // The worker reset in the same round trip: the step's buffer becomes the final one, the spare took the reset.
        var (step, reset) = env.ReceiveStepAutoreset(b.Observations[i], b.Spare[i]);
        if (b.RecordStep(i, step))
            b.RecordSameStepReset(i, reset ?? throw new InvalidOperationException($"{Name} sub-env {i}: the worker ended an episode without the same-step reset"));
    }

    // Sends to every selected worker, then gathers every reply that is owed, even after a failure, so that no reply is left
    // in a pipe to be mistaken for the answer to a later request.
    private void Run(bool stepping)
    {
        Array.Clear(_sent);
        Array.Clear(_errors);
        for (int i = 0; i < NumEnvs; i++)
        {
            if (!_selected[i]) continue;
            try
            {
                Send(i, stepping);
                _sent[i] = true;
            }
            catch (Exception e)
            {
                _errors[i] = e;
                break;
            }
        }
        for (int i = 0; i < NumEnvs; i++)
        {
            if (!_sent[i]) continue;
            try
            {
                Gather(i, stepping);
            }
            catch (Exception e)
            {
                _errors[i] = e;
            }
        }
        for (int i = 0; i < NumEnvs; i++)
        {
            switch (_errors[i])
            {
                case null: continue;
                case PythonEnvException p:
                    throw new PythonEnvException($"{Name} sub-env {i}", p.Failure, p.Message, p.PythonType, p.PythonTraceback, p);
                case var e:
                    ExceptionDispatchInfo.Capture(e).Throw();
                    break;
            }
        }
    }

    /// <inheritdoc />
    public void WriteObservations(Span<float> destination) => _buffers.WriteObservations(Name, destination);

    /// <summary>Stops every worker (all are asked to close before any is waited for).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        PythonWorker.DisposeAll(_envs.Select(e => e.Worker));
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}(obs={SingleObservationSpace}, act={SingleActionSpace}, autoreset={AutoresetMode})";
}
