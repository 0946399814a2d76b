using Rl.Core;
using Rl.Core.Rendering;
using Rl.Core.Wrappers;
using Rl.Rendering.MuJoCo;

namespace Rl.Rendering;

/// <summary>The render modes, named as Gymnasium names them.</summary>
public static class RenderModes
{
    /// <summary><c>Render()</c> returns the frame as H x W x 3 bytes.</summary>
    public const string RgbArray = "rgb_array";

    /// <summary>Every reset and step is shown in a window at the environment's frame rate; <c>Render()</c> returns null.</summary>
    public const string Human = "human";
}

/// <summary>The untyped view of a <see cref="RenderedEnv{TObs, TAct}"/>: its render mode and its frames.</summary>
public interface IRenderedEnv : IEnv
{
    /// <summary>The render mode (<c>rgb_array</c> or <c>human</c>).</summary>
    string RenderMode { get; }

    /// <summary>The current frame in <c>rgb_array</c> mode (H x W x 3); in <c>human</c> mode draws the window and returns null.</summary>
    Frame? Render();
}

/// <summary>
/// Gives an environment Gymnasium's <c>render_mode</c>: with <c>rgb_array</c>, <see cref="Render"/> returns the current
/// frame; with <c>human</c>, a window shows every reset and step, paced to the environment's <c>render_fps</c>. Drawing is
/// done here from the scene the environment describes; the environment itself never touches OpenGL.
/// </summary>
/// <typeparam name="TObs">The observation type.</typeparam>
/// <typeparam name="TAct">The action type.</typeparam>
public sealed class RenderedEnv<TObs, TAct> : Wrapper<TObs, TAct>, IRenderedEnv
{
    private readonly IRenderable _source;
    private readonly Scene _scene = new();
    private Viewer? _viewer;

    /// <summary>Wraps <paramref name="inner"/> with a render mode.</summary>
    /// <param name="inner">A renderable environment.</param>
    /// <param name="renderMode"><c>rgb_array</c> or <c>human</c>; it must be one of the environment's declared render modes.</param>
    /// <param name="width">Frame width (default: the scene's native width, e.g. 600 for cart-pole).</param>
    /// <param name="height">Frame height (default: the native height).</param>
    /// <exception cref="ArgumentException">If the mode is unknown or not supported by the environment, or it cannot render.</exception>
    public RenderedEnv(IEnv<TObs, TAct> inner, string renderMode, int? width = null, int? height = null) : base(inner)
    {
        if (renderMode is not (RenderModes.RgbArray or RenderModes.Human))
            throw new ArgumentException($"render mode '{renderMode}' is not one of {RenderModes.RgbArray}, {RenderModes.Human}", nameof(renderMode));
        if (!inner.Metadata.RenderModes.Contains(renderMode))
            throw new ArgumentException($"environment '{inner.Name}' does not support render mode '{renderMode}'; its render modes: [{string.Join(", ", inner.Metadata.RenderModes)}]", nameof(renderMode));
        if (width is <= 0 || height is <= 0) throw new ArgumentException($"render size {width}x{height} must be positive");
        _source = SceneSources.Require(inner, width, height);
        RenderMode = renderMode;
        Width = width;
        Height = height;
    }

    /// <summary>The render mode.</summary>
    public string RenderMode { get; }

    /// <summary>The frame width, or null for the native width.</summary>
    public int? Width { get; }

    /// <summary>The frame height, or null for the native height.</summary>
    public int? Height { get; }

    /// <inheritdoc />
    public override ResetResult<TObs> Reset(int? seed = null, OptionSet? options = null, TObs? into = default)
    {
        var r = Inner.Reset(seed, options, into);
        if (RenderMode == RenderModes.Human) ShowHuman();
        return r;
    }

    /// <inheritdoc />
    public override StepResult<TObs> Step(TAct action, TObs? into = default)
    {
        var r = Inner.Step(action, into);
        if (RenderMode == RenderModes.Human) ShowHuman();
        return r;
    }

    /// <summary>The current frame in <c>rgb_array</c> mode (H x W x 3); in <c>human</c> mode draws the window and returns null.</summary>
    public Frame? Render()
    {
        if (RenderMode == RenderModes.Human)
        {
            ShowHuman();
            return null;
        }
        if (_source is MuJoCoScene mujoco) return MuJoCoRenderer.ForCurrentThread.Render(mujoco.Source, Width, Height);
        _source.DescribeScene(_scene);
        return HeadlessRenderer.ForCurrentThread.Render(_scene, Width, Height);
    }

    private void ShowHuman()
    {
        _source.DescribeScene(_scene);
        _viewer ??= new Viewer(Width ?? _scene.Width, Height ?? _scene.Height, Name);
        _viewer.WaitForNextFrame(Metadata.RenderFps);
        _viewer.Show(_scene);
    }

    /// <summary>Closes the window (if any) and disposes the inner environment.</summary>
    public override void Dispose()
    {
        _viewer?.Dispose();
        _viewer = null;
        base.Dispose();
    }
}
