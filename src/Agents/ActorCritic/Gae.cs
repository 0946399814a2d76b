namespace Rl.Agents.ActorCritic;

/// <summary>
/// Generalized advantage estimation (Schulman et al. 2016) over a rollout of T steps of N environments, stored step-major
/// (index t·N + e):
/// <code>
/// δ_t = r_t + γ v'_t − V(s_t)
/// Â_t = δ_t + γλ (1 − d_t) Â_{t+1},   Â_T = 0
/// </code>
/// where d_t is 1 when the episode ended at step t (terminated or truncated) and v'_t is the value of what follows s_t:
/// V(s_{t+1}) inside an episode and after the last step of the rollout, V(final observation) when the episode was truncated
/// (a time limit is not the end of the task), and 0 when it terminated. λ = 1 gives Monte-Carlo advantages, λ = 0 the
/// one-step TD error. The value targets are Â_t + V(s_t).
/// </summary>
public static class Gae
{
    /// <summary>Computes Â (in double precision, stored as float) for a step-major rollout.</summary>
    /// <param name="rewards">r [T·N].</param>
    /// <param name="values">V(s_t) [T·N].</param>
    /// <param name="nextValues">v'_t [T·N]: V of the next state, of the final observation after a truncation, 0 after a termination.</param>
    /// <param name="episodeEnds">d_t [T·N]: the episode ended at this step.</param>
    /// <param name="numEnvs">N.</param>
    /// <param name="gamma">γ in [0, 1].</param>
    /// <param name="lambda">λ in [0, 1].</param>
    /// <param name="advantages">Receives Â [T·N].</param>
    /// <exception cref="ArgumentException">If the lengths disagree or are not a multiple of <paramref name="numEnvs"/>.</exception>
    public static void Advantages(ReadOnlySpan<float> rewards, ReadOnlySpan<float> values, ReadOnlySpan<float> nextValues,
        ReadOnlySpan<bool> episodeEnds, int numEnvs, double gamma, double lambda, Span<float> advantages)
    {
        int n = rewards.Length;
        if (numEnvs < 1 || n % numEnvs != 0)
            throw new ArgumentException($"GAE: {n} rewards are not a whole number of steps of {numEnvs} environments");
        if (values.Length != n || nextValues.Length != n || episodeEnds.Length != n || advantages.Length != n)
            throw new ArgumentException($"GAE: arrays disagree: {n} rewards, {values.Length} values, {nextValues.Length} next values, {episodeEnds.Length} episode ends, {advantages.Length} advantages");
        if (gamma is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "GAE: gamma must be in [0, 1]");
        if (lambda is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "GAE: lambda must be in [0, 1]");
        int steps = n / numEnvs;
        for (int e = 0; e < numEnvs; e++)
        {
            double next = 0;
            for (int t = steps - 1; t >= 0; t--)
            {
                int i = t * numEnvs + e;
                if (episodeEnds[i]) next = 0;
                double delta = rewards[i] + gamma * nextValues[i] - values[i];
                next = delta + gamma * lambda * next;
                advantages[i] = (float)next;
            }
        }
    }
}
