using Rl.Agents.Policies;
using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Agents.Rollouts;

/// <summary>The outcome of one episode.</summary>
/// <param name="Return">Undiscounted sum of rewards.</param>
/// <param name="Length">Number of steps.</param>
public readonly record struct Episode(double Return, int Length);

/// <summary>
/// One thread's environment and buffers for running a flat-parameter policy for whole episodes. An episode is fully
/// determined by the parameters, the observation filter, the reset seed and (for stochastic actions) the action generator,
/// whatever worker runs it. Typed environments (<see cref="IEnv{TObs, TAct}"/>) run through a loop specialized to their
/// types that reuses the observation and action buffers, so a step allocates nothing; other environments go through the
/// boxed <see cref="IEnv"/> methods.
/// </summary>
public sealed class RolloutWorker : IDisposable
{
    private readonly IEpisodeRunner _runner;

    /// <summary>Creates a worker that owns <paramref name="env"/>.</summary>
    /// <exception cref="ArgumentException">If the environment's spaces do not match the architecture.</exception>
    public RolloutWorker(IEnv env, PolicyArchitecture architecture)
    {
        architecture.EnsureCompatible(env);
        Env = env;
        Workspace = new PolicyWorkspace(architecture);
        Parameters = new float[architecture.ParameterCount];
        _runner = CreateRunner(env, Workspace);
    }

    /// <summary>The worker's environment.</summary>
    public IEnv Env { get; }

    /// <summary>The policy buffers.</summary>
    public PolicyWorkspace Workspace { get; }

    /// <summary>A parameter buffer for the caller to build a perturbed parameter vector in before <see cref="RunEpisode"/>.</summary>
    public float[] Parameters { get; }

    /// <summary>Whether episodes run through the typed, allocation-free loop.</summary>
    public bool IsTyped => _runner is not ObjectEpisodeRunner;

    /// <summary>Runs one episode.</summary>
    /// <param name="parameters">The policy parameters.</param>
    /// <param name="filter">Frozen observation normalization, or null.</param>
    /// <param name="seed">The reset seed (fixes the environment's randomness for the episode).</param>
    /// <param name="deterministic">Act deterministically; otherwise sample with <paramref name="actionRng"/>.</param>
    /// <param name="actionRng">Generator for sampled actions (unused when deterministic).</param>
    /// <param name="statistics">Receives every raw flattened observation the policy sees, or null.</param>
    /// <param name="horizon">Stop after this many steps (0: only when the environment ends the episode).</param>
    public Episode RunEpisode(ReadOnlySpan<float> parameters, ObservationFilter? filter, int seed, bool deterministic,
        Rng? actionRng = null, ObservationStatistics? statistics = null, int horizon = 0) =>
        _runner.Run(parameters, filter, seed, deterministic, actionRng, statistics, horizon);

    /// <summary>Disposes the environment.</summary>
    public void Dispose() => Env.Dispose();

    private static IEpisodeRunner CreateRunner(IEnv env, PolicyWorkspace workspace)
    {
        var typed = env.GetType().GetInterfaces()
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnv<,>));
        if (typed is null) return new ObjectEpisodeRunner(env, workspace);
        var types = typed.GetGenericArguments();
        if (!typeof(FlatActionHead<>).MakeGenericType(types[1]).IsInstanceOfType(workspace.Architecture.Head))
            return new ObjectEpisodeRunner(env, workspace);
        return (IEpisodeRunner)Activator.CreateInstance(typeof(EpisodeRunner<,>).MakeGenericType(types), env, workspace)!;
    }
}

internal interface IEpisodeRunner
{
    Episode Run(ReadOnlySpan<float> parameters, ObservationFilter? filter, int seed, bool deterministic, Rng? actionRng,
        ObservationStatistics? statistics, int horizon);
}

/// <summary>The typed loop: observation and action buffers are reused across steps and episodes.</summary>
internal sealed class EpisodeRunner<TObs, TAct> : IEpisodeRunner
{
    // Only plain arrays are handed back as the `into` buffer; other observation types are left to the environment.
    private static readonly bool ReuseObservation = typeof(TObs).IsArray && typeof(TObs).GetElementType()!.IsPrimitive;
    private readonly IEnv<TObs, TAct> _env;
    private readonly Space<TObs> _observationSpace;
    private readonly FlatActionHead<TAct> _head;
    private readonly PolicyWorkspace _workspace;
    private readonly TAct _action;
    private TObs? _observation;

    public EpisodeRunner(IEnv<TObs, TAct> env, PolicyWorkspace workspace)
    {
        _env = env;
        _observationSpace = env.ObservationSpace;
        _head = (FlatActionHead<TAct>)workspace.Architecture.Head;
        _workspace = workspace;
        _action = _head.CreateBuffer();
    }

    public Episode Run(ReadOnlySpan<float> parameters, ObservationFilter? filter, int seed, bool deterministic, Rng? actionRng,
        ObservationStatistics? statistics, int horizon)
    {
        var observation = _env.Reset(seed, null, _observation).Observation;
        if (ReuseObservation) _observation = observation;
        double total = 0;
        int steps = 0;
        while (true)
        {
            _observationSpace.Flatten(observation, _workspace.Observation);
            statistics?.Add(_workspace.Observation);
            var output = _workspace.Forward(parameters, filter);
            var step = _env.Step(_head.Act(output, deterministic, actionRng, _action), _observation);
            total += step.Reward;
            steps++;
            if (step.Done || steps == horizon) return new Episode(total, steps);
            observation = step.Observation;
        }
    }
}

/// <summary>The boxed loop for environments without a typed interface.</summary>
internal sealed class ObjectEpisodeRunner(IEnv env, PolicyWorkspace workspace) : IEpisodeRunner
{
    public Episode Run(ReadOnlySpan<float> parameters, ObservationFilter? filter, int seed, bool deterministic, Rng? actionRng,
        ObservationStatistics? statistics, int horizon)
    {
        var space = workspace.Architecture.ObservationSpace;
        object observation = env.ResetObject(seed).Observation;
        double total = 0;
        int steps = 0;
        while (true)
        {
            space.FlattenObject(observation, workspace.Observation);
            statistics?.Add(workspace.Observation);
            var output = workspace.Forward(parameters, filter);
            var step = env.StepObject(workspace.Architecture.Head.ActObject(output, deterministic, actionRng));
            total += step.Reward;
            steps++;
            if (step.Done || steps == horizon) return new Episode(total, steps);
            observation = step.Observation;
        }
    }
}
