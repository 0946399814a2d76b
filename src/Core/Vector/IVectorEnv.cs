using Rl.Core.Spaces;

namespace Rl.Core.Vector;

/// <summary>
/// A batch of <see cref="NumEnvs"/> independent copies of an environment stepped together (Gymnasium's <c>VectorEnv</c>).
/// Sub-environment <c>i</c> is seeded with <c>seed + i</c>; finished episodes are handled as <see cref="AutoresetMode"/> says.
/// </summary>
/// <typeparam name="TObs">The observation type of one sub-environment.</typeparam>
/// <typeparam name="TAct">The action type of one sub-environment.</typeparam>
/// <remarks>
/// Results are views of buffers that the vector environment owns and reuses (Gymnasium's <c>copy=False</c>): the next
/// <c>Reset</c> or <c>Step</c> overwrites them, array observations included. Copy what must outlive the call
/// (<see cref="VectorStepResult{TObs}.CopyObservations"/>, <see cref="Space{T}.Copy"/>). In exchange a step allocates nothing
/// when the sub-environments write array observations into the given <c>into</c> buffers.
/// </remarks>
public interface IVectorEnv<TObs, TAct> : IDisposable
{
    /// <summary>A name for messages, e.g. <c>SyncVectorEnv(CartPole-v1 x 8)</c>.</summary>
    string Name { get; }

    /// <summary>The number of sub-environments.</summary>
    int NumEnvs { get; }

    /// <summary>What happens to a sub-environment whose episode ended.</summary>
    AutoresetMode AutoresetMode { get; }

    /// <summary>The observation space of one sub-environment.</summary>
    Space<TObs> SingleObservationSpace { get; }

    /// <summary>The action space of one sub-environment.</summary>
    Space<TAct> SingleActionSpace { get; }

    /// <summary>The space of a batch of observations (one per sub-environment).</summary>
    BatchedSpace<TObs> ObservationSpace { get; }

    /// <summary>The space of a batch of actions (one per sub-environment); its <c>Sample</c> gives random actions for all.</summary>
    BatchedSpace<TAct> ActionSpace { get; }

    /// <summary>The flattened length of one observation (<c>SingleObservationSpace.FlatDim</c>).</summary>
    int ObservationDim { get; }

    /// <summary>The first sub-environment's metadata.</summary>
    EnvMetadata Metadata { get; }

    /// <summary>The first sub-environment's spec (null when not made through a registry).</summary>
    EnvSpec? Spec { get; }

    /// <summary>
    /// The sub-environments, for inspection (e.g. finding a wrapper). Calling their <c>Reset</c> or <c>Step</c> directly
    /// bypasses the vector environment's bookkeeping.
    /// </summary>
    IReadOnlyList<IEnv<TObs, TAct>> Envs { get; }

    /// <summary>Resets the sub-environments (all of them, or those where <paramref name="mask"/> is true).</summary>
    /// <param name="seed">When given, sub-environment <c>i</c> is reseeded with <c>seed + i</c>.</param>
    /// <param name="options">Reset options passed to every reset sub-environment.</param>
    /// <param name="mask">Empty for all, or one flag per sub-environment (Gymnasium's <c>reset_mask</c>); the others keep
    /// their episode and observation.</param>
    /// <exception cref="ArgumentException">If the mask has the wrong length or an option is rejected.</exception>
    VectorResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, ReadOnlySpan<bool> mask = default);

    /// <summary>Steps every sub-environment with its action.</summary>
    /// <param name="actions">One action per sub-environment (an array converts implicitly).</param>
    /// <exception cref="ArgumentException">If the number of actions is not <see cref="NumEnvs"/>.</exception>
    /// <exception cref="InvalidActionException">If an action is outside the single action space (nothing is stepped).</exception>
    /// <exception cref="ResetNeededException">Before the first reset, or when a finished sub-environment is stepped with
    /// <see cref="AutoresetMode.Disabled"/> (nothing is stepped).</exception>
    VectorStepResult<TObs> Step(ReadOnlySpan<TAct> actions);

    /// <summary>
    /// Writes the current observations, flattened, one after another into <paramref name="destination"/> (length
    /// <c>NumEnvs * ObservationDim</c>): the contiguous batch an agent feeds to a network. Float array observations are
    /// copied as they are; other types are flattened by <see cref="SingleObservationSpace"/> (one-hot for discrete ones).
    /// </summary>
    /// <exception cref="ArgumentException">If <paramref name="destination"/> has the wrong length.</exception>
    void WriteObservations(Span<float> destination);
}

