using Rl.Core.Input;

namespace Rl.Rendering.Input;

/// <summary>
/// Where a play loop reads the keyboard: a window (<see cref="GlfwWindow"/>), or a script (<see cref="KeyScript"/>) for
/// automation and tests. A loop calls <see cref="Poll"/> once per frame, then reads the presses and the held keys.
/// </summary>
public interface IKeySource
{
    /// <summary>Takes in the input of a new frame (a window processes its pending events; a script moves to its next frame).</summary>
    void Poll();

    /// <summary>Takes the oldest key press (or auto-repeat) not yet read, if any.</summary>
    bool TryReadKey(out Key key);

    /// <summary>Whether <paramref name="key"/> is held down now.</summary>
    bool IsKeyDown(Key key);
}
