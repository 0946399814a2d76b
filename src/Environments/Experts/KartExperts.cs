using Rl.Core;
using Rl.Core.Experts;
using Rl.Environments.Kart;

namespace Rl.Environments.Experts;

/// <summary>
/// <see cref="KartExpert"/> (pure pursuit with a speed profile) as an <see cref="IExpert"/> for the continuous kart
/// environments (<c>KartState-v0</c>, <c>Kart-v0</c>): it reads the race under any wrappers and answers (steer, throttle, brake).
/// </summary>
public sealed class KartContinuousExpert(KartExpert? driver = null) : IExpert<object, float[]>
{
    private readonly KartExpert _driver = driver ?? new KartExpert();

    /// <inheritdoc />
    public string Name => "kart-pure-pursuit";

    /// <inheritdoc />
    public float[] Label(IEnv env, object observation) => _driver.Act(env);
}

/// <summary>
/// <see cref="KartExpert"/> as an <see cref="IExpert"/> for the discrete kart environments (<c>KartStateDiscrete-v0</c>,
/// <c>KartDiscrete-v0</c>): its controls rounded to the nearest of the nine actions.
/// </summary>
public sealed class KartDiscreteExpert(KartExpert? driver = null) : IExpert<object, int>
{
    private readonly KartExpert _driver = driver ?? new KartExpert();

    /// <inheritdoc />
    public string Name => "kart-pure-pursuit-discrete";

    /// <inheritdoc />
    public int Label(IEnv env, object observation) => _driver.ActDiscrete(env);
}
