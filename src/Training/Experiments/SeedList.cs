using System.Globalization;

namespace Rl.Training.Experiments;

/// <summary>Parses seed lists as the command line gives them: <c>0-4</c>, <c>0,3,7</c>, or both (<c>0-2,10</c>).</summary>
public static class SeedList
{
    /// <summary>The most seeds one list may hold.</summary>
    public const int MaxSeeds = 10_000;

    /// <summary>Parses <paramref name="text"/> into distinct seeds in the order given.</summary>
    /// <exception cref="FormatException">Naming the part that is not a seed or an ascending range, a repeated seed, or too many.</exception>
    public static IReadOnlyList<long> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var seeds = new List<long>();
        var seen = new HashSet<long>();
        foreach (string raw in text.Split(','))
        {
            string part = raw.Trim();
            if (part.Length == 0) throw new FormatException($"seed list '{text}' has an empty entry; write e.g. 0-4 or 0,3,7");
            int dash = part.IndexOf('-', 1); // a leading '-' is a sign
            long first, last;
            if (dash < 0)
            {
                first = last = Number(part, text);
            }
            else
            {
                first = Number(part[..dash], text);
                last = Number(part[(dash + 1)..], text);
                if (last < first) throw new FormatException($"seed range '{part}' in '{text}' runs backwards; write the smaller seed first");
            }
            if (last - first >= MaxSeeds || seeds.Count + (last - first + 1) > MaxSeeds)
                throw new FormatException($"seed list '{text}' holds more than {MaxSeeds} seeds");
            for (long s = first; ; s++)
            {
                if (!seen.Add(s)) throw new FormatException($"seed {s} appears twice in '{text}'");
                seeds.Add(s);
                if (s == last) break;
            }
        }
        return seeds;
    }

    /// <summary>The list written back compactly (<c>0-4,7</c>).</summary>
    public static string Format(IReadOnlyList<long> seeds)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        var parts = new List<string>();
        for (int i = 0; i < seeds.Count;)
        {
            int j = i;
            while (j + 1 < seeds.Count && seeds[j + 1] == seeds[j] + 1) j++;
            parts.Add(j == i ? Text(seeds[i]) : $"{Text(seeds[i])}-{Text(seeds[j])}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    private static string Text(long seed) => seed.ToString(CultureInfo.InvariantCulture);

    private static long Number(string part, string text) =>
        long.TryParse(part.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)
            ? v
            : throw new FormatException($"'{part.Trim()}' in seed list '{text}' is not a whole number; write e.g. 0-4 or 0,3,7");
}
