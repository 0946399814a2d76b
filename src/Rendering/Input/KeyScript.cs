using System.Globalization;
using Rl.Core.Input;

namespace Rl.Rendering.Input;

/// <summary>
/// Scripted keyboard input, frame by frame, for automation and tests (<c>rl play --input-script FILE</c>). Each line is one
/// step of the script: <c>KEYS [*N]</c> presses KEYS (names joined by <c>+</c>, e.g. <c>UP+LEFT</c>) at its first frame
/// and holds them for N frames (default 1); <c>-</c> or <c>none</c> holds nothing; <c>#</c> starts a comment. Consecutive
/// lines press their keys again, so <c>LEFT</c> on two lines is two presses (two turns in a turn-based game) while
/// <c>LEFT *2</c> is one press held for two frames. After the last line the script presses ESCAPE.
/// </summary>
public sealed class KeyScript : IKeySource
{
    private readonly List<(Key[] Keys, int Frames)> _lines;
    private readonly Queue<Key> _pressed = new();
    private readonly HashSet<Key> _held = [];
    private int _line = -1, _framesLeft;
    private bool _ended;

    /// <summary>Parses a script (see the class summary for the format).</summary>
    /// <param name="text">The script.</param>
    /// <param name="source">Where it came from, for error messages (e.g. the file name).</param>
    /// <exception cref="FormatException">Naming the source, line and token that is wrong.</exception>
    public KeyScript(string text, string source = "key script")
    {
        ArgumentNullException.ThrowIfNull(text);
        _lines = [];
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            var tokens = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0) continue;
            int frames = 1;
            if (tokens.Length == 2 && tokens[1].StartsWith('*') &&
                int.TryParse(tokens[1].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1)
                frames = n;
            else if (tokens.Length != 1)
                throw new FormatException($"{source} line {i + 1}: '{line.Trim()}' is not 'KEYS [*N]' (keys joined by '+', N >= 1 frames)");
            Key[] keys;
            try
            {
                keys = tokens[0] is "-" || tokens[0].Equals("none", StringComparison.OrdinalIgnoreCase)
                    ? []
                    : tokens[0].Split('+').Select(KeyNames.Parse).Distinct().ToArray();
            }
            catch (FormatException e)
            {
                throw new FormatException($"{source} line {i + 1}: {e.Message}", e);
            }
            _lines.Add((keys, frames));
        }
    }

    /// <summary>Reads a script file.</summary>
    /// <exception cref="FileNotFoundException">If the file does not exist.</exception>
    /// <exception cref="FormatException">Naming the file, line and token that is wrong.</exception>
    public static KeyScript Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"key script '{path}' does not exist", path);
        return new KeyScript(File.ReadAllText(path), path);
    }

    /// <summary>Frames in the whole script.</summary>
    public long TotalFrames => _lines.Sum(l => (long)l.Frames);

    /// <summary>Whether the script has ended (its closing ESCAPE has been pressed).</summary>
    public bool Ended => _ended;

    /// <inheritdoc />
    public void Poll()
    {
        if (_ended) return;
        if (_framesLeft > 0)
        {
            _framesLeft--;
            return;
        }
        _held.Clear();
        if (++_line >= _lines.Count)
        {
            _ended = true;
            _pressed.Enqueue(Key.Escape);
            return;
        }
        var (keys, frames) = _lines[_line];
        foreach (var k in keys)
        {
            _held.Add(k);
            _pressed.Enqueue(k);
        }
        _framesLeft = frames - 1;
    }

    /// <inheritdoc />
    public bool TryReadKey(out Key key) => _pressed.TryDequeue(out key);

    /// <inheritdoc />
    public bool IsKeyDown(Key key) => _held.Contains(key);
}
