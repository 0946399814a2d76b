using Rl.Agents.ActorCritic;
using Rl.Agents.GradientFree;
using Rl.Agents.Imitation;
using Rl.Agents.PolicyGradient;
using Rl.Agents.Training;
using Rl.Agents.ValueBased;

namespace Rl.Agents;

/// <summary>Registers every algorithm shipped with the toolkit in <see cref="AlgorithmRegistry"/>.</summary>
public static class BuiltInAlgorithms
{
    private static int _registered;

    /// <summary>Registers the built-in algorithms once (later calls do nothing).</summary>
    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        // One line per algorithm: AlgorithmRegistry.Register<TConfig>("id", (config, context) => new Algo(config, context), "description");
        AlgorithmRegistry.Register<RandomSearchConfig>(RandomSearch.AlgorithmId, (c, ctx) => new RandomSearch(c, ctx), "Random search: sample parameter vectors, keep the best (gradient-free).");
        AlgorithmRegistry.Register<IterativeRandomSearchConfig>(IterativeRandomSearch.AlgorithmId, (c, ctx) => new IterativeRandomSearch(c, ctx), "Iterative random search: sample around the best vectors found so far, repeat (gradient-free).");
        AlgorithmRegistry.Register<CemConfig>(Cem.AlgorithmId, (c, ctx) => new Cem(c, ctx), "Cross-entropy method: refit a Gaussian to the top p% of samples, with extra noise (gradient-free).");
        AlgorithmRegistry.Register<EvolutionStrategiesConfig>(EvolutionStrategies.AlgorithmId, (c, ctx) => new EvolutionStrategies(c, ctx), "Evolution strategies (Salimans et al. 2017): mirrored sampling, rank shaping, Adam (gradient-free).");
        AlgorithmRegistry.Register<ArsConfig>(Ars.AlgorithmId, (c, ctx) => new Ars(c, ctx), "Augmented random search (Mania et al. 2018), V1/V2, top-b directions (gradient-free).");
        AlgorithmRegistry.Register<ReinforceConfig>(AlgorithmIds.Reinforce, (c, ctx) => new Reinforce(c, ctx), "REINFORCE with reward-to-go, baselines (none/mean/value) and entropy bonus (TorchSharp)");
        AlgorithmRegistry.Register<BcConfig>(BehaviorCloning.AlgorithmId, (c, ctx) => new BehaviorCloning(c, ctx), "Behaviour cloning: supervised pi(a|o) from demonstrations or scripted-expert episodes, early stopping, pixel augmentation (TorchSharp)");
        AlgorithmRegistry.Register<DaggerConfig>(Dagger.AlgorithmId, (c, ctx) => new Dagger(c, ctx), "DAgger (Ross et al. 2011): the learner drives, the expert labels every visited state, refit on the aggregate; demos_dir seeds the first dataset with recorded demonstrations (TorchSharp)");
        AlgorithmRegistry.Register<OffPolicyPgConfig>(AlgorithmIds.OffPolicyPg, (c, ctx) => new OffPolicyPg(c, ctx), "Off-policy policy gradient: replay buffer, per-decision importance weights truncated at c (TorchSharp)");
        AlgorithmRegistry.Register<PpoConfig>(Ppo.AlgorithmId, (c, ctx) => new Ppo(c, ctx), "PPO (Schulman et al. 2017): clipped surrogate, GAE(lambda), epochs of minibatches over N x T rollouts, value loss, entropy bonus (TorchSharp)");
        AlgorithmRegistry.Register<A2cConfig>(A2c.AlgorithmId, (c, ctx) => new A2c(c, ctx), "A2C: synchronous advantage actor-critic, n-step (GAE) advantages, one gradient step per N x T rollout (TorchSharp)");
        AlgorithmRegistry.Register<DqnConfig>(Dqn.AlgorithmId, (c, ctx) => new Dqn(c, ctx), "DQN (Mnih et al. 2015): replay storing each frame once, target network (hard or Polyak), double-DQN targets, epsilon schedule, Huber loss, optional dueling head (TorchSharp)");
    }
}
