using Rl.Agents.Networks;
using Rl.Agents.Optimization;
using Rl.Agents.PolicyGradient;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Experts;
using Rl.Core.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.Imitation;

/// <summary>What one call of <see cref="ImitationLearner.Fit"/> did.</summary>
/// <param name="Epochs">Epochs run (fewer than asked when early stopping ended the fit).</param>
/// <param name="TrainLoss">Mean training loss of the last epoch.</param>
/// <param name="ValidationLoss">The best validation loss (the kept weights' loss).</param>
/// <param name="Stopped">Whether early stopping ended the fit.</param>
public readonly record struct FitReport(int Epochs, double TrainLoss, double ValidationLoss, bool Stopped);

/// <summary>
/// Supervised learning of π(a|o) from labelled states, shared by behaviour cloning and DAgger: a policy network (MLP or
/// conv net with a categorical or Gaussian head), cross-entropy for discrete actions, MSE or Gaussian NLL for continuous
/// ones, a random train/validation split of the labelled states, minibatch Adam, early stopping on the validation loss
/// (the best weights are kept), and pixel augmentation for image observations.
/// </summary>
public sealed class ImitationLearner : IDisposable
{
    private readonly ImitationConfig _config;
    private readonly Space _observationSpace;
    private readonly Rng _splitRng;
    private readonly Rng _batchRng;
    private readonly Rng _augmentRng;
    private readonly PixelAugmentation? _augmentation;
    private readonly bool _mse;
    private readonly float[] _row;
    private readonly float[] _actionRow;
    private int _normalizedRows;
    private double _bestLoss = double.PositiveInfinity;
    private byte[]? _bestState;
    private int _sinceBest;
    private double _lastTrainLoss;

    /// <summary>Builds the network for the spaces; every random choice derives from <paramref name="rng"/>.</summary>
    /// <param name="observationSpace">The environment's observation space.</param>
    /// <param name="actionSpace">The environment's action space.</param>
    /// <param name="config">The hyperparameters (validated by the caller).</param>
    /// <param name="rng">The source of network init, split, minibatch and augmentation randomness.</param>
    /// <param name="device">The torch device.</param>
    /// <param name="mirror">How the environment's actions mirror (enables flips of image observations), or null.</param>
    public ImitationLearner(Space observationSpace, Space actionSpace, ImitationConfig config, Rng rng, Device device, IActionMirror? mirror)
    {
        ArgumentNullException.ThrowIfNull(observationSpace);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        _config = config;
        _observationSpace = observationSpace;
        Device = device;
        var initRng = rng.Spawn();
        _splitRng = rng.Spawn();
        _batchRng = rng.Spawn();
        _augmentRng = rng.Spawn();
        Network = new PolicyNetwork(observationSpace, actionSpace, config.Network.ToSpec(), initRng);
        Network.to(device);
        Network.eval();
        Normalizer = InputNormalizer.ForSpace(observationSpace, config.NormalizeObservations, device);
        Optimizer = new TrainingOptimizer("policy", Network, config.Optimizer, config.Schedule);
        _mse = actionSpace is IBox && config.ContinuousLoss == ContinuousLoss.Mse;
        bool image = observationSpace is Box<byte> && observationSpace.Shape.Count == 3;
        Train = new LabelledData(observationSpace.FlatDim, Network.Head.ActionWidth, image);
        Validation = new LabelledData(observationSpace.FlatDim, Network.Head.ActionWidth, image);
        _row = new float[observationSpace.FlatDim];
        _actionRow = new float[Network.Head.ActionWidth];
        if (image && config.Augment)
        {
            var head = Network.Head;
            Action<Span<float>>? mirrorRow = mirror is null ? null : row => head.FromEnvAction(mirror.MirrorAction(head.ToEnvAction(row)), row);
            var s = observationSpace.Shape;
            _augmentation = new PixelAugmentation(s[0], s[1], s[2], config, mirrorRow);
        }
        Policy = new ImitationPolicy(this);
    }

    /// <summary>The torch device.</summary>
    public Device Device { get; }

    /// <summary>The policy network π(a|o).</summary>
    public PolicyNetwork Network { get; }

    /// <summary>Observation normalization (statistics of the training rows, or 1/255 for images).</summary>
    public InputNormalizer Normalizer { get; }

    /// <summary>The optimizer.</summary>
    public TrainingOptimizer Optimizer { get; }

    /// <summary>The training rows.</summary>
    public LabelledData Train { get; }

    /// <summary>The validation rows.</summary>
    public LabelledData Validation { get; }

