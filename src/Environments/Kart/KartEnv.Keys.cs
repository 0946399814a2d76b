using Rl.Core.Input;
using Rl.Core.Spaces;

namespace Rl.Environments.Kart;

/// <summary>
/// The kart driven with the keyboard: LEFT/A and RIGHT/D steer, UP/W accelerates, DOWN/S brakes; keys combine (UP+LEFT
/// accelerates into a left turn). Continuous karts get full-scale controls from the held keys; discrete karts the matching
/// one of their nine actions.
/// </summary>
public abstract partial class KartEnvBase<TAct> : IKeyMapped
{
    /// <inheritdoc />
    public KeyMap KeyMap => ActionSpace is Discrete ? KartKeys.Discrete : KartKeys.Continuous;
}

/// <summary>The kart racers' key maps.</summary>
public static class KartKeys
{
    private static readonly KeyControl SteerLeft = new("steer left", Key.Left, Key.A);
    private static readonly KeyControl SteerRight = new("steer right", Key.Right, Key.D);
    private static readonly KeyControl Accelerate = new("accelerate", Key.Up, Key.W);
    private static readonly KeyControl Brake = new("brake", Key.Down, Key.S);

    /// <summary>For <c>Box(3)</c> steer/throttle/brake: each held key sets its control to full scale; nothing held coasts straight.</summary>
    public static readonly BoxKeyMap Continuous = new(new Box<float>([-1f, 0f, 0f], [1f, 1f, 1f]), [0f, 0f, 0f],
        [new KeyPush(SteerLeft, 0, -1f), new KeyPush(SteerRight, 0, 1f), new KeyPush(Accelerate, 1, 1f), new KeyPush(Brake, 2, 1f)],
        "coast straight");

    /// <summary>For <c>Discrete(9)</c> (action = 3 × pedal + steering, see <see cref="KartDiscreteEnv"/>).</summary>
    public static readonly DiscreteKeyMap Discrete = new(new Discrete(KartDiscreteEnv.ActionCount), [SteerLeft, SteerRight, Accelerate, Brake],
        [
            new KeyChord(1, SteerLeft), new KeyChord(2, SteerRight),
            new KeyChord(3, Accelerate), new KeyChord(4, Accelerate, SteerLeft), new KeyChord(5, Accelerate, SteerRight),
            new KeyChord(6, Brake), new KeyChord(7, Brake, SteerLeft), new KeyChord(8, Brake, SteerRight),
        ],
        idleAction: 0, "coast straight");
}
