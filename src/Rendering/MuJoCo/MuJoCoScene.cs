using System.Numerics;
using Rl.Core;
using Rl.Core.Rendering;

namespace Rl.Rendering.MuJoCo;

/// <summary>
/// A MuJoCo environment's picture as a <see cref="Scene"/>: MuJoCo's renderer draws the frame (<see cref="MuJoCoRenderer"/>)
/// and the scene shows it as one full-frame image, so every consumer of scenes (the window of <c>rl watch</c> with its HUD,
/// video, pixel observations, <c>rgb_array</c>) shows MuJoCo's picture without knowing about MuJoCo.
/// </summary>
public sealed class MuJoCoScene : IRenderable
{
    private readonly IMuJoCoRenderable _source;
    private readonly Image _image;
    private byte[] _rgb;

    /// <summary>Wraps <paramref name="source"/>, drawing frames of <paramref name="width"/> x <paramref name="height"/> (default: its native size).</summary>
    /// <exception cref="ArgumentException">If a size is not positive.</exception>
    public MuJoCoScene(IMuJoCoRenderable source, int? width = null, int? height = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        int w = width ?? source.FrameWidth, h = height ?? source.FrameHeight;
        if (w <= 0 || h <= 0) throw new ArgumentException($"frame size {w}x{h} must be positive");
        _image = new Image(w, h);
        _rgb = new byte[w * h * 3];
    }

    /// <summary>The environment drawn.</summary>
    public IMuJoCoRenderable Source => _source;

    /// <inheritdoc />
    public void DescribeScene(Scene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        int w = _image.Width, h = _image.Height;
        MuJoCoRenderer.ForCurrentThread.Render(_source, w, h, ColorMode.Rgb, _rgb);
        var rgba = _image.Rgba;
        for (int i = 0, j = 0; i < _rgb.Length; i += 3, j += 4)
        {
            rgba[j] = _rgb[i];
            rgba[j + 1] = _rgb[i + 1];
            rgba[j + 2] = _rgb[i + 2];
            rgba[j + 3] = 255;
        }
        _image.MarkChanged();
        scene.Begin(w, h, Color.Black, Camera2D.Pixels(w, h));
        scene.Image(_image, Vector2.Zero, new Vector2(w, h), Color.White);
    }
}

/// <summary>
/// Finds what to draw for an environment: its <see cref="IRenderable"/> (<see cref="Renderable.Find"/>), except that a MuJoCo
/// environment that asks for MuJoCo's renderer (<see cref="IMuJoCoRenderable.UseMuJoCoRenderer"/>) is drawn through
/// <see cref="MuJoCoScene"/>.
/// </summary>
public static class SceneSources
{
    /// <summary>What to draw for <paramref name="env"/>.</summary>
    /// <param name="env">The environment (any wrapper chain).</param>
    /// <param name="width">The frame width MuJoCo's renderer should draw at (default: the environment's native width).</param>
    /// <param name="height">The frame height (default: the native height).</param>
    /// <exception cref="ArgumentException">Naming the environment when nothing in its chain can render.</exception>
    public static IRenderable Require(IEnv env, int? width = null, int? height = null)
    {
        var renderable = Renderable.Require(env);
        return renderable is IMuJoCoRenderable { UseMuJoCoRenderer: true } mujoco ? new MuJoCoScene(mujoco, width, height) : renderable;
    }
}
