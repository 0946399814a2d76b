using Rl.Core;
using Rl.Core.Experts;
using Rl.Environments.Classic;

namespace Rl.Environments.Experts;

/// <summary>
/// Energy pumping for both mountain cars: accelerate the way the car moves, switching a little ahead of the velocity's sign
/// change (right when v &gt; 0.01 (x + 0.47)), which from rest sends a car left of -0.47 right and one to its right downhill
/// first. Reads the exact state from the unwrapped environment, so it labels pixel variants too. Measured on Gymnasium's start
/// distribution: about -105 on <c>MountainCar-v0</c> (threshold -110) and, with force ±0.6, about 95 on
/// <c>MountainCarContinuous-v0</c> (threshold 90).
/// </summary>
public sealed class MountainCarExpert : IExpert<object, object>
{
    /// <summary>The force the continuous car uses (full force wastes reward: the cost is 0.1 a² per step).</summary>
    public const float ContinuousForce = 0.6f;

    /// <inheritdoc />
    public string Name => "mountaincar-energy-pumping";

    /// <summary>Whether to accelerate right in state (<paramref name="position"/>, <paramref name="velocity"/>).</summary>
    public static bool PushRight(double position, double velocity) => velocity > 0.01 * (position + 0.47);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">If <paramref name="env"/> is not a mountain car.</exception>
    public object Label(IEnv env, object observation)
    {
        ArgumentNullException.ThrowIfNull(env);
        switch (env.Unwrapped)
        {
            case MountainCarEnv car:
                return PushRight(car.State.Position, car.State.Velocity) ? 2 : 0;
            case ContinuousMountainCarEnv car:
                return new[] { PushRight(car.State.Position, car.State.Velocity) ? ContinuousForce : -ContinuousForce };
            default:
                throw new ArgumentException($"the mountain-car expert cannot label environment '{env.Name}' ({env.Unwrapped.GetType().Name})", nameof(env));
        }
    }
}

/// <summary>
/// Swing-up and balance for the pendulum: far from upright, energy pumping u = clip(k θ̇ (E* − E), ±2) with the energy
/// E = θ̇²/2 + (3g/2l)(cos θ − 1) and target E* = 0 (upright at rest); within 0.5 rad of upright, the PD law
/// u = −(10 θ + 2 θ̇) (the linearised closed loop θ̈ = (3g/2l − 30) θ − 6 θ̇ is stable). Reads the exact state from the
/// unwrapped <see cref="PendulumEnv"/>; measured about -150 per episode on Gymnasium's start distribution, upright at the end.
/// </summary>
public sealed class PendulumExpert : IExpert<object, float[]>
{
    /// <summary>Half-width (rad) of the region around upright where the PD law balances.</summary>
    public const double BalanceZone = 0.5;

    /// <inheritdoc />
    public string Name => "pendulum-energy-pd";

    /// <summary>The torque for the state (<paramref name="theta"/>, <paramref name="thetaDot"/>) under gravity <paramref name="gravity"/>.</summary>
    public static float Torque(double theta, double thetaDot, double gravity)
    {
        double angle = PendulumEnv.NormalizeAngle(theta);
        double u;
        if (Math.Abs(angle) < BalanceZone) u = -(10 * angle + 2 * thetaDot);
        else
        {
            double energy = 0.5 * thetaDot * thetaDot + 3 * gravity / (2 * PendulumEnv.Length) * (Math.Cos(theta) - 1);
            // At rest at the bottom the pump has nothing to multiply: give it a push.
            u = thetaDot == 0 ? PendulumEnv.MaxTorque : thetaDot * -energy;
        }
        return (float)Math.Clamp(u, -PendulumEnv.MaxTorque, PendulumEnv.MaxTorque);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">If <paramref name="env"/> is not a pendulum.</exception>
    public float[] Label(IEnv env, object observation)
    {
        ArgumentNullException.ThrowIfNull(env);
        var pendulum = env.Unwrapped as PendulumEnv
            ?? throw new ArgumentException($"the pendulum expert cannot label environment '{env.Name}' ({env.Unwrapped.GetType().Name})", nameof(env));
        return [Torque(pendulum.State.Theta, pendulum.State.ThetaDot, pendulum.Gravity)];
    }
}
