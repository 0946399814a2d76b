using Rl.Core;

namespace Rl.Environments.Arcade;

/// <summary>
/// Registers the arcade games. <see cref="Register"/> adds the state-observation ids (no renderer needed);
/// <see cref="RegisterPixels"/> adds the pixel-observation ids, given the renderer's pixel-wrapping factory (the
/// environments library does not depend on the renderer, so the caller that has one passes it in).
/// </summary>
public static class ArcadeEnvs
{
    /// <summary>The id of Breakout seen as 64 x 64 RGB frames.</summary>
    public const string BreakoutPixelsId = "Breakout-v0";

    /// <summary>Steps after which a Breakout episode is truncated.</summary>
    public const int BreakoutMaxSteps = 2000;

    /// <summary>Registers <c>BreakoutState-v0</c>.</summary>
    public static void Register(EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(new EnvSpec
        {
            Id = BreakoutEnv.Id,
            Factory = BreakoutEnv.FromKwargs,
            MaxEpisodeSteps = BreakoutMaxSteps,
            KwargDocs = BreakoutEnv.KwargDocs,
            Description = "A small Breakout (8x6 bricks, 64x64 field) with state-vector observations.",
        });
    }

    /// <summary>
    /// Registers <c>Breakout-v0</c>: <c>BreakoutState-v0</c> observed as frames rendered by <paramref name="makePixels"/>
    /// (called as <c>makePixels(registry, "BreakoutState-v0", kwargs)</c>; Rl.Rendering's <c>RenderingEnvs.MakePixels</c>
    /// fits, taking the <c>width</c>, <c>height</c> and <c>grayscale</c> options, default 64 x 64 RGB, and passing the
    /// rest on). Does nothing when <c>Breakout-v0</c> is already registered, so several entry points may call it.
    /// </summary>
    public static void RegisterPixels(EnvRegistry registry, Func<EnvRegistry, string, OptionSet, IEnv> makePixels)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(makePixels);
        lock (RegistrationGate)
        {
            if (!registry.Contains(BreakoutEnv.Id)) Register(registry);
            if (registry.Contains(BreakoutPixelsId)) return;
            registry.Register(new EnvSpec
            {
                Id = BreakoutPixelsId,
                Factory = kwargs => makePixels(registry, BreakoutEnv.Id, kwargs),
                MaxEpisodeSteps = BreakoutMaxSteps,
                KwargDocs = WithPixelDocs(BreakoutEnv.KwargDocs),
                Description = "A small Breakout seen as 64x64 RGB frames (the ball's trail shows its direction).",
            });
        }
    }

    private static readonly Lock RegistrationGate = new();

    /// <summary>The pixel wrapper's keyword options added to an environment's own.</summary>
    public static IReadOnlyDictionary<string, string> WithPixelDocs(IReadOnlyDictionary<string, string> docs)
    {
        var all = new Dictionary<string, string>
        {
            ["width"] = "int, default 64: frame width in pixels",
            ["height"] = "int, default 64: frame height in pixels",
            ["grayscale"] = "bool, default false: one luminance channel instead of RGB",
        };
        foreach (var (k, v) in docs) all[k] = v;
        return all;
    }
}
