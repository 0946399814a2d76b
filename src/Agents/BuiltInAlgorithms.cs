using Rl.Agents.PolicyGradient;
using Rl.Agents.Training;

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
        AlgorithmRegistry.Register<ReinforceConfig>("reinforce", (c, ctx) => new Reinforce(c, ctx), "REINFORCE with reward-to-go, baselines (none/mean/value) and entropy bonus (TorchSharp)");
        AlgorithmRegistry.Register<OffPolicyPgConfig>("offpolicy-pg", (c, ctx) => new OffPolicyPg(c, ctx), "Off-policy policy gradient: replay buffer, per-decision importance weights truncated at c (TorchSharp)");
    }
}
