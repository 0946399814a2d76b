using Rl.Agents.ActorCritic;
using Rl.Agents.Evaluation;
using Rl.Agents.Networks;
using Rl.Agents.Optimization;
using Rl.Agents.PolicyGradient;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Spaces;
using Rl.Core.Wrappers;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.ValueBased;

/// <summary>
/// Deep Q-learning (Mnih et al. 2015) with double-DQN targets (van Hasselt et al. 2016) and an optional dueling head.
/// <code>
/// initialize Q_θ, the target network Q_θ⁻ = Q_θ and a replay buffer D
/// for each environment step t (N environments in lockstep):
///     a = random action with probability ε_t, else argmax_a Q_θ(s, a)          (ε falls linearly from 1 to ε_final)
///     store (s, a, r, s', terminated) in D                                     (s' = final observation at an episode end)
///     every train_frequency steps, gradient_steps times:
///         sample a minibatch from D
///         y = r + γ (1 − terminated) Q_θ⁻(s', argmax_a' Q_θ(s', a'))          (plain DQN: max_a' Q_θ⁻(s', a'))
///         take a gradient step on Huber(Q_θ(s, a) − y)
///     every target_update_interval steps: θ⁻ := τ θ + (1 − τ) θ⁻                  (τ = 1: copy)
/// </code>
/// A truncated episode is not terminal: its transition bootstraps from the final observation.
/// </summary>
public sealed class Dqn : IAlgorithm
{
    /// <summary>The registered id.</summary>
    public const string AlgorithmId = AlgorithmIds.Dqn;

    private const string ReplayKey = Checkpoint.NewestOnlyPrefix + "replay";
    private readonly DqnConfig _config;
    private readonly AlgorithmLifecycle _lifecycle;
    private readonly Rng _actionRng;
    private readonly Rng _replayRng;
    private readonly QNetwork _target;
    private readonly float[] _actions;
    private readonly float[] _observations;
    private ReplaySample? _sample;
    private readonly DqnPolicy _policy;
    private long _nextTargetUpdate;

    /// <summary>Builds the agent; the config is validated first.</summary>
    /// <exception cref="ArgumentException">For an invalid config value (naming the key).</exception>
    /// <exception cref="NotSupportedException">If the action space is not Discrete.</exception>
    public Dqn(DqnConfig config, TrainingContext context)
    {
        config.Validate();
        _lifecycle = new AlgorithmLifecycle(AlgorithmId, config);
        _config = config;
        Device = TorchDevice.Resolve(context.Device);
        torch.set_num_threads(config.TorchThreads > 0 ? config.TorchThreads : Math.Max(1, context.Threads));
        // Every random source derives from the seed, in a fixed order: network init, episodes, exploration, replay sampling.
        var root = new Rng(context.Seed);
        var initRng = root.Spawn();
        var episodeRng = root.Spawn();
        _actionRng = _lifecycle.Generator("action", root.Spawn());
        _replayRng = _lifecycle.Generator("replay", root.Spawn());
        torch.manual_seed(context.Seed);

        Envs = new EnvStepper(config.EpisodicLife ? () => GameWrappers.WithEpisodicLife(context.MakeEnv()) : context.MakeEnv, config.NumEnvs, episodeRng);
        var spec = config.Network.ToSpec();
        Network = new QNetwork(Envs.ObservationSpace, Envs.ActionSpace, spec, config.Dueling, initRng);
        _target = new QNetwork(Envs.ObservationSpace, Envs.ActionSpace, spec, config.Dueling, initRng);
        Network.to(Device);
        _target.to(Device);
        _target.load_state_dict(Network.state_dict());
        Network.eval();
        _target.eval();
        Normalizer = InputNormalizer.ForSpace(Envs.ObservationSpace, config.NormalizeObservations, Device);
        Optimizer = new TrainingOptimizer("q", Network, config.Optimizer, config.Schedule);
        var shape = Envs.ObservationSpace.Shape;
        bool pixels = Envs.ObservationSpace is IBox { DType: DType.UInt8 };
        Buffer = new FrameReplayBuffer(config.BufferSize, config.NumEnvs, Envs.ObservationSize, pixels && shape.Count == 4 ? shape[0] : 1, pixels);
        _actions = new float[config.NumEnvs];
        _observations = new float[config.NumEnvs * Envs.ObservationSize];
        _nextTargetUpdate = config.TargetUpdateInterval;
        _policy = new DqnPolicy(this);
    }

    /// <inheritdoc />
    public string Id => AlgorithmId;

    /// <inheritdoc />
    public long EnvSteps => _lifecycle.EnvSteps;

    /// <inheritdoc />
    public int Iteration => _lifecycle.Iteration;

    /// <inheritdoc />
    public IPolicy Policy => _policy;

    /// <summary>The torch device.</summary>
    public Device Device { get; }

    /// <summary>The online network Q_θ.</summary>
    public QNetwork Network { get; }

    /// <summary>The optimizer of Q_θ.</summary>
    public TrainingOptimizer Optimizer { get; }

    /// <summary>Observation normalization (1/255 for images; running statistics when asked for).</summary>
    public InputNormalizer Normalizer { get; }

