namespace Rl.Core;

/// <summary>What <c>Reset</c> returns: the first observation of an episode and auxiliary info.</summary>
/// <typeparam name="TObs">The observation type.</typeparam>
/// <param name="Observation">The first observation.</param>
/// <param name="Info">Auxiliary information.</param>
public readonly record struct ResetResult<TObs>(TObs Observation, Info Info);

/// <summary>What <c>Step</c> returns, with Gymnasium's five fields.</summary>
/// <typeparam name="TObs">The observation type.</typeparam>
/// <param name="Observation">The observation after the action.</param>
/// <param name="Reward">The reward for the transition.</param>
/// <param name="Terminated">The episode reached a terminal state of the MDP (no bootstrapping past it).</param>
/// <param name="Truncated">The episode was cut short by a condition outside the MDP, such as a time limit (bootstrap from <paramref name="Observation"/>).</param>
/// <param name="Info">Auxiliary information.</param>
public readonly record struct StepResult<TObs>(TObs Observation, double Reward, bool Terminated, bool Truncated, Info Info)
{
    /// <summary>Whether the episode is over for either reason.</summary>
    public bool Done => Terminated || Truncated;
}
