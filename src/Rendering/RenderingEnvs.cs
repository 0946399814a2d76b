using Rl.Core;

namespace Rl.Rendering;

/// <summary>Registers the rendering-based environments and builds environments with a render mode.</summary>
public static class RenderingEnvs
{
    /// <summary>The id of pixel cart-pole.</summary>
    public const string CartPolePixelsId = "CartPolePixels-v1";

    private static readonly string[] PixelKeys = ["width", "height", "grayscale"];

    /// <summary>
    /// Registers <c>CartPolePixels-v1</c>: CartPole-v1 (resolved through <paramref name="registry"/> when made, so this
    /// library needs no reference to the environments) observed as 64 x 64 x 3 uint8 frames; options <c>width</c>,
    /// <c>height</c>, <c>grayscale</c>, and CartPole-v1's own options, passed through. Truncation at 500 steps, reward
    /// threshold 475, as CartPole-v1.
    /// </summary>
    public static void Register(EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var docs = new Dictionary<string, string>
        {
            ["width"] = "int, default 64: frame width in pixels",
            ["height"] = "int, default 64: frame height in pixels",
            ["grayscale"] = "bool, default false: one luminance channel instead of RGB",
        };
        if (registry.Contains("CartPole-v1"))
            foreach (var (k, v) in registry.GetSpec("CartPole-v1").KwargDocs) docs.TryAdd(k, v + " (passed to CartPole-v1)");
        registry.Register(new EnvSpec
        {
            Id = CartPolePixelsId,
            Factory = kwargs => MakePixels(registry, "CartPole-v1", kwargs),
            MaxEpisodeSteps = 500,
            RewardThreshold = 475.0,
            KwargDocs = docs,
            Description = "CartPole-v1 seen as 64x64 RGB frames (a POMDP: stack frames to infer velocities).",
        });
    }

    /// <summary>Registers the rendering-based environments unless they already are (safe to call from several entry points).</summary>
    public static void EnsureRegistered(EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        lock (RegistrationGate)
        {
            if (!registry.Contains(CartPolePixelsId)) Register(registry);
        }
    }

    private static readonly Lock RegistrationGate = new();

    /// <summary>
    /// Makes <paramref name="innerId"/> without its time limit (the pixel spec adds its own) and wraps it in
    /// <see cref="PixelObservation{TInnerObs, TAct}"/>; the pixel options are taken out of <paramref name="kwargs"/>, the rest go
    /// to the inner environment.
    /// </summary>
    public static IEnv MakePixels(EnvRegistry registry, string innerId, OptionSet kwargs)
    {
        var options = new PixelObservationOptions
        {
            Width = kwargs.GetInt("width", 64),
            Height = kwargs.GetInt("height", 64),
            Grayscale = kwargs.GetBool("grayscale", false),
        };
        var rest = new OptionSet(kwargs.Where(p => !PixelKeys.Contains(p.Key)));
        var inner = registry.Make(innerId, new MakeOptions { Kwargs = rest, DisableTimeLimit = true });
        try
        {
            return WithPixelObservations(inner, options);
        }
        catch
        {
            inner.Dispose();
            throw;
        }
    }

    /// <summary>Wraps any renderable environment in <see cref="PixelObservation{TInnerObs, TAct}"/>.</summary>
    public static IEnv WithPixelObservations(IEnv env, PixelObservationOptions? options = null) =>
        EnvRegistry.WrapGeneric(typeof(PixelObservation<,>), env, options ?? new PixelObservationOptions());

    /// <summary>Wraps any environment in <see cref="RenderedEnv{TObs, TAct}"/> with a render mode (<c>rgb_array</c> or <c>human</c>).</summary>
    public static IEnv WithRenderMode(IEnv env, string renderMode, int? width = null, int? height = null) =>
        EnvRegistry.WrapGeneric(typeof(RenderedEnv<,>), env, renderMode, width!, height!);
}
