using Rl.Agents.Networks;
using Rl.Agents.Rollouts;
using Rl.Agents.Training;
using Rl.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.PolicyGradient;

/// <summary>
/// What REINFORCE and off-policy policy gradient share: seeding, the lockstep episode collector, observation
/// normalization, the policy learner, the baseline, checkpoints and reports. Each algorithm's file holds only its
/// iteration, written to match the course's pseudo-code.
/// </summary>
public abstract class PolicyGradientAgent : IAlgorithm
{
    private readonly TorchPolicy _policy;
    private readonly AlgorithmLifecycle _lifecycle;

    /// <summary>Builds everything from the config and the runner's context.</summary>
    /// <exception cref="ArgumentException">For an invalid config value or device (the message names it).</exception>
    protected PolicyGradientAgent(string id, PolicyGradientConfig config, TrainingContext context)
    {
        config.Validate();
        _lifecycle = new AlgorithmLifecycle(id, config);
        Device = TorchDevice.Resolve(context.Device);
        // 0 means 1, not the machine's core count: the thread count changes float reductions, so results would depend on the machine.
        torch.set_num_threads(config.TorchThreads > 0 ? config.TorchThreads : 1);
        // Every random source derives from the seed, in a fixed order: network init, episodes, action sampling, minibatches.
        var root = new Rng(context.Seed);
        var initRng = root.Spawn();
        Collector = new LockstepCollector(context.MakeEnv, config.NumEnvs, _lifecycle.Generator("collector", root.Spawn()));
        SampleRng = _lifecycle.Generator("sample", root.Spawn());
        MinibatchRng = _lifecycle.Generator("minibatch", root.Spawn());
        torch.manual_seed(context.Seed);

        var spec = config.Network.ToSpec();
        var observationSpace = Collector.ObservationSpace;
        Normalizer = InputNormalizer.ForSpace(observationSpace, config.NormalizeObservations, Device);
        var network = new PolicyNetwork(observationSpace, Collector.ActionSpace, spec, initRng, config.InitLogStd);
        Learner = new PolicyLearner(network, Normalizer, config.Optimizer, config.Schedule, Device);
        Baseline = config.Baseline switch
        {
            BaselineKind.None => new NoBaseline(),
            BaselineKind.RunningMean => new RunningMeanBaseline(config.BaselineDecay),
            _ => new ValueBaseline(new ValueNetwork(observationSpace, spec, initRng), config.ValueOptimizer(),
                config.ValueUpdates, config.ValueMinibatchSize, MinibatchRng, Device),
        };
        _policy = new TorchPolicy(Learner, observationSpace);
    }

    /// <inheritdoc />
    public string Id => _lifecycle.Id;

    /// <inheritdoc />
    public long EnvSteps => _lifecycle.EnvSteps;

    /// <inheritdoc />
    public int Iteration => _lifecycle.Iteration;

    /// <inheritdoc />
    public IPolicy Policy => _policy;

    /// <summary>The torch device every tensor lives on.</summary>
    public Device Device { get; }

    /// <summary>Collects complete episodes from the environments in lockstep.</summary>
    public LockstepCollector Collector { get; }

    /// <summary>Observation normalization shared by the policy and the baseline.</summary>
    public InputNormalizer Normalizer { get; }

    /// <summary>The policy π_θ and its optimizer.</summary>
    public PolicyLearner Learner { get; }

    /// <summary>The baseline b(s).</summary>
    public Baseline Baseline { get; }

    /// <summary>Samples actions during rollouts.</summary>
    protected Rng SampleRng { get; }

    /// <summary>Draws minibatches (and shuffles the baseline's).</summary>
    protected Rng MinibatchRng { get; }

    /// <inheritdoc />
    public abstract IterationResult RunIteration();

    /// <summary>The batch's observation rows as a [Steps, obs] tensor on the device.</summary>
    protected Tensor ObservationsOf(RolloutBatch batch) => Learner.ToDevice(batch.Observations, batch.Steps);

