using System.Runtime.InteropServices;

namespace Rl.Rendering.Native;

/// <summary>
/// Rendering cannot start on this machine: a native library is missing, there is no display, or no OpenGL context could be
/// made. The message says what to install or set.
/// </summary>
public sealed class RenderingUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RenderingUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>Loads native libraries and their functions, turning failures into <see cref="RenderingUnavailableException"/>s.</summary>
internal static class NativeLoader
{
    /// <summary>Loads the first of <paramref name="names"/> that exists.</summary>
    /// <exception cref="RenderingUnavailableException">Naming the library and <paramref name="installHint"/> when none loads.</exception>
    public static nint Load(string[] names, string installHint)
    {
        foreach (var name in names)
            if (NativeLibrary.TryLoad(name, out var handle)) return handle;
        throw new RenderingUnavailableException($"{names[0]} not found: {installHint}");
    }

    /// <summary>The address of an exported function.</summary>
    /// <exception cref="RenderingUnavailableException">If the library lacks it (too old a version).</exception>
    public static nint Export(nint library, string libraryName, string function)
    {
        if (NativeLibrary.TryGetExport(library, function, out var address)) return address;
        throw new RenderingUnavailableException($"{libraryName} has no function {function}: the installed version is too old or not the expected library");
    }
}