    /// <summary>All labelled states.</summary>
    public int Labels => Train.Count + Validation.Count;

    /// <summary>The policy: the mode of π(·|o) when deterministic, a sample otherwise.</summary>
    public IPolicy Policy { get; }

    /// <summary>Whether early stopping has ended fitting (see <see cref="ResetEarlyStopping"/>).</summary>
    public bool Stopped => _config.Patience > 0 && _sinceBest >= _config.Patience;

    /// <summary>Adds a labelled state to the training or (with probability validation_fraction) the validation rows.</summary>
    public void Add(object observation, object action)
    {
        var set = _splitRng.NextDouble() < _config.ValidationFraction ? Validation : Train;
        Network.Head.FromEnvAction(action, _actionRow);
        if (set.ByteObservations) set.Add((byte[])observation, _actionRow);
        else
        {
            _observationSpace.FlattenObject(observation, _row);
            set.Add(_row, _actionRow);
        }
    }

    /// <summary>Forgets the best validation loss (call when the data changed, e.g. after a DAgger collection).</summary>
    public void ResetEarlyStopping()
    {
        _bestLoss = double.PositiveInfinity;
        _bestState = null;
        _sinceBest = 0;
    }

    /// <summary>
    /// Fits up to <paramref name="epochs"/> epochs over the training rows; after each, the validation loss (the training loss
    /// when nothing is held out) is compared with the best so far; after patience epochs without improvement fitting stops
    /// and the best weights are restored.
    /// </summary>
    /// <exception cref="InvalidOperationException">If there are no training rows.</exception>
    public FitReport Fit(int epochs)
    {
        if (Train.Count == 0) throw new InvalidOperationException("imitation: no labelled states to fit (the expert or the demonstrations gave none)");
        UpdateNormalizer();
        int run = 0;
        while (run < epochs && !Stopped)
        {
            double trainLoss = _lastTrainLoss = Epoch();
            run++;
            double monitored = Validation.Count > 0 ? Evaluate(Validation) : trainLoss;
            if (_bestState is null || monitored < _bestLoss - 1e-6 * Math.Abs(_bestLoss))
            {
                _bestLoss = monitored;
                _bestState = ModuleState.Save(Network);
                _sinceBest = 0;
            }
            else _sinceBest++;
        }
        if (Stopped && _bestState is not null) ModuleState.Load(Network, _bestState, "best weights");
        return new FitReport(run, _lastTrainLoss, _bestLoss, Stopped);
    }

    // Folds the training rows added since the last fit into the normalizer's statistics.
    private void UpdateNormalizer()
    {
        if (!Normalizer.IsRunning || _normalizedRows == Train.Count) return;
        int count = Train.Count - _normalizedRows;
        var rows = new float[count * Train.ObservationSize];
        for (int i = 0; i < count; i++) Train.ObservationRow(_normalizedRows + i, rows.AsSpan(i * Train.ObservationSize, Train.ObservationSize));
        Normalizer.Update(rows, count);
        _normalizedRows = Train.Count;
    }

    /// <summary>One pass over the shuffled training rows in minibatches; returns the mean loss.</summary>
    public double Epoch()
    {
        int n = Train.Count, batch = Math.Min(_config.MinibatchSize, n);
        var order = Enumerable.Range(0, n).ToArray();
        _batchRng.Shuffle(order.AsSpan());
        var obs = new float[batch * Train.ObservationSize];
        var act = new float[batch * Train.ActionWidth];
        double total = 0;
        int steps = 0;
        Network.train();
        try
        {
            for (int start = 0; start + batch <= n; start += batch)
            {
                using var scope = torch.NewDisposeScope();
                Train.Gather(order.AsSpan(start, batch), obs, act);
                _augmentation?.Apply(obs, act, batch, _augmentRng);
                var loss = Loss(ToDevice(obs, batch, Train.ObservationSize), ToDevice(act, batch, Train.ActionWidth));
                total += Optimizer.Step(loss).Loss;
                steps++;
            }
        }
        finally
        {
            Network.eval();
        }
        return total / Math.Max(steps, 1);
    }

    /// <summary>The mean loss over <paramref name="data"/> (no augmentation, no gradient).</summary>
    public double Evaluate(LabelledData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        const int chunk = 512;
        double total = 0;
        var obs = new float[chunk * data.ObservationSize];
        var act = new float[chunk * data.ActionWidth];
        var idx = new int[chunk];
        using var _ = torch.no_grad();
        for (int start = 0; start < data.Count; start += chunk)
        {
            using var scope = torch.NewDisposeScope();
            int count = Math.Min(chunk, data.Count - start);
            for (int i = 0; i < count; i++) idx[i] = start + i;
            data.Gather(idx.AsSpan(0, count), obs, act);
            total += Loss(ToDevice(obs, count, data.ObservationSize), ToDevice(act, count, data.ActionWidth)).item<float>() * count;
        }
        return total / Math.Max(data.Count, 1);
    }

