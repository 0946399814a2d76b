using Rl.Core.Spaces;

namespace Rl.Core;

/// <summary>
/// The untyped view of an environment, for code that handles any environment (the registry, the runner, the checker).
/// Agents and hot loops use <see cref="IEnv{TObs, TAct}"/>.
/// </summary>
public interface IEnv : IDisposable
{
    /// <summary>A name for messages: the registered id when made through the registry, otherwise the type name.</summary>
    string Name { get; }

    /// <summary>The space of observations (what the agent sees; in a POMDP not the hidden state).</summary>
    Space ObservationSpace { get; }

    /// <summary>The space of valid actions.</summary>
    Space ActionSpace { get; }

    /// <summary>Render modes and frame rate.</summary>
    EnvMetadata Metadata { get; }

    /// <summary>The registry entry this environment was made from, or null when constructed directly.</summary>
    EnvSpec? Spec { get; }

    /// <summary>The innermost environment under any wrappers.</summary>
    IEnv Unwrapped { get; }

    /// <summary>
    /// Starts a new episode. A seed reseeds the environment's generator (Gymnasium's semantics: seed once, then reset
    /// without a seed to continue the same stream).
    /// </summary>
    /// <param name="seed">Reseeds the environment's generator when given.</param>
    /// <param name="options">Environment-specific reset options; unknown keys are an error.</param>
    ResetResult<object> ResetObject(int? seed = null, OptionSet? options = null);

    /// <summary>Takes one step with a boxed action (converted to the action type, e.g. a <c>long</c> for a Discrete space).</summary>
    /// <exception cref="InvalidActionException">If the action cannot be converted or is outside the action space.</exception>
    /// <exception cref="ResetNeededException">Before the first reset or after the episode ended.</exception>
    StepResult<object> StepObject(object action);
}

/// <summary>
/// An environment with Gymnasium's semantics: <c>Reset(seed, options)</c> returns the first observation and info;
/// <c>Step(action)</c> returns observation, reward, terminated, truncated and info.
/// </summary>
/// <typeparam name="TObs">The observation type, e.g. <c>float[]</c> for a float32 <see cref="Box{T}"/>.</typeparam>
/// <typeparam name="TAct">The action type, e.g. <c>int</c> for <see cref="Discrete"/>.</typeparam>
public interface IEnv<TObs, TAct> : IEnv
{
    /// <summary>The typed observation space.</summary>
    new Space<TObs> ObservationSpace { get; }

    /// <summary>The typed action space.</summary>
    new Space<TAct> ActionSpace { get; }

    /// <summary>Starts a new episode.</summary>
    /// <param name="seed">Reseeds the environment's generator when given.</param>
    /// <param name="options">Environment-specific reset options; unknown keys are an error.</param>
    /// <param name="into">
    /// Optional buffer for an array-valued observation: when given, the observation is written into it and it is returned
    /// as the observation, so no array is allocated. When omitted, a new array is returned (it stays valid for the caller).
    /// </param>
    ResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, TObs? into = default);

    /// <summary>Takes one step.</summary>
    /// <param name="action">An element of <see cref="ActionSpace"/>.</param>
    /// <param name="into">Optional buffer for the observation, as for <see cref="Reset"/>.</param>
    /// <exception cref="InvalidActionException">If <paramref name="action"/> is outside the action space.</exception>
    /// <exception cref="ResetNeededException">Before the first reset or after the episode ended.</exception>
    StepResult<TObs> Step(TAct action, TObs? into = default);
}

/// <summary>
/// Base class for environments. It enforces the contract (reset before step, no step after the end of an episode,
/// actions inside the action space, known reset options) and owns the seeded generator, so that subclasses implement
/// only the dynamics in <see cref="ResetCore"/> and <see cref="StepCore"/>.
/// </summary>
/// <typeparam name="TObs">The observation type.</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
public abstract class Env<TObs, TAct> : IEnv<TObs, TAct>, ISpecHolder
{
    private Rng? _rng;
    private NumpyGenerator? _numpyRng;
    private int? _numpySeed;
    private EpisodePhase _phase = EpisodePhase.NeverReset;

    private enum EpisodePhase { NeverReset, Running, Ended }

    /// <inheritdoc />
    public abstract Space<TObs> ObservationSpace { get; }

    /// <inheritdoc />
    public abstract Space<TAct> ActionSpace { get; }

    Space IEnv.ObservationSpace => ObservationSpace;
    Space IEnv.ActionSpace => ActionSpace;

    /// <inheritdoc />
    public virtual EnvMetadata Metadata => EnvMetadata.None;

    /// <inheritdoc />
    public EnvSpec? Spec { get; set; }

    /// <inheritdoc />
    public string Name => Spec?.Id ?? GetType().Name;

    /// <inheritdoc />
    public IEnv Unwrapped => this;

    /// <summary>The reset options this environment accepts; any other key is rejected by <see cref="Reset"/>.</summary>
    protected virtual IReadOnlyCollection<string> ResetOptionKeys => [];

    /// <summary>The environment's generator (Gymnasium's <c>np_random</c>), seeded by <c>Reset(seed)</c>, else from entropy.</summary>
    protected Rng Random => _rng ??= Rng.FromEntropy();

