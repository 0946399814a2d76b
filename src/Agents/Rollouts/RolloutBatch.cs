namespace Rl.Agents.Rollouts;

/// <summary>Chooses actions for a batch of observation rows at once (one network call for all environments).</summary>
public interface IBatchActor
{
    /// <summary>Floats per action row.</summary>
    int ActionWidth { get; }

    /// <summary>Acts on <paramref name="count"/> observation rows; writes action rows and their log-probabilities log μ(a|s).</summary>
    void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, Span<float> logProbs);
}

/// <summary>One finished episode inside a <see cref="RolloutBatch"/>.</summary>
/// <param name="Start">Index of its first step in the batch.</param>
/// <param name="Length">Number of steps.</param>
/// <param name="Truncated">Cut by a time limit rather than terminated: its return is bootstrapped from <paramref name="FinalObservation"/>.</param>
/// <param name="FinalObservation">The flattened observation after the last step (kept only when truncated).</param>
/// <param name="Return">The undiscounted sum of its rewards, for progress reports.</param>
public readonly record struct EpisodeRecord(int Start, int Length, bool Truncated, float[]? FinalObservation, double Return);

/// <summary>
/// Complete episodes collected by a <see cref="LockstepCollector"/>, stored contiguously: flattened observations,
/// action rows, rewards and the behaviour policy's log-probabilities log μ(a_t|s_t). A batch can be cleared and refilled:
/// its arrays only grow, so a reused batch allocates nothing once it has reached its size.
/// </summary>
public sealed class RolloutBatch
{
    private float[] _observations = new float[1024];
    private float[] _actions = new float[256];
    private float[] _rewards = new float[256];
    private float[] _logProbs = new float[256];
    private readonly List<EpisodeRecord> _episodes = [];

    /// <summary>Creates an empty batch.</summary>
    /// <param name="observationSize">Floats per observation row.</param>
    /// <param name="actionWidth">Floats per action row.</param>
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

    /// <summary>Empties the batch, keeping its arrays.</summary>
    public void Clear()
    {
        Steps = 0;
        _episodes.Clear();
    }

    /// <summary>Appends a finished episode.</summary>
    /// <exception cref="ArgumentException">If the spans disagree on the number of steps, or a truncated episode has no final observation.</exception>
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

    internal static void Grow(ref float[] array, int needed)
    {
        if (array.Length >= needed) return;
        Array.Resize(ref array, Math.Max(needed, array.Length * 2));
    }
}

/// <summary>
/// A fixed-length rollout of <see cref="StepsPerEnv"/> lockstep steps of <see cref="NumEnvs"/> environments (the buffer of
/// PPO and A2C), time-major: entry <c>t * NumEnvs + i</c> is environment <c>i</c> at step <c>t</c>. Episodes run across
/// collections; an episode that ended at entry k has <see cref="Terminated"/> or <see cref="Truncated"/> set there, and for a
/// truncated one <see cref="FinalObservations"/> holds the observation to bootstrap V from at row k. After the last step,
/// <see cref="LastObservations"/> holds each environment's current observation (the bootstrap of unfinished episodes).
/// </summary>
public sealed class StepBatch
{
    private readonly List<(double Return, int Length)> _finished = [];

    /// <summary>Allocates the buffers.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If a size is not positive.</exception>
    public StepBatch(int stepsPerEnv, int numEnvs, int observationSize, int actionWidth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerEnv, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numEnvs, 1);
        (StepsPerEnv, NumEnvs, ObservationSize, ActionWidth) = (stepsPerEnv, numEnvs, observationSize, actionWidth);
        int n = stepsPerEnv * numEnvs;
        Observations = new float[n * observationSize];
        FinalObservations = new float[n * observationSize];
        Actions = new float[n * actionWidth];
        LogProbs = new float[n];
        Rewards = new float[n];
        Terminated = new bool[n];
        Truncated = new bool[n];
        LastObservations = new float[numEnvs * observationSize];
    }

    /// <summary>Steps per environment (T).</summary>
    public int StepsPerEnv { get; }

    /// <summary>Environments (N).</summary>
    public int NumEnvs { get; }

    /// <summary>Floats per observation row.</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per action row.</summary>
    public int ActionWidth { get; }

    /// <summary>Observation rows [T·N × obs]: what each action was chosen on.</summary>
    public float[] Observations { get; }

    /// <summary>Action rows [T·N × width].</summary>
    public float[] Actions { get; }

    /// <summary>Behaviour log-probabilities [T·N].</summary>
    public float[] LogProbs { get; }

    /// <summary>Rewards [T·N].</summary>
    public float[] Rewards { get; }

    /// <summary>Whether the step ended its episode in a terminal state (no bootstrap) [T·N].</summary>
    public bool[] Terminated { get; }

    /// <summary>Whether the step's episode was truncated there (bootstrap from <see cref="FinalObservations"/>) [T·N].</summary>
    public bool[] Truncated { get; }

    /// <summary>Rows [T·N × obs], valid where <see cref="Truncated"/> or <see cref="Terminated"/>: the observation after the last action.</summary>
    public float[] FinalObservations { get; }

    /// <summary>Each environment's observation after the last step [N × obs].</summary>
    public float[] LastObservations { get; }

    /// <summary>Return and length of each episode that ended during the last collection, in the order they ended.</summary>
    public IReadOnlyList<(double Return, int Length)> FinishedEpisodes => _finished;

    internal List<(double Return, int Length)> Finished => _finished;
}