    /// <summary>The imitation loss (<see cref="BehaviorCloning.Loss"/>) on raw observation rows and expert action rows.</summary>
    public Tensor Loss(Tensor observations, Tensor actions) =>
        BehaviorCloning.Loss(Network.forward(Normalizer.Normalize(observations)), actions, _mse);

    private Tensor ToDevice(ReadOnlySpan<float> rows, int count, int size) => TensorRows.FromSpan(rows[..(count * size)], [count, size], Device);

    /// <summary>Writes the network, optimizer, normalizer, labelled rows, random states and early-stopping state under <paramref name="prefix"/>.</summary>
    public void Save(Checkpoint checkpoint, string prefix, bool includeData)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        checkpoint.PutBytes($"{prefix}/parameters", ModuleState.Save(Network));
        Optimizer.Save(checkpoint, prefix);
        Normalizer.Save(checkpoint, $"{prefix}/normalizer");
        checkpoint.PutRng($"{prefix}/rng/split", _splitRng);
        checkpoint.PutRng($"{prefix}/rng/batch", _batchRng);
        checkpoint.PutRng($"{prefix}/rng/augment", _augmentRng);
        checkpoint.PutJson($"{prefix}/early_stopping", new EarlyStoppingState(double.IsFinite(_bestLoss) ? _bestLoss : null, _sinceBest, _normalizedRows, _lastTrainLoss));
        if (_bestState is not null) checkpoint.PutBytes($"{prefix}/best_parameters", _bestState);
        if (!includeData) return;
        Train.Save(checkpoint, $"{prefix}/train");
        Validation.Save(checkpoint, $"{prefix}/validation");
    }

    /// <summary>Restores what <see cref="Save"/> wrote.</summary>
    /// <exception cref="CheckpointException">If an entry is missing or does not fit.</exception>
    public void Load(Checkpoint checkpoint, string prefix, bool includeData)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ModuleState.Load(Network, checkpoint.GetBytes($"{prefix}/parameters"), $"{prefix}/parameters");
        Optimizer.Load(checkpoint, prefix);
        Normalizer.Load(checkpoint, $"{prefix}/normalizer");
        checkpoint.GetRng($"{prefix}/rng/split", _splitRng);
        checkpoint.GetRng($"{prefix}/rng/batch", _batchRng);
        checkpoint.GetRng($"{prefix}/rng/augment", _augmentRng);
        var es = checkpoint.GetJson<EarlyStoppingState>($"{prefix}/early_stopping");
        (_bestLoss, _sinceBest, _normalizedRows, _lastTrainLoss) = (es.BestLoss ?? double.PositiveInfinity, es.SinceBest, es.NormalizedRows, es.LastTrainLoss);
        _bestState = checkpoint.Contains($"{prefix}/best_parameters") ? checkpoint.GetBytes($"{prefix}/best_parameters") : null;
        if (!includeData) return;
        Train.Load(checkpoint, $"{prefix}/train");
        Validation.Load(checkpoint, $"{prefix}/validation");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Optimizer.Dispose();
        Normalizer.Dispose();
        Network.Dispose();
    }

    private sealed record EarlyStoppingState(double? BestLoss, int SinceBest, int NormalizedRows, double LastTrainLoss);

    private sealed class ImitationPolicy(ImitationLearner learner) : Evaluation.IBatchPolicy
    {
        private readonly float[] _action = new float[learner.Network.Head.ActionWidth];

        public int ActionWidth => _action.Length;

        public object Act(object observation, bool deterministic, Rng rng)
        {
            learner._observationSpace.FlattenObject(observation, learner._row);
            ActBatch(learner._row, 1, deterministic, rng, _action);
            return learner.Network.Head.ToEnvAction(_action);
        }

        public void ActBatch(ReadOnlySpan<float> observations, int count, bool deterministic, Rng rng, Span<float> actions)
        {
            using var scope = torch.NewDisposeScope();
            using var _ = torch.no_grad();
            var dist = learner.Network.forward(learner.Normalizer.Normalize(learner.ToDevice(observations, count, learner._row.Length)));
            TensorRows.CopyTo(deterministic ? dist.Mode() : dist.Sample(rng), actions);
        }
    }
}
