using System.Diagnostics;
using Rl.Core.Rendering;
using Silk.NET.OpenGL;

namespace Rl.Rendering;

/// <summary>
/// A window that shows scenes (Gymnasium's <c>human</c> render mode): a <see cref="GlfwWindow"/> plus a
/// <see cref="SceneRenderer"/> drawing into its default framebuffer. Use it on the thread that created it.
/// </summary>
public sealed class Viewer : IDisposable
{
    private readonly SceneRenderer _renderer;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _nextFrameTicks;
    private byte[] _rgb = [];

    /// <summary>Opens a window of <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    /// <exception cref="Native.RenderingUnavailableException">If no window can be opened; the message says what to install or set.</exception>
    public Viewer(int width, int height, string title, bool visible = true)
    {
        Window = GlfwWindow.Create(width, height, title, visible);
        try
        {
            _renderer = new SceneRenderer(Window);
        }
        catch
        {
            Window.Dispose();
            throw;
        }
    }

    /// <summary>The window (keys, title, close requests).</summary>
    public GlfwWindow Window { get; }

    /// <summary>Whether the user closed the window.</summary>
    public bool IsClosed => Window.ShouldClose;

    /// <summary>Draws <paramref name="scene"/> into the window's back buffer (not yet visible: see <see cref="Present"/>).</summary>
    public void Draw(Scene scene)
    {
        Window.MakeCurrent();
        var (w, h) = Window.FramebufferSize;
        Window.Gl.BindFramebuffer(FramebufferTarget.Framebuffer, 0);
        _renderer.Draw(scene, w, h);
    }

    /// <summary>
    /// Draws <paramref name="band"/> (a HUD scene whose units are window pixels) across the top of the window and
    /// <paramref name="scene"/> in the rest, into the back buffer (see <see cref="Present"/>).
    /// </summary>
    public void Draw(Scene scene, Scene band)
    {
        ArgumentNullException.ThrowIfNull(band);
        Window.MakeCurrent();
        var (w, h) = Window.FramebufferSize;
        Window.Gl.BindFramebuffer(FramebufferTarget.Framebuffer, 0);
        _renderer.Draw(scene, band, w, h, band.Height);
    }

    /// <summary>Draws and presents a scene with a HUD band above it (see <see cref="Draw(Scene, Scene)"/>).</summary>
    public void Show(Scene scene, Scene band)
    {
        Draw(scene, band);
        Capture?.Invoke(ReadBackBuffer());
        Present();
    }

    // Tests: receives every frame Show draws, as shown (the whole window: picture and HUD band).
    internal Action<Frame>? Capture { get; set; }

    /// <summary>Reads the back buffer drawn by <see cref="Draw(Scene)"/> as an RGB frame (rows from the top), before presenting it.</summary>
    public Frame ReadBackBuffer()
    {
        Window.MakeCurrent();
        var (w, h) = Window.FramebufferSize;
        if (_rgb.Length < w * h * 3) _rgb = new byte[w * h * 3];
        Window.Gl.ReadBuffer(ReadBufferMode.Back);
        _renderer.Read(0, 0, w, h, 3, _rgb);
        var pixels = new byte[w * h * 3];
        PixelConvert.FromGl(_rgb.AsSpan(0, w * h * 3), w, h, 3, ColorMode.Rgb, pixels);
        return new Frame(w, h, 3, pixels);
    }

    /// <summary>Shows the back buffer and processes window events.</summary>
    public void Present()
    {
        Window.SwapBuffers();
        Window.PollEvents();
    }

    /// <summary>Draws and presents a scene.</summary>
    public void Show(Scene scene)
    {
        Draw(scene);
        Capture?.Invoke(ReadBackBuffer());
        Present();
    }

    /// <summary>
    /// Waits until 1/<paramref name="fps"/> seconds after the previous call, processing window events meanwhile, so that
    /// frames appear at a steady rate. Does nothing for a rate of 0 or less (as fast as possible).
    /// </summary>
    public void WaitForNextFrame(double fps)
    {
        if (fps <= 0)
        {
            Window.PollEvents();
            return;
        }
        long period = (long)(Stopwatch.Frequency / fps);
        long now = _clock.ElapsedTicks;
        if (_nextFrameTicks == 0 || now - _nextFrameTicks > period) _nextFrameTicks = now; // fell behind: do not try to catch up
        _nextFrameTicks += period;
        while (true)
        {
            long left = _nextFrameTicks - _clock.ElapsedTicks;
            if (left <= 0) break;
            Window.WaitEvents((double)left / Stopwatch.Frequency);
        }
    }

    /// <summary>Closes the window.</summary>
    public void Dispose()
    {
        Window.MakeCurrent();
        _renderer.Dispose();
        Window.Dispose();
    }
}
