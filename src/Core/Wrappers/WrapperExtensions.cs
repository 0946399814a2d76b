using System.Numerics;
using Rl.Core.Spaces;

namespace Rl.Core.Wrappers;

/// <summary>
/// Fluent construction of wrapper chains, innermost first, e.g.
/// <c>env.WithTimeLimit(500).RecordEpisodeStatistics().NormalizeObservation()</c>. Each method returns the new wrapper
/// (typed, so its properties such as <c>Statistics</c> stay reachable) and throws what the wrapper's constructor throws.
/// </summary>
public static class WrapperExtensions
{
    /// <summary>Wraps in a <see cref="TimeLimit{TObs, TAct}"/> of <paramref name="maxEpisodeSteps"/> steps.</summary>
    public static TimeLimit<TObs, TAct> WithTimeLimit<TObs, TAct>(this IEnv<TObs, TAct> env, int maxEpisodeSteps) =>
        new(env, maxEpisodeSteps);

    /// <summary>Wraps in a <see cref="RecordEpisodeStatistics{TObs, TAct}"/>.</summary>
    public static RecordEpisodeStatistics<TObs, TAct> RecordEpisodeStatistics<TObs, TAct>(this IEnv<TObs, TAct> env, int bufferLength = 100) =>
        new(env, bufferLength);

    /// <summary>Wraps in a <see cref="NormalizeObservation{TAct}"/>.</summary>
    public static NormalizeObservation<TAct> NormalizeObservation<TAct>(this IEnv<float[], TAct> env, double epsilon = 1e-8) =>
        new(env, epsilon);

    /// <summary>Wraps in a <see cref="NormalizeReward{TObs, TAct}"/>.</summary>
    public static NormalizeReward<TObs, TAct> NormalizeReward<TObs, TAct>(this IEnv<TObs, TAct> env, double gamma = 0.99, double epsilon = 1e-8) =>
        new(env, gamma, epsilon);

    /// <summary>Wraps in a <see cref="FrameStack{T, TAct}"/> of <paramref name="stackSize"/> frames.</summary>
    public static FrameStack<T, TAct> FrameStack<T, TAct>(this IEnv<T[], TAct> env, int stackSize, FramePadding padding = FramePadding.Reset)
        where T : unmanaged, INumber<T> =>
        new(env, stackSize, padding);

    /// <summary>Wraps in an <see cref="ActionRepeat{TObs, TAct}"/> that repeats each action <paramref name="repeat"/> times.</summary>
    public static ActionRepeat<TObs, TAct> ActionRepeat<TObs, TAct>(this IEnv<TObs, TAct> env, int repeat) => new(env, repeat);

    /// <summary>Wraps in a <see cref="ClipAction{TObs}"/>.</summary>
    public static ClipAction<TObs> ClipAction<TObs>(this IEnv<TObs, float[]> env) => new(env);

    /// <summary>Wraps in a <see cref="RescaleAction{TObs}"/> from <c>[min, max]</c> in every element.</summary>
    public static RescaleAction<TObs> RescaleAction<TObs>(this IEnv<TObs, float[]> env, float min = -1f, float max = 1f) =>
        new(env, min, max);

    /// <summary>Wraps in a <see cref="TransformObservation{TObs, TAct, TInnerObs}"/>.</summary>
    public static TransformObservation<TObs, TAct, TInnerObs> TransformObservation<TObs, TAct, TInnerObs>(
        this IEnv<TInnerObs, TAct> env, Func<TInnerObs, TObs> transform, Space<TObs> observationSpace) =>
        new(env, transform, observationSpace);

    /// <summary>Wraps in a <see cref="TransformReward{TObs, TAct}"/>.</summary>
    public static TransformReward<TObs, TAct> TransformReward<TObs, TAct>(this IEnv<TObs, TAct> env, Func<double, double> transform) =>
        new(env, transform);

    /// <summary>Wraps in a <see cref="FlattenObservation{TInnerObs, TAct}"/>.</summary>
    public static FlattenObservation<TInnerObs, TAct> FlattenObservation<TInnerObs, TAct>(this IEnv<TInnerObs, TAct> env) => new(env);
}
