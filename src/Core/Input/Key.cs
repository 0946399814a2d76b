namespace Rl.Core.Input;

/// <summary>
/// Keyboard keys, independent of any window library. The values are GLFW's key codes (printable keys are their ASCII
/// codes), so a GLFW window passes them through unchanged; other backends translate.
/// </summary>
public enum Key
{
    /// <summary>Space bar.</summary>
    Space = 32,
    /// <summary>Minus.</summary>
    Minus = 45,
    /// <summary>Period.</summary>
    Period = 46,
    /// <summary>Digit 0.</summary>
    D0 = 48,
    /// <summary>Digit 1.</summary>
    D1 = 49,
    /// <summary>Digit 2.</summary>
    D2 = 50,
    /// <summary>Digit 3.</summary>
    D3 = 51,
    /// <summary>Digit 4.</summary>
    D4 = 52,
    /// <summary>Digit 5.</summary>
    D5 = 53,
    /// <summary>Digit 6.</summary>
    D6 = 54,
    /// <summary>Digit 7.</summary>
    D7 = 55,
    /// <summary>Digit 8.</summary>
    D8 = 56,
    /// <summary>Digit 9.</summary>
    D9 = 57,
    /// <summary>Equal sign (plus without shift).</summary>
    Equal = 61,
    /// <summary>A.</summary>
    A = 65,
    /// <summary>B.</summary>
    B = 66,
    /// <summary>C.</summary>
    C = 67,
    /// <summary>D.</summary>
    D = 68,
    /// <summary>E.</summary>
    E = 69,
    /// <summary>F.</summary>
    F = 70,
    /// <summary>G.</summary>
    G = 71,
    /// <summary>H.</summary>
    H = 72,
    /// <summary>I.</summary>
    I = 73,
    /// <summary>J.</summary>
    J = 74,
    /// <summary>K.</summary>
    K = 75,
    /// <summary>L.</summary>
    L = 76,
    /// <summary>M.</summary>
    M = 77,
    /// <summary>N.</summary>
    N = 78,
    /// <summary>O.</summary>
    O = 79,
    /// <summary>P.</summary>
    P = 80,
    /// <summary>Q.</summary>
    Q = 81,
    /// <summary>R.</summary>
    R = 82,
    /// <summary>S.</summary>
    S = 83,
    /// <summary>T.</summary>
    T = 84,
    /// <summary>U.</summary>
    U = 85,
    /// <summary>V.</summary>
    V = 86,
    /// <summary>W.</summary>
    W = 87,
    /// <summary>X.</summary>
    X = 88,
    /// <summary>Y.</summary>
    Y = 89,
    /// <summary>Z.</summary>
    Z = 90,
    /// <summary>Escape.</summary>
    Escape = 256,
    /// <summary>Enter.</summary>
    Enter = 257,
    /// <summary>Tab.</summary>
    Tab = 258,
    /// <summary>Backspace.</summary>
    Backspace = 259,
    /// <summary>Right arrow.</summary>
    Right = 262,
    /// <summary>Left arrow.</summary>
    Left = 263,
    /// <summary>Down arrow.</summary>
    Down = 264,
    /// <summary>Up arrow.</summary>
    Up = 265,
    /// <summary>Keypad minus.</summary>
    KeypadSubtract = 333,
    /// <summary>Keypad plus.</summary>
    KeypadAdd = 334,
    /// <summary>Left shift.</summary>
    LeftShift = 340,
    /// <summary>Left control.</summary>
    LeftControl = 341,
}

/// <summary>Key names for people and scripts.</summary>
public static class KeyNames
{
    private static readonly Dictionary<string, Key> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["esc"] = Key.Escape, ["return"] = Key.Enter, ["bksp"] = Key.Backspace, ["ctrl"] = Key.LeftControl,
        ["control"] = Key.LeftControl, ["shift"] = Key.LeftShift, ["arrowleft"] = Key.Left, ["arrowright"] = Key.Right,
        ["arrowup"] = Key.Up, ["arrowdown"] = Key.Down, ["plus"] = Key.KeypadAdd,
    };

    /// <summary>The short upper-case name shown to players, e.g. "LEFT", "A", "SPACE", "1".</summary>
    public static string Of(Key key) => key is >= Key.D0 and <= Key.D9
        ? ((char)key).ToString()
        : key.ToString().ToUpperInvariant();

    /// <summary>
    /// Parses a key name, case-insensitively: an enum name (<c>Left</c>, <c>Space</c>, <c>Backspace</c>), a single letter or
    /// digit, or an alias (<c>Esc</c>, <c>Return</c>, <c>ArrowLeft</c>, <c>Ctrl</c>, <c>Shift</c>).
    /// </summary>
    /// <exception cref="FormatException">Naming the text and listing the accepted names when it is not a key.</exception>
    public static Key Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string t = name.Trim();
        if (t.Length == 1 && char.IsAsciiDigit(t[0])) return (Key)t[0];
        if (t.Length == 1 && char.IsAsciiLetter(t[0])) return (Key)char.ToUpperInvariant(t[0]);
        if (Aliases.TryGetValue(t, out var alias)) return alias;
        if (!t.All(char.IsAsciiLetterOrDigit) || !Enum.TryParse<Key>(t, ignoreCase: true, out var key) || !Enum.IsDefined(key))
            throw new FormatException(
                $"'{name}' is not a key name; use a letter, a digit, or one of: {string.Join(", ", Enum.GetNames<Key>().Where(n => n.Length > 2))}, {string.Join(", ", Aliases.Keys)}");
        return key;
    }
}
