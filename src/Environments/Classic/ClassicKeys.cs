using Rl.Core.Input;
using Rl.Core.Spaces;

namespace Rl.Environments.Classic;

/// <summary>The key maps of the classic-control tasks other than cart-pole: LEFT/A and RIGHT/D push or turn one way or the other.</summary>
public static class ClassicKeys
{
    private static readonly KeyControl Left = new("push left", Key.Left, Key.A);
    private static readonly KeyControl Right = new("push right", Key.Right, Key.D);
    private static readonly KeyControl CounterClockwise = new("torque counter-clockwise", Key.Left, Key.A);
    private static readonly KeyControl Clockwise = new("torque clockwise", Key.Right, Key.D);

    /// <summary>
    /// Mountain car (Gymnasium's own keys): LEFT accelerates left (0), RIGHT right (2), nothing or both held does nothing (1).
    /// The game is won by rocking: accelerate the way the car is already moving.
    /// </summary>
    public static readonly DiscreteKeyMap MountainCar = new(new Discrete(3), [Left, Right],
        [new KeyChord(0, Left), new KeyChord(2, Right), new KeyChord(1, Left, Right)], idleAction: 1, "no engine");

    /// <summary>Continuous mountain car: LEFT is force -1, RIGHT +1, nothing held 0 (the engine off costs nothing).</summary>
    public static readonly BoxKeyMap MountainCarContinuous = new(new Box<float>(-1f, 1f, 1), [0f],
        [new KeyPush(Left, 0, -1f), new KeyPush(Right, 0, 1f)], "no engine");

    /// <summary>Pendulum: LEFT is the full torque counter-clockwise (+2), RIGHT clockwise (-2), nothing held 0.</summary>
    public static readonly BoxKeyMap Pendulum = new(new Box<float>(-PendulumEnv.MaxTorque, PendulumEnv.MaxTorque, 1), [0f],
        [new KeyPush(CounterClockwise, 0, PendulumEnv.MaxTorque), new KeyPush(Clockwise, 0, -PendulumEnv.MaxTorque)], "no torque");

    /// <summary>Acrobot: LEFT turns the middle joint counter-clockwise (torque +1, action 2), RIGHT clockwise (-1, action 0), nothing or both held no torque (1).</summary>
    public static readonly DiscreteKeyMap Acrobot = new(new Discrete(3), [Clockwise, CounterClockwise],
        [new KeyChord(0, Clockwise), new KeyChord(2, CounterClockwise), new KeyChord(1, Clockwise, CounterClockwise)], idleAction: 1, "no torque");
}

/// <summary>Mountain car played with the keyboard (<see cref="ClassicKeys.MountainCar"/>).</summary>
public sealed partial class MountainCarEnv : IKeyMapped
{
    /// <inheritdoc />
    public KeyMap KeyMap => ClassicKeys.MountainCar;
}

/// <summary>Continuous mountain car played with the keyboard (<see cref="ClassicKeys.MountainCarContinuous"/>).</summary>
public sealed partial class ContinuousMountainCarEnv : IKeyMapped
{
    /// <inheritdoc />
    public KeyMap KeyMap => ClassicKeys.MountainCarContinuous;
}

/// <summary>The pendulum played with the keyboard (<see cref="ClassicKeys.Pendulum"/>).</summary>
public sealed partial class PendulumEnv : IKeyMapped
{
    /// <inheritdoc />
    public KeyMap KeyMap => ClassicKeys.Pendulum;
}

/// <summary>The acrobot played with the keyboard (<see cref="ClassicKeys.Acrobot"/>).</summary>
public sealed partial class AcrobotEnv : IKeyMapped
{
    /// <inheritdoc />
    public KeyMap KeyMap => ClassicKeys.Acrobot;
}
