using Rl.Core;
using Rl.Core.Spaces;
using Rl.Core.Vector;

namespace Rl.Agents.Rollouts;

/// <summary>
/// The one view through which agents see environments: a Core vector environment (<see cref="IVectorEnv{TObs, TAct}"/>, in
/// <see cref="AutoresetMode.SameStep"/> mode) seen as flat float rows. Observations are written into float arrays this view
/// owns (one row of <see cref="ObservationSize"/> per sub-environment); actions come in as rows of <see cref="ActionWidth"/>
/// floats and are converted to the typed actions by <see cref="ActionRows{TAct}"/> into reused buffers. Nothing is boxed and,
/// when the environments honour Core's <c>into</c> contract, a step allocates nothing.
/// </summary>
/// <remarks>
/// After <see cref="Step"/>, <see cref="Observations"/> holds the observation each sub-environment will act on next: for an
/// episode that ended in this step that is already the first observation of its next episode (same-step autoreset), and the
/// observation that followed the last action is in <see cref="FinalObservations"/>. A truncated episode bootstraps its
/// value from that final row; a terminated one does not bootstrap. <see cref="ResetEnv"/> reseeds one sub-environment (the
/// engine does this to give every episode its own reset seed).
/// </remarks>
public abstract class FlatVectorEnv : IDisposable
{
    private protected FlatVectorEnv(int numEnvs, int observationSize, int actionWidth)
    {
        NumEnvs = numEnvs;
        ObservationSize = observationSize;
        ActionWidth = actionWidth;
        Observations = new float[numEnvs * observationSize];
        FinalObservations = new float[numEnvs * observationSize];
        Rewards = new double[numEnvs];
        Terminated = new bool[numEnvs];
        Truncated = new bool[numEnvs];
    }

    /// <summary>
    /// Builds <paramref name="numEnvs"/> environments with <paramref name="makeEnv"/> as a synchronous vector environment and
    /// returns its flat view. The environments must implement <see cref="IEnv{TObs, TAct}"/> (every registered one does); the
    /// typed loop is chosen once here.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="numEnvs"/> is below 1.</exception>
    /// <exception cref="ArgumentException">If the environment is not typed or the sub-environments' spaces differ.</exception>
    /// <exception cref="NotSupportedException">If the action space has no row form (see <see cref="ActionRows"/>).</exception>
    public static FlatVectorEnv Create(Func<IEnv> makeEnv, int numEnvs)
    {
        ArgumentNullException.ThrowIfNull(makeEnv);
        if (numEnvs < 1) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, "a vector environment needs at least one sub-env");
        var first = makeEnv();
        try
        {
            var typed = first.GetType().GetInterfaces()
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnv<,>))
                ?? throw new ArgumentException($"environment {first.Name} ({first.GetType().Name}) does not implement IEnv<TObs, TAct>; the rollout engine needs its typed interface", nameof(makeEnv));
            var method = typeof(FlatVectorEnv).GetMethod(nameof(CreateTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(typed.GetGenericArguments());
            var env = first;
            first = null;
            return (FlatVectorEnv)method.Invoke(null, [env, makeEnv, numEnvs])!;
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
        finally
        {
            first?.Dispose();
        }
    }

    private static FlatVectorEnv CreateTyped<TObs, TAct>(IEnv first, Func<IEnv> makeEnv, int numEnvs)
    {
        var factories = new Func<IEnv<TObs, TAct>>[numEnvs];
        factories[0] = () => (IEnv<TObs, TAct>)first;
        for (int i = 1; i < numEnvs; i++)
            factories[i] = () => makeEnv() as IEnv<TObs, TAct>
                ?? throw new ArgumentException($"the environment factory returned an environment whose types differ from {first.Name}'s", nameof(makeEnv));
        return new FlatVectorEnv<TObs, TAct>(new SyncVectorEnv<TObs, TAct>(factories, AutoresetMode.SameStep));
    }

    /// <summary>The number of sub-environments (rows).</summary>
    public int NumEnvs { get; }

    /// <summary>Floats per observation row (the observation space's flat dimension).</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per action row.</summary>
    public int ActionWidth { get; }

    /// <summary>The observation space of one sub-environment.</summary>
    public abstract Space ObservationSpace { get; }

    /// <summary>The action space of one sub-environment.</summary>
    public abstract Space ActionSpace { get; }

    /// <summary>The row form of actions.</summary>
    public abstract ActionRows Actions { get; }

    /// <summary>A name for messages.</summary>
    public abstract string Name { get; }

    /// <summary>The first sub-environment (for its name, spec and wrappers).</summary>
    public abstract IEnv FirstEnv { get; }

    /// <summary>The current observation of every sub-environment, row after row [NumEnvs × ObservationSize].</summary>
    public float[] Observations { get; }

    /// <summary>After <see cref="Step"/>: the observation that followed the action where the episode ended (valid where <see cref="Done"/>).</summary>
    public float[] FinalObservations { get; }

    /// <summary>After <see cref="Step"/>: each sub-environment's reward.</summary>
    public double[] Rewards { get; }

    /// <summary>After <see cref="Step"/>: whether each sub-environment's episode reached a terminal state.</summary>
    public bool[] Terminated { get; }

    /// <summary>After <see cref="Step"/>: whether each sub-environment's episode was truncated (e.g. by a time limit).</summary>
    public bool[] Truncated { get; }

    /// <summary>Whether sub-environment <paramref name="i"/>'s episode ended in the last step.</summary>
    public bool Done(int i) => Terminated[i] || Truncated[i];

    /// <summary>The observation row of sub-environment <paramref name="i"/>.</summary>
    public Span<float> ObservationRow(int i) => Observations.AsSpan(i * ObservationSize, ObservationSize);

    /// <summary>The final observation row of sub-environment <paramref name="i"/> (valid where its episode ended in the last step).</summary>
    public Span<float> FinalObservationRow(int i) => FinalObservations.AsSpan(i * ObservationSize, ObservationSize);

    /// <summary>Resets every sub-environment, sub-environment <c>i</c> with <c>seed + i</c> (unseeded when null).</summary>
    public abstract void Reset(int? seed);

    /// <summary>Starts a new episode in sub-environment <paramref name="index"/> with reset seed <paramref name="seed"/>.</summary>
    public abstract void ResetEnv(int index, int seed);

    /// <summary>
    /// Steps every sub-environment with its row of <paramref name="actionRows"/> [NumEnvs × ActionWidth] and fills
    /// <see cref="Rewards"/>, <see cref="Terminated"/>, <see cref="Truncated"/>, <see cref="FinalObservations"/> (where an
    /// episode ended) and <see cref="Observations"/> (after a same-step reset where it ended).
    /// </summary>
    /// <exception cref="ArgumentException">If <paramref name="actionRows"/> has the wrong length.</exception>
    public abstract void Step(ReadOnlySpan<float> actionRows);

    /// <summary>Disposes the environments.</summary>
    public abstract void Dispose();
}

