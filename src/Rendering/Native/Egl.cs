using System.Runtime.InteropServices;

namespace Rl.Rendering.Native;

/// <summary>The part of EGL 1.5 (plus EXT device enumeration) used for headless contexts, loaded from libEGL.so.1 at first use.</summary>
internal static unsafe class Egl
{
    public const string InstallHint = "apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri (Debian/Ubuntu), or install your GPU vendor's EGL driver";

    public const int Success = 0x3000, None = 0x3038, Extensions = 0x3055, Vendor = 0x3053, Version = 0x3054;
    public const int SurfaceType = 0x3033, PbufferBit = 0x0001, RenderableType = 0x3040, OpenGlBit = 0x0008;
    public const int RedSize = 0x3024, GreenSize = 0x3023, BlueSize = 0x3022, AlphaSize = 0x3021;
    public const int OpenGlApi = 0x30A2;
    public const int ContextMajorVersion = 0x3098, ContextMinorVersion = 0x30FB, ContextOpenGlProfileMask = 0x30FD, ContextOpenGlCoreProfileBit = 0x1,
        ContextOpenGlCompatibilityProfileBit = 0x2;
    public const int PlatformDeviceExt = 0x313F, PlatformSurfacelessMesa = 0x31DD;
    public const int DrmDeviceFileExt = 0x3233;
    public const int Width = 0x3057, Height = 0x3056;

    private static readonly Lazy<Api> Loaded = new(LoadApi, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The loaded functions.</summary>
    /// <exception cref="RenderingUnavailableException">If libEGL.so.1 is missing.</exception>
    public static Api Functions => Loaded.Value;

    private static Api LoadApi()
    {
        nint lib = NativeLoader.Load(["libEGL.so.1", "libEGL.so"], InstallHint);
        nint F(string name) => NativeLoader.Export(lib, "libEGL.so.1", name);
        var api = new Api
        {
            GetProcAddress = (delegate* unmanaged<byte*, nint>)F("eglGetProcAddress"),
            GetError = (delegate* unmanaged<int>)F("eglGetError"),
            QueryString = (delegate* unmanaged<nint, int, byte*>)F("eglQueryString"),
            GetDisplay = (delegate* unmanaged<nint, nint>)F("eglGetDisplay"),
            Initialize = (delegate* unmanaged<nint, int*, int*, uint>)F("eglInitialize"),
            BindApi = (delegate* unmanaged<int, uint>)F("eglBindAPI"),
            ChooseConfig = (delegate* unmanaged<nint, int*, nint*, int, int*, uint>)F("eglChooseConfig"),
            CreateContext = (delegate* unmanaged<nint, nint, nint, int*, nint>)F("eglCreateContext"),
            CreatePbufferSurface = (delegate* unmanaged<nint, nint, int*, nint>)F("eglCreatePbufferSurface"),
            DestroySurface = (delegate* unmanaged<nint, nint, uint>)F("eglDestroySurface"),
            MakeCurrent = (delegate* unmanaged<nint, nint, nint, nint, uint>)F("eglMakeCurrent"),
            DestroyContext = (delegate* unmanaged<nint, nint, uint>)F("eglDestroyContext"),
        };
        // EGL 1.5 core, else the EXT entry point; device enumeration is always an extension.
        api.GetPlatformDisplay = (delegate* unmanaged<int, nint, nint*, nint>)Proc(api, "eglGetPlatformDisplay");
        api.GetPlatformDisplayExt = (delegate* unmanaged<int, nint, int*, nint>)Proc(api, "eglGetPlatformDisplayEXT");
        api.QueryDevices = (delegate* unmanaged<int, nint*, int*, uint>)Proc(api, "eglQueryDevicesEXT");
        api.QueryDeviceString = (delegate* unmanaged<nint, int, byte*>)Proc(api, "eglQueryDeviceStringEXT");
        return api;
    }

    private static nint Proc(Api api, string name)
    {
        nint p = Marshal.StringToCoTaskMemUTF8(name);
        try { return api.GetProcAddress((byte*)p); }
        finally { Marshal.FreeCoTaskMem(p); }
    }

    /// <summary>A function of the loaded library (null when absent) by name, for OpenGL loading.</summary>
    public static nint GetProcAddress(string name) => Proc(Functions, name);

    /// <summary>A string from eglQueryString, or "" when it fails.</summary>
    public static string QueryString(nint display, int name)
    {
        byte* s = Functions.QueryString(display, name);
        return s == null ? "" : Marshal.PtrToStringUTF8((nint)s) ?? "";
    }

    /// <summary>The last EGL error as a name, for messages.</summary>
    public static string LastError()
    {
        int e = Functions.GetError();
        return e switch
        {
            0x3000 => "EGL_SUCCESS",
            0x3001 => "EGL_NOT_INITIALIZED",
            0x3002 => "EGL_BAD_ACCESS",
            0x3003 => "EGL_BAD_ALLOC",
            0x3004 => "EGL_BAD_ATTRIBUTE",
            0x3005 => "EGL_BAD_CONFIG",
            0x3006 => "EGL_BAD_CONTEXT",
            0x3008 => "EGL_BAD_DISPLAY",
            0x3009 => "EGL_BAD_MATCH",
            0x300C => "EGL_BAD_PARAMETER",
            _ => $"EGL error 0x{e:X4}",
        };
    }

    /// <summary>Function pointers into libEGL.</summary>
    public sealed class Api
    {
        public delegate* unmanaged<byte*, nint> GetProcAddress;
        public delegate* unmanaged<int> GetError;
        public delegate* unmanaged<nint, int, byte*> QueryString;
        public delegate* unmanaged<nint, nint> GetDisplay;
        public delegate* unmanaged<int, nint, nint*, nint> GetPlatformDisplay;
        public delegate* unmanaged<int, nint, int*, nint> GetPlatformDisplayExt;
        public delegate* unmanaged<nint, int*, int*, uint> Initialize;
        public delegate* unmanaged<int, uint> BindApi;
        public delegate* unmanaged<nint, int*, nint*, int, int*, uint> ChooseConfig;
        public delegate* unmanaged<nint, nint, nint, int*, nint> CreateContext;
        public delegate* unmanaged<nint, nint, int*, nint> CreatePbufferSurface;
        public delegate* unmanaged<nint, nint, uint> DestroySurface;
        public delegate* unmanaged<nint, nint, nint, nint, uint> MakeCurrent;
        public delegate* unmanaged<nint, nint, uint> DestroyContext;
        public delegate* unmanaged<int, nint*, int*, uint> QueryDevices;
        public delegate* unmanaged<nint, int, byte*> QueryDeviceString;
    }
}
