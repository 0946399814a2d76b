using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Agents.PolicyGradient;

/// <summary>Chooses actions for a batch of observations at once (one network call for all environments).</summary>
public interface IBatchActor
{
    /// <summary>Floats per action row.</summary>
    int ActionWidth { get; }

    /// <summary>Acts on <paramref name="count"/> observation rows; writes action rows and their log-probabilities log μ(a|s).</summary>
    void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, Span<float> logProbs);

    /// <summary>Converts an action row to a value of the environment's action space.</summary>
    object ToEnvAction(ReadOnlySpan<float> row);
}

/// <summary>One finished episode inside a <see cref="RolloutBatch"/>.</summary>
/// <param name="Start">Index of its first step in the batch.</param>
/// <param name="Length">Number of steps.</param>
/// <param name="Truncated">Cut by a time limit rather than terminated: its return is bootstrapped from <paramref name="FinalObservation"/>.</param>
/// <param name="FinalObservation">The flattened observation after the last step (kept only when truncated).</param>
/// <param name="Return">The undiscounted sum of its rewards, for progress reports.</param>
public sealed record EpisodeRecord(int Start, int Length, bool Truncated, float[]? FinalObservation, double Return);

/// <summary>
/// Complete episodes collected by an <see cref="EpisodeCollector"/>, stored contiguously: flattened observations,
/// action rows, rewards and the behaviour policy's log-probabilities log μ(a_t|s_t).
/// </summary>
public sealed class RolloutBatch
{
    private float[] _observations = new float[1024];
    private float[] _actions = new float[256];
    private float[] _rewards = new float[256];
    private float[] _logProbs = new float[256];
    private readonly List<EpisodeRecord> _episodes = [];

    /// <summary>Creates an empty batch.</summary>
    public RolloutBatch(int observationSize, int actionWidth)
    {
        ObservationSize = observationSize;
        ActionWidth = actionWidth;
    }

    /// <summary>Floats per observation row.</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per action row.</summary>
    public int ActionWidth { get; }

    /// <summary>Steps in the batch.</summary>
    public int Steps { get; private set; }

    /// <summary>Observation rows [Steps × ObservationSize].</summary>
    public ReadOnlySpan<float> Observations => _observations.AsSpan(0, Steps * ObservationSize);

    /// <summary>Action rows [Steps × ActionWidth].</summary>
    public ReadOnlySpan<float> Actions => _actions.AsSpan(0, Steps * ActionWidth);

    /// <summary>Rewards [Steps].</summary>
    public ReadOnlySpan<float> Rewards => _rewards.AsSpan(0, Steps);

    /// <summary>Behaviour log-probabilities [Steps].</summary>
    public ReadOnlySpan<float> LogProbs => _logProbs.AsSpan(0, Steps);

    /// <summary>The episodes, in the order they finished.</summary>
    public IReadOnlyList<EpisodeRecord> Episodes => _episodes;

    /// <summary>Appends a finished episode.</summary>
    public void AddEpisode(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, ReadOnlySpan<float> rewards,
        ReadOnlySpan<float> logProbs, bool truncated, float[]? finalObservation)
    {
        int n = rewards.Length;
        if (observations.Length != n * ObservationSize || actions.Length != n * ActionWidth || logProbs.Length != n)
            throw new ArgumentException($"episode arrays disagree: {n} rewards, {observations.Length} observation and {actions.Length} action floats, {logProbs.Length} log-probabilities");
        if (truncated && finalObservation is null) throw new ArgumentException("a truncated episode needs its final observation for bootstrapping", nameof(finalObservation));
        Grow(ref _observations, (Steps + n) * ObservationSize);
        Grow(ref _actions, (Steps + n) * ActionWidth);
        Grow(ref _rewards, Steps + n);
        Grow(ref _logProbs, Steps + n);
        observations.CopyTo(_observations.AsSpan(Steps * ObservationSize));
        actions.CopyTo(_actions.AsSpan(Steps * ActionWidth));
        rewards.CopyTo(_rewards.AsSpan(Steps));
        logProbs.CopyTo(_logProbs.AsSpan(Steps));
        double sum = 0;
        foreach (float r in rewards) sum += r;
        _episodes.Add(new EpisodeRecord(Steps, n, truncated, truncated ? finalObservation : null, sum));
        Steps += n;
    }

    private static void Grow(ref float[] array, int needed)
    {
        if (array.Length >= needed) return;
        Array.Resize(ref array, Math.Max(needed, array.Length * 2));
    }
}

/// <summary>
/// Collects complete episodes from N environments stepped in lockstep: at each step the observations of all running
/// environments go through the actor in one batch. Every episode starts with a reset seeded from the collector's
/// <see cref="Rng"/>, and a collection ends only when all its episodes have ended, so no episode spans two collections
/// and the generator state alone determines the environments (checkpoints need no environment state).
/// Only the <see cref="IEnv"/> interface is used: any registered environment works.
/// </summary>
public sealed class EpisodeCollector : IDisposable
{
    private readonly IEnv[] _envs;
    private readonly Rng _rng;
    private readonly Worker[] _workers;
    private float[] _rows = [];
    private float[] _actions = [];
    private float[] _logProbs = [];

