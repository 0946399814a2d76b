namespace Rl.Training.Sweeps;

/// <summary>One trial's standing at a rung: its evaluation there (null: none, e.g. its loss exploded) and the steps it took.</summary>
/// <param name="Trial">The trial's index.</param>
/// <param name="Score">The evaluation's mean return at the rung (null ranks last).</param>
/// <param name="EnvSteps">Environment steps taken (fewer ranks first among equal scores: a trial that solved sooner).</param>
public readonly record struct RungEntry(int Trial, double? Score, long EnvSteps);

/// <summary>
/// Synchronous successive halving (Jamieson &amp; Talwalkar 2016; Li et al.'s Hyperband uses it as its inner loop): every
/// trial of a stage trains to the first rung of the budget, the best 1/eta of them go on to the next rung, and so on to the
/// full budget. Decisions are taken only when every trial has reached the rung, so they do not depend on the order or
/// parallelism in which the trials ran.
/// </summary>
public static class SuccessiveHalving
{
    /// <summary>The rung fractions of the budget for <paramref name="rungs"/> rungs: eta^-(rungs-1), ..., 1/eta, 1 (e.g. 1/9, 1/3, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="rungs"/> or <paramref name="eta"/> is below 1 or 2.</exception>
    public static IReadOnlyList<double> DefaultFractions(int rungs, int eta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rungs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(eta, 2);
        return Enumerable.Range(0, rungs).Select(i => Math.Pow(eta, -(rungs - 1 - i))).ToList();
    }

    /// <summary>The rung budgets in environment steps: each fraction of <paramref name="budget"/>, at least 1 step, without repeats.</summary>
    /// <exception cref="ArgumentException">If the fractions are not increasing in (0, 1] ending at 1.</exception>
    public static IReadOnlyList<long> Budgets(long budget, IReadOnlyList<double> fractions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 1);
        CheckFractions(fractions);
        var steps = new List<long>();
        foreach (double f in fractions)
        {
            long b = Math.Max(1, (long)Math.Round(f * budget));
            if (steps.Count == 0 || b > steps[^1]) steps.Add(b);
        }
        return steps;
    }

    /// <summary>Checks rung fractions: increasing, in (0, 1], the last one 1.</summary>
    /// <exception cref="ArgumentException">Saying what is wrong.</exception>
    public static void CheckFractions(IReadOnlyList<double> fractions)
    {
        ArgumentNullException.ThrowIfNull(fractions);
        if (fractions.Count == 0) throw new ArgumentException("no rungs");
        for (int i = 0; i < fractions.Count; i++)
        {
            if (!(fractions[i] > 0 && fractions[i] <= 1)) throw new ArgumentException($"rung {fractions[i]} is not a fraction of the budget in (0, 1]");
            if (i > 0 && !(fractions[i] > fractions[i - 1])) throw new ArgumentException("rungs must increase");
        }
        if (fractions[^1] != 1) throw new ArgumentException("the last rung must be the full budget (1)");
    }

    /// <summary>How many of <paramref name="n"/> trials at a rung go on: ceil(n / eta), at least 1.</summary>
    public static int Keep(int n, int eta) => Math.Max(1, (n + eta - 1) / eta);

    /// <summary>The entries ranked best first: higher score, then fewer steps, then lower trial index (null scores last).</summary>
    public static IReadOnlyList<RungEntry> Rank(IEnumerable<RungEntry> entries) =>
        entries.OrderBy(e => e.Score is null ? 1 : 0)
            .ThenByDescending(e => e.Score ?? double.NegativeInfinity)
            .ThenBy(e => e.EnvSteps)
            .ThenBy(e => e.Trial)
            .ToList();

    /// <summary>The trials in the best <see cref="Keep"/>(n, eta) of <paramref name="entries"/>, best first.</summary>
    public static IReadOnlyList<int> Promote(IReadOnlyList<RungEntry> entries, int eta)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return Rank(entries).Take(Keep(entries.Count, eta)).Select(e => e.Trial).ToList();
    }
}