    /// <summary>The training environments.</summary>
    public EnvStepper Envs { get; }

    /// <summary>Where the iterations' wall time went (acting, environment steps, buffer, gradient steps), for benchmarks.</summary>
    public PhaseTimes Times { get; } = new();

    /// <summary>The replay buffer D.</summary>
    public FrameReplayBuffer Buffer { get; }

    /// <summary>
    /// The double-DQN target y = r + γ (1 − terminated) Q⁻(s', argmax_a' Q(s', a')), or, when <paramref name="nextOnline"/>
    /// is null, the DQN target y = r + γ (1 − terminated) max_a' Q⁻(s', a'). No gradient flows through it.
    /// </summary>
    /// <param name="rewards">r [B].</param>
    /// <param name="terminated">1 where s' is terminal [B].</param>
    /// <param name="nextTarget">Q⁻(s', ·) [B, actions].</param>
    /// <param name="nextOnline">Q(s', ·) [B, actions] for double DQN, or null.</param>
    /// <param name="gamma">γ.</param>
    public static Tensor Target(Tensor rewards, Tensor terminated, Tensor nextTarget, Tensor? nextOnline, double gamma)
    {
        using var _ = torch.no_grad();
        var next = nextOnline is null
            ? nextTarget.max(1).values
            : nextTarget.gather(1, nextOnline.argmax(1, keepdim: true)).squeeze(1);
        using var one = 1.ToScalar(); // kept alive across the native call (docs/architecture.md, "TorchSharp Scalars")
        using var gammaScalar = gamma.ToScalar();
        return rewards + gammaScalar * (one - terminated) * next;
    }

    /// <inheritdoc />
    public IterationResult RunIteration()
    {
        long end = EnvSteps + _config.StepsPerIteration;
        double loss = 0, q = 0, gradNorm = 0;
        int updates = 0;
        // Per-layer diagnostics on the first gradient step of every tenth iteration (they clone every parameter).
        bool diagnose = Iteration % 10 == 0, diagnosed = false;
        while (EnvSteps < end)
        {
            CollectSteps();
            if (EnvSteps < _config.LearningStarts || !Buffer.CanSample) continue;
            for (int g = 0; g < _config.GradientSteps; g++)
            {
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                var (l, meanQ, norm) = GradientStep(diagnose && !diagnosed);
                Times.Add("gradient step (sample, forward, backward, Adam)", t0);
                diagnosed |= diagnose;
                (loss, q, gradNorm) = (loss + l, q + meanQ, gradNorm + norm);
                updates++;
            }
        }
        _lifecycle.Iteration++;
        var (returns, lengths) = Envs.TakeFinishedEpisodes();
        var scalars = new Dictionary<string, double>
        {
            ["policy/epsilon"] = _config.Epsilon(EnvSteps),
            ["buffer/size"] = Buffer.Count,
            ["policy/updates"] = updates,
            ["policy/learning_rate"] = Optimizer.LearningRate,
        };
        if (updates > 0)
        {
            scalars["loss/q"] = loss / updates;
            scalars["policy/mean_q"] = q / updates;
            scalars["policy/grad_norm"] = gradNorm / updates;
        }
        var histograms = new Dictionary<string, float[]>();
        if (diagnosed) Optimizer.ReportDiagnostics(scalars, histograms);
        return new IterationResult { EpisodeReturns = returns, EpisodeLengths = lengths, Scalars = scalars, Histograms = histograms };
    }

    // train_frequency steps of every environment with ε-greedy actions; the transitions go into D. Acting runs on one
    // intra-op thread (see IntraOpThreads); the gradient steps on torch_threads.
    private void CollectSteps()
    {
        using var threads = IntraOpThreads.Use(IntraOpThreads.Acting);
        int n = _config.NumEnvs, size = Envs.ObservationSize;
        for (int k = 0; k < _config.TrainFrequency; k++)
        {
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            Envs.Start();
            ChooseActions(Envs.Observations, _config.Epsilon(EnvSteps), _actions);
            Envs.Observations.CopyTo(_observations, 0);
            Times.Add("act (forward, ε-greedy)", t0);
            t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            Envs.Step(_actions);
            Times.Add("env step", t0);
            t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            for (int e = 0; e < n; e++)
            {
                var row = _observations.AsSpan(e * size, size);
                var final = Envs.FinalObservations.AsSpan(e * size, size);
                Buffer.Add(e, row, (int)_actions[e], Envs.Rewards[e], Envs.Terminated[e], Envs.Truncated[e], final);
            }
            _lifecycle.EnvSteps += n;
            Times.Add("replay buffer add", t0);
            t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            while (EnvSteps >= _nextTargetUpdate)
            {
                UpdateTarget();
                _nextTargetUpdate += _config.TargetUpdateInterval;
            }
            Times.Add("target update", t0);
        }
    }

