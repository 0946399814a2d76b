using Rl.Core;
using Rl.Environments.Arcade;

namespace Rl.Environments.Kart;

/// <summary>
/// Registers the kart racers. <see cref="Register"/> adds the state-observation ids (no renderer needed);
/// <see cref="RegisterPixels"/> adds the egocentric pixel-observation ids, given the renderer's pixel-wrapping factory.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Id</term><description>Observation / action</description></listheader>
/// <item><term><c>Kart-v0</c></term><description>64 x 64 x 3 uint8 egocentric frames / <c>Box(3)</c> steer, throttle, brake.</description></item>
/// <item><term><c>KartDiscrete-v0</c></term><description>64 x 64 x 3 uint8 egocentric frames / <c>Discrete(9)</c>.</description></item>
/// <item><term><c>KartState-v0</c></term><description>16 floats (<see cref="KartEnv"/>) / <c>Box(3)</c>: fast, for tests, experts and state-based agents.</description></item>
/// <item><term><c>KartStateDiscrete-v0</c></term><description>16 floats / <c>Discrete(9)</c> (<see cref="KartDiscreteEnv"/>).</description></item>
/// </list>
/// All are truncated at 1,000 steps (100 s of race time).
/// </remarks>
public static class KartEnvs
{
    /// <summary>The id of the continuous kart racer with pixel observations.</summary>
    public const string PixelsId = "Kart-v0";

    /// <summary>The id of the discrete kart racer with pixel observations.</summary>
    public const string DiscretePixelsId = "KartDiscrete-v0";

    /// <summary>Steps after which a kart episode is truncated.</summary>
    public const int MaxSteps = 1000;

    /// <summary>Registers <c>KartState-v0</c> and <c>KartStateDiscrete-v0</c>.</summary>
    public static void Register(EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(new EnvSpec
        {
            Id = KartEnv.Id,
            Factory = KartEnv.FromKwargs,
            MaxEpisodeSteps = MaxSteps,
            KwargDocs = KartEnvBase<float[]>.KwargDocs,
            Description = "Kart racing on generated tracks; continuous steer/throttle/brake; state-vector observations.",
        });
        registry.Register(new EnvSpec
        {
            Id = KartDiscreteEnv.Id,
            Factory = KartDiscreteEnv.FromKwargs,
            MaxEpisodeSteps = MaxSteps,
            KwargDocs = KartEnvBase<int>.KwargDocs,
            Description = "Kart racing on generated tracks; 9 discrete actions; state-vector observations.",
        });
    }

    /// <summary>
    /// Registers <c>Kart-v0</c> and <c>KartDiscrete-v0</c>: the state ids observed as egocentric frames rendered by
    /// <paramref name="makePixels"/> (called as <c>makePixels(registry, "KartState-v0", kwargs)</c>; Rl.Rendering's
    /// <c>RenderingEnvs.MakePixels</c> fits: options <c>width</c>, <c>height</c>, <c>grayscale</c>, default 64 x 64 RGB), and
    /// shown to people as the whole track (<see cref="KartTrackView{TObs, TAct}"/> outermost). Does nothing when they are
    /// already registered, so several entry points may call it.
    /// </summary>
    public static void RegisterPixels(EnvRegistry registry, Func<EnvRegistry, string, OptionSet, IEnv> makePixels)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(makePixels);
        lock (RegistrationGate)
        {
            if (!registry.Contains(KartEnv.Id)) Register(registry);
            if (registry.Contains(PixelsId)) return;
            RegisterPixelIds(registry, makePixels);
        }
    }

    private static readonly Lock RegistrationGate = new();

    private static void RegisterPixelIds(EnvRegistry registry, Func<EnvRegistry, string, OptionSet, IEnv> makePixels)
    {
        registry.Register(new EnvSpec
        {
            Id = PixelsId,
            Factory = kwargs => WithTrackView(makePixels(registry, KartEnv.Id, kwargs)),
            MaxEpisodeSteps = MaxSteps,
            KwargDocs = ArcadeEnvs.WithPixelDocs(KartEnvBase<float[]>.KwargDocs),
            Description = "Kart racing on generated tracks seen from the kart (64x64 RGB); continuous steer/throttle/brake.",
        });
        registry.Register(new EnvSpec
        {
            Id = DiscretePixelsId,
            Factory = kwargs => WithTrackView(makePixels(registry, KartDiscreteEnv.Id, kwargs)),
            MaxEpisodeSteps = MaxSteps,
            KwargDocs = ArcadeEnvs.WithPixelDocs(KartEnvBase<int>.KwargDocs),
            Description = "Kart racing on generated tracks seen from the kart (64x64 RGB); 9 discrete actions.",
        });
    }

    /// <summary>Wraps a kart environment (under any wrappers) in <see cref="KartTrackView{TObs, TAct}"/>, disposing it if that fails.</summary>
    public static IEnv WithTrackView(IEnv env)
    {
        try
        {
            return EnvRegistry.WrapGeneric(typeof(KartTrackView<,>), env);
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }
}
