using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Rl.Core.Wrappers;

/// <summary>
/// The pixel-game wrappers Atari setups use, as one record (the <c>[wrappers]</c> table of a run config). Applied by
/// <see cref="GameWrappers.Apply"/> outside the environment's time limit, innermost first: sticky actions, frame skip with
/// max-pooling, no-op resets, frame stack; so the time limit counts game frames (Breakout-v0's 2,000 stay 2,000 frames
/// whatever the skip). Episodic life is a training-only choice of the algorithms (<c>episodic_life</c> in their config).
/// </summary>
public sealed record GameWrapperOptions
{
    /// <summary>Game frames per step, the last two max-pooled (1 = off). Default 1.</summary>
    [Description("Frames per step with max-pooling of the last two (MaxAndSkip); 1 = off.")]
    [Range(1, 100)]
    public int FrameSkip { get; init; } = 1;

    /// <summary>Most no-op actions after a reset (0 = off). Default 0.</summary>
    [Description("Random number of no-op actions in [1, noop_max] after each reset; 0 = off.")]
    [Range(0, 10_000)]
    public int NoopMax { get; init; }

    /// <summary>The no-op action of a Discrete game. Default 0.</summary>
    [Description("The no-op action (Discrete index) used by noop_max.")]
    [Range(0, int.MaxValue)]
    public int NoopAction { get; init; }

    /// <summary>Probability of repeating the previous action (0 = off). Default 0.</summary>
    [Description("Sticky actions: probability of repeating the previous action, in [0, 1).")]
    [Range(0.0, 0.999999)]
    public double StickyActions { get; init; }

    /// <summary>Observations stacked (1 = off). Default 1.</summary>
    [Description("Observations stacked, oldest first (FrameStack); 1 = off.")]
    [Range(1, 64)]
    public int FrameStack { get; init; } = 1;

    /// <summary>Whether any wrapper is on.</summary>
    public bool Any => FrameSkip > 1 || NoopMax > 0 || StickyActions > 0 || FrameStack > 1;
}

/// <summary>Applies <see cref="GameWrapperOptions"/> and <see cref="EpisodicLife{TObs, TAct}"/> to untyped environments.</summary>
public static class GameWrappers
{
    /// <summary>Wraps <paramref name="env"/> as <paramref name="options"/> says (returns it unchanged when all are off).</summary>
    /// <exception cref="ArgumentException">If a wrapper does not fit the environment (e.g. frame skip of non-array observations).</exception>
    public static IEnv Apply(IEnv env, GameWrapperOptions options)
    {
        if (options.StickyActions > 0) env = EnvRegistry.WrapGeneric(typeof(StickyActions<,>), env, options.StickyActions);
        if (options.FrameSkip > 1) env = EnvRegistry.WrapGeneric(typeof(MaxAndSkip<,>), env, options.FrameSkip);
        if (options.NoopMax > 0) env = EnvRegistry.WrapGeneric(typeof(NoopReset<,>), env, options.NoopMax, options.NoopAction);
        if (options.FrameStack > 1) env = WrapStack(env, options.FrameStack);
        return env;
    }

    /// <summary>Wraps <paramref name="env"/> in <see cref="EpisodicLife{TObs, TAct}"/> (training environments only).</summary>
    public static IEnv WithEpisodicLife(IEnv env) => EnvRegistry.WrapGeneric(typeof(EpisodicLife<,>), env, "lives");

    private static IEnv WrapStack(IEnv env, int k) => env switch
    {
        IEnv<byte[], int> b => b.FrameStack(k),
        IEnv<float[], int> f => f.FrameStack(k),
        IEnv<float[], float[]> c => c.FrameStack(k),
        IEnv<byte[], int[]> m => m.FrameStack(k),
        _ => throw new ArgumentException($"{env.Name}: frame_stack needs byte[] or float[] observations with Discrete, MultiDiscrete or Box actions, not {env}"),
    };
}