    // One gradient step on Huber(Q(s, a) − y) over a minibatch from D.
    private (double Loss, double MeanQ, double GradNorm) GradientStep(bool diagnose)
    {
        using var scope = torch.NewDisposeScope();
        var b = _sample = Buffer.Sample(_config.BatchSize, _replayRng, _sample);
        int batch = _config.BatchSize, size = Buffer.ObservationSize;
        var s = Normalizer.Normalize(TensorRows.FromSpan(b.Observations, [batch, size], Device));
        var next = Normalizer.Normalize(TensorRows.FromSpan(b.NextObservations, [batch, size], Device));
        var actions = TensorRows.FromSpan(b.Actions, [batch, 1], Device).to(ScalarType.Int64);
        var rewards = TensorRows.FromSpan(b.Rewards, [batch], Device);
        var terminated = TensorRows.FromSpan(b.Terminated, [batch], Device);

        Tensor y;
        using (torch.no_grad())
            y = Target(rewards, terminated, _target.forward(next), _config.DoubleQ ? Network.forward(next) : null, _config.Gamma);
        Network.train();
        try
        {
            var qa = Network.forward(s).gather(1, actions).squeeze(1);
            var loss = nn.functional.smooth_l1_loss(qa, y);
            var report = Optimizer.Step(loss, diagnose);
            return (report.Loss, qa.mean().item<float>(), report.GradNorm);
        }
        finally
        {
            Network.eval();
        }
    }

    // θ⁻ := τ θ + (1 − τ) θ⁻.
    private void UpdateTarget()
    {
        using var _ = torch.no_grad();
        var online = Network.parameters().ToArray();
        var target = _target.parameters().ToArray();
        using var keep = (1 - _config.Tau).ToScalar(); // kept alive across the native call (docs/architecture.md, "TorchSharp Scalars")
        using var tau = _config.Tau.ToScalar();
        for (int i = 0; i < online.Length; i++)
        {
            if (_config.Tau >= 1) target[i].copy_(online[i]);
            else target[i].mul_(keep).add_(online[i], alpha: tau);
        }
    }

    /// <summary>ε-greedy actions for observation rows: uniform with probability ε, else argmax Q.</summary>
    internal void ChooseActions(ReadOnlySpan<float> rows, double epsilon, Span<float> actions)
    {
        int count = actions.Length;
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var q = Network.forward(Normalizer.Normalize(TensorRows.FromSpan(rows, [count, rows.Length / count], Device)));
            TensorRows.CopyTo(q.argmax(1).to(ScalarType.Float32), actions);
        }
        if (epsilon <= 0) return;
        for (int e = 0; e < count; e++)
            if (_actionRng.NextDouble() < epsilon) actions[e] = _actionRng.NextInt(Network.Actions);
    }

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint)
    {
        _lifecycle.Save(checkpoint);
        checkpoint.PutArray("q_target/next_update", [_nextTargetUpdate]);
        Normalizer.Save(checkpoint, "normalizer");
        checkpoint.PutBytes("q/parameters", ModuleState.Save(Network));
        checkpoint.PutBytes("q_target/parameters", ModuleState.Save(_target));
        Optimizer.Save(checkpoint, "q");
        Envs.Save(checkpoint, "envs");
        Buffer.Save(checkpoint, ReplayKey); // in the newest checkpoint only (hundreds of MB for pixels)
    }

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint)
    {
        _lifecycle.Load(checkpoint);
        _nextTargetUpdate = checkpoint.GetArray<long>("q_target/next_update", 1)[0];
        Normalizer.Load(checkpoint, "normalizer");
        ModuleState.Load(Network, checkpoint.GetBytes("q/parameters"), "q/parameters");
        ModuleState.Load(_target, checkpoint.GetBytes("q_target/parameters"), "q_target/parameters");
        Optimizer.Load(checkpoint, "q");
        Envs.Load(checkpoint, "envs");
        // An older checkpoint has no buffer: training goes on from an empty one (not exactly as the uninterrupted run would).
        if (checkpoint.Contains(ReplayKey + "/positions")) Buffer.Load(checkpoint, ReplayKey);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Envs.Dispose();
        Optimizer.Dispose();
        Network.Dispose();
        _target.Dispose();
        Normalizer.Dispose();
    }

    // The greedy policy (ε_final-greedy when sampling), batched for the evaluator.
    private sealed class DqnPolicy(Dqn dqn) : IBatchPolicy
    {
        private readonly float[] _row = new float[dqn.Envs.ObservationSize];
        private readonly float[] _action = new float[1];

        public int ActionWidth => 1;

        public void ActBatch(ReadOnlySpan<float> observations, int count, bool deterministic, Rng rng, Span<float> actions)
        {
            using var threads = IntraOpThreads.Use(IntraOpThreads.Acting);
            dqn.ChooseActions(observations, 0, actions[..count]);
            if (deterministic) return;
            for (int i = 0; i < count; i++)
                if (rng.NextDouble() < dqn._config.ExplorationFinalEps) actions[i] = rng.NextInt(dqn.Network.Actions);
        }

        public object Act(object observation, bool deterministic, Rng rng)
        {
            dqn.Envs.ObservationSpace.FlattenObject(observation, _row);
            ActBatch(_row, 1, deterministic, rng, _action);
            return ((Discrete)dqn.Envs.ActionSpace).Start + (int)_action[0];
        }
    }
}
