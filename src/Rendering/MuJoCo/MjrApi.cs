using System.Runtime.InteropServices;
using Rl.Rendering.Native;

namespace Rl.Rendering.MuJoCo;

/// <summary>
/// The part of MuJoCo 2.2.2's C API that draws: scene building (<c>mjv_</c>) and the OpenGL renderer (<c>mjr_</c>), resolved
/// from Debian's <c>libmujoco.so.2.2.2</c> (this library does not reference Rl.Environments; it loads the same shared
/// library, which the process then holds once). The structs are allocated in unmanaged memory of their exact 2.2.2 sizes and
/// only the fields below are touched, at offsets printed from the 2.2.2 headers (<c>mujoco_render_offsets.c</c> beside the
/// tests); Rl.Rendering.Tests checks them against values MuJoCo's own <c>mjv_default*</c> functions write.
/// </summary>
internal static unsafe class MjrApi
{
    /// <summary>The shared library (Debian 12 package <c>libmujoco2.2.2</c>).</summary>
    public const string LibraryName = "libmujoco.so.2.2.2";

    /// <summary>sizeof(mjvScene) in 2.2.2.</summary>
    public const int SceneSize = 8656;
    /// <summary>sizeof(mjrContext) in 2.2.2.</summary>
    public const int ContextSize = 2304;
    /// <summary>sizeof(mjvCamera) in 2.2.2.</summary>
    public const int CameraSize = 64;
    /// <summary>sizeof(mjvOption) in 2.2.2.</summary>
    public const int OptionSize = 68;
    /// <summary>sizeof(mjvPerturb) in 2.2.2.</summary>
    public const int PerturbSize = 104;

    /// <summary>mjvCamera field offsets: type (int), trackbodyid (int), lookat (3 doubles), distance, azimuth, elevation (doubles).</summary>
    public const int CameraType = 0, CameraTrackBodyId = 8, CameraLookAt = 16, CameraDistance = 40, CameraAzimuth = 48, CameraElevation = 56;

    /// <summary>mjrContext field offsets: the offscreen buffer's width, height and multisamples (ints).</summary>
    public const int ContextOffWidth = 40, ContextOffHeight = 44, ContextOffSamples = 48;

    /// <summary>mjModel field offsets: vis.global.offwidth and offheight (ints), the size <c>mjr_makeContext</c> gives the offscreen buffer.</summary>
    public const int ModelOffWidth = 496, ModelOffHeight = 500;

    /// <summary>mjvScene field offsets: ngeom and nlight (ints), after building.</summary>
    public const int SceneNGeom = 4, SceneNLight = 72;

    /// <summary>mjtCamera values.</summary>
    public const int CameraFree = 0, CameraTracking = 1;

    /// <summary>mjtFramebuffer: the offscreen buffer.</summary>
    public const int FramebufferOffscreen = 1;

    /// <summary>mjCAT_ALL: static, dynamic and decorative geoms.</summary>
    public const int CategoryAll = 7;

    /// <summary>mjFONTSCALE_100: the smallest font atlas (the renderer draws no text here).</summary>
    public const int FontScale100 = 100;

    /// <summary>Geoms the scene can hold; MuJoCo's own viewers use 1000.</summary>
    public const int MaxGeoms = 1000;

