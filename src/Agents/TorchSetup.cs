using System.Runtime.InteropServices;
using TorchSharp;

namespace Rl.Agents;

/// <summary>
/// One-time libtorch set-up for the runner and the agents; call <see cref="EnsureInitialized"/> before the first torch use.
/// It switches NNPACK off: on CPUs NNPACK does not support it prints "Could not initialize NNPACK! Unsupported hardware"
/// on every batch-1 convolution, and TorchSharp exposes no switch for it, so we call libtorch's
/// <c>at::globalContext().setUserEnabledNNPACK(false)</c> directly (exported C++ symbols of libtorch_cpu).
/// </summary>
public static unsafe class TorchSetup
{
    private const string GlobalContext = "_ZN2at13globalContextEv";                 // at::globalContext()
    private const string SetUserEnabledNnpack = "_ZN2at7Context20setUserEnabledNNPACKEb"; // at::Context::setUserEnabledNNPACK(bool)
    private const string UserEnabledNnpack = "_ZNK2at7Context17userEnabledNNPACKEv";    // at::Context::userEnabledNNPACK() const

    private static readonly Lock Gate = new();
    private static bool _initialized;
    private static delegate* unmanaged<nint> _globalContext;
    private static delegate* unmanaged<nint, byte, void> _setNnpack;
    private static delegate* unmanaged<nint, byte> _getNnpack;

    /// <summary>Loads libtorch (once) and switches NNPACK off. Safe to call from any thread, any number of times.</summary>
    /// <exception cref="InvalidOperationException">If libtorch_cpu or its context symbols cannot be found.</exception>
    public static void EnsureInitialized()
    {
        lock (Gate)
        {
            if (_initialized) return;
            Bind();
            _setNnpack(_globalContext(), 0);
            _initialized = true;
        }
    }

    /// <summary>
    /// Whether libtorch's global context allows NNPACK (false after <see cref="EnsureInitialized"/>). Setting it is for
    /// diagnostics and tests; <see cref="EnsureInitialized"/> does not switch it off again once it has run.
    /// </summary>
    public static bool NnpackEnabled
    {
        get
        {
            lock (Gate)
            {
                Bind();
                return _getNnpack(_globalContext()) != 0;
            }
        }
        set
        {
            lock (Gate)
            {
                Bind();
                _setNnpack(_globalContext(), value ? (byte)1 : (byte)0);
            }
        }
    }

    /// <summary>
    /// Resolves a device name from the command line or a config: <c>cpu</c>, <c>cuda</c> (or <c>cuda:N</c>), or <c>auto</c>
    /// (CUDA when TorchSharp sees a GPU, else CPU).
    /// </summary>
    /// <exception cref="ArgumentException">If the name is unknown, or CUDA is asked for but not available.</exception>
    public static string ResolveDevice(string name)
    {
        string n = name.Trim().ToLowerInvariant();
        if (n == "cpu") return "cpu";
        if (n != "auto" && n != "cuda" && !n.StartsWith("cuda:", StringComparison.Ordinal))
            throw new ArgumentException($"device '{name}' is not one of auto, cpu, cuda, cuda:N");
        EnsureInitialized();
        bool cuda = torch.cuda.is_available();
        if (n == "auto") return cuda ? "cuda" : "cpu";
        if (!cuda)
            throw new ArgumentException(
                $"device '{name}' was requested but TorchSharp sees no CUDA device (this build uses the CPU libtorch package; " +
                "see the README for the CUDA build switch), or use --device cpu");
        return n;
    }

    private static void Bind()
    {
        if (_globalContext != null) return;
        // Any torch call makes TorchSharp load libtorch (with its own probing); afterwards dlopen of the same library
        // returns the already-loaded handle.
        torch.InitializeDeviceType(DeviceType.CPU);
        nint lib = LoadTorchCpu();
        _globalContext = (delegate* unmanaged<nint>)Export(lib, GlobalContext);
        _setNnpack = (delegate* unmanaged<nint, byte, void>)Export(lib, SetUserEnabledNnpack);
        _getNnpack = (delegate* unmanaged<nint, byte>)Export(lib, UserEnabledNnpack);
    }

    private static nint LoadTorchCpu()
    {
        var tried = new List<string>();
        var dirs = new[] { AppContext.BaseDirectory, Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? "" };
        foreach (var dir in dirs.Where(d => d.Length > 0).Distinct())
        {
            string path = Path.Combine(dir, "libtorch_cpu.so");
            tried.Add(path);
            if (File.Exists(path) && NativeLibrary.TryLoad(path, out nint h)) return h;
        }
        if (NativeLibrary.TryLoad("libtorch_cpu.so", typeof(TorchSetup).Assembly, DllImportSearchPath.SafeDirectories, out nint handle))
            return handle;
        throw new InvalidOperationException($"libtorch_cpu.so could not be loaded (tried {string.Join(", ", tried)} and the default search path)");
    }

    private static nint Export(nint lib, string symbol) =>
        NativeLibrary.TryGetExport(lib, symbol, out nint p)
            ? p
            : throw new InvalidOperationException($"libtorch_cpu.so does not export {symbol} (a libtorch version this code does not know)");
}
