namespace Rl.Agents.Training;

/// <summary>
/// The one naming scheme of the scalars an algorithm reports in <see cref="IterationResult.Scalars"/>:
/// <c>&lt;group&gt;/&lt;name&gt;</c> in snake case, the group saying what the number is about. Every algorithm uses these
/// groups (and only these); the runner files them under <c>train/</c> in TensorBoard and adds its own <c>eval/</c> and
/// <c>rollout/</c> summaries.
/// </summary>
public static class MetricNames
{
    /// <summary>The training episodes and their collection: <c>rollout/mean_return</c>, <c>rollout/steps</c>, <c>rollout/episodes</c>.</summary>
    public const string Rollout = "rollout/";

    /// <summary>Losses that an update minimizes: <c>loss/policy</c>, <c>loss/value</c>, <c>loss/train</c>.</summary>
    public const string Loss = "loss/";

    /// <summary>The policy itself: <c>policy/entropy</c>, <c>policy/learning_rate</c>, <c>policy/grad_norm</c>, <c>policy/parameter_norm</c>, <c>policy/weight_norm/&lt;layer&gt;</c>.</summary>
    public const string Policy = "policy/";

    /// <summary>A gradient-free search distribution: <c>search/sigma</c>, <c>search/step_norm</c>, <c>search/mean_fitness</c>, <c>search/best_score</c>.</summary>
    public const string Search = "search/";

    /// <summary>A baseline or value function: <c>baseline/explained_variance</c>.</summary>
    public const string Baseline = "baseline/";

    /// <summary>Off-policy importance weights: <c>importance/mean_weight</c>, <c>importance/truncated_fraction</c>, <c>importance/approx_kl</c>.</summary>
    public const string Importance = "importance/";

    /// <summary>A replay buffer: <c>buffer/size</c>.</summary>
    public const string Buffer = "buffer/";

    /// <summary>Observation normalization: <c>normalizer/observation_count</c>.</summary>
    public const string Normalizer = "normalizer/";

    /// <summary>Supervised imitation: <c>imitation/epochs</c>, <c>imitation/labels</c>; DAgger's <c>dagger/beta</c>; the expert's <c>expert/mean_return</c>.</summary>
    public const string Imitation = "imitation/";
}
