using System.Numerics;
using Rl.Core;
using Rl.Core.Input;
using Rl.Core.Rendering;
using Rl.Core.Spaces;

// The runner finds the environments of an assembly named with --env-assembly through this attribute.
[assembly: EnvironmentRegistrar(typeof(MyEnvs.GoalLineEnvironments))]

namespace MyEnvs;

/// <summary>
/// GoalLine-v0: a point on the line [-1, 1] must reach a target. Observation: (position, target); actions: 0 moves left,
/// 1 moves right (0.1 per step). Reward -0.02 per step, +1 on reaching the target (within 0.05: terminated). 50-step time limit.
/// </summary>
public sealed class GoalLineEnv : Env<float[], int>, IRenderable, IKeyMapped
{
    /// <summary>The registered id.</summary>
    public const string Id = "GoalLine-v0";

    private const float Speed = 0.1f, Reach = 0.05f;
    private float _position, _target;

    /// <inheritdoc />
    public override Space<float[]> ObservationSpace { get; } = new Box<float>(-1f, 1f, 2);

    /// <inheritdoc />
    public override Space<int> ActionSpace { get; } = new Discrete(2);

    /// <inheritdoc />
    public override EnvMetadata Metadata { get; } = new(["rgb_array", "human"], 10);

    /// <inheritdoc />
    protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into)
    {
        do
        {
            _position = (float)Random.Uniform(-1, 1);   // Random: the environment's generator, seeded by Reset(seed)
            _target = (float)Random.Uniform(-1, 1);
        } while (MathF.Abs(_position - _target) <= Reach);
        return new ResetResult<float[]>(Observe(into), Info.Empty);
    }

    /// <inheritdoc />
    protected override StepResult<float[]> StepCore(int action, float[]? into)
    {
        _position = Math.Clamp(_position + (action == 1 ? Speed : -Speed), -1f, 1f);
        bool reached = MathF.Abs(_position - _target) <= Reach;
        return new StepResult<float[]>(Observe(into), reached ? 1.0 : -0.02, reached, false, Info.Empty);
    }

    private float[] Observe(float[]? into)
    {
        var obs = into ?? new float[2];     // Step(action, into: buffer) reuses the caller's array
        obs[0] = _position;
        obs[1] = _target;
        return obs;
    }

    /// <summary>Draws the line, the target (green) and the point (red) on a 240 x 60 picture.</summary>
    public void DescribeScene(Scene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        scene.Begin(240, 60, Color.White, Camera2D.Pixels(240, 60));
        scene.Line(new Vector2(20, 30), new Vector2(220, 30), 2f, new Color(0, 0, 0));
        scene.Circle(new Vector2(120 + 100 * _target, 30), 8f, new Color(0, 160, 0));
        scene.Circle(new Vector2(120 + 100 * _position, 30), 6f, new Color(200, 0, 0));
    }

    private static readonly KeyControl Left = new("move left", Key.Left, Key.A), Right = new("move right", Key.Right, Key.D);

    /// <summary>Keys for <c>rl play</c>: Left/A and Right/D move; with no key held the point keeps its last direction.</summary>
    public KeyMap KeyMap { get; } = new DiscreteKeyMap(new Discrete(2), [Left, Right],
        [new KeyChord(0, Left), new KeyChord(1, Right)], idleAction: null, "keep moving the same way");
}

/// <summary>Registers <see cref="GoalLineEnv"/> with its time limit and the return that counts as solved.</summary>
public sealed class GoalLineEnvironments : IEnvironmentRegistrar
{
    /// <inheritdoc />
    public void Register(EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(new EnvSpec
        {
            Id = GoalLineEnv.Id,
            Factory = _ => new GoalLineEnv(),
            MaxEpisodeSteps = 50,
            RewardThreshold = 0.8,
            Description = "Move a point along [-1, 1] to a target (the tutorial's environment).",
        });
    }
}
