using Rl.Core;

namespace Rl.Environments.Classic;

/// <summary>Pieces the classic-control environments share: reset bounds and the angle arithmetic of Gymnasium's sources.</summary>
internal static class ClassicControl
{
    /// <summary>
    /// Gymnasium's <c>maybe_parse_reset_bounds</c>: the reset options <c>low</c> and <c>high</c> (defaults otherwise), which must be
    /// finite with low &lt;= high.
    /// </summary>
    /// <exception cref="ArgumentException">Naming the environment and both bounds.</exception>
    public static (double Low, double High) ResetBounds(OptionSet options, double defaultLow, double defaultHigh, string envName)
    {
        if (options.Count == 0) return (defaultLow, defaultHigh);
        double low = options.GetDouble("low", defaultLow), high = options.GetDouble("high", defaultHigh);
        if (!(low <= high) || double.IsInfinity(low) || double.IsInfinity(high))
            throw new ArgumentException($"{envName}.Reset: option low={low} and high={high} must be finite with low <= high");
        return (low, high);
    }

    /// <summary>numpy's floored remainder <c>a % b</c> for b &gt; 0 (the result has b's sign; C#'s % truncates instead).</summary>
    public static double FlooredRemainder(double a, double b)
    {
        double mod = a % b;
        if (mod != 0) return (mod < 0) != (b < 0) ? mod + b : mod;
        return 0.0;
    }

    /// <summary>Writes a mountain car's (position, velocity) as float32 into <paramref name="into"/> (or a new array).</summary>
    /// <exception cref="ArgumentException">If the buffer does not have two elements.</exception>
    public static float[] WriteCarObservation(double position, double velocity, float[]? into, string envName)
    {
        var obs = into ?? new float[2];
        if (obs.Length != 2)
            throw new ArgumentException($"{envName}: the observation buffer has {obs.Length} elements but the observation space needs 2", nameof(into));
        obs[0] = (float)position;
        obs[1] = (float)velocity;
        return obs;
    }
}
