using Rl.Agents.Rollouts;

namespace Rl.Agents.PolicyGradient;

/// <summary>
/// Monte-Carlo returns of one episode, computed in double precision. A truncated episode (time limit, rollout cut)
/// did not end in a terminal state, so its tail is bootstrapped with v = V(s_T), the value of the final observation;
/// a terminated episode uses v = 0. Truncation is not termination.
/// </summary>
public static class Returns
{
    /// <summary>The discounted return of the whole episode, R(τ) = Σ_{t&lt;T} γ^t r_t + γ^T v.</summary>
    /// <param name="rewards">r_0 … r_{T−1}.</param>
    /// <param name="gamma">Discount γ in [0, 1].</param>
    /// <param name="bootstrapValue">v: V(s_T) for a truncated episode, 0 for a terminated one.</param>
    public static double Discounted(ReadOnlySpan<float> rewards, double gamma, double bootstrapValue = 0)
    {
        double g = bootstrapValue;
        for (int t = rewards.Length - 1; t >= 0; t--) g = rewards[t] + gamma * g;
        return g;
    }

    /// <summary>
    /// The reward-to-go G_t = Σ_{k≥t} γ^{k−t} r_k + γ^{T−t} v of every step, by the recursion G_t = r_t + γ G_{t+1},
    /// G_T = v. Only rewards after the action a_t can be credited to it, so this has lower variance than R(τ).
    /// </summary>
    /// <param name="rewards">r_0 … r_{T−1}.</param>
    /// <param name="gamma">Discount γ in [0, 1].</param>
    /// <param name="bootstrapValue">v: V(s_T) for a truncated episode, 0 for a terminated one.</param>
    /// <param name="returns">Receives G_0 … G_{T−1}.</param>
    public static void RewardToGo(ReadOnlySpan<float> rewards, double gamma, double bootstrapValue, Span<float> returns)
    {
        if (returns.Length < rewards.Length) throw new ArgumentException($"returns has {returns.Length} elements but there are {rewards.Length} rewards", nameof(returns));
        double g = bootstrapValue;
        for (int t = rewards.Length - 1; t >= 0; t--)
        {
            g = rewards[t] + gamma * g;
            returns[t] = (float)g;
        }
    }

    /// <summary>
    /// Returns for every step of a batch of complete episodes: the reward-to-go G_t, or (when
    /// <paramref name="rewardToGo"/> is false) the episode's R(τ) at every step, as in the plain REINFORCE estimator
    /// R(τ) Σ_t ∇ log π(a_t|s_t).
    /// </summary>
    /// <param name="batch">The episodes.</param>
    /// <param name="gamma">Discount γ.</param>
    /// <param name="rewardToGo">Reward-to-go instead of the whole-episode return.</param>
    /// <param name="bootstrapValues">One value per episode of the batch: V(s_T) where it was truncated (ignored otherwise).</param>
    public static float[] ForBatch(RolloutBatch batch, double gamma, bool rewardToGo, ReadOnlySpan<float> bootstrapValues)
    {
        if (bootstrapValues.Length != batch.Episodes.Count)
            throw new ArgumentException($"{bootstrapValues.Length} bootstrap values for {batch.Episodes.Count} episodes", nameof(bootstrapValues));
        var returns = new float[batch.Steps];
        var rewards = batch.Rewards;
        for (int e = 0; e < batch.Episodes.Count; e++)
        {
            var ep = batch.Episodes[e];
            double v = ep.Truncated ? bootstrapValues[e] : 0.0;
            var r = rewards.Slice(ep.Start, ep.Length);
            var dest = returns.AsSpan(ep.Start, ep.Length);
            if (rewardToGo) RewardToGo(r, gamma, v, dest);
            else dest.Fill((float)Discounted(r, gamma, v));
        }
        return returns;
    }
}

/// <summary>Where a stored step sits in its episode.</summary>
public enum StepEnd : byte
{
    /// <summary>The episode goes on: the next stored step follows this one.</summary>
    Continues,

    /// <summary>The last step, into a terminal state (no value after it).</summary>
    Terminated,

    /// <summary>The last step, cut by a time limit: the value of the final observation follows it.</summary>
    Truncated,
}

/// <summary>
/// Per-decision importance-weighted returns for off-policy data (V-trace, Espeholt et al. 2018; the per-decision
/// importance sampling of Precup et al. 2000 with truncated weights). With ρ_t = π(a_t|s_t)/μ(a_t|s_t), ρ̄_t = min(c, ρ_t)
/// and c̄_t = min(1, ρ_t) (c̄ ≤ ρ̄ keeps the fixed point):
/// <code>
/// δ_t = ρ̄_t (r_t + γ V(s_{t+1}) − V(s_t))
/// v_t = V(s_t) + δ_t + γ c̄_t (v_{t+1} − V(s_{t+1}))       (target for the baseline)
/// A_t = r_t + γ v_{t+1} − V(s_t)                           (advantage for the policy gradient, weighted by ρ̄_t)
/// </code>
/// After a terminal step V(s_{t+1}) = v_{t+1} = 0; after a truncated one both are the value of the final observation.
/// On-policy (every ρ_t = 1) v_t is exactly the reward-to-go G_t and A_t = G_t − V(s_t): REINFORCE with a baseline.
/// </summary>
public static class VTrace
{
    /// <summary>Computes targets and advantages for steps stored in time order (episodes contiguous).</summary>
    /// <param name="rewards">r_t.</param>
    /// <param name="values">V(s_t).</param>
    /// <param name="ratios">ρ_t = π(a_t|s_t) / μ(a_t|s_t).</param>
    /// <param name="ends">Whether each step continues, terminates or truncates its episode.</param>
    /// <param name="finalValues">For a truncated step, V of the final observation (read only there).</param>
    /// <param name="gamma">Discount γ.</param>
    /// <param name="c">Truncation of ρ̄ (the traces use min(1, ρ)).</param>
    /// <param name="targets">Receives v_t.</param>
    /// <param name="advantages">Receives A_t.</param>
    /// <exception cref="ArgumentException">If the spans differ in length or the last step continues (an unfinished episode).</exception>
    public static void Compute(ReadOnlySpan<float> rewards, ReadOnlySpan<float> values, ReadOnlySpan<float> ratios, ReadOnlySpan<StepEnd> ends,
        ReadOnlySpan<float> finalValues, double gamma, double c, Span<float> targets, Span<float> advantages)
    {
        int n = rewards.Length;
        if (values.Length != n || ratios.Length != n || ends.Length != n || finalValues.Length != n || targets.Length != n || advantages.Length != n)
            throw new ArgumentException("V-trace inputs and outputs must all have one element per step");
        if (n > 0 && ends[n - 1] == StepEnd.Continues) throw new ArgumentException("the last stored step must end its episode");
        double vNext = 0, valueNext = 0;
        for (int t = n - 1; t >= 0; t--)
        {
            switch (ends[t])
            {
                case StepEnd.Terminated:
                    vNext = valueNext = 0;
                    break;
                case StepEnd.Truncated:
                    vNext = valueNext = finalValues[t];
                    break;
            }
            double rhoBar = Math.Min(c, ratios[t]);
            double cBar = Math.Min(1.0, ratios[t]);
            double delta = rhoBar * (rewards[t] + gamma * valueNext - values[t]);
            double v = values[t] + delta + gamma * cBar * (vNext - valueNext);
            advantages[t] = (float)(rewards[t] + gamma * vNext - values[t]);
            targets[t] = (float)v;
            vNext = v;
            valueNext = values[t];
        }
    }
}
