using Rl.Core;
using Rl.Environments.Arcade;

namespace Rl.Environments.Classic;

/// <summary>
/// The classic-control tasks seen as frames. The runner registers them (it joins the environments and the renderer), as
/// <c>CartPolePixels-v1</c>: 64 x 64 RGB by default (options <c>width</c>, <c>height</c>, <c>grayscale</c>), with the inner task's
/// time limit, threshold and keyword options. One frame shows positions, not speeds: stack frames.
/// </summary>
public static class ClassicEnvs
{
    /// <summary><c>Pendulum-v1</c> from pixels.</summary>
    public const string PendulumPixelsId = "PendulumPixels-v1";

    /// <summary><c>MountainCar-v0</c> from pixels.</summary>
    public const string MountainCarPixelsId = "MountainCarPixels-v0";

    /// <summary><c>Acrobot-v1</c> from pixels.</summary>
    public const string AcrobotPixelsId = "AcrobotPixels-v1";

    /// <summary>Each pixel id with the id of the task it shows.</summary>
    public static readonly IReadOnlyList<(string PixelId, string InnerId)> PixelIds =
        [(PendulumPixelsId, PendulumEnv.Id), (MountainCarPixelsId, MountainCarEnv.Id), (AcrobotPixelsId, AcrobotEnv.Id)];

    private static readonly Lock RegistrationGate = new();

    /// <summary>
    /// Registers the pixel ids, each made by <paramref name="makePixels"/> (called as <c>makePixels(registry, innerId, kwargs)</c>;
    /// Rl.Rendering's <c>RenderingEnvs.MakePixels</c> fits). Does nothing when they are already registered.
    /// </summary>
    public static void RegisterPixels(EnvRegistry registry, Func<EnvRegistry, string, OptionSet, IEnv> makePixels)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(makePixels);
        lock (RegistrationGate)
        {
            foreach (var (pixelId, innerId) in PixelIds)
            {
                if (registry.Contains(pixelId) || !registry.Contains(innerId)) continue;
                var inner = registry.GetSpec(innerId);
                registry.Register(new EnvSpec
                {
                    Id = pixelId,
                    Factory = kwargs => makePixels(registry, innerId, kwargs),
                    MaxEpisodeSteps = inner.MaxEpisodeSteps,
                    RewardThreshold = inner.RewardThreshold,
                    KwargDocs = ArcadeEnvs.WithPixelDocs(inner.KwargDocs),
                    Description = $"{innerId} seen as 64x64 RGB frames (stack frames to infer speeds).",
                });
            }
        }
    }
}
