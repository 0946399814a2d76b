using Rl.Core;

namespace Rl.Environments.MuJoCo;

/// <summary>
/// Registers the MuJoCo locomotion environments. Their ids carry version 1 of this toolkit's own models; they follow
/// Gymnasium's definitions of Hopper, Walker2d, HalfCheetah and Swimmer (v5) but are not Gymnasium's bodies, so no reward
/// threshold is claimed. Making one needs Debian's <c>libmujoco2.2.2</c>; registering does not load it.
/// </summary>
public static class MuJoCoEnvs
{
    /// <summary>Episode length limit of every locomotion environment, as in Gymnasium.</summary>
    public const int MaxEpisodeSteps = 1000;

    /// <summary>Adds <c>Hopper-v1</c>, <c>Walker2d-v1</c>, <c>HalfCheetah-v1</c> and <c>Swimmer-v1</c> to <paramref name="registry"/>.</summary>
    public static void Register(EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Add(registry, HopperEnv.Id, HopperEnv.FromKwargs, HopperEnv.KwargDocs,
            "MuJoCo planar one-legged hopper: hop forward without falling (Gymnasium's Hopper reward and episode end).");
        Add(registry, Walker2dEnv.Id, Walker2dEnv.FromKwargs, Walker2dEnv.KwargDocs,
            "MuJoCo planar biped: walk forward without falling (Gymnasium's Walker2d reward and episode end).");
        Add(registry, HalfCheetahEnv.Id, HalfCheetahEnv.FromKwargs, HalfCheetahEnv.KwargDocs,
            "MuJoCo planar cheetah: run forward fast; never terminates (Gymnasium's HalfCheetah reward).");
        Add(registry, SwimmerEnv.Id, SwimmerEnv.FromKwargs, SwimmerEnv.KwargDocs,
            "MuJoCo three-segment swimmer in a viscous fluid: swim forward; never terminates (Gymnasium's Swimmer reward).");
    }

    private static void Add(EnvRegistry registry, string id, Func<OptionSet, IEnv> factory, IReadOnlyDictionary<string, string> kwargDocs,
        string description) => registry.Register(new EnvSpec
        {
            Id = id,
            Factory = factory,
            MaxEpisodeSteps = MaxEpisodeSteps,
            KwargDocs = kwargDocs,
            Description = description,
        });
}
