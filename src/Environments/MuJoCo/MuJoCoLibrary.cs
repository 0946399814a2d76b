using Rl.Environments.MuJoCo.Native;

namespace Rl.Environments.MuJoCo;

/// <summary>Facts about the native MuJoCo library the binding uses (Debian's <c>libmujoco2.2.2</c>).</summary>
public static class MuJoCoLibrary
{
    /// <summary>The shared library loaded: <c>libmujoco.so.2.2.2</c>.</summary>
    public const string LibraryName = MjApi.LibraryName;

    /// <summary>The Debian 12 package that provides it: <c>libmujoco2.2.2</c> (<c>libmujoco-dev</c> adds the C headers).</summary>
    public const string DebianPackage = MjApi.DebianPackage;

    /// <summary>The library's version string ("2.2.2"); loads the library.</summary>
    /// <exception cref="DllNotFoundException">If it is not installed, with the apt-get command.</exception>
    public static string Version => MjApi.VersionString;

    /// <summary>Whether the library can be loaded (and is version 2.2.2).</summary>
    public static bool IsAvailable
    {
        get
        {
            try
            {
                MjApi.EnsureLoaded();
                return true;
            }
            catch (Exception e) when (e is DllNotFoundException or MuJoCoException)
            {
                return false;
            }
        }
    }

    /// <summary>The most recent warning MuJoCo printed in this process (e.g. an unstable simulation), or null.</summary>
    public static string? LastWarning => MjApi.LastWarning;
}