/// <summary>The typed implementation of <see cref="FlatVectorEnv"/> over a same-step-autoreset vector environment.</summary>
/// <typeparam name="TObs">The observation type of one sub-environment.</typeparam>
/// <typeparam name="TAct">The action type of one sub-environment.</typeparam>
public sealed class FlatVectorEnv<TObs, TAct> : FlatVectorEnv
{
    private readonly IVectorEnv<TObs, TAct> _env;
    private readonly ActionRows<TAct> _rows;
    private readonly TAct[] _actions;
    private readonly bool[] _mask;

    /// <summary>Wraps <paramref name="env"/>, which this view then owns.</summary>
    /// <exception cref="ArgumentException">If its autoreset mode is not <see cref="AutoresetMode.SameStep"/>.</exception>
    public FlatVectorEnv(IVectorEnv<TObs, TAct> env)
        : base(env.NumEnvs, env.ObservationDim, ActionRows.For(env.SingleActionSpace).Width)
    {
        if (env.AutoresetMode != AutoresetMode.SameStep)
            throw new ArgumentException($"{env.Name}: the rollout engine needs AutoresetMode.SameStep (final observations for the bootstrap), not {env.AutoresetMode}", nameof(env));
        _env = env;
        _rows = ActionRows.For(env.SingleActionSpace);
        _actions = new TAct[env.NumEnvs];
        for (int i = 0; i < _actions.Length; i++) _actions[i] = _rows.CreateBuffer();
        _mask = new bool[env.NumEnvs];
    }

    /// <summary>The vector environment underneath.</summary>
    public IVectorEnv<TObs, TAct> Vector => _env;

    /// <inheritdoc />
    public override Space ObservationSpace => _env.SingleObservationSpace;

    /// <inheritdoc />
    public override Space ActionSpace => _env.SingleActionSpace;

    /// <inheritdoc />
    public override ActionRows Actions => _rows;

    /// <inheritdoc />
    public override string Name => _env.Name;

    /// <inheritdoc />
    public override IEnv FirstEnv => _env.Envs[0];

    /// <inheritdoc />
    public override void Reset(int? seed)
    {
        _env.Reset(seed);
        _env.WriteObservations(Observations);
    }

    /// <inheritdoc />
    public override void ResetEnv(int index, int seed)
    {
        _mask[index] = true;
        try
        {
            // The vector environment seeds sub-env i with seed + i.
            var r = _env.Reset(unchecked(seed - index), null, _mask);
            Flatten(r.Observations[index], ObservationRow(index));
        }
        finally
        {
            _mask[index] = false;
        }
    }

    /// <inheritdoc />
    public override void Step(ReadOnlySpan<float> actionRows)
    {
        if (actionRows.Length != NumEnvs * ActionWidth)
            throw new ArgumentException($"{Name}: expected {NumEnvs} action rows of {ActionWidth} floats ({NumEnvs * ActionWidth}) but got {actionRows.Length}", nameof(actionRows));
        for (int i = 0; i < _actions.Length; i++)
            _actions[i] = _rows.Decode(actionRows.Slice(i * ActionWidth, ActionWidth), _actions[i]);
        var r = _env.Step(_actions);
        var rewards = r.Rewards;
        var terminated = r.Terminated;
        var truncated = r.Truncated;
        var finals = r.FinalObservations;
        for (int i = 0; i < _actions.Length; i++)
        {
            Rewards[i] = rewards[i];
            Terminated[i] = terminated[i];
            Truncated[i] = truncated[i];
            if (terminated[i] || truncated[i]) Flatten(finals[i], FinalObservationRow(i));
        }
        _env.WriteObservations(Observations);
    }

    private void Flatten(TObs observation, Span<float> row)
    {
        if (observation is float[] f) f.AsSpan().CopyTo(row);
        else _env.SingleObservationSpace.Flatten(observation, row);
    }

    /// <inheritdoc />
    public override void Dispose() => _env.Dispose();
}
