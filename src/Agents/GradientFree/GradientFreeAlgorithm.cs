using Rl.Agents.Evaluation;
using Rl.Agents.Parameters;
using Rl.Agents.Policies;
using Rl.Agents.Rollouts;
using Rl.Agents.Training;
using Rl.Core;

namespace Rl.Agents.GradientFree;

/// <summary>
/// What the gradient-free agents share, so each algorithm file holds only its own loop: the master generator, the policy
/// architecture and rollout workers, the shared noise table, scoring a batch of <see cref="Candidate"/>s in parallel (on this
/// process's threads, or on other machines through <see cref="TrainingContext.RolloutBackend"/>), optional online
/// observation normalization, counters, and the common part of checkpoints.
/// </summary>
public abstract class GradientFreeAlgorithm : IAlgorithm
{
    private const string Prefix = "gradient_free/";
    private readonly GradientFreeConfig _config;
    private readonly RolloutPool _pool;
    private readonly IRolloutBackend _backend;
    private ObservationStatistics[] _taskStatistics = [];
    private readonly AlgorithmLifecycle _lifecycle;

    /// <summary>Validates the config, builds the rollout workers and the policy architecture, and gets the noise table.</summary>
    /// <param name="id">The registered id.</param>
    /// <param name="config">The shared settings (the derived config validates its own keys in <see cref="GradientFreeConfig.Validate"/>).</param>
    /// <param name="context">Environment factory, seed and thread count.</param>
    /// <param name="normalizeObservations">Keep running observation statistics and normalize with a frozen snapshot.</param>
    /// <exception cref="HyperparameterException">For invalid hyperparameters.</exception>
    protected GradientFreeAlgorithm(string id, GradientFreeConfig config, TrainingContext context, bool normalizeObservations)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        config.Validate();
        _lifecycle = new AlgorithmLifecycle(id, config);
        _config = config;
        _pool = new RolloutPool(context.MakeEnv, context.Threads,
            env => PolicyArchitecture.Create(env.ObservationSpace, env.ActionSpace, config.ToPolicyOptions()));
        Architecture = _pool.Architecture;
        if (config.NoiseTableSize < 2 * Dimension)
        {
            _pool.Dispose();
            throw new HyperparameterException(id, nameof(config.NoiseTableSize), config.NoiseTableSize,
                $"must be at least twice the policy's {Dimension} parameters ({Architecture})");
        }
        Noise = NoiseTable.Shared(config.NoiseTableSeed, config.NoiseTableSize);
        Rng = _lifecycle.Generator("main", new Rng(context.Seed));
        RunningObservationStats = normalizeObservations ? new RunningMeanStd(Architecture.ObservationSize) : null;
        var job = new RolloutJob(id, Architecture, config.ToPolicyOptions(), Noise, config.EpisodesPerCandidate, config.Horizon, !config.StochasticActions);
        try
        {
            _backend = context.RolloutBackend?.Invoke(job) ?? new LocalRolloutBackend(_pool, job);
        }
        catch
        {
            _pool.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public string Id => _lifecycle.Id;

    /// <inheritdoc />
    public long EnvSteps => _lifecycle.EnvSteps;

    /// <inheritdoc />
    public int Iteration => _lifecycle.Iteration;

    /// <summary>The policy's shape for the environment.</summary>
    public PolicyArchitecture Architecture { get; }

    /// <summary>Number of policy parameters d.</summary>
    public int Dimension => Architecture.ParameterCount;

    /// <summary>The shared noise table perturbations are sliced from.</summary>
    protected NoiseTable Noise { get; }

    /// <summary>The master generator: every random choice of the algorithm comes from it, on the calling thread.</summary>
    protected Rng Rng { get; }

    /// <summary>Running statistics of the observations seen in training, when observations are normalized.</summary>
    protected RunningMeanStd? RunningObservationStats { get; }

    /// <summary>The parameters of the policy the algorithm currently proposes (θ, μ, or the best found).</summary>
    protected abstract ReadOnlySpan<float> PolicyParameters { get; }

    /// <summary>The current policy: <see cref="PolicyParameters"/> with a frozen snapshot of the observation normalization.</summary>
    public IPolicy Policy => new FlatPolicy(Architecture, PolicyParameters, CurrentFilter());

    /// <inheritdoc />
    public abstract IterationResult RunIteration();

    /// <summary>
    /// Evaluates the current policy deterministically on this algorithm's workers (episode i uses seed + i). Counts no
    /// training steps and changes no state.
    /// </summary>
    public EvaluationResult Evaluate(int episodes, int seed) =>
        Evaluator.Evaluate(_pool, PolicyParameters, CurrentFilter(), new EvaluationOptions { Episodes = episodes, Seed = seed, MaxSteps = _config.Horizon });

    /// <summary>Draws a candidate θ = <paramref name="centre"/> + <paramref name="scale"/>·ε with a new noise slice and reset seed.</summary>
    protected Candidate Sample(float[] centre, float scale, float[]? sigma = null) =>
        new(centre, scale, Noise.SampleOffset(Rng, Dimension), Rng.NextSeed(), sigma);

    /// <summary>The noise vector ε of a candidate.</summary>
    protected ReadOnlySpan<float> Epsilon(in Candidate candidate) => Noise.Slice(candidate.NoiseOffset, Dimension);

    /// <summary>
    /// Scores every candidate with <see cref="GradientFreeConfig.EpisodesPerCandidate"/> rollouts, in parallel, and adds the
    /// steps to <see cref="EnvSteps"/>. Rollouts normalize observations with the statistics frozen at the start of the call;
    /// with <paramref name="updateObservationStatistics"/> the states they visit are merged into the statistics afterwards,
    /// task by task in candidate order.
    /// </summary>
    /// <param name="candidates">The parameter vectors to score.</param>
    /// <param name="rewardShift">Subtracted from every reward in the fitness (ARS's survival-bonus removal); not from the reported returns.</param>
    /// <param name="updateObservationStatistics">Merge the visited states into <see cref="RunningObservationStats"/>.</param>
    protected CandidateScores Score(IReadOnlyList<Candidate> candidates, double rewardShift = 0, bool updateObservationStatistics = false)
    {
        int n = candidates.Count, episodes = _config.EpisodesPerCandidate;
        var returns = new double[n * episodes];
        var lengths = new int[n * episodes];
        var filter = CurrentFilter();
        bool collect = updateObservationStatistics && RunningObservationStats is not null;
        if (collect && _taskStatistics.Length < n)
            _taskStatistics = [.. _taskStatistics, .. Enumerable.Range(0, n - _taskStatistics.Length).Select(_ => new ObservationStatistics(Architecture.ObservationSize))];
        _backend.Run(candidates, filter, returns, lengths, collect ? _taskStatistics : null);
        if (collect)
            for (int i = 0; i < n; i++) _taskStatistics[i].MergeInto(RunningObservationStats!);
        var fitness = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int k = 0; k < episodes; k++) sum += returns[i * episodes + k] - rewardShift * lengths[i * episodes + k];
            fitness[i] = sum / episodes;
        }
        var scores = new CandidateScores(fitness, returns, lengths);
        _lifecycle.EnvSteps += scores.Steps;
        return scores;
    }

    /// <summary>
    /// Ends an iteration: counts it and reports the episodes with the usual scalars (mean/max/min return, parameter norm,
    /// per-layer weight norms) plus <paramref name="scalars"/>, and the parameters as a histogram.
    /// </summary>
    protected IterationResult Finish(CandidateScores scores, IReadOnlyDictionary<string, double> scalars)
    {
        _lifecycle.EndIteration(0);
        var all = new Dictionary<string, double>(scalars)
        {
            ["rollout/mean_return"] = ParameterMath.Mean(scores.EpisodeReturns),
            ["rollout/max_return"] = scores.EpisodeReturns.Max(),
            ["rollout/min_return"] = scores.EpisodeReturns.Min(),
            ["search/mean_fitness"] = ParameterMath.Mean(scores.Fitness),
            ["policy/parameter_norm"] = ParameterMath.Norm(PolicyParameters),
        };
        foreach (var block in Architecture.Network.Blocks)
            all["policy/weight_norm/" + block.Name] = ParameterMath.Norm(PolicyParameters.Slice(block.Offset, block.Length));
        if (!ParameterMath.AllFinite(PolicyParameters))
            throw new InvalidOperationException($"{Id}: the policy parameters became NaN or infinite at iteration {Iteration}; lower the step size or noise");
        return new IterationResult
        {
            EpisodeReturns = scores.EpisodeReturns,
            EpisodeLengths = scores.EpisodeLengths,
            Scalars = all,
            Histograms = new Dictionary<string, float[]> { ["parameters"] = PolicyParameters.ToArray() },
        };
    }

    /// <summary>A frozen snapshot of the observation normalization, or null when observations are not normalized.</summary>
    protected ObservationFilter? CurrentFilter() => RunningObservationStats is null ? null : ObservationFilter.From(RunningObservationStats);

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint)
    {
        _lifecycle.Save(checkpoint);
        checkpoint.PutJson(Prefix + "meta", new Meta(Dimension, Noise.Seed, Noise.Size, RunningObservationStats?.Count ?? 0));
        if (RunningObservationStats is not null)
        {
            checkpoint.PutArray<double>(Prefix + "observation_mean", RunningObservationStats.Mean);
            checkpoint.PutArray<double>(Prefix + "observation_variance", RunningObservationStats.Variance);
        }
        SaveState(checkpoint);
    }

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint)
    {
        var lifecycle = new AlgorithmLifecycle(Id, _config);
        var rng = lifecycle.Generator("main", new Rng(0));
        lifecycle.Load(checkpoint); // checks the header first; applied only once everything else has loaded
        var meta = checkpoint.GetJson<Meta>(Prefix + "meta");
        if (meta.Parameters != Dimension)
            throw new CheckpointException($"the checkpoint's policy has {meta.Parameters} parameters but this {Id} policy ({Architecture}) has {Dimension}; was it trained with another config or environment?");
        if (meta.NoiseSeed != Noise.Seed || meta.NoiseSize != Noise.Size)
            throw new CheckpointException($"the checkpoint used noise table (seed {meta.NoiseSeed}, size {meta.NoiseSize}) but this config uses (seed {Noise.Seed}, size {Noise.Size})");
        if (RunningObservationStats is not null)
            RunningObservationStats.Set(
                checkpoint.GetArray<double>(Prefix + "observation_mean", RunningObservationStats.Size),
                checkpoint.GetArray<double>(Prefix + "observation_variance", RunningObservationStats.Size),
                meta.ObservationCount);
        LoadState(checkpoint);
        Rng.State = rng.State;
        (_lifecycle.Iteration, _lifecycle.EnvSteps) = (lifecycle.Iteration, lifecycle.EnvSteps);
    }

    /// <summary>Writes the algorithm's own state (parameters, distributions, optimizer moments) under <see cref="Key"/>.</summary>
    protected abstract void SaveState(Checkpoint checkpoint);

    /// <summary>Restores what <see cref="SaveState"/> wrote.</summary>
    protected abstract void LoadState(Checkpoint checkpoint);

    /// <summary>The checkpoint entry name for the algorithm's own state <paramref name="name"/>.</summary>
    protected static string Key(string name) => Prefix + name;

    /// <summary>Reads a parameter-sized float array from the checkpoint into <paramref name="destination"/>.</summary>
    protected static void GetInto(Checkpoint checkpoint, string name, float[] destination) =>
        checkpoint.GetArray<float>(Key(name), destination.Length).CopyTo(destination, 0);

    /// <summary>Disposes the rollout backend and the rollout workers' environments.</summary>
    public void Dispose()
    {
        _backend.Dispose();
        _pool.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed record Meta(int Parameters, long NoiseSeed, int NoiseSize, double ObservationCount);
}
