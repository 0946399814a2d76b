using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

[assembly: InternalsVisibleTo("Rl.Environments.Tests")]

namespace Rl.Environments.MuJoCo.Native;

/// <summary>
/// The MuJoCo 2.2.2 C functions the binding calls, resolved once from Debian's <c>libmujoco.so.2.2.2</c>. Loading is explicit
/// (<see cref="EnsureLoaded"/>) so a missing library gives a message naming the Debian package, and so MuJoCo's fatal-error
/// handler (which by default waits for Enter and exits) is replaced before anything runs.
/// </summary>
internal static unsafe class MjApi
{
    /// <summary>The shared library name (Debian 12 package <see cref="DebianPackage"/>).</summary>
    public const string LibraryName = "libmujoco.so.2.2.2";

    /// <summary>The Debian package that provides <see cref="LibraryName"/>.</summary>
    public const string DebianPackage = "libmujoco2.2.2";

    /// <summary>mj_version() of the only release whose struct layout the mirrors in MjStructs.cs match.</summary>
    public const int SupportedVersion = 222;

    private static readonly Lock LoadGate = new();
    private static volatile bool _loaded;
    private static string? _lastWarning;
    private static long _warningCount;

    /// <summary>
    /// Serializes model compilation: in 2.2.2 the XML compiler swaps MuJoCo's global error/warning handlers while it runs,
    /// so two threads compiling at once could restore each other's handlers. Stepping separate mjData needs no lock.
    /// </summary>
    public static readonly Lock CompileGate = new();

    public static delegate* unmanaged[Cdecl]<int> mj_version;
    public static delegate* unmanaged[Cdecl]<byte*> mj_versionString;
    public static delegate* unmanaged[Cdecl]<byte*, void*, byte*, int, MjModelNative*> mj_loadXML;
    public static delegate* unmanaged[Cdecl]<MjModelNative*, void> mj_deleteModel;
    public static delegate* unmanaged[Cdecl]<MjModelNative*, MjDataNative*> mj_makeData;
    public static delegate* unmanaged[Cdecl]<MjDataNative*, void> mj_deleteData;
    public static delegate* unmanaged[Cdecl]<MjDataNative*, MjModelNative*, MjDataNative*, MjDataNative*> mj_copyData;
    public static delegate* unmanaged[Cdecl]<MjModelNative*, MjDataNative*, void> mj_resetData;
    public static delegate* unmanaged[Cdecl]<MjModelNative*, MjDataNative*, void> mj_step;
    public static delegate* unmanaged[Cdecl]<MjModelNative*, MjDataNative*, void> mj_forward;
    public static delegate* unmanaged[Cdecl]<MjModelNative*, MjDataNative*, void> mj_rnePostConstraint;
    public static delegate* unmanaged[Cdecl]<MjModelNative*, int, byte*, int> mj_name2id;
    public static delegate* unmanaged[Cdecl]<MjModelNative*, int, int, byte*> mj_id2name;
    public static delegate* unmanaged[Cdecl]<MjModelNative*, MjDataNative*, int, double*, void> mj_contactForce;

    /// <summary>The most recent warning MuJoCo reported (e.g. an unstable simulation), or null.</summary>
    public static string? LastWarning => Volatile.Read(ref _lastWarning);

    /// <summary>How many warnings MuJoCo has reported in this process.</summary>
    public static long WarningCount => Interlocked.Read(ref _warningCount);

