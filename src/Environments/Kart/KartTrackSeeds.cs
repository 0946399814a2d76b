using System.Globalization;
using Rl.Core;

namespace Rl.Environments.Kart;

/// <summary>
/// A half-open range of track seeds, <c>[Low, High)</c> (kwarg <c>track_seeds = "LOW:HIGH"</c>, like Python's
/// <c>range(LOW, HIGH)</c>): with it every reset races on the track of a seed drawn uniformly from the range with the
/// reset's generator, so training can be kept off held-out tracks (e.g. train on <c>"0:1000000"</c>, evaluate on the tracks
/// of seeds 1,000,000 and up).
/// </summary>
/// <param name="Low">The smallest track seed, at least 0.</param>
/// <param name="High">One past the largest track seed, greater than <paramref name="Low"/>.</param>
public readonly record struct KartTrackSeeds(int Low, int High)
{
    /// <summary>The keyword option's value for "no range": the reset's own generator makes the track.</summary>
    public const string Any = "any";

    /// <summary>How many seeds the range holds.</summary>
    public int Count => High - Low;

    /// <summary>Whether <paramref name="seed"/> lies in the range.</summary>
    public bool Contains(int seed) => seed >= Low && seed < High;

    /// <summary>Draws a track seed from the range with <paramref name="rng"/>.</summary>
    public int Draw(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return Low + rng.NextInt(Count);
    }

    /// <summary>Parses <c>"LOW:HIGH"</c> (0 &lt;= LOW &lt; HIGH, integers) or <c>"any"</c> (null: no range).</summary>
    /// <param name="text">The option's value.</param>
    /// <param name="context">The environment id, for messages.</param>
    /// <exception cref="ArgumentException">Naming the option and the value when it is malformed or empty.</exception>
    public static KartTrackSeeds? Parse(string text, string context)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        if (t.Equals(Any, StringComparison.OrdinalIgnoreCase)) return null;
        int colon = t.IndexOf(':');
        if (colon < 0 || !TryInt(t[..colon], out int low) || !TryInt(t[(colon + 1)..], out int high))
            throw new ArgumentException($"{context}: option 'track_seeds' = '{text}' must be 'LOW:HIGH' (integers, the track seeds LOW to HIGH - 1) or 'any'");
        if (low < 0 || high <= low)
            throw new ArgumentException($"{context}: option 'track_seeds' = '{text}' must have 0 <= LOW < HIGH (the range [LOW, HIGH) of track seeds)");
        return new KartTrackSeeds(low, high);

        static bool TryInt(string s, out int value) =>
            int.TryParse(s.Trim().Replace("_", ""), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Low}:{High}");
}
