using Rl.Agents.Networks;
using Rl.Core;
using Rl.Core.Spaces;
using static TorchSharp.torch;

namespace Rl.Agents.ActorCritic;

/// <summary>
/// An actor-critic network: π_θ(a|s) and V_θ(s) over normalized observation rows. With a shared trunk one body (MLP or
/// conv net) feeds both heads (as in the Atari setups of A2C and PPO); otherwise the policy and the value function have
/// separate bodies of the same architecture (as in SB3's and CleanRL's MLP policies).
/// </summary>
public sealed class ActorCriticNetwork : nn.Module<Tensor, ActionDistribution>
{
    private readonly nn.Module<Tensor, Tensor> policy_body;
    private readonly nn.Module<Tensor, Tensor>? value_body;
    private readonly ActionHead policy_head;
    private readonly ValueHead value_head;

    /// <summary>Builds the network for the spaces and initializes it from <paramref name="rng"/>.</summary>
    /// <exception cref="ArgumentException">If the body does not fit the observation space.</exception>
    /// <exception cref="NotSupportedException">If the action space has no head.</exception>
    public ActorCriticNetwork(Space observationSpace, Space actionSpace, NetworkSpec spec, bool sharedTrunk, Rng rng, double initLogStd)
        : base(nameof(ActorCriticNetwork))
    {
        (policy_body, int features) = spec.BuildBody(observationSpace, rng);
        var init = policy_body is ConvNet ? spec.Conv.Init : spec.Init;
        policy_head = ActionHead.Create(actionSpace, features, init, rng, initLogStd);
        if (!sharedTrunk) (value_body, _) = spec.BuildBody(observationSpace, rng);
        value_head = new ValueHead(features, init, rng);
        SharedTrunk = sharedTrunk;
        RegisterComponents();
    }

    /// <summary>Whether the policy and the value function share one body.</summary>
    public bool SharedTrunk { get; }

    /// <summary>The action head (action-row conversions).</summary>
    public ActionHead Head => policy_head;

    /// <summary>π(·|s) for normalized observation rows [B, obs].</summary>
    public override ActionDistribution forward(Tensor observations) => policy_head.forward(policy_body.forward(observations));

    /// <summary>π(·|s) and V(s) [B] for normalized observation rows [B, obs], with one pass through a shared trunk.</summary>
    public (ActionDistribution Policy, Tensor Value) PolicyAndValue(Tensor observations)
    {
        var features = policy_body.forward(observations);
        var value = value_head.forward(value_body is null ? features : value_body.forward(observations));
        return (policy_head.forward(features), value);
    }

    /// <summary>V(s) [B] for normalized observation rows [B, obs].</summary>
    public Tensor Value(Tensor observations) => value_head.forward((value_body ?? policy_body).forward(observations));
}
