using Rl.Agents.Evaluation;
using Rl.Agents.Networks;
using Rl.Agents.Optimization;
using Rl.Agents.PolicyGradient;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Wrappers;
using TorchSharp;
using static TorchSharp.torch;

namespace Rl.Agents.ActorCritic;

/// <summary>One rollout of T steps from N environments, step-major (index t·N + e), with GAE advantages and value targets.</summary>
public sealed class Rollout
{
    /// <summary>Allocates a rollout.</summary>
    public Rollout(int steps, int numEnvs, int observationSize, int actionWidth)
    {
        int n = steps * numEnvs;
        (Steps, NumEnvs, ObservationSize, ActionWidth) = (steps, numEnvs, observationSize, actionWidth);
        Observations = new float[n * observationSize];
        Actions = new float[n * actionWidth];
        LogProbs = new float[n];
        Values = new float[n];
        Rewards = new float[n];
        NextValues = new float[n];
        EpisodeEnds = new bool[n];
        Advantages = new float[n];
        Returns = new float[n];
    }

    /// <summary>T.</summary>
    public int Steps { get; }

    /// <summary>N.</summary>
    public int NumEnvs { get; }

    /// <summary>Floats per observation row.</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per action row.</summary>
    public int ActionWidth { get; }

    /// <summary>T·N.</summary>
    public int Count => Steps * NumEnvs;

    /// <summary>Raw observation rows s_t.</summary>
    public float[] Observations { get; }

    /// <summary>Action rows a_t.</summary>
    public float[] Actions { get; }

    /// <summary>log π_old(a_t|s_t).</summary>
    public float[] LogProbs { get; }

    /// <summary>V_old(s_t).</summary>
    public float[] Values { get; }

    /// <summary>r_t (scaled when rewards are normalized).</summary>
    public float[] Rewards { get; }

    /// <summary>v'_t: V of what follows s_t (0 after a termination, V(final observation) after a truncation).</summary>
    public float[] NextValues { get; }

    /// <summary>Whether the episode ended at step t.</summary>
    public bool[] EpisodeEnds { get; }

    /// <summary>Â_t from <see cref="Gae"/>.</summary>
    public float[] Advantages { get; }

    /// <summary>Value targets Â_t + V_old(s_t).</summary>
    public float[] Returns { get; }
}

/// <summary>
/// What PPO and A2C share: seeding, the environments, observation and reward normalization, the actor-critic network and
/// its optimizer, rollout collection with GAE, checkpoints and reports. Each algorithm's file holds only its update.
/// </summary>
public abstract class ActorCriticAgent : IAlgorithm
{
    private readonly AlgorithmLifecycle _lifecycle;
    private readonly ActorCriticConfig _config;
    private readonly RunningMeanStd? _returnStats;
    private readonly double[] _discountedReturns;
    private readonly Rollout _rollout;
    private readonly ActorCriticPolicy _policy;

