using Rl.Core.Input;
using Rl.Core.Spaces;

namespace Rl.Environments.Arcade;

/// <summary>Breakout played with the keyboard: LEFT/A and RIGHT/D move the paddle (the ball serves itself: no fire key).</summary>
public sealed partial class BreakoutEnv : IKeyMapped
{
    private static readonly KeyControl MoveLeft = new("move the paddle left", Key.Left, Key.A);
    private static readonly KeyControl MoveRight = new("move the paddle right", Key.Right, Key.D);

    /// <summary>The key map shared by every Breakout: actions 1 (left) and 2 (right), 0 (stay) with no key held.</summary>
    public static readonly DiscreteKeyMap Keys = new(new Discrete(3), [MoveLeft, MoveRight],
        [new KeyChord(1, MoveLeft), new KeyChord(2, MoveRight)], idleAction: 0, "the paddle stays");

    /// <inheritdoc />
    public KeyMap KeyMap => Keys;
}