    /// <summary>
    /// Gymnasium's own <c>np_random</c> (numpy's <c>Generator(PCG64(SeedSequence(seed)))</c>), for environments that copy a
    /// Gymnasium environment: <c>Reset(seed: s)</c> reseeds it (created on first use, so other environments pay nothing) and
    /// later unseeded resets continue its stream, exactly as in Gymnasium. A negative seed s stands for s + 2^32.
    /// </summary>
    protected NumpyGenerator NumpyRandom =>
        _numpyRng ??= _numpySeed is int s ? NumpyGenerator.ForEnvSeed(s) : NumpyGenerator.FromEntropy();

    /// <summary>Whether the current episode has ended (a step returned terminated or truncated).</summary>
    public bool EpisodeEnded => _phase == EpisodePhase.Ended;

    /// <inheritdoc />
    public ResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, TObs? into = default)
    {
        options ??= OptionSet.Empty;
        // Checked only when there are options, so that the usual option-less reset builds no message string (allocates nothing).
        if (options.Count > 0) options.EnsureOnly(ResetOptionKeys, $"{Name}.Reset");
        var (previousRng, previousNumpyRng, previousNumpySeed) = (_rng, _numpyRng, _numpySeed);
        if (seed is int s) (_rng, _numpyRng, _numpySeed) = (new Rng(s), null, s);
        ResetResult<TObs> result;
        try
        {
            result = ResetCore(options, into);
        }
        catch
        {
            // A rejected reset (e.g. invalid option values) must not reseed the generator behind the caller's back.
            (_rng, _numpyRng, _numpySeed) = (previousRng, previousNumpyRng, previousNumpySeed);
            throw;
        }
        _phase = EpisodePhase.Running;
        return result;
    }

    /// <inheritdoc />
    public StepResult<TObs> Step(TAct action, TObs? into = default)
    {
        if (_phase != EpisodePhase.Running) ThrowResetNeeded();
        if (!ActionSpace.Contains(action)) ThrowInvalidAction(action);
        var result = StepCore(action, into);
        if (result.Terminated || result.Truncated) _phase = EpisodePhase.Ended;
        return result;
    }

    private void ThrowResetNeeded() => throw new ResetNeededException(Name, _phase == EpisodePhase.NeverReset
        ? "Step was called before Reset; call Reset first."
        : "Step was called after the episode ended (terminated or truncated); call Reset to start a new episode.");

    private void ThrowInvalidAction(TAct action) =>
        throw new InvalidActionException(Name, ActionSpace, action, ActionSpace.Explain(action) ?? "rejected");

    /// <summary>Resets the state and returns the first observation (into <paramref name="into"/> when given).</summary>
    /// <param name="options">Reset options, already checked against <see cref="ResetOptionKeys"/>.</param>
    /// <param name="into">Optional observation buffer to write into and return.</param>
    protected abstract ResetResult<TObs> ResetCore(OptionSet options, TObs? into);

    /// <summary>Advances the dynamics by one valid action.</summary>
    /// <param name="action">An action already checked against <see cref="ActionSpace"/>.</param>
    /// <param name="into">Optional observation buffer to write into and return.</param>
    protected abstract StepResult<TObs> StepCore(TAct action, TObs? into);

    /// <inheritdoc />
    public ResetResult<object> ResetObject(int? seed = null, OptionSet? options = null)
    {
        var r = Reset(seed, options);
        return new ResetResult<object>(r.Observation!, r.Info);
    }

    /// <inheritdoc />
    public StepResult<object> StepObject(object action)
    {
        var r = Step(ActionConversion.Convert(Name, ActionSpace, action));
        return new StepResult<object>(r.Observation!, r.Reward, r.Terminated, r.Truncated, r.Info);
    }

    /// <summary>Releases native resources; the base implementation does nothing.</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <inheritdoc />
    public override string ToString() => $"{Name}(obs={ObservationSpace}, act={ActionSpace})";
}

/// <summary>Converts boxed actions (from JSON, the command line or another language) to a space's value type.</summary>
public static class ActionConversion
{
    /// <summary>Converts <paramref name="action"/> to <typeparamref name="TAct"/>.</summary>
    /// <exception cref="InvalidActionException">If no exact conversion exists (e.g. 1.5 for a Discrete space).</exception>
    public static TAct Convert<TAct>(string envName, Space<TAct> space, object action)
    {
        if (action is TAct t) return t;
        object? converted = action switch
        {
            long l when typeof(TAct) == typeof(int) && l is >= int.MinValue and <= int.MaxValue => (int)l,
            double d when typeof(TAct) == typeof(int) && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue => (int)d,
            double[] a when typeof(TAct) == typeof(float[]) => a.Select(x => (float)x).ToArray(),
            float[] a when typeof(TAct) == typeof(double[]) => a.Select(x => (double)x).ToArray(),
            long[] a when typeof(TAct) == typeof(int[]) => a.Select(x => checked((int)x)).ToArray(),
            int[] a when typeof(TAct) == typeof(float[]) => a.Select(x => (float)x).ToArray(),
            int[] a when typeof(TAct) == typeof(byte[]) && a.All(x => x is >= 0 and <= 255) => a.Select(x => (byte)x).ToArray(),
            _ => null,
        };
        if (converted is TAct c) return c;
        throw new InvalidActionException(envName, space, action,
            $"expected a value of type {typeof(TAct).Name} but got {action.GetType().Name}");
    }
}
