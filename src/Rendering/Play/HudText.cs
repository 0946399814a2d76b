using Rl.Core.Rendering;

namespace Rl.Rendering.Play;

/// <summary>A box of text lines at the top left of a scene, sized in window pixels whatever the scene's own size.</summary>
internal static class HudText
{
    /// <summary>Draws <paramref name="lines"/> over <paramref name="scene"/> shown in a window <paramref name="windowHeight"/> pixels high.</summary>
    public static void Draw(Scene scene, IReadOnlyList<(string Text, Color Color)> lines, int windowHeight)
    {
        if (lines.Count == 0) return;
        // The window may show a scaled-up picture: 12 window pixels per line, converted to the scene's screen units.
        float size = 12f * scene.Height / Math.Max(windowHeight, 1), line = size * 1.4f, margin = size / 2;
        float width = lines.Max(l => l.Text.Length) * size * 6 / 7 + 2 * margin;
        scene.ScreenRect(0, 0, width, lines.Count * line + margin, new Color(255, 255, 255, 200));
        for (int i = 0; i < lines.Count; i++) scene.Text(lines[i].Text, margin, margin + i * line, size, lines[i].Color);
    }

    /// <summary>
    /// The size of a window showing a picture of <paramref name="width"/> x <paramref name="height"/>, scaled by the whole
    /// factor that brings it nearest <paramref name="minHeight"/> pixels high (small pixel games only; never shrunk).
    /// </summary>
    public static (int Width, int Height) WindowSize(int width, int height, int minHeight = 480)
    {
        int k = Math.Max(1, (int)Math.Round(minHeight / (double)Math.Max(height, 1)));
        return (width * k, height * k);
    }
}
