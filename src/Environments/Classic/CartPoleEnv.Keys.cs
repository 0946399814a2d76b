using Rl.Core.Input;
using Rl.Core.Spaces;

namespace Rl.Environments.Classic;

/// <summary>Cart-pole played with the keyboard: LEFT/A pushes left, RIGHT/D pushes right.</summary>
public sealed partial class CartPoleEnv : IKeyMapped
{
    private static readonly KeyControl PushLeft = new("push the cart left", Key.Left, Key.A);
    private static readonly KeyControl PushRight = new("push the cart right", Key.Right, Key.D);

    /// <summary>
    /// The key map shared by every cart-pole: the action space has no "no push", so with no key held the cart keeps being
    /// pushed the way it was last pushed (left at the start).
    /// </summary>
    public static readonly DiscreteKeyMap Keys = new(new Discrete(2), [PushLeft, PushRight],
        [new KeyChord(0, PushLeft), new KeyChord(1, PushRight)], idleAction: null, "keep pushing the way it was last pushed");

    /// <inheritdoc />
    public KeyMap KeyMap => Keys;
}
