using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Experiments.Tests;

/// <summary>Where <see cref="HillClimbConfig.NanAtIteration"/> puts its NaN.</summary>
public enum NanTarget { Scalar, Histogram }

/// <summary>Initialization settings (a nested table, [config.init]).</summary>
public sealed record InitConfig
{
    [Description("Std of the initial weights (0: zeros).")]
    [Range(0.0, 10.0)]
    public double Scale { get; init; }
}

/// <summary>Config of the test algorithm: exercises every kind of key the binder supports.</summary>
public sealed record HillClimbConfig : IValidatableObject
{
    [Description("Std of the Gaussian perturbation of the weights.")]
    [Range(1e-6, 100.0)]
    public double NoiseStd { get; init; } = 0.5;

    [Description("Lower bound the noise decays to.")]
    [Range(0.0, 100.0)]
    public double MinNoiseStd { get; init; } = 0.01;

    [Description("Noise multiplier after an accepted candidate.")]
    [Range(0.0, 1.0)]
    public double NoiseDecay { get; init; } = 1.0;

    [Description("Episodes per candidate.")]
    [Range(1, 100)]
    public int EpisodesPerCandidate { get; init; } = 2;

    [Description("Report a non-finite value at this iteration (0: never).")]
    [Range(0, int.MaxValue)]
    public int NanAtIteration { get; init; }

    [Description("Where the non-finite value goes.")]
    public NanTarget NanIn { get; init; } = NanTarget.Scalar;

    [Description("Per-feature scales of the observation (empty: all 1).")]
    public double[] FeatureScale { get; init; } = [];

    [Description("Label for logs.")]
    public string Label { get; init; } = "hc";

    [Description("Optional cap on candidates (unset: none).")]
    [Range(1, 1000)]
    public int? MaxCandidates { get; init; }

    public InitConfig Init { get; init; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinNoiseStd > NoiseStd)
            yield return new ValidationResult($"min_noise_std {MinNoiseStd} exceeds noise_std {NoiseStd}", [nameof(MinNoiseStd), nameof(NoiseStd)]);
    }
}

/// <summary>
/// A small deterministic algorithm for the runner's tests: hill climbing on a linear CartPole policy
/// (action = w·obs + b &gt; 0). Each iteration perturbs the best weights, runs seeded episodes, and keeps the candidate if it
/// is at least as good. Its whole state is weights, best return, noise, counters and the RNG, all in its checkpoint.
/// </summary>
public sealed class HillClimb : IAlgorithm
{
    public const string Id = "test-hillclimb";
    private readonly HillClimbConfig _config;
    private readonly IEnv<float[], int> _env;
    private readonly Rng _rng;
    private readonly int _dim;
    private float[] _best;
    private double _bestReturn = double.NegativeInfinity;
    private double _noise;
    private readonly float[] _obs;

    public HillClimb(HillClimbConfig config, TrainingContext context)
    {
        _config = config;
        var env = context.MakeEnv();
        _env = env as IEnv<float[], int> ?? throw new ArgumentException($"{Id} needs float[] observations and int actions, not {env.ObservationSpace} / {env.ActionSpace}");
        if (_env.ActionSpace is not Discrete { N: 2 }) throw new ArgumentException($"{Id} needs a Discrete(2) action space, not {_env.ActionSpace}");
        _dim = _env.ObservationSpace.FlatDim;
        if (config.FeatureScale.Length is not 0 && config.FeatureScale.Length != _dim)
            throw new ArgumentException($"feature_scale has {config.FeatureScale.Length} entries but the observation has {_dim}");
        _rng = new Rng(context.Seed);
        _best = new float[_dim + 1];
        for (int i = 0; i < _best.Length; i++) _best[i] = (float)(config.Init.Scale * _rng.NextGaussian());
        _noise = config.NoiseStd;
        _obs = new float[_dim];
        Policy = new LinearPolicy(this);
    }

    string IAlgorithm.Id => Id;
    public long EnvSteps { get; private set; }
    public int Iteration { get; private set; }
    public IPolicy Policy { get; }
    public float[] Weights => _best;

    private int Act(float[] w, float[] obs)
    {
        double z = w[_dim];
        for (int i = 0; i < _dim; i++) z += w[i] * obs[i] * (_config.FeatureScale.Length == 0 ? 1 : _config.FeatureScale[i]);
        return z > 0 ? 1 : 0;
    }

    public IterationResult RunIteration()
    {
        var candidate = new float[_best.Length];
        for (int i = 0; i < candidate.Length; i++) candidate[i] = _best[i] + (float)(_noise * _rng.NextGaussian());
        var returns = new List<double>();
        var lengths = new List<int>();
        for (int e = 0; e < _config.EpisodesPerCandidate; e++)
        {
            _env.Reset(_rng.NextSeed(), into: _obs);
            double ret = 0;
            int len = 0;
            while (true)
            {
                var step = _env.Step(Act(candidate, _obs), _obs);
                ret += step.Reward;
                len++;
                if (step.Terminated || step.Truncated) break;
            }
            returns.Add(ret);
            lengths.Add(len);
            EnvSteps += len;
        }
        double mean = returns.Average();
        bool accepted = mean >= _bestReturn;
        if (accepted)
        {
            _best = candidate;
            _bestReturn = mean;
            _noise = Math.Max(_config.MinNoiseStd, _noise * _config.NoiseDecay);
        }
        Iteration++;
        var scalars = new Dictionary<string, double>
        {
            ["best_return"] = _bestReturn,
            ["candidate_return"] = mean,
            ["accepted"] = accepted ? 1 : 0,
            ["noise_std"] = _noise,
        };
        var weights = (float[])_best.Clone();
        if (Iteration == _config.NanAtIteration)
        {
            if (_config.NanIn == NanTarget.Scalar) scalars["loss"] = double.NaN;
            else weights[1] = float.PositiveInfinity;
        }
        return new IterationResult
        {
            EpisodeReturns = returns,
            EpisodeLengths = lengths,
            Scalars = scalars,
            Histograms = new Dictionary<string, float[]> { ["policy/weights"] = weights },
        };
    }

    public void Save(Checkpoint checkpoint)
    {
        checkpoint.PutArray<float>("hc/weights", _best);
        checkpoint.PutArray<double>("hc/best_return_noise", [_bestReturn, _noise]);
        checkpoint.PutArray<long>("hc/counters", [EnvSteps, Iteration]);
        checkpoint.PutRng("hc/rng", _rng);
    }

    public void Load(Checkpoint checkpoint)
    {
        _best = checkpoint.GetArray<float>("hc/weights", _dim + 1);
        var bn = checkpoint.GetArray<double>("hc/best_return_noise", 2);
        (_bestReturn, _noise) = (bn[0], bn[1]);
        var counters = checkpoint.GetArray<long>("hc/counters", 2);
        (EnvSteps, Iteration) = (counters[0], (int)counters[1]);
        checkpoint.GetRng("hc/rng", _rng);
    }

    public void Dispose() => _env.Dispose();

    private sealed class LinearPolicy(HillClimb owner) : IPolicy
    {
        public object Act(object observation, bool deterministic, Rng rng) => owner.Act(owner._best, (float[])observation);
    }
}

/// <summary>Registers the test algorithms once per test process.</summary>
public static class TestAlgorithms
{
    private static readonly Lock Gate = new();

    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (AlgorithmRegistry.All.Any(a => a.Id == HillClimb.Id)) return;
            AlgorithmRegistry.Register<HillClimbConfig>(HillClimb.Id, (c, ctx) => new HillClimb(c, ctx),
                "Hill climbing on a linear policy (test algorithm).");
        }
    }
}
