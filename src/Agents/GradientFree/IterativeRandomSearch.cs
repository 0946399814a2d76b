using Rl.Agents.Parameters;
using Rl.Agents.Training;

namespace Rl.Agents.GradientFree;

/// <summary>
/// Iterative random search: sample, pick the highest, sample more points around the maxima, repeat.
/// <code>
/// sample θ_1..θ_n ~ N(0, σ₀²I); compute f(θ_i); keep the k best as maxima
/// for each further iteration:
///     sample θ ~ N(m, σ²I) around each maximum m (n points in all)
///     compute f of the new points and, again, of the maxima (fresh episodes, so a lucky score does not stick)
///     keep the k best as the new maxima; σ := max(σ_min, σ·decay)
/// </code>
/// The policy is the best maximum.
/// </summary>
public sealed class IterativeRandomSearch : GradientFreeAlgorithm
{
    /// <summary>The registered id.</summary>
    public const string AlgorithmId = AlgorithmIds.IterativeRandomSearch;

    private readonly IterativeRandomSearchConfig _config;
    private readonly float[] _origin;
    private readonly float[] _initial;
    private float[][] _maxima = [];
    private double _sigma;

    /// <summary>Creates the algorithm.</summary>
    /// <exception cref="HyperparameterException">For invalid hyperparameters.</exception>
    public IterativeRandomSearch(IterativeRandomSearchConfig config, TrainingContext context)
        : base(AlgorithmId, config, context, normalizeObservations: false)
    {
        _config = config;
        _origin = new float[Dimension];
        _initial = Architecture.InitialParameters(Rng);
        _sigma = config.Sigma;
    }

    /// <summary>The current sampling standard deviation around the maxima.</summary>
    public double Sigma => _sigma;

    /// <inheritdoc />
    protected override ReadOnlySpan<float> PolicyParameters => _maxima.Length > 0 ? _maxima[0] : _initial;

    /// <inheritdoc />
    public override IterationResult RunIteration()
    {
        var candidates = new List<Candidate>();
        bool first = _maxima.Length == 0;
        if (first)
        {
            // Sample globally.
            for (int i = 0; i < _config.Population; i++) candidates.Add(Sample(_origin, (float)_config.InitialSigma));
        }
        else
        {
            // Score the maxima again, and sample around them.
            foreach (var m in _maxima) candidates.Add(new Candidate(m, 0, 0, Rng.NextSeed()));
            for (int i = 0; i < _config.Population; i++) candidates.Add(Sample(_maxima[i % _maxima.Length], (float)_sigma));
        }

        var f = Score(candidates);

        // Pick the highest: they are the maxima to sample around next.
        var top = FitnessTools.TopIndices(f.Fitness, _config.Elites);
        var maxima = new float[top.Length][];
        for (int j = 0; j < top.Length; j++)
        {
            maxima[j] = new float[Dimension];
            candidates[top[j]].Materialize(Noise, maxima[j]);
        }
        _maxima = maxima;
        var scalars = new Dictionary<string, double> { ["search/sigma"] = first ? _config.InitialSigma : _sigma, ["search/best_score"] = f.Fitness[top[0]] };
        if (!first) _sigma = Math.Max(_config.MinSigma, _sigma * _config.SigmaDecay);
        return Finish(f, scalars);
    }

    /// <inheritdoc />
    protected override void SaveState(Checkpoint checkpoint)
    {
        checkpoint.PutJson(Key("sigma"), _sigma);
        checkpoint.PutArray<float>(Key("initial"), _initial);
        checkpoint.PutArray<float>(Key("maxima"), _maxima.SelectMany(m => m).ToArray());
    }

    /// <inheritdoc />
    protected override void LoadState(Checkpoint checkpoint)
    {
        _sigma = checkpoint.GetJson<double>(Key("sigma"));
        GetInto(checkpoint, "initial", _initial);
        var flat = checkpoint.GetArray<float>(Key("maxima"));
        if (flat.Length % Dimension != 0 || flat.Length / Dimension > _config.Elites)
            throw new CheckpointException($"checkpoint entry '{Key("maxima")}' has {flat.Length} floats, not up to {_config.Elites} vectors of {Dimension}");
        _maxima = [.. flat.Chunk(Dimension)];
    }
}
