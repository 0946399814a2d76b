using Rl.Agents.Evaluation;
using Rl.Agents.Networks;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Experts;
using TorchSharp;

namespace Rl.Agents.Imitation;

/// <summary>
/// What behaviour cloning and DAgger share: seeding, the environment, the <see cref="ImitationLearner"/>, the evaluation
/// episodes after each iteration, reports and checkpoints. Each algorithm's file holds its data collection and iteration.
/// </summary>
public abstract class ImitationAlgorithm : IAlgorithm, IReportsData
{
    private readonly ImitationConfig _config;
    private readonly Func<IEnv> _makeEnv;
    private readonly Rng _evalRng;
    private readonly AlgorithmLifecycle _lifecycle;

    /// <summary>Builds the environment and the learner; every random source derives from the context's seed.</summary>
    /// <exception cref="ArgumentException">For an invalid config value or device (the message names it).</exception>
    protected ImitationAlgorithm(string id, ImitationConfig config, TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        config.Validate();
        _lifecycle = new AlgorithmLifecycle(id, config);
        _config = config;
        _makeEnv = context.MakeEnv;
        var device = TorchDevice.Resolve(context.Device);
        // 0 means 1, not the machine's core count: the thread count changes float reductions, so results would depend on the machine.
        torch.set_num_threads(config.TorchThreads > 0 ? config.TorchThreads : 1);
        var root = new Rng(context.Seed);
        Env = context.MakeEnv();
        Learner = new ImitationLearner(Env.ObservationSpace, Env.ActionSpace, config, root.Spawn(), device, Env.Unwrapped as IActionMirror);
        _evalRng = _lifecycle.Generator("eval", root.Spawn());
        DataRng = _lifecycle.Generator("data", root.Spawn());
    }

    /// <inheritdoc />
    public string Id => _lifecycle.Id;

    /// <inheritdoc />
    public long EnvSteps
    {
        get => _lifecycle.EnvSteps;
        protected set => _lifecycle.EnvSteps = value;
    }

    /// <inheritdoc />
    public int Iteration => _lifecycle.Iteration;

    /// <inheritdoc />
    public IPolicy Policy => Learner.Policy;

    /// <summary>The environment the data is collected in.</summary>
    protected IEnv Env { get; }

    /// <summary>The supervised learner of π(a|o) and its labelled data.</summary>
    public ImitationLearner Learner { get; }

    /// <summary>Reset seeds and β coins of data collection.</summary>
    protected Rng DataRng { get; }

    /// <summary>What the demonstration directory (<c>demos_dir</c>) gave: episodes, labels, skipped files with reasons; null without one.</summary>
    public DataReport? Data { get; private set; }

    /// <summary>
    /// Loads the demonstration directory <paramref name="directory"/> (checked against the environment's spaces) and adds
    /// every recorded (observation, action) pair to the learner's labelled data; sets <see cref="Data"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">If no episode loads, or the directory was recorded with other spaces.</exception>
    /// <exception cref="FileNotFoundException">If the directory does not exist.</exception>
    protected DataReport LoadDemonstrations(string directory)
    {
        var set = Rl.Core.Demonstrations.DemonstrationSet.Load(directory, Env);
        if (set.Episodes.Count == 0) throw new InvalidDataException($"{Id}: no loadable episodes in demos_dir: {set.Summary()}");
        foreach (var episode in set.Episodes)
            for (int t = 0; t < episode.Length; t++) Learner.Add(episode.Observation(t), episode.Action(t));
        return Data = DataReport.Of(set);
    }

    /// <inheritdoc />
    public abstract IterationResult RunIteration();

    /// <summary>
    /// Ends an iteration: runs the evaluation episodes (deterministic policy; their steps count as environment steps) and
    /// builds the report; without evaluation episodes <paramref name="fallback"/>'s episodes are reported instead.
    /// </summary>
    protected IterationResult EndIteration(FitReport fit, Dictionary<string, double> scalars, RolloutReport? fallback = null)
    {
        _lifecycle.EndIteration(0);
        scalars["loss/train"] = fit.TrainLoss;
        scalars["loss/validation_best"] = fit.ValidationLoss;
        scalars["imitation/epochs"] = fit.Epochs;
        scalars["imitation/early_stopped"] = fit.Stopped ? 1 : 0;
        scalars["imitation/labels"] = Learner.Labels;
        IReadOnlyList<double> returns = fallback?.Returns ?? [];
        IReadOnlyList<int> lengths = fallback?.Lengths ?? [];
        if (_config.EvalEpisodes > 0)
        {
            var eval = Evaluator.Evaluate(Policy, _makeEnv, new EvaluationOptions { Episodes = _config.EvalEpisodes, Seed = _evalRng.NextSeed() });
            EnvSteps += eval.Lengths.Sum();
            (returns, lengths) = (eval.Returns, eval.Lengths);
        }
        return new IterationResult { EpisodeReturns = returns, EpisodeLengths = lengths, Scalars = scalars };
    }

    /// <summary>Whether checkpoints carry the labelled data (DAgger's aggregate cannot be rebuilt; BC's is regenerated).</summary>
    protected abstract bool CheckpointData { get; }

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        _lifecycle.Save(checkpoint);
        Learner.Save(checkpoint, "learner", CheckpointData);
    }

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        _lifecycle.Load(checkpoint);
        Learner.Load(checkpoint, "learner", CheckpointData);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Learner.Dispose();
        Env.Dispose();
        GC.SuppressFinalize(this);
    }
}