    /// <summary>Builds everything from the config and the runner's context.</summary>
    /// <exception cref="ArgumentException">For an invalid config value or device (the message names it).</exception>
    protected ActorCriticAgent(string id, ActorCriticConfig config, TrainingContext context)
    {
        config.Validate();
        _lifecycle = new AlgorithmLifecycle(id, config);
        _config = config;
        Device = TorchDevice.Resolve(context.Device);
        torch.set_num_threads(config.TorchThreads > 0 ? config.TorchThreads : Math.Max(1, context.Threads));
        // Every random source derives from the seed, in a fixed order: network init, episodes, action sampling, minibatches.
        var root = new Rng(context.Seed);
        var initRng = root.Spawn();
        var episodeRng = root.Spawn();
        SampleRng = _lifecycle.Generator("sample", root.Spawn());
        MinibatchRng = _lifecycle.Generator("minibatch", root.Spawn());
        torch.manual_seed(context.Seed);

        using (var probe = context.MakeEnv())
        {
            Network = new ActorCriticNetwork(probe.ObservationSpace, probe.ActionSpace, config.Network.ToSpec(), config.SharedTrunk, initRng, config.InitLogStd);
            Normalizer = InputNormalizer.ForSpace(probe.ObservationSpace, config.NormalizeObservations, Device);
        }
        Network.to(Device);
        Network.eval();
        Optimizer = new TrainingOptimizer("actor_critic", Network, config.Optimizer, config.Schedule);
        Envs = new EnvStepper(config.EpisodicLife ? () => GameWrappers.WithEpisodicLife(context.MakeEnv()) : context.MakeEnv, config.NumEnvs, episodeRng);
        _rollout = new Rollout(config.NumSteps, config.NumEnvs, Envs.ObservationSize, Network.Head.ActionWidth);
        if (config.NormalizeRewards) _returnStats = new RunningMeanStd(1);
        _discountedReturns = new double[config.NumEnvs];
        _policy = new ActorCriticPolicy(Network, Normalizer, Envs.ObservationSpace, Device);
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

    /// <summary>π_θ and V_θ.</summary>
    public ActorCriticNetwork Network { get; }

    /// <summary>The optimizer of <see cref="Network"/> (its update count is the schedule's position).</summary>
    public TrainingOptimizer Optimizer { get; }

    /// <summary>Observation normalization (running statistics, updated after each iteration; 1/255 for images).</summary>
    public InputNormalizer Normalizer { get; }

    /// <summary>The training environments.</summary>
    public EnvStepper Envs { get; }

    /// <summary>Samples actions during rollouts.</summary>
    protected Rng SampleRng { get; }

    /// <summary>Shuffles minibatches.</summary>
    protected Rng MinibatchRng { get; }

    /// <inheritdoc />
    public abstract IterationResult RunIteration();

    /// <summary>
    /// Collects T steps from every environment with π_θ, then computes v'_t, the GAE advantages and the value targets.
    /// Truncated episodes bootstrap from V(final observation); terminated ones do not.
    /// </summary>
    protected Rollout CollectRollout()
    {
        var r = _rollout;
        int n = r.NumEnvs, obs = r.ObservationSize, width = r.ActionWidth;
        Envs.Start();
        for (int t = 0; t < r.Steps; t++)
        {
            int row = t * n;
            Envs.Observations.CopyTo(r.Observations, row * obs);
            using (var scope = torch.NewDisposeScope())
            using (torch.no_grad())
            {
                var (dist, value) = Network.PolicyAndValue(Normalizer.Normalize(ToDevice(Envs.Observations, n, obs)));
                var action = dist.Sample(SampleRng);
                TensorRows.CopyTo(action, r.Actions.AsSpan(row * width, n * width));
                TensorRows.CopyTo(dist.LogProb(action), r.LogProbs.AsSpan(row, n));
                TensorRows.CopyTo(value, r.Values.AsSpan(row, n));
            }
            Envs.Step(r.Actions.AsSpan(row * width, n * width));
            for (int e = 0; e < n; e++)
            {
                r.Rewards[row + e] = ScaleReward(e, Envs.Rewards[e], Envs.Terminated[e] || Envs.Truncated[e]);
                r.EpisodeEnds[row + e] = Envs.Terminated[e] || Envs.Truncated[e];
                r.NextValues[row + e] = 0;
            }
            FillTruncationBootstraps(r, row);
        }
        // v'_t inside an episode is V(s_{t+1}); after the last step it is V of the current observations.
        var last = Values(Envs.Observations, n);
        for (int t = 0; t < r.Steps; t++)
            for (int e = 0; e < n; e++)
            {
                int i = t * n + e;
                if (!r.EpisodeEnds[i]) r.NextValues[i] = t + 1 < r.Steps ? r.Values[i + n] : last[e];
            }
        Gae.Advantages(r.Rewards, r.Values, r.NextValues, r.EpisodeEnds, n, _config.Gamma, _config.GaeLambda, r.Advantages);
        for (int i = 0; i < r.Count; i++) r.Returns[i] = r.Advantages[i] + r.Values[i];
        return r;
    }

    // V(final observation) for the environments whose episode was truncated at this step.
    private void FillTruncationBootstraps(Rollout r, int row)
    {
        int n = r.NumEnvs, obs = r.ObservationSize;
        var truncated = Enumerable.Range(0, n).Where(e => Envs.Truncated[e]).ToArray();
        if (truncated.Length == 0) return;
        var rows = new float[truncated.Length * obs];
        for (int k = 0; k < truncated.Length; k++) Envs.FinalObservations.AsSpan(truncated[k] * obs, obs).CopyTo(rows.AsSpan(k * obs));
        var values = Values(rows, truncated.Length);
        for (int k = 0; k < truncated.Length; k++) r.NextValues[row + truncated[k]] = values[k];
    }

    /// <summary>V_θ of raw observation rows, as floats.</summary>
    protected float[] Values(float[] rows, int count)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        return TensorRows.ToArray(Network.Value(Normalizer.Normalize(ToDevice(rows, count, rows.Length / count))));
    }