    public static readonly delegate* unmanaged[Cdecl]<int> mj_version;
    public static readonly delegate* unmanaged[Cdecl]<void*, void> mjv_defaultCamera;
    public static readonly delegate* unmanaged[Cdecl]<void*, void> mjv_defaultOption;
    public static readonly delegate* unmanaged[Cdecl]<void*, void> mjv_defaultPerturb;
    public static readonly delegate* unmanaged[Cdecl]<void*, void> mjv_defaultScene;
    public static readonly delegate* unmanaged[Cdecl]<nint, void*, int, void> mjv_makeScene;
    public static readonly delegate* unmanaged[Cdecl]<void*, void> mjv_freeScene;
    public static readonly delegate* unmanaged[Cdecl]<nint, nint, void*, void*, void*, int, void*, void> mjv_updateScene;
    public static readonly delegate* unmanaged[Cdecl]<void*, void> mjr_defaultContext;
    public static readonly delegate* unmanaged[Cdecl]<nint, void*, int, void> mjr_makeContext;
    public static readonly delegate* unmanaged[Cdecl]<void*, void> mjr_freeContext;
    public static readonly delegate* unmanaged[Cdecl]<int, void*, void> mjr_setBuffer;
    public static readonly delegate* unmanaged[Cdecl]<MjrRect, void*, void*, void> mjr_render;
    public static readonly delegate* unmanaged[Cdecl]<byte*, float*, MjrRect, void*, void> mjr_readPixels;

    private static readonly string? LoadError;

#pragma warning disable CA1810 // explicit static constructor: one place that reports a missing library
    static MjrApi()
    {
        nint lib;
        try
        {
            lib = NativeLibrary.Load(LibraryName, typeof(MjrApi).Assembly, null);
        }
        catch (DllNotFoundException e)
        {
            LoadError = $"MuJoCo's renderer needs {LibraryName}: sudo apt-get install -y libmujoco2.2.2 ({e.Message})";
            return;
        }
        nint Get(string name) => NativeLibrary.GetExport(lib, name);
        mj_version = (delegate* unmanaged[Cdecl]<int>)Get("mj_version");
        if (mj_version() != 222)
        {
            LoadError = $"{LibraryName} reports MuJoCo version {mj_version()}; the renderer binding mirrors 2.2.2's struct sizes";
            return;
        }
        mjv_defaultCamera = (delegate* unmanaged[Cdecl]<void*, void>)Get("mjv_defaultCamera");
        mjv_defaultOption = (delegate* unmanaged[Cdecl]<void*, void>)Get("mjv_defaultOption");
        mjv_defaultPerturb = (delegate* unmanaged[Cdecl]<void*, void>)Get("mjv_defaultPerturb");
        mjv_defaultScene = (delegate* unmanaged[Cdecl]<void*, void>)Get("mjv_defaultScene");
        mjv_makeScene = (delegate* unmanaged[Cdecl]<nint, void*, int, void>)Get("mjv_makeScene");
        mjv_freeScene = (delegate* unmanaged[Cdecl]<void*, void>)Get("mjv_freeScene");
        mjv_updateScene = (delegate* unmanaged[Cdecl]<nint, nint, void*, void*, void*, int, void*, void>)Get("mjv_updateScene");
        mjr_defaultContext = (delegate* unmanaged[Cdecl]<void*, void>)Get("mjr_defaultContext");
        mjr_makeContext = (delegate* unmanaged[Cdecl]<nint, void*, int, void>)Get("mjr_makeContext");
        mjr_freeContext = (delegate* unmanaged[Cdecl]<void*, void>)Get("mjr_freeContext");
        mjr_setBuffer = (delegate* unmanaged[Cdecl]<int, void*, void>)Get("mjr_setBuffer");
        mjr_render = (delegate* unmanaged[Cdecl]<MjrRect, void*, void*, void>)Get("mjr_render");
        mjr_readPixels = (delegate* unmanaged[Cdecl]<byte*, float*, MjrRect, void*, void>)Get("mjr_readPixels");
    }
#pragma warning restore CA1810

    /// <summary>Throws when the library is missing or of another version.</summary>
    /// <exception cref="RenderingUnavailableException">With the package to install.</exception>
    public static void EnsureLoaded()
    {
        if (LoadError is not null) throw new RenderingUnavailableException(LoadError);
    }
}

/// <summary>mjrRect: a viewport (left, bottom, width, height) in pixels, passed by value.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct MjrRect(int Left, int Bottom, int Width, int Height);
