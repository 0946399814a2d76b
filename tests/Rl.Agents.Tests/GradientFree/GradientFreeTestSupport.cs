using Rl.Agents.Evaluation;
using Rl.Agents.GradientFree;
using Rl.Agents.Policies;
using Rl.Agents.Training;
using Rl.Core;
using Rl.Core.Spaces;
using Rl.Environments;

namespace Rl.Agents.Tests.GradientFree;

/// <summary>Builds the five gradient-free agents on CartPole-v1 (or a given environment) for tests.</summary>
internal static class GradientFreeTestSupport
{
    public static readonly string[] AllIds = [RandomSearch.AlgorithmId, IterativeRandomSearch.AlgorithmId, Cem.AlgorithmId, EvolutionStrategies.AlgorithmId, Ars.AlgorithmId];

    public static TrainingContext Context(int seed = 0, int threads = 2, Func<IEnv>? makeEnv = null) =>
        new() { MakeEnv = makeEnv ?? (() => Envs.Make("CartPole-v1")), Seed = seed, Threads = threads };

    public static GradientFreeConfig DefaultConfig(string id) => id switch
    {
        RandomSearch.AlgorithmId => new RandomSearchConfig(),
        IterativeRandomSearch.AlgorithmId => new IterativeRandomSearchConfig(),
        Cem.AlgorithmId => new CemConfig(),
        EvolutionStrategies.AlgorithmId => new EvolutionStrategiesConfig(),
        Ars.AlgorithmId => new ArsConfig(),
        _ => throw new ArgumentException(id),
    };

    public static GradientFreeAlgorithm Create(GradientFreeConfig config, TrainingContext context) => config switch
    {
        RandomSearchConfig c => new RandomSearch(c, context),
        IterativeRandomSearchConfig c => new IterativeRandomSearch(c, context),
        CemConfig c => new Cem(c, context),
        EvolutionStrategiesConfig c => new EvolutionStrategies(c, context),
        ArsConfig c => new Ars(c, context),
        _ => throw new ArgumentException(config.GetType().Name),
    };

    public static float[] PolicyParameters(IAlgorithm algorithm) => ((FlatPolicy)algorithm.Policy).Parameters.ToArray();

    /// <summary>Mean return of a uniformly random policy over 100 seeded CartPole episodes (about 22).</summary>
    public static double RandomPolicyMeanReturn() =>
        Evaluator.Evaluate(new RandomPolicy(), () => Envs.Make("CartPole-v1"), new EvaluationOptions { Episodes = 100, Seed = 500 }).MeanReturn;

    private sealed class RandomPolicy : IPolicy
    {
        public object Act(object observation, bool deterministic, Rng rng) => rng.NextInt(2);
    }
}

/// <summary>
/// A tiny pixel task for the conv policy: an 8×8 image of stripes (period 3, random phase), horizontal or vertical; action 0
/// (horizontal) or 1 (vertical) earns 1 when it names the orientation. Ten images per episode. Averaged over the phases,
/// both orientations give every pixel the same value, so no linear policy can solve it; oriented 3×3 filters with pooling can.
/// </summary>
internal sealed class StripesEnv : Env<byte[], int>
{
    private readonly Box<byte> _observationSpace = new(0, 255, 8, 8, 1);
    private readonly Discrete _actionSpace = new(2);
    private int _vertical, _t;

    public override Space<byte[]> ObservationSpace => _observationSpace;
    public override Space<int> ActionSpace => _actionSpace;

    protected override ResetResult<byte[]> ResetCore(OptionSet options, byte[]? into)
    {
        _t = 0;
        return new ResetResult<byte[]>(Draw(into), Info.Empty);
    }

    protected override StepResult<byte[]> StepCore(int action, byte[]? into)
    {
        double reward = action == _vertical ? 1 : 0;
        _t++;
        return new StepResult<byte[]>(Draw(into), reward, _t == 10, false, Info.Empty);
    }

    private byte[] Draw(byte[]? into)
    {
        var image = into ?? new byte[64];
        _vertical = Random.NextInt(2);
        int phase = Random.NextInt(3);
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
                image[y * 8 + x] = (byte)(((_vertical == 1 ? x : y) + phase) % 3 == 0 ? 250 : 30);
        return image;
    }
}

/// <summary>
/// A continuous-control check: observe a target point in [−0.8, 0.8]², act with a point in the Box [−1, 1]², earn −‖a − target‖².
/// Five targets per episode. A linear policy solves it exactly (a = target).
/// </summary>
internal sealed class ReachTargetEnv : Env<float[], float[]>
{
    private readonly Box<float> _observationSpace = new(-1f, 1f, 2);
    private readonly Box<float> _actionSpace = new(-1f, 1f, 2);
    private readonly float[] _target = new float[2];
    private int _t;

    public override Space<float[]> ObservationSpace => _observationSpace;
    public override Space<float[]> ActionSpace => _actionSpace;

    protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into)
    {
        _t = 0;
        return new ResetResult<float[]>(NewTarget(into), Info.Empty);
    }

    protected override StepResult<float[]> StepCore(float[] action, float[]? into)
    {
        double dx = action[0] - _target[0], dy = action[1] - _target[1];
        _t++;
        return new StepResult<float[]>(NewTarget(into), -(dx * dx + dy * dy), _t == 5, false, Info.Empty);
    }

    private float[] NewTarget(float[]? into)
    {
        for (int i = 0; i < 2; i++) _target[i] = (float)Random.Uniform(-0.8, 0.8);
        var obs = into ?? new float[2];
        _target.CopyTo(obs, 0);
        return obs;
    }
}