    // Reward scaling as SB3's VecNormalize: divide by the running std of the discounted return, clip.
    private float ScaleReward(int env, float reward, bool episodeEnded)
    {
        if (_returnStats is null) return reward;
        _discountedReturns[env] = _discountedReturns[env] * _config.Gamma + reward;
        _returnStats.Update([_discountedReturns[env]]);
        if (episodeEnded) _discountedReturns[env] = 0;
        double scaled = reward / Math.Sqrt(_returnStats.Variance[0] + 1e-8);
        return (float)Math.Clamp(scaled, -_config.RewardClip, _config.RewardClip);
    }

    /// <summary>Rows of a float array as a [count, size] tensor on the device.</summary>
    protected Tensor ToDevice(ReadOnlySpan<float> rows, int count, int size) => TensorRows.FromSpan(rows[..(count * size)], [count, size], Device);

    /// <summary>The rollout's rows <paramref name="index"/> of a per-step array of <paramref name="width"/> floats, on the device.</summary>
    protected Tensor Gather(float[] values, int width, ReadOnlySpan<int> index)
    {
        var rows = new float[index.Length * width];
        for (int k = 0; k < index.Length; k++) values.AsSpan(index[k] * width, width).CopyTo(rows.AsSpan(k * width));
        return width == 1 ? TensorRows.FromSpan(rows, [index.Length], Device) : TensorRows.FromSpan(rows, [index.Length, width], Device);
    }

    /// <summary>
    /// Ends an iteration: counts the steps, folds the rollout into the observation statistics (after the update, so the
    /// policy was fixed while it acted and learned), and builds the report (with per-layer diagnostics when this iteration's
    /// update recorded them, so a resumed run reports exactly what an uninterrupted one does).
    /// </summary>
    protected IterationResult EndIteration(Rollout rollout, bool diagnosed, Dictionary<string, double> scalars)
    {
        _lifecycle.EndIteration(rollout.Count);
        Normalizer.Update(rollout.Observations, rollout.Count);
        scalars["policy/learning_rate"] = Optimizer.LearningRate;
        scalars["baseline/explained_variance"] = ExplainedVariance(rollout.Values, rollout.Returns);
        scalars["rollout/steps"] = rollout.Count;
        var (returns, lengths) = Envs.TakeFinishedEpisodes();
        var histograms = new Dictionary<string, float[]>();
        if (diagnosed) Optimizer.ReportDiagnostics(scalars, histograms);
        return new IterationResult { EpisodeReturns = returns, EpisodeLengths = lengths, Scalars = scalars, Histograms = histograms };
    }

