using System.Runtime.InteropServices;

namespace Rl.Rendering.Native;

/// <summary>The part of GLFW 3.3 used for windows, loaded from Debian's libglfw.so.3 at first use.</summary>
internal static unsafe class Glfw
{
    public const string InstallHint = "apt-get install libglfw3 libgl1-mesa-dri (Debian/Ubuntu)";

    public const int ContextVersionMajor = 0x00022002, ContextVersionMinor = 0x00022003, OpenGlProfile = 0x00022008;
    public const int OpenGlCoreProfile = 0x00032001, OpenGlForwardCompat = 0x00022006;
    public const int Resizable = 0x00020003, Visible = 0x00020004, DoubleBuffer = 0x00021010;
    public const int Press = 1, Repeat = 2;

    private static readonly Lazy<Api> Loaded = new(LoadApi, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The loaded functions.</summary>
    /// <exception cref="RenderingUnavailableException">If libglfw.so.3 is missing.</exception>
    public static Api Functions => Loaded.Value;

    private static Api LoadApi()
    {
        nint lib = NativeLoader.Load(["libglfw.so.3", "libglfw.so"], InstallHint);
        nint F(string name) => NativeLoader.Export(lib, "libglfw.so.3", name);
        return new Api
        {
            Init = (delegate* unmanaged<int>)F("glfwInit"),
            Terminate = (delegate* unmanaged<void>)F("glfwTerminate"),
            GetError = (delegate* unmanaged<byte**, int>)F("glfwGetError"),
            WindowHint = (delegate* unmanaged<int, int, void>)F("glfwWindowHint"),
            CreateWindow = (delegate* unmanaged<int, int, byte*, nint, nint, nint>)F("glfwCreateWindow"),
            DestroyWindow = (delegate* unmanaged<nint, void>)F("glfwDestroyWindow"),
            MakeContextCurrent = (delegate* unmanaged<nint, void>)F("glfwMakeContextCurrent"),
            GetProcAddress = (delegate* unmanaged<byte*, nint>)F("glfwGetProcAddress"),
            SwapBuffers = (delegate* unmanaged<nint, void>)F("glfwSwapBuffers"),
            SwapInterval = (delegate* unmanaged<int, void>)F("glfwSwapInterval"),
            PollEvents = (delegate* unmanaged<void>)F("glfwPollEvents"),
            WaitEventsTimeout = (delegate* unmanaged<double, void>)F("glfwWaitEventsTimeout"),
            WindowShouldClose = (delegate* unmanaged<nint, int>)F("glfwWindowShouldClose"),
            SetWindowShouldClose = (delegate* unmanaged<nint, int, void>)F("glfwSetWindowShouldClose"),
            SetKeyCallback = (delegate* unmanaged<nint, delegate* unmanaged<nint, int, int, int, int, void>, nint>)F("glfwSetKeyCallback"),
            GetFramebufferSize = (delegate* unmanaged<nint, int*, int*, void>)F("glfwGetFramebufferSize"),
            SetWindowTitle = (delegate* unmanaged<nint, byte*, void>)F("glfwSetWindowTitle"),
            GetKey = (delegate* unmanaged<nint, int, int>)F("glfwGetKey"),
            FocusWindow = (delegate* unmanaged<nint, void>)F("glfwFocusWindow"),
        };
    }

    /// <summary>The last GLFW error description, or null.</summary>
    public static string? LastError()
    {
        byte* description = null;
        int code = Functions.GetError(&description);
        if (code == 0) return null;
        string text = description == null ? "" : Marshal.PtrToStringUTF8((nint)description) ?? "";
        return $"GLFW error 0x{code:X5}: {text}";
    }

    /// <summary>A GL function of the current context by name.</summary>
    public static nint GetProcAddress(string name)
    {
        nint p = Marshal.StringToCoTaskMemUTF8(name);
        try { return Functions.GetProcAddress((byte*)p); }
        finally { Marshal.FreeCoTaskMem(p); }
    }

    /// <summary>Function pointers into libglfw.</summary>
    public sealed class Api
    {
        public delegate* unmanaged<int> Init;
        public delegate* unmanaged<void> Terminate;
        public delegate* unmanaged<byte**, int> GetError;
        public delegate* unmanaged<int, int, void> WindowHint;
        public delegate* unmanaged<int, int, byte*, nint, nint, nint> CreateWindow;
        public delegate* unmanaged<nint, void> DestroyWindow;
        public delegate* unmanaged<nint, void> MakeContextCurrent;
        public delegate* unmanaged<byte*, nint> GetProcAddress;
        public delegate* unmanaged<nint, void> SwapBuffers;
        public delegate* unmanaged<int, void> SwapInterval;
        public delegate* unmanaged<void> PollEvents;
        public delegate* unmanaged<double, void> WaitEventsTimeout;
        public delegate* unmanaged<nint, int> WindowShouldClose;
        public delegate* unmanaged<nint, int, void> SetWindowShouldClose;
        public delegate* unmanaged<nint, delegate* unmanaged<nint, int, int, int, int, void>, nint> SetKeyCallback;
        public delegate* unmanaged<nint, int*, int*, void> GetFramebufferSize;
        public delegate* unmanaged<nint, byte*, void> SetWindowTitle;
        public delegate* unmanaged<nint, int, int> GetKey;
        public delegate* unmanaged<nint, void> FocusWindow;
    }
}
