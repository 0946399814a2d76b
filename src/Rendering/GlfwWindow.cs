using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Rl.Core.Input;
using Rl.Rendering.Input;
using Rl.Rendering.Native;
using Silk.NET.OpenGL;

namespace Rl.Rendering;

/// <summary>
/// A window with an OpenGL 3.3 core context, through Debian's GLFW 3.3 (libglfw.so.3). Must be created and used on one
/// thread (GLFW wants the main thread). Needs a display: a desktop session, or Xvfb (<c>xvfb-run -a ...</c>).
/// </summary>
public sealed unsafe class GlfwWindow : IGlContext, IKeySource
{
    private static readonly Lock InitGate = new();
    private static bool _initialized;
    private static readonly ConcurrentDictionary<nint, GlfwWindow> Windows = new();

    private readonly ConcurrentQueue<Key> _pressed = new();
    private nint _window;

    private GlfwWindow(nint window, string title)
    {
        _window = window;
        Windows[window] = this;
        var api = Glfw.Functions;
        MakeCurrent();
        api.SwapInterval(0);
        api.SetKeyCallback(window, &OnKey);
        Gl = GL.GetApi(Glfw.GetProcAddress);
        Description = $"GLFW window '{title}': {Gl.GetStringS(StringName.Renderer)}, OpenGL {Gl.GetStringS(StringName.Version)}";
    }

    /// <inheritdoc />
    public GL Gl { get; }

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>Opens a window with a current OpenGL context.</summary>
    /// <param name="width">Client width in pixels.</param>
    /// <param name="height">Client height in pixels.</param>
    /// <param name="title">Title bar text.</param>
    /// <param name="visible">Show the window (false: an offscreen window, still needing a display).</param>
    /// <exception cref="RenderingUnavailableException">If libglfw is missing, there is no display, or no context can be made; the message says what to install or set.</exception>
    public static GlfwWindow Create(int width, int height, string title, bool visible = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        EnsureDisplay();
        var api = Glfw.Functions;
        lock (InitGate)
        {
            if (!_initialized)
            {
                if (api.Init() == 0)
                    throw new RenderingUnavailableException(
                        $"GLFW could not initialise ({Glfw.LastError() ?? "no detail"}); DISPLAY={Environment.GetEnvironmentVariable("DISPLAY")}: is the X server running and reachable? For a virtual display: apt-get install xvfb; xvfb-run -a <command>");
                _initialized = true;
            }
        }
        api.WindowHint(Glfw.ContextVersionMajor, 3);
        api.WindowHint(Glfw.ContextVersionMinor, 3);
        api.WindowHint(Glfw.OpenGlProfile, Glfw.OpenGlCoreProfile);
        api.WindowHint(Glfw.OpenGlForwardCompat, 1);
        api.WindowHint(Glfw.Resizable, 0);
        api.WindowHint(Glfw.Visible, visible ? 1 : 0);
        nint titlePtr = Marshal.StringToCoTaskMemUTF8(title);
        try
        {
            // GLFW makes the new context current while creating it; libglvnd refuses that while an EGL context is current.
            CurrentContext.ReleaseAny();
            nint window = api.CreateWindow(width, height, (byte*)titlePtr, 0, 0);
            if (window == 0)
                throw new RenderingUnavailableException(
                    $"GLFW could not open a {width}x{height} window with an OpenGL 3.3 core context ({Glfw.LastError() ?? "no detail"}); install an OpenGL driver: apt-get install libgl1-mesa-dri");
            return new GlfwWindow(window, title);
        }
        finally
        {
            Marshal.FreeCoTaskMem(titlePtr);
        }
    }