    /// <summary>Loads the library, checks its version and installs the error handlers; cheap after the first call.</summary>
    /// <exception cref="DllNotFoundException">If libmujoco.so.2.2.2 is not installed, with the apt-get command.</exception>
    /// <exception cref="MuJoCoException">If the library is another MuJoCo version than 2.2.2.</exception>
    public static void EnsureLoaded()
    {
        if (_loaded) return;
        lock (LoadGate)
        {
            if (_loaded) return;
            nint lib = LoadLibrary(LibraryName);
            nint Get(string name) => NativeLibrary.GetExport(lib, name);
            mj_version = (delegate* unmanaged[Cdecl]<int>)Get("mj_version");
            int version = mj_version();
            if (version != SupportedVersion)
                throw new MuJoCoException(
                    $"{LibraryName} reports MuJoCo version {version} but this binding mirrors the 2.2.2 struct layout (version {SupportedVersion}); " +
                    $"install Debian's {DebianPackage}.");
            mj_versionString = (delegate* unmanaged[Cdecl]<byte*>)Get("mj_versionString");
            mj_loadXML = (delegate* unmanaged[Cdecl]<byte*, void*, byte*, int, MjModelNative*>)Get("mj_loadXML");
            mj_deleteModel = (delegate* unmanaged[Cdecl]<MjModelNative*, void>)Get("mj_deleteModel");
            mj_makeData = (delegate* unmanaged[Cdecl]<MjModelNative*, MjDataNative*>)Get("mj_makeData");
            mj_deleteData = (delegate* unmanaged[Cdecl]<MjDataNative*, void>)Get("mj_deleteData");
            mj_copyData = (delegate* unmanaged[Cdecl]<MjDataNative*, MjModelNative*, MjDataNative*, MjDataNative*>)Get("mj_copyData");
            mj_resetData = (delegate* unmanaged[Cdecl]<MjModelNative*, MjDataNative*, void>)Get("mj_resetData");
            mj_step = (delegate* unmanaged[Cdecl]<MjModelNative*, MjDataNative*, void>)Get("mj_step");
            mj_forward = (delegate* unmanaged[Cdecl]<MjModelNative*, MjDataNative*, void>)Get("mj_forward");
            mj_rnePostConstraint = (delegate* unmanaged[Cdecl]<MjModelNative*, MjDataNative*, void>)Get("mj_rnePostConstraint");
            mj_name2id = (delegate* unmanaged[Cdecl]<MjModelNative*, int, byte*, int>)Get("mj_name2id");
            mj_id2name = (delegate* unmanaged[Cdecl]<MjModelNative*, int, int, byte*>)Get("mj_id2name");
            mj_contactForce = (delegate* unmanaged[Cdecl]<MjModelNative*, MjDataNative*, int, double*, void>)Get("mj_contactForce");

            // MuJoCo calls these global hooks instead of its defaults: the default error handler prints, waits for Enter and
            // exits; the default warning handler appends to MUJOCO_LOG.TXT in the working directory.
            *(delegate* unmanaged[Cdecl]<byte*, void>*)Get("mju_user_error") = &OnError;
            *(delegate* unmanaged[Cdecl]<byte*, void>*)Get("mju_user_warning") = &OnWarning;
            _loaded = true;
        }
    }

    /// <summary>Loads a shared library, turning "not found" into a message with the Debian package to install.</summary>
    /// <exception cref="DllNotFoundException">If it cannot be loaded.</exception>
    internal static nint LoadLibrary(string name)
    {
        try
        {
            return NativeLibrary.Load(name, typeof(MjApi).Assembly, null);
        }
        catch (DllNotFoundException e)
        {
            throw new DllNotFoundException(
                $"MuJoCo 2.2.2 ({name}) is not installed; the MuJoCo environments need it. On Debian 12 install it with: " +
                $"sudo apt-get install -y {DebianPackage}  (add libmujoco-dev for the C headers). Loader message: {e.Message}", e);
        }
    }

    /// <summary>The library's version string, e.g. "2.2.2".</summary>
    public static string VersionString
    {
        get
        {
            EnsureLoaded();
            return Marshal.PtrToStringUTF8((nint)mj_versionString()) ?? "";
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnError(byte* message)
    {
        // MuJoCo's engine errors are unrecoverable (the C caller does not expect the handler to return) and a managed
        // exception cannot unwind through native frames, so end the process with MuJoCo's message rather than hang.
        string text = Marshal.PtrToStringUTF8((nint)message) ?? "(no message)";
        Environment.FailFast($"MuJoCo fatal error: {text}");
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnWarning(byte* message)
    {
        Volatile.Write(ref _lastWarning, Marshal.PtrToStringUTF8((nint)message));
        Interlocked.Increment(ref _warningCount);
    }
}
