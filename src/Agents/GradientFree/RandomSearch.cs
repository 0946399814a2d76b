using Rl.Agents.Parameters;
using Rl.Agents.Training;

namespace Rl.Agents.GradientFree;

/// <summary>
/// Random search: maximize f(θ) = expected return by sampling parameter vectors at random and keeping the best.
/// <code>
/// for each iteration:
///     sample θ_1..θ_n ~ N(0, σ²I)
///     compute f(θ_i) by rollouts
///     if max_i f(θ_i) &gt; f(θ*): θ* := argmax_i f(θ_i)
/// </code>
/// The policy is θ*, the best vector found so far.
/// </summary>
public sealed class RandomSearch : GradientFreeAlgorithm
{
    /// <summary>The registered id.</summary>
    public const string AlgorithmId = AlgorithmIds.RandomSearch;

    private readonly RandomSearchConfig _config;
    private readonly float[] _origin;
    private readonly float[] _best;
    private double _bestScore = double.NegativeInfinity;

    /// <summary>Creates the algorithm.</summary>
    /// <exception cref="HyperparameterException">For invalid hyperparameters.</exception>
    public RandomSearch(RandomSearchConfig config, TrainingContext context) : base(AlgorithmId, config, context, normalizeObservations: false)
    {
        _config = config;
        _origin = new float[Dimension];
        _best = Architecture.InitialParameters(Rng);
    }

    /// <summary>The best score f(θ*) so far (−∞ before the first iteration).</summary>
    public double BestScore => _bestScore;

    /// <inheritdoc />
    protected override ReadOnlySpan<float> PolicyParameters => _best;

    /// <inheritdoc />
    public override IterationResult RunIteration()
    {
        // Sample θ_1..θ_n ~ N(0, σ²I).
        var candidates = new Candidate[_config.Population];
        for (int i = 0; i < candidates.Length; i++) candidates[i] = Sample(_origin, (float)_config.Sigma);

        // f(θ_i) by rollouts.
        var f = Score(candidates);

        // Keep the highest.
        int top = FitnessTools.TopIndices(f.Fitness, 1)[0];
        if (f.Fitness[top] > _bestScore)
        {
            _bestScore = f.Fitness[top];
            candidates[top].Materialize(Noise, _best);
        }
        return Finish(f, new Dictionary<string, double> { ["search/sigma"] = _config.Sigma, ["search/best_score"] = _bestScore, ["search/iteration_best_score"] = f.Fitness[top] });
    }

    /// <inheritdoc />
    protected override void SaveState(Checkpoint checkpoint)
    {
        checkpoint.PutArray<float>(Key("best"), _best);
        checkpoint.PutArray<double>(Key("best_score"), [_bestScore]); // an array: JSON has no infinity
    }

    /// <inheritdoc />
    protected override void LoadState(Checkpoint checkpoint)
    {
        GetInto(checkpoint, "best", _best);
        _bestScore = checkpoint.GetArray<double>(Key("best_score"), 1)[0];
    }
}
