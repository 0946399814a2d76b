using Rl.Core;
using Rl.Core.Rendering;

namespace Rl.Rendering.Play;

/// <summary>
/// The HUD of <c>rl watch</c> and <c>rl play</c>: a band of text lines above the picture (never over it), one window pixel
/// per scene unit, with the font shrunk so the longest line fits the window's width.
/// </summary>
public static class HudText
{
    /// <summary>Window pixels per text line at full size.</summary>
    public const float LineHeight = 17;

    /// <summary>The font height at full size, in window pixels.</summary>
    public const float FontSize = 12;

    /// <summary>The height of a band of <paramref name="lines"/> lines (and an optional progress bar).</summary>
    public static int BandHeight(int lines, bool bar = false) => (int)Math.Ceiling(lines * LineHeight + FontSize / 2 + (bar ? FontSize / 2 : 0));

    /// <summary>
    /// The font height that fits <paramref name="longest"/> characters into <paramref name="width"/> pixels (the bitmap font's
    /// glyphs are 6/7 as wide as high), at most <see cref="FontSize"/>.
    /// </summary>
    public static float FittingSize(int longest, int width) =>
        Math.Min(FontSize, (width - FontSize) / Math.Max(1f, longest * 6f / 7f));

    /// <summary>
    /// Describes the band into <paramref name="band"/>: <paramref name="width"/> x <paramref name="height"/> pixels, the lines
    /// top down, and a progress bar under them when <paramref name="progress"/> is given.
    /// </summary>
    public static void Draw(Scene band, int width, int height, IReadOnlyList<(string Text, Color Color)> lines, float? progress = null)
    {
        ArgumentNullException.ThrowIfNull(band);
        ArgumentNullException.ThrowIfNull(lines);
        band.Begin(width, height, new Color(235, 235, 235), Camera2D.Pixels(width, height));
        if (lines.Count == 0) return;
        float size = FittingSize(lines.Max(l => l.Text.Length), width), margin = FontSize / 2;
        for (int i = 0; i < lines.Count; i++) band.Text(lines[i].Text, margin, margin / 2 + i * LineHeight, size, lines[i].Color);
        if (progress is float p)
            band.Bar(margin, margin / 2 + lines.Count * LineHeight, width - 2 * margin, FontSize / 3, p, new Color(60, 140, 220), new Color(200, 200, 200));
    }

    /// <summary>
    /// The size of the picture for a scene of <paramref name="width"/> x <paramref name="height"/>, scaled by the whole
    /// factor that brings it nearest <paramref name="minHeight"/> pixels high (small pixel games only; never shrunk).
    /// </summary>
    public static (int Width, int Height) WindowSize(int width, int height, int minHeight = 480)
    {
        int k = Math.Max(1, (int)Math.Round(minHeight / (double)Math.Max(height, 1)));
        return (width * k, height * k);
    }

    /// <summary>
    /// The real-time pace of play for a person: the environment's render fps, but at most <see cref="HumanFps"/> steps per
    /// second (CartPole's 50 steps per second end an episode before a person can react).
    /// </summary>
    public static double HumanPace(IEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        return Math.Min(HumanFps, env.Metadata.RenderFps > 0 ? env.Metadata.RenderFps : 30);
    }

    /// <summary>The most steps per second human play and labelling take by default.</summary>
    public const double HumanFps = 15;
}
