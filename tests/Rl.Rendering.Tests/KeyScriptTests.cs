using Rl.Core.Input;
using Rl.Rendering.Input;

namespace Rl.Rendering.Tests;

public class KeyScriptTests
{
    private static (List<Key> Pressed, List<Key[]> Held) Frames(KeyScript script, int frames, params Key[] watch)
    {
        var pressed = new List<Key>();
        var held = new List<Key[]>();
        for (int f = 0; f < frames; f++)
        {
            script.Poll();
            while (script.TryReadKey(out var k)) pressed.Add(k);
            held.Add(watch.Where(script.IsKeyDown).ToArray());
        }
        return (pressed, held);
    }

    [Fact]
    public void EachLinePressesItsKeysAndHoldsThemForItsFrames()
    {
        var script = new KeyScript("""
            # warm-up
            LEFT *3
            up+right        # chord, one frame
            -  *2
            LEFT
            LEFT
            """);
        Assert.Equal(8, script.TotalFrames);
        var (pressed, held) = Frames(script, 10, Key.Left, Key.Right, Key.Up);
        Assert.Equal([Key.Left, Key.Up, Key.Right, Key.Left, Key.Left, Key.Escape], pressed);
        Assert.Equal([[Key.Left], [Key.Left], [Key.Left], [Key.Right, Key.Up], [], [], [Key.Left], [Key.Left], [], []], held);
        Assert.True(script.Ended);
    }

    [Theory]
    [InlineData("LEFT *0", "line 1")]
    [InlineData("LEFT\nLEFT x3", "line 2")]
    [InlineData("LEFT\n\nUP+Lefty", "line 3")]
    [InlineData("LEFT *2 *3", "line 1")]
    public void BadLinesAreRejectedWithTheirLineNumber(string text, string where)
    {
        var e = Assert.Throws<FormatException>(() => new KeyScript(text, "keys.txt"));
        Assert.Contains("keys.txt " + where, e.Message);
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        var e = Assert.Throws<FileNotFoundException>(() => KeyScript.Load("/nonexistent/keys.txt"));
        Assert.Contains("/nonexistent/keys.txt", e.Message);
    }
}
