using Silk.NET.OpenGL;

namespace Rl.Rendering;

/// <summary>The kind of OpenGL context to create.</summary>
public enum GlProfile
{
    /// <summary>OpenGL 3.3 core: shaders only; what this library's scene renderer uses.</summary>
    Core,

    /// <summary>The compatibility profile, with the fixed-function pipeline: what MuJoCo's renderer (<c>mjr_render</c>) needs.</summary>
    Compatibility,
}

/// <summary>An OpenGL 3.3 core context that is current on some thread, from a window or from EGL.</summary>
public interface IGlContext : IDisposable
{
    /// <summary>The OpenGL functions of this context.</summary>
    GL Gl { get; }

    /// <summary>What the context runs on, e.g. "EGL surfaceless (Mesa): llvmpipe (LLVM 15.0.6, 256 bits), 4.5 (Core Profile) Mesa 22.3.6".</summary>
    string Description { get; }

    /// <summary>Makes the context current on the calling thread (releasing whichever other context this library made current there).</summary>
    void MakeCurrent();

    /// <summary>Releases the context from the calling thread.</summary>
    void ReleaseCurrent();
}

/// <summary>
/// Tracks which of this library's contexts is current on each thread. A thread can have only one current context, and
/// libglvnd refuses to make an EGL context current while a GLX (window) context is, and the other way round; so switching
/// between a window and headless rendering on one thread releases the other context first. Making the already-current
/// context current again costs one comparison.
/// </summary>
internal static class CurrentContext
{
    [ThreadStatic] private static IGlContext? _current;

    /// <summary>Whether <paramref name="context"/> is current on this thread: callers test it before building the
    /// <see cref="Switch"/> delegate, so that the usual call (already current) allocates nothing.</summary>
    public static bool IsCurrent(IGlContext context) => ReferenceEquals(_current, context);

    /// <summary>Makes <paramref name="context"/> current with <paramref name="makeCurrent"/> unless it already is.</summary>
    public static void Switch(IGlContext context, Action makeCurrent)
    {
        if (ReferenceEquals(_current, context)) return;
        _current?.ReleaseCurrent();
        makeCurrent();
        _current = context;
    }

    /// <summary>Releases whatever context is current on this thread (before a raw make-current during creation).</summary>
    public static void ReleaseAny() => _current?.ReleaseCurrent();

    /// <summary>Records that <paramref name="context"/> was released on this thread.</summary>
    public static void Released(IGlContext context)
    {
        if (ReferenceEquals(_current, context)) _current = null;
    }
}
