using Rl.Core;

namespace Rl.Environments.MuJoCo;

/// <summary>
/// Registers the MuJoCo environments. Their ids carry version 1 of this toolkit's environments and models (not Gymnasium's
/// version numbers, which name Gymnasium's own files on MuJoCo 2.3.3 or newer); each follows Gymnasium's v5 definition.
/// Hopper, Walker2d, HalfCheetah and Swimmer run on this toolkit's own bodies, so no reward threshold is claimed for them;
/// InvertedPendulum, InvertedDoublePendulum, Reacher, Pusher, Ant and Humanoid run on models with Gymnasium's figures (they
/// step bit for bit as Gymnasium's files on MuJoCo 2.2.2) and carry Gymnasium's reward thresholds. Making one needs Debian's
/// <c>libmujoco2.2.2</c>; registering does not load it.
/// </summary>
public static class MuJoCoEnvs
{
    /// <summary>Episode length limit of every MuJoCo environment but Reacher (50) and Pusher (100), as in Gymnasium.</summary>
    public const int MaxEpisodeSteps = 1000;

    /// <summary>
    /// Adds <c>Hopper-v1</c>, <c>Walker2d-v1</c>, <c>HalfCheetah-v1</c>, <c>Swimmer-v1</c>, <c>InvertedPendulum-v1</c>,
    /// <c>InvertedDoublePendulum-v1</c>, <c>Reacher-v1</c>, <c>Pusher-v1</c>, <c>Ant-v1</c> and <c>Humanoid-v1</c> to <paramref name="registry"/>.
    /// </summary>
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
        Add(registry, InvertedPendulumEnv.Id, InvertedPendulumEnv.FromKwargs, InvertedPendulumEnv.KwargDocs,
            "MuJoCo cart-pole: keep the pole within 0.2 rad of upright (Gymnasium's InvertedPendulum).", threshold: 950.0);
        Add(registry, InvertedDoublePendulumEnv.Id, InvertedDoublePendulumEnv.FromKwargs, InvertedDoublePendulumEnv.KwargDocs,
            "MuJoCo cart with two poles: keep the tip high (Gymnasium's InvertedDoublePendulum).", threshold: 9100.0);
        Add(registry, ReacherEnv.Id, ReacherEnv.FromKwargs, ReacherEnv.KwargDocs,
            "MuJoCo two-link arm: put the fingertip on a random target (Gymnasium's Reacher).", threshold: -3.75, maxSteps: 50);
        Add(registry, PusherEnv.Id, PusherEnv.FromKwargs, PusherEnv.KwargDocs,
            "MuJoCo seven-joint arm: push a cylinder onto a goal (Gymnasium's Pusher).", threshold: 0.0, maxSteps: 100);
        Add(registry, AntEnv.Id, AntEnv.FromKwargs, AntEnv.KwargDocs,
            "MuJoCo four-legged ant: walk forward without flipping (Gymnasium's Ant, with contact forces).", threshold: 6000.0);
        Add(registry, HumanoidEnv.Id, HumanoidEnv.FromKwargs, HumanoidEnv.KwargDocs,
            "MuJoCo 3D humanoid: walk forward without falling (Gymnasium's Humanoid).");
    }

    private static void Add(EnvRegistry registry, string id, Func<OptionSet, IEnv> factory, IReadOnlyDictionary<string, string> kwargDocs,
        string description, double? threshold = null, int maxSteps = MaxEpisodeSteps) => registry.Register(new EnvSpec
        {
            Id = id,
            Factory = factory,
            MaxEpisodeSteps = maxSteps,
            RewardThreshold = threshold,
            KwargDocs = kwargDocs,
            Description = description,
        });
}