    /// <summary>Creates <paramref name="numEnvs"/> environments with <paramref name="makeEnv"/>.</summary>
    /// <exception cref="ArgumentException">If the environments disagree on their spaces.</exception>
    public EpisodeCollector(Func<IEnv> makeEnv, int numEnvs, Rng rng)
    {
        if (numEnvs < 1) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, "need at least one environment");
        _rng = rng;
        _envs = new IEnv[numEnvs];
        for (int i = 0; i < numEnvs; i++) _envs[i] = makeEnv();
        ObservationSpace = _envs[0].ObservationSpace;
        ActionSpace = _envs[0].ActionSpace;
        foreach (var env in _envs)
            if (env.ObservationSpace.ToString() != ObservationSpace.ToString() || env.ActionSpace.ToString() != ActionSpace.ToString())
                throw new ArgumentException($"environment {env.Name} has spaces {env.ObservationSpace} / {env.ActionSpace}, the first has {ObservationSpace} / {ActionSpace}");
        ObservationSize = ObservationSpace.FlatDim;
        _workers = _envs.Select(_ => new Worker(ObservationSize)).ToArray();
    }

    /// <summary>The environments' observation space.</summary>
    public Space ObservationSpace { get; }

    /// <summary>The environments' action space.</summary>
    public Space ActionSpace { get; }

    /// <summary>Floats per flattened observation.</summary>
    public int ObservationSize { get; }

    /// <summary>The number of environments.</summary>
    public int NumEnvs => _envs.Length;

    /// <summary>The generator that seeds every episode.</summary>
    public Rng Rng => _rng;

    /// <summary>
    /// Collects complete episodes until at least <paramref name="minSteps"/> steps and <paramref name="minEpisodes"/>
    /// episodes are in hand: an environment starts another episode only while the steps so far (finished and running)
    /// are below <paramref name="minSteps"/> or fewer than <paramref name="minEpisodes"/> episodes were started.
    /// </summary>
    public RolloutBatch Collect(IBatchActor actor, int minSteps, int minEpisodes = 0)
    {
        if (minSteps <= 0 && minEpisodes <= 0) throw new ArgumentException("collect needs minSteps > 0 or minEpisodes > 0");
        int width = actor.ActionWidth;
        var batch = new RolloutBatch(ObservationSize, width);
        int started = 0;
        long stepsSoFar = 0;
        bool ShouldStart() => stepsSoFar < minSteps || started < minEpisodes;

        foreach (var (env, w) in _envs.Zip(_workers))
        {
            w.Clear();
            w.Active = ShouldStart();
            if (!w.Active) continue;
            started++;
            Reset(env, w);
        }
        EnsureCapacity(width);
        while (true)
        {
            int count = 0;
            foreach (var w in _workers)
                if (w.Active) w.Current.CopyTo(_rows.AsSpan(count++ * ObservationSize));
            if (count == 0) break;
            actor.Act(_rows.AsSpan(0, count * ObservationSize), count, _actions.AsSpan(0, count * width), _logProbs.AsSpan(0, count));
            int k = 0;
            for (int i = 0; i < _envs.Length; i++)
            {
                var w = _workers[i];
                if (!w.Active) continue;
                var action = _actions.AsSpan(k * width, width);
                w.Record(action, _logProbs[k]);
                k++;
                var r = _envs[i].StepObject(actor.ToEnvAction(action));
                w.Rewards.Add((float)r.Reward);
                stepsSoFar++;
                if (r.Terminated || r.Truncated)
                {
                    bool truncated = r.Truncated && !r.Terminated;
                    float[]? final = null;
                    if (truncated)
                    {
                        final = new float[ObservationSize];
                        ObservationSpace.FlattenObject(r.Observation, final);
                    }
                    w.Finish(batch, truncated, final);
                    w.Active = ShouldStart();
                    if (!w.Active) continue;
                    started++;
                    Reset(_envs[i], w);
                }
                else
                {
                    ObservationSpace.FlattenObject(r.Observation, w.Current);
                }
            }
        }
        return batch;
    }

    private void Reset(IEnv env, Worker w)
    {
        var r = env.ResetObject(seed: _rng.NextSeed());
        ObservationSpace.FlattenObject(r.Observation, w.Current);
    }

    private void EnsureCapacity(int width)
    {
        int n = _envs.Length;
        if (_rows.Length < n * ObservationSize) _rows = new float[n * ObservationSize];
        if (_actions.Length < n * width) _actions = new float[n * width];
        if (_logProbs.Length < n) _logProbs = new float[n];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var env in _envs) env.Dispose();
    }

    // The episode in progress in one environment.
    private sealed class Worker(int observationSize)
    {
        public readonly float[] Current = new float[observationSize];
        public readonly List<float> Observations = [];
        public readonly List<float> Actions = [];
        public readonly List<float> Rewards = [];
        public readonly List<float> LogProbs = [];
        public bool Active;

        public void Clear()
        {
            Observations.Clear();
            Actions.Clear();
            Rewards.Clear();
            LogProbs.Clear();
        }

        public void Record(ReadOnlySpan<float> action, float logProb)
        {
            Observations.AddRange(Current);
            Actions.AddRange(action);
            LogProbs.Add(logProb);
        }

        public void Finish(RolloutBatch batch, bool truncated, float[]? final)
        {
            batch.AddEpisode(
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Observations),
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Actions),
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Rewards),
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(LogProbs), truncated, final);
            Clear();
        }
    }
}