    /// <summary>1 − Var(y − ŷ) / Var(y): how much of the targets' variance the value predictions explain.</summary>
    public static double ExplainedVariance(ReadOnlySpan<float> predicted, ReadOnlySpan<float> targets)
    {
        double my = 0, md = 0;
        for (int i = 0; i < targets.Length; i++) { my += targets[i]; md += targets[i] - predicted[i]; }
        my /= targets.Length;
        md /= targets.Length;
        double vy = 0, vd = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            vy += (targets[i] - my) * (targets[i] - my);
            double d = targets[i] - predicted[i] - md;
            vd += d * d;
        }
        return vy == 0 ? double.NaN : 1 - vd / vy;
    }

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint)
    {
        _lifecycle.Save(checkpoint);
        using (var state = torch.get_rng_state()) checkpoint.PutArray("rng/torch", state.data<byte>().ToArray());
        Normalizer.Save(checkpoint, "normalizer");
        checkpoint.PutBytes("network/parameters", ModuleState.Save(Network));
        Optimizer.Save(checkpoint, "network");
        Envs.Save(checkpoint, "envs");
        checkpoint.PutArray("reward_scaling/discounted_returns", _discountedReturns);
        if (_returnStats is not null)
            checkpoint.PutArray("reward_scaling/stats", [_returnStats.Mean[0], _returnStats.Variance[0], _returnStats.Count]);
    }

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint)
    {
        _lifecycle.Load(checkpoint);
        var torchState = checkpoint.GetArray<byte>("rng/torch");
        using (var state = torch.tensor(torchState, ScalarType.Byte)) torch.set_rng_state(state);
        Normalizer.Load(checkpoint, "normalizer");
        ModuleState.Load(Network, checkpoint.GetBytes("network/parameters"), "network/parameters");
        Optimizer.Load(checkpoint, "network");
        Envs.Load(checkpoint, "envs");
        checkpoint.GetArray<double>("reward_scaling/discounted_returns", _discountedReturns.Length).CopyTo(_discountedReturns, 0);
        if (_returnStats is not null)
        {
            var s = checkpoint.GetArray<double>("reward_scaling/stats", 3);
            _returnStats.Set([s[0]], [s[1]], s[2]);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Envs.Dispose();
        Optimizer.Dispose();
        Network.Dispose();
        Normalizer.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// The <see cref="IPolicy"/> view of an <see cref="ActorCriticNetwork"/>: normalize, then sample or take the mode of π(·|o);
/// batched for the evaluator.
/// </summary>
public sealed class ActorCriticPolicy : IBatchPolicy
{
    private readonly ActorCriticNetwork _network;
    private readonly InputNormalizer _normalizer;
    private readonly Rl.Core.Spaces.Space _observationSpace;
    private readonly Device _device;
    private readonly float[] _row;
    private readonly float[] _action;

    /// <summary>Wraps the network for observations of <paramref name="observationSpace"/>.</summary>
    public ActorCriticPolicy(ActorCriticNetwork network, InputNormalizer normalizer, Rl.Core.Spaces.Space observationSpace, Device device)
    {
        (_network, _normalizer, _observationSpace, _device) = (network, normalizer, observationSpace, device);
        _row = new float[observationSpace.FlatDim];
        _action = new float[network.Head.ActionWidth];
    }

    /// <inheritdoc />
    public int ActionWidth => _network.Head.ActionWidth;

    /// <inheritdoc />
    public void ActBatch(ReadOnlySpan<float> observations, int count, bool deterministic, Rng rng, Span<float> actions)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var dist = _network.forward(_normalizer.Normalize(TensorRows.FromSpan(observations, [count, observations.Length / count], _device)));
        TensorRows.CopyTo(deterministic ? dist.Mode() : dist.Sample(rng), actions);
    }

    /// <inheritdoc />
    public object Act(object observation, bool deterministic, Rng rng)
    {
        _observationSpace.FlattenObject(observation, _row);
        ActBatch(_row, 1, deterministic, rng, _action);
        return _network.Head.ToEnvAction(_action);
    }
}