    /// <summary>Whether a window can be opened here; when not, <paramref name="reason"/> says why and what to do.</summary>
    public static bool IsAvailable(out string? reason)
    {
        try
        {
            using var w = Create(16, 16, "probe", visible: false);
            reason = null;
            return true;
        }
        catch (RenderingUnavailableException e)
        {
            reason = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Closes GLFW's connection to the display once no window is open (before stopping an X server the process started,
    /// so Xlib never sees its server vanish). Windows can be opened again afterwards.
    /// </summary>
    /// <returns>False when windows are still open (nothing is done).</returns>
    public static bool Shutdown()
    {
        lock (InitGate)
        {
            if (!_initialized) return true;
            if (!Windows.IsEmpty) return false;
            Glfw.Functions.Terminate();
            _initialized = false;
            return true;
        }
    }

    private static void EnsureDisplay()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY")))
            return;
        throw new RenderingUnavailableException(
            "no display: neither DISPLAY nor WAYLAND_DISPLAY is set. Run in a desktop session, or on a virtual X server: " +
            "apt-get install xvfb, then `xvfb-run -a <command>` or `Xvfb :99 -screen 0 1280x1024x24 & export DISPLAY=:99`. " +
            "For frames without a window use the headless renderer (rgb_array).");
    }

    /// <summary>Width and height of the drawable area in pixels.</summary>
    public (int Width, int Height) FramebufferSize
    {
        get
        {
            int w, h;
            Glfw.Functions.GetFramebufferSize(Handle, &w, &h);
            return (w, h);
        }
    }

    /// <summary>Whether the user asked to close the window (or <see cref="RequestClose"/> was called).</summary>
    public bool ShouldClose => Glfw.Functions.WindowShouldClose(Handle) != 0;

    /// <summary>Asks the window to close; <see cref="ShouldClose"/> becomes true.</summary>
    public void RequestClose() => Glfw.Functions.SetWindowShouldClose(Handle, 1);

    /// <summary>Sets the title bar text.</summary>
    public void SetTitle(string title)
    {
        nint p = Marshal.StringToCoTaskMemUTF8(title);
        try { Glfw.Functions.SetWindowTitle(Handle, (byte*)p); }
        finally { Marshal.FreeCoTaskMem(p); }
    }

    /// <summary>Processes pending window events (key presses land in <see cref="TryReadKey"/>).</summary>
    public void PollEvents() => Glfw.Functions.PollEvents();

    /// <summary>Processes pending window events (the key source's name for <see cref="PollEvents"/>).</summary>
    void IKeySource.Poll() => PollEvents();

    /// <summary>Brings the window to the front and gives it the keyboard focus.</summary>
    public void Focus() => Glfw.Functions.FocusWindow(Handle);

    /// <summary>Waits for window events up to <paramref name="seconds"/>, then processes them.</summary>
    public void WaitEvents(double seconds) => Glfw.Functions.WaitEventsTimeout(Math.Max(seconds, 0));

    /// <summary>Takes the oldest key press (or auto-repeat) since the last call, if any.</summary>
    public bool TryReadKey(out Key key) => _pressed.TryDequeue(out key);

    /// <summary>Queues a key press as if it had been typed (for scripted sessions and tests); <see cref="TryReadKey"/> returns it in order.</summary>
    public void PostKey(Key key) => _pressed.Enqueue(key);

    /// <summary>Whether a key is held down now.</summary>
    public bool IsKeyDown(Key key) => Glfw.Functions.GetKey(Handle, (int)key) == Glfw.Press;

    /// <summary>Shows the back buffer.</summary>
    public void SwapBuffers() => Glfw.Functions.SwapBuffers(Handle);

    /// <inheritdoc />
    public void MakeCurrent()
    {
        nint handle = Handle;
        if (CurrentContext.IsCurrent(this)) return;
        CurrentContext.Switch(this, () => Glfw.Functions.MakeContextCurrent(handle));
    }

    /// <inheritdoc />
    public void ReleaseCurrent()
    {
        if (_window != 0) Glfw.Functions.MakeContextCurrent(0);
        CurrentContext.Released(this);
    }

    private nint Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_window == 0, this);
            return _window;
        }
    }

    /// <summary>Closes the window and releases its context.</summary>
    public void Dispose()
    {
        if (_window == 0) return;
        Windows.TryRemove(_window, out _);
        ReleaseCurrent();
        Glfw.Functions.DestroyWindow(_window);
        _window = 0;
    }

    [UnmanagedCallersOnly]
    private static void OnKey(nint window, int key, int scancode, int action, int mods)
    {
        if (key >= 0 && (action == Glfw.Press || action == Glfw.Repeat) && Windows.TryGetValue(window, out var w))
            w._pressed.Enqueue((Key)key);
    }
}
