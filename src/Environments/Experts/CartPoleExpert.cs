using Rl.Core;
using Rl.Core.Experts;
using Rl.Environments.Classic;

namespace Rl.Environments.Experts;

/// <summary>
/// A scripted cart-pole controller: a linear state feedback u = k·(x, ẋ, θ, θ̇) with the force's sign as the action
/// (push right when u &gt; 0). The gains (1, 1.5, 18, 3) are of the size LQR gives for the linearized cart-pole; with them
/// the pole stays up for the full 500 steps from every Gymnasium start state, and the cart stays near the centre.
/// It reads the exact state from the unwrapped <see cref="CartPoleEnv"/>, so it labels pixel variants too.
/// </summary>
public sealed class CartPoleExpert : IExpert<object, int>
{
    /// <summary>The gains on x, ẋ, θ and θ̇.</summary>
    public static readonly double[] DefaultGains = [1.0, 1.5, 18.0, 3.0];

    private readonly double[] _gains;

    /// <summary>Creates the controller with <paramref name="gains"/> (default <see cref="DefaultGains"/>).</summary>
    /// <exception cref="ArgumentException">If there are not four gains.</exception>
    public CartPoleExpert(double[]? gains = null)
    {
        _gains = (double[])(gains ?? DefaultGains).Clone();
        if (_gains.Length != 4) throw new ArgumentException($"cart-pole expert needs 4 gains (x, x_dot, theta, theta_dot), got {_gains.Length}", nameof(gains));
    }

    /// <inheritdoc />
    public string Name => "cartpole-linear";

    /// <summary>The action for a cart-pole state: 1 (push right) when k·s &gt; 0, else 0.</summary>
    public int Act(double x, double xDot, double theta, double thetaDot) =>
        _gains[0] * x + _gains[1] * xDot + _gains[2] * theta + _gains[3] * thetaDot > 0 ? 1 : 0;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">If <paramref name="env"/> is not a cart-pole environment.</exception>
    public int Label(IEnv env, object observation)
    {
        ArgumentNullException.ThrowIfNull(env);
        var cartPole = env.Unwrapped as CartPoleEnv
            ?? throw new ArgumentException($"the cart-pole expert cannot label environment '{env.Name}' ({env.Unwrapped.GetType().Name})", nameof(env));
        var (x, xDot, theta, thetaDot) = cartPole.State;
        return Act(x, xDot, theta, thetaDot);
    }
}
