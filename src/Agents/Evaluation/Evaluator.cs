using Rl.Agents.Parameters;
using Rl.Agents.Policies;
using Rl.Agents.Rollouts;
using Rl.Agents.Training;
using Rl.Core;

namespace Rl.Agents.Evaluation;

/// <summary>Returns and lengths of a set of evaluation episodes, with their summary statistics.</summary>
/// <param name="Returns">Return of each episode, in episode order (episode i was reset with seed <c>base + i</c>).</param>
/// <param name="Lengths">Length of each episode.</param>
public sealed record EvaluationResult(IReadOnlyList<double> Returns, IReadOnlyList<int> Lengths)
{
    /// <summary>Number of episodes.</summary>
    public int Episodes => Returns.Count;

    /// <summary>Mean return.</summary>
    public double MeanReturn => ParameterMath.Mean([.. Returns]);

    /// <summary>Population standard deviation of the returns (numpy's default).</summary>
    public double StdReturn => ParameterMath.Std([.. Returns]);

    /// <summary>Mean episode length.</summary>
    public double MeanLength => Lengths.Count == 0 ? 0 : Lengths.Average();

    /// <summary>Whether the mean return reaches <paramref name="threshold"/> (e.g. the environment's reward threshold).</summary>
    public bool Reaches(double threshold) => MeanReturn >= threshold;
}

/// <summary>How <see cref="Evaluator.Evaluate(IPolicy, Func{IEnv}, EvaluationOptions?)"/> runs its episodes.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Number of episodes (at least 1). Default 100.</summary>
    public int Episodes { get; init; } = 100;

    /// <summary>The base seed: episode i resets with <c>Seed + i</c>. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Take the most likely action (the usual evaluation) instead of sampling. Default true.</summary>
    public bool Deterministic { get; init; } = true;

    /// <summary>Batched policies: environments stepped in lockstep (one forward pass per step for all); 0 (default): one per episode.</summary>
    public int NumEnvs { get; init; }

    /// <summary>Flat-parameter policies (<see cref="FlatPolicy"/>): threads to run episodes on. Default 1.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Cut an episode after this many steps (0, the default: only when the environment ends it).</summary>
    public int MaxSteps { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Naming the first value out of range.</exception>
    public void Validate()
    {
        if (Episodes < 1) throw new ArgumentOutOfRangeException(nameof(Episodes), Episodes, "evaluation needs at least one episode");
        if (NumEnvs < 0) throw new ArgumentOutOfRangeException(nameof(NumEnvs), NumEnvs, "the number of evaluation environments must be 0 (one per episode) or positive");
        if (Threads < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "evaluation needs at least one thread");
        if (MaxSteps < 0) throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "the step limit must be 0 (none) or positive");
    }
}

/// <summary>
/// A policy that acts on a batch of flattened observation rows at once (a network: one forward pass for all rows). The
/// evaluator and the rollout engine use this form; <see cref="IPolicy.Act"/> stays for single boxed observations.
/// </summary>
public interface IBatchPolicy : IPolicy
{
    /// <summary>Floats per action row (the row form of <see cref="ActionRows"/>).</summary>
    int ActionWidth { get; }

    /// <summary>Writes the action rows for <paramref name="count"/> observation rows (flattened by the observation space).</summary>
    /// <param name="observations">The rows [count × observation size].</param>
    /// <param name="count">The number of rows.</param>
    /// <param name="deterministic">Take the most likely action instead of sampling.</param>
    /// <param name="rng">Generator for sampling; unused when deterministic.</param>
    /// <param name="actions">Receives the action rows [count × <see cref="ActionWidth"/>].</param>
    void ActBatch(ReadOnlySpan<float> observations, int count, bool deterministic, Rng rng, Span<float> actions);
}

/// <summary>
/// The one evaluator. <b>Seeding rule:</b> episode i (0-based) starts with <c>Reset(seed: Seed + i)</c>, and every listed
/// episode runs to its end (or to <see cref="EvaluationOptions.MaxSteps"/>), whatever order the episodes finish in, so there
/// is no bias towards short episodes; results are reported in episode order. How the episodes run depends on the policy,
/// never the seeds:
/// <list type="bullet">
/// <item><see cref="IBatchPolicy"/> (torch policies): lockstep over a vector environment of <see cref="EvaluationOptions.NumEnvs"/>
/// sub-environments, one forward pass per step for all running episodes; a sub-environment that finishes an episode starts the
/// next unstarted one. Sampled actions draw from one generator seeded with <see cref="ActionSeed"/>(Seed, 0).</item>
/// <item><see cref="FlatPolicy"/>: each episode on a <see cref="RolloutPool"/> thread, sampled actions from a generator seeded with
/// <see cref="ActionSeed"/>(Seed, i): the same result for any number of threads.</item>
/// <item>Any other <see cref="IPolicy"/>: episode after episode on the calling thread, sampled actions as for flat policies.</item>
/// </list>
/// With deterministic actions the three paths give the same episodes for the same policy (up to the last bit of a batched
/// forward pass).
/// </summary>
public static class Evaluator
{
    /// <summary>Evaluates <paramref name="policy"/> on environments built by <paramref name="makeEnv"/>.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="makeEnv">Builds one environment (with its default wrappers, e.g. the time limit).</param>
    /// <param name="options">Episodes, base seed, batching and threads; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">If an option is out of range (named).</exception>
    public static EvaluationResult Evaluate(IPolicy policy, Func<IEnv> makeEnv, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(makeEnv);
        options ??= new EvaluationOptions();
        options.Validate();
        switch (policy)
        {
            case FlatPolicy flat:
            {
                using var pool = new RolloutPool(makeEnv, Math.Min(options.Threads, options.Episodes), _ => flat.Architecture);
                return Evaluate(pool, flat.Parameters, flat.Filter, options);
            }
            case IBatchPolicy batched:
            {
                int n = options.NumEnvs == 0 ? options.Episodes : Math.Min(options.NumEnvs, options.Episodes);
                using var env = FlatVectorEnv.Create(makeEnv, n);
                return Evaluate(batched, env, options);
            }
            default:
                return Sequential(policy, makeEnv, options);
        }
    }

