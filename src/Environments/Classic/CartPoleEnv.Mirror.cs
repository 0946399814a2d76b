using Rl.Core.Experts;

namespace Rl.Environments.Classic;

/// <summary>Cart-pole is symmetric: in the frame flipped left-right, pushing left does what pushing right did.</summary>
public sealed partial class CartPoleEnv : IActionMirror
{
    /// <summary>Swaps push left (0) and push right (1).</summary>
    /// <exception cref="ArgumentException">If <paramref name="action"/> is not 0 or 1.</exception>
    public object MirrorAction(object action) => action is int a && a is 0 or 1
        ? 1 - a
        : throw new ArgumentException($"{Name}: cannot mirror {Rl.Core.Spaces.Space.FormatValue(action)}; expected 0 or 1", nameof(action));
}
