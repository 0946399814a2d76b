using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Rl.Distributed;

/// <summary>
/// Places a grain on the silo its key names (<see cref="SiloAddress.ToParsableString"/>), so the learner addresses the
/// rollout worker of one particular silo. A key whose silo has left the cluster cannot be placed: the call fails, and the
/// learner gives that worker's chunks to the others.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class SiloKeyPlacement : PlacementStrategy
{
    /// <summary>The one instance.</summary>
    public static SiloKeyPlacement Instance { get; } = new();
}

/// <summary>Marks a grain class as placed by <see cref="SiloKeyPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloKeyPlacementAttribute() : PlacementAttribute(SiloKeyPlacement.Instance);

/// <summary>The director for <see cref="SiloKeyPlacement"/>.</summary>
public sealed class SiloKeyPlacementDirector : IPlacementDirector
{
    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string key = target.GrainIdentity.Key.ToString() ?? "";
        foreach (var silo in context.GetCompatibleSilos(target))
            if (silo.ToParsableString() == key) return Task.FromResult(silo);
        throw new OrleansException($"rollout worker silo {key} is no longer an active member of the cluster");
    }
}