    /// <summary>Evaluates flat parameters on the workers of <paramref name="pool"/> (no environment is created).</summary>
    /// <exception cref="ArgumentOutOfRangeException">If an option is out of range (named).</exception>
    public static EvaluationResult Evaluate(RolloutPool pool, ReadOnlySpan<float> parameters, ObservationFilter? filter, EvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var theta = parameters.ToArray();
        var returns = new double[options.Episodes];
        var lengths = new int[options.Episodes];
        pool.Run(options.Episodes, (worker, i) =>
        {
            var rng = options.Deterministic ? null : new Rng(ActionSeed(options.Seed, i));
            var episode = worker.RunEpisode(theta, filter, EpisodeSeed(options.Seed, i), options.Deterministic, rng, null, options.MaxSteps);
            (returns[i], lengths[i]) = (episode.Return, episode.Length);
        });
        return new EvaluationResult(returns, lengths);
    }

    /// <summary>Evaluates a batched policy in lockstep on the sub-environments of <paramref name="env"/> (which stays open).</summary>
    /// <exception cref="ArgumentException">If the policy's action rows do not fit the environment's action space.</exception>
    /// <exception cref="ArgumentOutOfRangeException">If an option is out of range (named).</exception>
    public static EvaluationResult Evaluate(IBatchPolicy policy, FlatVectorEnv env, EvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (policy.ActionWidth != env.ActionWidth)
            throw new ArgumentException($"the policy writes action rows of {policy.ActionWidth} floats but {env.Name}'s action space {env.ActionSpace} needs {env.ActionWidth}", nameof(policy));
        int episodes = options.Episodes, n = env.NumEnvs, obs = env.ObservationSize, width = env.ActionWidth;
        var returns = new double[episodes];
        var lengths = new int[episodes];
        var running = new int[n]; // the episode each sub-environment runs, or -1
        var rows = new float[n * obs];
        var actionRows = new float[n * width];
        var allActions = new float[n * width];
        var rng = new Rng(ActionSeed(options.Seed, 0));
        int next = 0, active = 0;
        for (int i = 0; i < n; i++) Start(i);
        while (active > 0)
        {
            int count = 0;
            for (int i = 0; i < n; i++)
                if (running[i] >= 0) env.ObservationRow(i).CopyTo(rows.AsSpan(count++ * obs, obs));
            policy.ActBatch(rows.AsSpan(0, count * obs), count, options.Deterministic, rng, actionRows.AsSpan(0, count * width));
            int k = 0;
            for (int i = 0; i < n; i++)
            {
                var dest = allActions.AsSpan(i * width, width);
                if (running[i] >= 0) actionRows.AsSpan(k++ * width, width).CopyTo(dest);
                else dest.Clear(); // idle: stepped (a vector environment steps all) and ignored
            }
            env.Step(allActions);
            for (int i = 0; i < n; i++)
            {
                int e = running[i];
                if (e < 0) continue;
                returns[e] += env.Rewards[i];
                lengths[e]++;
                if (!env.Done(i) && lengths[e] != options.MaxSteps) continue;
                active--;
                Start(i);
            }
        }
        return new EvaluationResult(returns, lengths);

        void Start(int i)
        {
            running[i] = next < episodes ? next++ : -1;
            if (running[i] < 0) return;
            active++;
            env.ResetEnv(i, EpisodeSeed(options.Seed, running[i]));
        }
    }

    // Any other policy: episode after episode through the boxed interface, with the same seeds.
    private static EvaluationResult Sequential(IPolicy policy, Func<IEnv> makeEnv, EvaluationOptions options)
    {
        using var env = makeEnv();
        var returns = new double[options.Episodes];
        var lengths = new int[options.Episodes];
        for (int i = 0; i < options.Episodes; i++)
        {
            var rng = new Rng(ActionSeed(options.Seed, i));
            policy.ResetState();
            object observation = env.ResetObject(EpisodeSeed(options.Seed, i)).Observation;
            while (true)
            {
                var step = env.StepObject(policy.Act(observation, options.Deterministic, rng));
                returns[i] += step.Reward;
                lengths[i]++;
                if (step.Done || lengths[i] == options.MaxSteps) break;
                observation = step.Observation;
            }
        }
        return new EvaluationResult(returns, lengths);
    }

    /// <summary>The reset seed of evaluation episode <paramref name="episode"/>: <c>seed + episode</c>.</summary>
    public static int EpisodeSeed(int seed, int episode) => unchecked(seed + episode);

    /// <summary>The seed of the action generator of evaluation episode <paramref name="episode"/> (sampled actions only).</summary>
    public static long ActionSeed(int seed, int episode) => unchecked(((long)seed << 32) ^ (uint)episode ^ 0x5DEECE66DL);
}
