namespace Rl.Agents.Parameters;

/// <summary>How raw returns F_i become the weights F̃_i of an ES update.</summary>
public enum FitnessShaping
{
    /// <summary>Use the returns as they are.</summary>
    None,

    /// <summary>F̃_i = (F_i − mean F) / std F (the course's formula).</summary>
    Normalize,

    /// <summary>Ranks mapped linearly onto [−0.5, 0.5] (Salimans et al. 2017): invariant to the scale of the returns and robust to outliers.</summary>
    CenteredRanks,
}

/// <summary>Fitness shaping functions on a batch of returns.</summary>
public static class FitnessTools
{
    /// <summary>Applies <paramref name="shaping"/> to <paramref name="returns"/>, writing the weights into <paramref name="destination"/>.</summary>
    public static void Shape(FitnessShaping shaping, ReadOnlySpan<double> returns, Span<double> destination)
    {
        switch (shaping)
        {
            case FitnessShaping.None: returns.CopyTo(destination); break;
            case FitnessShaping.Normalize: Normalize(returns, destination); break;
            case FitnessShaping.CenteredRanks: CenteredRanks(returns, destination); break;
            default: throw new ArgumentOutOfRangeException(nameof(shaping), shaping, "unknown fitness shaping");
        }
    }

    /// <summary>(x − mean) / std; all zeros when every return is equal (no information, so no step).</summary>
    public static void Normalize(ReadOnlySpan<double> returns, Span<double> destination)
    {
        double mean = ParameterMath.Mean(returns), std = ParameterMath.Std(returns);
        for (int i = 0; i < returns.Length; i++) destination[i] = std > 0 ? (returns[i] - mean) / std : 0;
    }

    /// <summary>
    /// Rank r_i ∈ {0, ..., n−1} (ascending; ties ranked by index, so the result is deterministic) mapped to r_i/(n−1) − 0.5.
    /// </summary>
    public static void CenteredRanks(ReadOnlySpan<double> returns, Span<double> destination)
    {
        int n = returns.Length;
        if (n == 1)
        {
            destination[0] = 0;
            return;
        }
        var order = RankOrder(returns);
        for (int rank = 0; rank < n; rank++) destination[order[rank]] = (double)rank / (n - 1) - 0.5;
    }

    /// <summary>The indices of <paramref name="values"/> sorted ascending by value, ties by index (a stable order).</summary>
    public static int[] RankOrder(ReadOnlySpan<double> values)
    {
        var keys = values.ToArray();
        var order = new int[keys.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
        return order;
    }

    /// <summary>The indices of the <paramref name="count"/> largest values, best first (ties: lower index first).</summary>
    public static int[] TopIndices(ReadOnlySpan<double> values, int count)
    {
        var keys = values.ToArray();
        var order = new int[keys.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[b].CompareTo(keys[a]) : a.CompareTo(b));
        return order[..Math.Min(count, order.Length)];
    }
}
