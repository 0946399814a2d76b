using Rl.Core;
using Rl.Core.Spaces;

[assembly: EnvironmentRegistrar(typeof(Rl.TestEnvironments.SeekEnvironments))]

namespace Rl.TestEnvironments;

/// <summary>
/// Seek-v0, a user's environment in miniature: a walker on the integers -5..5 starts at a random nonzero cell and must reach 0.
/// Observation: [-position / 5] (where the goal lies, scaled into [-1, 1]); actions: 0 steps left, 1 steps right. Reward -0.1
/// per step, +1 on reaching 0 (terminated); 20-step time limit. Stepping towards the goal always is optimal (mean return
/// 0.85 over the starting cells), a linear policy without bias can express it, and a random walk seldom gets there.
/// </summary>
public sealed class SeekEnv : Env<float[], int>
{
    /// <summary>The registered id.</summary>
    public const string Id = "Seek-v0";

    private const int Edge = 5;
    private int _position;

    /// <inheritdoc />
    public override Space<float[]> ObservationSpace { get; } = new Box<float>(-1f, 1f, 1);

    /// <inheritdoc />
    public override Space<int> ActionSpace { get; } = new Discrete(2);

    /// <inheritdoc />
    protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into)
    {
        int start = Random.NextInt(1, Edge); // 1..4, either side
        _position = Random.NextInt(2) == 0 ? -start : start;
        return new ResetResult<float[]>(Observe(into), Info.Empty);
    }

    /// <inheritdoc />
    protected override StepResult<float[]> StepCore(int action, float[]? into)
    {
        _position = Math.Clamp(_position + (action == 1 ? 1 : -1), -Edge, Edge);
        bool reached = _position == 0;
        return new StepResult<float[]>(Observe(into), reached ? 1.0 : -0.1, reached, false, Info.Empty);
    }

    private float[] Observe(float[]? into)
    {
        var obs = into ?? new float[1];
        obs[0] = -_position / (float)Edge;
        return obs;
    }
}

/// <summary>Registers <see cref="SeekEnv"/> (what <c>rl --env-assembly</c> runs through the assembly's attribute).</summary>
public sealed class SeekEnvironments : IEnvironmentRegistrar
{
    /// <inheritdoc />
    public void Register(EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(new EnvSpec
        {
            Id = SeekEnv.Id,
            Factory = _ => new SeekEnv(),
            MaxEpisodeSteps = 20,
            RewardThreshold = 0.8,
            Description = "Walk to 0 on the integers -5..5 (a user's environment, loaded with --env-assembly).",
        });
    }
}