/// <summary>What a vector <c>Reset</c> returns: views of the vector environment's reused buffers.</summary>
/// <typeparam name="TObs">The observation type of one sub-environment.</typeparam>
public readonly struct VectorResetResult<TObs>
{
    private readonly VectorBuffers<TObs> _buffers;

    internal VectorResetResult(VectorBuffers<TObs> buffers) => _buffers = buffers;

    /// <summary>The observation of each sub-environment (reused buffers: valid until the next call).</summary>
    public ReadOnlySpan<TObs> Observations => _buffers.Observations;

    /// <summary>The reset info of each sub-environment (for masked resets, the last info of the others).</summary>
    public ReadOnlySpan<Info> Infos => _buffers.Infos;

    /// <summary>Deep copies of the observations, which later calls do not overwrite.</summary>
    public TObs[] CopyObservations() => _buffers.CopyObservations();
}

/// <summary>
/// What a vector <c>Step</c> returns: per sub-environment observation, reward, terminated, truncated and info, plus the
/// final observation and info of episodes that ended (as <see cref="AutoresetMode"/> defines). These are views of the
/// vector environment's reused buffers, valid until its next call.
/// </summary>
/// <typeparam name="TObs">The observation type of one sub-environment.</typeparam>
public readonly struct VectorStepResult<TObs>
{
    private readonly VectorBuffers<TObs> _buffers;

    internal VectorStepResult(VectorBuffers<TObs> buffers) => _buffers = buffers;

    /// <summary>The autoreset mode that produced this result.</summary>
    public AutoresetMode Mode => _buffers.Mode;

    /// <summary>
    /// The observation of each sub-environment: after its action, or after its reset (<see cref="AutoresetMode.SameStep"/>
    /// for an ended episode; <see cref="AutoresetMode.NextStep"/> where <see cref="AutoresetEnvs"/> is set).
    /// </summary>
    public ReadOnlySpan<TObs> Observations => _buffers.Observations;

    /// <summary>The reward of each sub-environment (0 where it was autoreset in <see cref="AutoresetMode.NextStep"/>).</summary>
    public ReadOnlySpan<double> Rewards => _buffers.Rewards;

    /// <summary>Whether each sub-environment's episode reached a terminal state in this step.</summary>
    public ReadOnlySpan<bool> Terminated => _buffers.Terminated;

    /// <summary>Whether each sub-environment's episode was truncated (e.g. a time limit) in this step.</summary>
    public ReadOnlySpan<bool> Truncated => _buffers.Truncated;

    /// <summary>The info of each sub-environment (the reset info where the observation is a reset one).</summary>
    public ReadOnlySpan<Info> Infos => _buffers.Infos;

    /// <summary>
    /// <see cref="AutoresetMode.NextStep"/> only: the sub-environments that were reset instead of stepped (their episode
    /// ended in the previous step; their action was ignored). Skip these when storing transitions.
    /// </summary>
    public ReadOnlySpan<bool> AutoresetEnvs => _buffers.Autoreset;

    /// <summary>
    /// <see cref="AutoresetMode.SameStep"/> only: the last observation of each episode that ended in this step (where
    /// <see cref="Done"/> is true; default elsewhere). Bootstrap truncated episodes from it.
    /// </summary>
    public ReadOnlySpan<TObs> FinalObservations => _buffers.FinalObservations;

    /// <summary><see cref="AutoresetMode.SameStep"/> only: the step info of each episode that ended in this step (null elsewhere).</summary>
    public ReadOnlySpan<Info?> FinalInfos => _buffers.FinalInfos;

    /// <summary>Whether sub-environment <paramref name="i"/>'s episode ended in this step (terminated or truncated).</summary>
    public bool Done(int i) => _buffers.Terminated[i] || _buffers.Truncated[i];

    /// <summary>
    /// The observation that followed sub-environment <paramref name="i"/>'s action, whatever the mode: the final one if its
    /// episode ended in this step, otherwise the current one. This is the observation to bootstrap from.
    /// </summary>
    public TObs NextObservation(int i) =>
        _buffers.Mode == AutoresetMode.SameStep && Done(i) ? _buffers.FinalObservations[i] : _buffers.Observations[i];

    /// <summary>Deep copies of <see cref="Observations"/>, which later calls do not overwrite.</summary>
    public TObs[] CopyObservations() => _buffers.CopyObservations();
}