    /// <summary>The batch's action rows as a [Steps, width] tensor on the device.</summary>
    protected Tensor ActionsOf(RolloutBatch batch) => Learner.ToDevice(batch.Actions, batch.Steps);

    /// <summary>A float vector as a tensor on the device.</summary>
    protected Tensor ToDevice(float[] values) => TensorRows.FromSpan(values, [values.Length], Device);

    /// <summary>b(s_T) of each episode's final observation where it was truncated, 0 where it terminated.</summary>
    public float[] BootstrapValues(RolloutBatch batch)
    {
        var values = new float[batch.Episodes.Count];
        var truncated = Enumerable.Range(0, values.Length).Where(e => batch.Episodes[e].Truncated).ToArray();
        if (truncated.Length == 0) return values;
        using var scope = torch.NewDisposeScope();
        var rows = truncated.SelectMany(e => batch.Episodes[e].FinalObservation!).ToArray();
        var data = TensorRows.ToArray(Baseline.Values(Normalizer.Normalize(Learner.ToDevice(rows, truncated.Length))));
        for (int i = 0; i < truncated.Length; i++) values[truncated[i]] = data[i];
        return values;
    }

    /// <summary>
    /// Ends an iteration: counts the steps, folds the batch into the observation statistics (after the update, so the
    /// policy was fixed while it acted and learned), and builds the report with diagnostics.
    /// </summary>
    protected IterationResult EndIteration(RolloutBatch batch, PolicyStepReport step, BaselineFit fit, Dictionary<string, double>? extra = null)
    {
        _lifecycle.EndIteration(batch.Steps);
        Normalizer.Update(batch.Observations, batch.Steps);
        var scalars = extra ?? new Dictionary<string, double>();
        scalars["loss/policy"] = step.Step.Loss;
        scalars["policy/entropy"] = step.Entropy;
        scalars["policy/grad_norm"] = step.Step.GradNorm;
        scalars["policy/learning_rate"] = step.Step.LearningRate;
        scalars["loss/value"] = fit.Loss;
        scalars["baseline/explained_variance"] = fit.ExplainedVariance;
        scalars["rollout/steps"] = batch.Steps;
        scalars["rollout/episodes"] = batch.Episodes.Count;
        var histograms = new Dictionary<string, float[]>();
        Learner.Optimizer.ReportDiagnostics(scalars, histograms);
        Baseline.Report(scalars, histograms);
        return new IterationResult
        {
            EpisodeReturns = batch.Episodes.Select(e => e.Return).ToArray(),
            EpisodeLengths = batch.Episodes.Select(e => e.Length).ToArray(),
            Scalars = scalars,
            Histograms = histograms,
        };
    }

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint)
    {
        _lifecycle.Save(checkpoint);
        using (var state = torch.get_rng_state()) checkpoint.PutArray("rng/torch", state.data<byte>().ToArray());
        Normalizer.Save(checkpoint, "normalizer");
        Learner.Save(checkpoint, "policy");
        Baseline.Save(checkpoint, "baseline");
        SaveState(checkpoint);
    }

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint)
    {
        _lifecycle.Load(checkpoint);
        var torchState = checkpoint.GetArray<byte>("rng/torch");
        using (var state = torch.tensor(torchState, ScalarType.Byte)) torch.set_rng_state(state);
        Normalizer.Load(checkpoint, "normalizer");
        Learner.Load(checkpoint, "policy");
        Baseline.Load(checkpoint, "baseline");
        LoadState(checkpoint);
    }

    /// <summary>Writes the algorithm's own state (e.g. a replay buffer).</summary>
    protected virtual void SaveState(Checkpoint checkpoint) { }

    /// <summary>Restores what <see cref="SaveState"/> wrote.</summary>
    protected virtual void LoadState(Checkpoint checkpoint) { }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the environments, networks and tensors.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        Baseline.Dispose();
        Learner.Dispose();
        Normalizer.Dispose();
        Collector.Dispose();
    }
}
