using Rl.Agents.Training;
using Rl.Core;

namespace Rl.Agents.Policies;

/// <summary>
/// A policy given by a <see cref="PolicyArchitecture"/>, a copy of one flat parameter vector and an optional frozen
/// observation normalization: what a gradient-free agent hands to evaluation, <c>rl eval</c> and <c>rl watch</c>.
/// <see cref="Act"/> uses per-instance buffers, so one instance must not be called from two threads at once.
/// </summary>
public sealed class FlatPolicy : IPolicy
{
    private readonly float[] _parameters;
    private readonly PolicyWorkspace _workspace;

    /// <summary>Creates the policy, copying <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">If the vector length differs from the architecture's parameter count.</exception>
    public FlatPolicy(PolicyArchitecture architecture, ReadOnlySpan<float> parameters, ObservationFilter? filter = null)
    {
        if (parameters.Length != architecture.ParameterCount)
            throw new ArgumentException($"{architecture} has {architecture.ParameterCount} parameters but got a vector of {parameters.Length}");
        if (filter is not null && filter.Size != architecture.ObservationSize)
            throw new ArgumentException($"observation filter has {filter.Size} elements but observations flatten to {architecture.ObservationSize}");
        Architecture = architecture;
        _parameters = parameters.ToArray();
        Filter = filter;
        _workspace = new PolicyWorkspace(architecture);
    }

    /// <summary>The architecture.</summary>
    public PolicyArchitecture Architecture { get; }

    /// <summary>The parameters.</summary>
    public ReadOnlySpan<float> Parameters => _parameters;

    /// <summary>The observation normalization applied before the network, if any.</summary>
    public ObservationFilter? Filter { get; }

    /// <inheritdoc />
    public object Act(object observation, bool deterministic, Rng rng)
    {
        Architecture.ObservationSpace.FlattenObject(observation, _workspace.Observation);
        var output = _workspace.Forward(_parameters, Filter);
        return Architecture.Head.ActObject(output, deterministic, rng);
    }
}
