using Rl.Core;
using Rl.Core.Experts;
using Rl.Environments.Kart;

namespace Rl.Environments.Experts;

/// <summary>The built-in scripted experts, registered by environment id.</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Ids</term><description>Expert</description></listheader>
/// <item><term><c>CartPole-v1</c>, <c>CartPolePixels-v1</c></term><description><see cref="CartPoleExpert"/>.</description></item>
/// <item><term><c>Pendulum-v1</c>, <c>PendulumPixels-v1</c></term><description><see cref="PendulumExpert"/>.</description></item>
/// <item><term><c>MountainCar-v0</c>, <c>MountainCarPixels-v0</c>, <c>MountainCarContinuous-v0</c></term><description><see cref="MountainCarExpert"/>.</description></item>
/// <item><term><c>KartState-v0</c>, <c>Kart-v0</c></term><description><see cref="KartContinuousExpert"/>.</description></item>
/// <item><term><c>KartStateDiscrete-v0</c>, <c>KartDiscrete-v0</c></term><description><see cref="KartDiscreteExpert"/>.</description></item>
/// </list>
/// </remarks>
public static class ScriptedExperts
{
    static ScriptedExperts() => RegisterBuiltIns(ExpertRegistry.Default);

    /// <summary>The registry holding the built-in experts (touching this class registers them).</summary>
    public static ExpertRegistry Registry => ExpertRegistry.Default;

    /// <summary>The expert for environment <paramref name="envId"/>, built for <paramref name="env"/>.</summary>
    /// <exception cref="KeyNotFoundException">Naming the environment and the ids that have experts.</exception>
    public static IExpert For(string envId, IEnv env) => Registry.For(envId, env);

    /// <summary>Registers the built-in experts into <paramref name="registry"/>.</summary>
    public static void RegisterBuiltIns(ExpertRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        const string cartPole = "linear state feedback on the exact cart-pole state (reaches 500)";
        registry.Register(Classic.CartPoleEnv.Id, _ => new CartPoleExpert(), cartPole);
        registry.Register("CartPolePixels-v1", _ => new CartPoleExpert(), cartPole);
        const string pendulum = "energy swing-up, then PD balance within 0.5 rad of upright (about -150)";
        registry.Register(Classic.PendulumEnv.Id, _ => new PendulumExpert(), pendulum);
        registry.Register(Classic.ClassicEnvs.PendulumPixelsId, _ => new PendulumExpert(), pendulum);
        const string mountainCar = "energy pumping: accelerate the way the car moves";
        registry.Register(Classic.MountainCarEnv.Id, _ => new MountainCarExpert(), mountainCar + " (about -105)");
        registry.Register(Classic.ClassicEnvs.MountainCarPixelsId, _ => new MountainCarExpert(), mountainCar + " (about -105)");
        registry.Register(Classic.ContinuousMountainCarEnv.Id, _ => new MountainCarExpert(), mountainCar + " with force 0.6 (about 95)");
        const string kart = "pure pursuit on the centreline with a curvature speed profile";
        registry.Register(KartEnv.Id, _ => new KartContinuousExpert(), kart);
        registry.Register(KartEnvs.PixelsId, _ => new KartContinuousExpert(), kart);
        registry.Register(KartDiscreteEnv.Id, _ => new KartDiscreteExpert(), kart + ", rounded to the 9 actions");
        registry.Register(KartEnvs.DiscretePixelsId, _ => new KartDiscreteExpert(), kart + ", rounded to the 9 actions");
    }
}
