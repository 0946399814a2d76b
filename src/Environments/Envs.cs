using Rl.Core;
using Rl.Environments.Arcade;
using Rl.Environments.Classic;
using Rl.Environments.Kart;
using Rl.Environments.MuJoCo;

namespace Rl.Environments;

/// <summary>
/// The entry point for built-in environments: <c>Envs.Make("CartPole-v1")</c>, as Gymnasium's <c>gym.make</c>.
/// Touching this class registers every built-in environment in <see cref="EnvRegistry.Default"/>.
/// </summary>
public static class Envs
{
    static Envs()
    {
        RegisterBuiltIns(EnvRegistry.Default);
        Experts.ScriptedExperts.RegisterBuiltIns(Rl.Core.Experts.ExpertRegistry.Default);
    }

    /// <summary>The registry holding the built-in environments.</summary>
    public static EnvRegistry Registry => EnvRegistry.Default;

    /// <summary>Builds a registered environment with its default wrappers.</summary>
    /// <param name="id">A versioned id such as <c>CartPole-v1</c>.</param>
    /// <param name="options">Keyword options and time-limit overrides.</param>
    public static IEnv Make(string id, MakeOptions? options = null) => Registry.Make(id, options);

    /// <summary>Builds a registered environment with keyword options given as pairs.</summary>
    public static IEnv Make(string id, params (string Key, object Value)[] kwargs) =>
        Registry.Make(id, new MakeOptions { Kwargs = OptionSet.Of(kwargs) });

    /// <summary>Builds a registered environment and checks its observation and action types.</summary>
    public static IEnv<TObs, TAct> Make<TObs, TAct>(string id, MakeOptions? options = null) => Registry.Make<TObs, TAct>(id, options);

    /// <summary>Builds <paramref name="numEnvs"/> copies of a registered environment as one vector environment.</summary>
    /// <param name="id">A versioned id such as <c>CartPole-v1</c>.</param>
    /// <param name="numEnvs">Number of sub-environments.</param>
    /// <param name="options">Autoreset mode, sync or threaded, and make options.</param>
    public static Rl.Core.Vector.IVectorEnv<TObs, TAct> MakeVector<TObs, TAct>(string id, int numEnvs, Rl.Core.Vector.VectorEnvOptions? options = null) =>
        Rl.Core.Vector.VectorEnv.MakeVector<TObs, TAct>(Registry, id, numEnvs, options);

    /// <summary>The registered specs, sorted by id.</summary>
    public static IReadOnlyList<EnvSpec> List() => Registry.Specs;

    /// <summary>Registers the built-in environments into <paramref name="registry"/>.</summary>
    public static void RegisterBuiltIns(EnvRegistry registry)
    {
        registry.Register(new EnvSpec
        {
            Id = CartPoleEnv.Id,
            Factory = CartPoleEnv.FromKwargs,
            MaxEpisodeSteps = 500,
            RewardThreshold = 475.0,
            KwargDocs = CartPoleEnv.KwargDocs,
            Description = "Balance a pole on a cart (Gymnasium's CartPole-v1 dynamics).",
        });
        registry.Register(new EnvSpec
        {
            Id = PendulumEnv.Id,
            Factory = PendulumEnv.FromKwargs,
            MaxEpisodeSteps = 200,
            KwargDocs = PendulumEnv.KwargDocs,
            Description = "Swing a pendulum up and hold it upright with a limited torque (Gymnasium's Pendulum-v1 dynamics).",
        });
        registry.Register(new EnvSpec
        {
            Id = MountainCarEnv.Id,
            Factory = MountainCarEnv.FromKwargs,
            MaxEpisodeSteps = 200,
            RewardThreshold = -110.0,
            KwargDocs = MountainCarEnv.KwargDocs,
            Description = "Rock an under-powered car out of a valley to the flag (Gymnasium's MountainCar-v0 dynamics).",
        });
        registry.Register(new EnvSpec
        {
            Id = ContinuousMountainCarEnv.Id,
            Factory = ContinuousMountainCarEnv.FromKwargs,
            MaxEpisodeSteps = 999,
            RewardThreshold = 90.0,
            KwargDocs = ContinuousMountainCarEnv.KwargDocs,
            Description = "Mountain car with a continuous, costly engine force (Gymnasium's MountainCarContinuous-v0 dynamics).",
        });
        registry.Register(new EnvSpec
        {
            Id = AcrobotEnv.Id,
            Factory = AcrobotEnv.FromKwargs,
            MaxEpisodeSteps = 500,
            RewardThreshold = -100.0,
            KwargDocs = AcrobotEnv.KwargDocs,
            Description = "Swing the tip of a two-link pendulum above a line by torquing the middle joint (Gymnasium's Acrobot-v1 dynamics).",
        });
        KartEnvs.Register(registry);
        ArcadeEnvs.Register(registry);
        MuJoCoEnvs.Register(registry);
        registry.RegisterNamespace(Python.PythonEnv.Namespace, Python.PythonEnv.Make);
    }
}
