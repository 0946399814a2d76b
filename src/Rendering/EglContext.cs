using Rl.Rendering.Native;
using Silk.NET.OpenGL;

namespace Rl.Rendering;

/// <summary>
/// A headless OpenGL context through EGL: no X server or window needed. It renders into framebuffer objects. The EGL display
/// is chosen once per process, in this order: a hardware device through <c>EGL_EXT_platform_device</c> (NVIDIA's EGL or a
/// Mesa DRM device on GPU machines), Mesa's surfaceless platform (llvmpipe on machines without GPU), the software device,
/// then the default display. The environment variable <c>RL_EGL_PLATFORM</c> = <c>device</c>, <c>surfaceless</c> or
/// <c>default</c> forces one. Two kinds of context: OpenGL 3.3 core (<see cref="GlProfile.Core"/>, what this library's own
/// renderer uses) and the compatibility profile (<see cref="GlProfile.Compatibility"/>, the fixed-function OpenGL that MuJoCo's
/// renderer needs).
/// </summary>
public sealed unsafe class EglContext : IGlContext
{
    private static readonly Lazy<DisplayChoice> SharedDisplay = new(OpenDisplay, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly nint _display;
    private nint _context;
    private nint _surface;

    private EglContext(nint display, nint context, nint surface, string platform, GlProfile profile)
    {
        Profile = profile;
        _display = display;
        _context = context;
        _surface = surface;
        MakeCurrent();
        Gl = GL.GetApi(Egl.GetProcAddress);
        Description = $"EGL {platform}: {Gl.GetStringS(StringName.Renderer)}, OpenGL {Gl.GetStringS(StringName.Version)}";
    }

    /// <inheritdoc />
    public GL Gl { get; }

    /// <summary>The OpenGL profile of this context.</summary>
    public GlProfile Profile { get; }

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>Creates an OpenGL 3.3 core context and makes it current on the calling thread.</summary>
    /// <exception cref="RenderingUnavailableException">If libEGL is missing or no display, config or context can be made; the message says what to install.</exception>
    public static EglContext Create() => Create(GlProfile.Core);

    /// <summary>Creates a context of the given profile and makes it current on the calling thread.</summary>
    /// <param name="profile">Core 3.3, or the compatibility profile (any version the driver offers; Mesa gives 4.5).</param>
    /// <exception cref="RenderingUnavailableException">If libEGL is missing or no display, config or context can be made; the message says what to install.</exception>
    public static EglContext Create(GlProfile profile)
    {
        var choice = SharedDisplay.Value;
        var api = Egl.Functions;
        nint display = choice.Display;
        int* configAttribs = stackalloc int[] { Egl.SurfaceType, 0, Egl.RenderableType, Egl.OpenGlBit, Egl.RedSize, 8, Egl.GreenSize, 8, Egl.BlueSize, 8, Egl.AlphaSize, 8, Egl.None };
        nint config;
        int count;
        if (api.ChooseConfig(display, configAttribs, &config, 1, &count) == 0 || count == 0)
            throw new RenderingUnavailableException($"EGL ({choice.Platform}) has no RGBA8 OpenGL config ({Egl.LastError()}); {Egl.InstallHint}");
        if (api.BindApi(Egl.OpenGlApi) == 0)
            throw new RenderingUnavailableException($"EGL ({choice.Platform}) cannot bind the desktop OpenGL API ({Egl.LastError()}); {Egl.InstallHint}");
        int* coreAttribs = stackalloc int[] { Egl.ContextMajorVersion, 3, Egl.ContextMinorVersion, 3, Egl.ContextOpenGlProfileMask, Egl.ContextOpenGlCoreProfileBit, Egl.None };
        int* compatibilityAttribs = stackalloc int[] { Egl.ContextOpenGlProfileMask, Egl.ContextOpenGlCompatibilityProfileBit, Egl.None };
        bool core = profile == GlProfile.Core;
        nint context = api.CreateContext(display, config, 0, core ? coreAttribs : compatibilityAttribs);
        if (context == 0)
            throw new RenderingUnavailableException(
                $"EGL ({choice.Platform}) cannot create an OpenGL {(core ? "3.3 core" : "compatibility-profile")} context ({Egl.LastError()}); the driver is too old or missing: {Egl.InstallHint}");
        nint surface = 0;
        CurrentContext.ReleaseAny();
        // Surfaceless contexts (EGL_KHR_surfaceless_context) need no surface; otherwise bind a 1x1 pbuffer (we draw into FBOs anyway).
        if (api.MakeCurrent(display, 0, 0, context) == 0)
        {
            int* pbufferAttribs = stackalloc int[] { Egl.Width, 1, Egl.Height, 1, Egl.None };
            surface = api.CreatePbufferSurface(display, config, pbufferAttribs);
            if (surface == 0 || api.MakeCurrent(display, surface, surface, context) == 0)
            {
                string error = Egl.LastError();
                api.DestroyContext(display, context);
                throw new RenderingUnavailableException($"EGL ({choice.Platform}) cannot make a context current without a window ({error})");
            }
        }
        api.MakeCurrent(display, 0, 0, 0);
        return new EglContext(display, context, surface, choice.Platform, profile);
    }

    /// <summary>Whether a headless context can be made here; when not, <paramref name="reason"/> says why and what to install.</summary>
    public static bool IsAvailable(out string? reason)
    {
        try
        {
            using var c = Create();
            reason = null;
            return true;
        }
        catch (RenderingUnavailableException e)
        {
            reason = e.Message;
            return false;
        }
    }

    /// <inheritdoc />
    public void MakeCurrent()
    {
        ObjectDisposedException.ThrowIf(_context == 0, this);
        if (CurrentContext.IsCurrent(this)) return; // every frame renders here: no delegate for the usual case
        CurrentContext.Switch(this, () =>
        {
            if (Egl.Functions.MakeCurrent(_display, _surface, _surface, _context) == 0)
                throw new RenderingUnavailableException($"eglMakeCurrent failed ({Egl.LastError()}); an EGL context can be current on one thread at a time");
        });
    }

    /// <inheritdoc />
    public void ReleaseCurrent()
    {
        if (_context != 0) Egl.Functions.MakeCurrent(_display, 0, 0, 0);
        CurrentContext.Released(this);
    }

    /// <summary>Releases the context (the process-wide display stays open).</summary>
    public void Dispose()
    {
        if (_context == 0) return;
        var api = Egl.Functions;
        ReleaseCurrent();
        if (_surface != 0) api.DestroySurface(_display, _surface);
        api.DestroyContext(_display, _context);
        _context = 0;
        _surface = 0;
    }

    private sealed record DisplayChoice(nint Display, string Platform);

    private static DisplayChoice OpenDisplay()
    {
        var api = Egl.Functions;
        string clientExtensions = Egl.QueryString(0, Egl.Extensions);
        string? forced = Environment.GetEnvironmentVariable("RL_EGL_PLATFORM");
        if (forced is not null && forced is not ("device" or "surfaceless" or "default"))
            throw new RenderingUnavailableException($"RL_EGL_PLATFORM = '{forced}' is not one of device, surfaceless, default");
        var failures = new List<string>();
        var devices = EnumerateDevices(api, clientExtensions, failures);

        // Hardware devices first, then Mesa's surfaceless platform, then software devices, then the default display.
        var candidates = new List<(string Name, int Platform, nint Native)>();
        foreach (var (device, name, software) in devices)
            if (!software && forced is null or "device") candidates.Add(($"device {name}", Egl.PlatformDeviceExt, device));
        if (forced is null or "surfaceless")
        {
            if (clientExtensions.Contains("EGL_MESA_platform_surfaceless", StringComparison.Ordinal))
                candidates.Add(("surfaceless (Mesa)", Egl.PlatformSurfacelessMesa, 0));
            else failures.Add("surfaceless: EGL_MESA_platform_surfaceless not offered (Mesa's libegl-mesa0 not installed?)");
        }
        foreach (var (device, name, software) in devices)
            if (software && forced is null or "device") candidates.Add(($"device {name}", Egl.PlatformDeviceExt, device));
        if (forced is null or "default") candidates.Add(("default display", 0, 0));

        foreach (var (name, platform, native) in candidates)
        {
            nint display = platform == 0 ? api.GetDisplay(0) : PlatformDisplay(api, platform, native);
            if (display == 0)
            {
                failures.Add($"{name}: no display ({Egl.LastError()})");
                continue;
            }
            int major, minor;
            if (api.Initialize(display, &major, &minor) == 0)
            {
                failures.Add($"{name}: eglInitialize failed ({Egl.LastError()})");
                continue;
            }
            return new DisplayChoice(display, name);
        }
        throw new RenderingUnavailableException(
            $"no headless EGL display could be opened ({string.Join("; ", failures)}). Install Mesa's EGL with software rendering: {Egl.InstallHint}");
    }

    private static List<(nint Device, string Name, bool Software)> EnumerateDevices(Egl.Api api, string clientExtensions, List<string> failures)
    {
        var list = new List<(nint, string, bool)>();
        if (api.QueryDevices == null || api.GetPlatformDisplay == null && api.GetPlatformDisplayExt == null
            || !clientExtensions.Contains("EGL_EXT_platform_device", StringComparison.Ordinal))
        {
            failures.Add("device: EGL_EXT_platform_device not offered");
            return list;
        }
        nint* devices = stackalloc nint[16];
        int count;
        if (api.QueryDevices(16, devices, &count) == 0) return list;
        for (int i = 0; i < count; i++)
        {
            string extensions = DeviceString(api, devices[i], Egl.Extensions);
            bool software = extensions.Contains("EGL_MESA_device_software", StringComparison.Ordinal);
            string name = extensions.Contains("EGL_EXT_device_drm", StringComparison.Ordinal)
                ? DeviceString(api, devices[i], Egl.DrmDeviceFileExt)
                : software ? "software" : $"#{i}";
            list.Add((devices[i], name, software));
        }
        return list;
    }

    private static string DeviceString(Egl.Api api, nint device, int name)
    {
        if (api.QueryDeviceString == null) return "";
        byte* s = api.QueryDeviceString(device, name);
        return s == null ? "" : System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)s) ?? "";
    }

    private static nint PlatformDisplay(Egl.Api api, int platform, nint nativeDisplay)
    {
        if (api.GetPlatformDisplay != null)
        {
            nint* attribs = stackalloc nint[] { Egl.None };
            return api.GetPlatformDisplay(platform, nativeDisplay, attribs);
        }
        int* attribsExt = stackalloc int[] { Egl.None };
        return api.GetPlatformDisplayExt(platform, nativeDisplay, attribsExt);
    }
}
