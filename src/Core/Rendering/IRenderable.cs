using Rl.Core.Wrappers;

namespace Rl.Core.Rendering;

/// <summary>
/// An environment (or wrapper) that can say what its current state looks like. It describes the picture as a
/// <see cref="Scene"/>; Rl.Rendering draws it (headless into pixel arrays, or in a window). Environments never call a
/// graphics API.
/// </summary>
public interface IRenderable
{
    /// <summary>
    /// Describes the current state: call <see cref="Scene.Begin"/> with the native frame size (Gymnasium's <c>rgb_array</c>
    /// size), background and camera, then add primitives. Must not change the environment's state or draw random numbers
    /// from its generator.
    /// </summary>
    void DescribeScene(Scene scene);
}

/// <summary>Finds what can be rendered in a chain of wrappers.</summary>
public static class Renderable
{
    /// <summary>
    /// The outermost <see cref="IRenderable"/> in <paramref name="env"/>'s wrapper chain (so a wrapper may add an overlay),
    /// else null.
    /// </summary>
    public static IRenderable? Find(IEnv env)
    {
        IEnv? e = env;
        while (e is not null)
        {
            if (e is IRenderable r) return r;
            e = e is IWrapper w ? w.InnerEnv : null;
        }
        return env.Unwrapped as IRenderable;
    }

    /// <summary>The renderable of <paramref name="env"/>.</summary>
    /// <exception cref="ArgumentException">Naming the environment when nothing in its chain can render.</exception>
    public static IRenderable Require(IEnv env) =>
        Find(env) ?? throw new ArgumentException(
            $"environment '{env.Name}' ({env.Unwrapped.GetType().Name}) cannot render: it does not describe a scene (IRenderable); render modes it declares: [{string.Join(", ", env.Metadata.RenderModes)}]",
            nameof(env));
}
