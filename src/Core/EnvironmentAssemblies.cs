using System.Reflection;
using System.Runtime.Loader;

namespace Rl.Core;

/// <summary>
/// Implemented by the class of a user's assembly that registers its environments; named by an
/// <see cref="EnvironmentRegistrarAttribute"/> on that assembly so <see cref="EnvironmentAssemblies.Load"/> finds it.
/// </summary>
public interface IEnvironmentRegistrar
{
    /// <summary>Registers the assembly's environments (<see cref="EnvRegistry.Register"/>) in <paramref name="registry"/>.</summary>
    void Register(EnvRegistry registry);
}

/// <summary>
/// Marks an assembly whose environments register themselves:
/// <c>[assembly: EnvironmentRegistrar(typeof(MyEnvironments))]</c>, where <c>MyEnvironments</c> is a public class with a
/// public parameterless constructor that implements <see cref="IEnvironmentRegistrar"/>. Repeatable.
/// </summary>
/// <param name="registrarType">The registrar class.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class EnvironmentRegistrarAttribute(Type registrarType) : Attribute
{
    /// <summary>The registrar class.</summary>
    public Type RegistrarType { get; } = registrarType;
}

/// <summary>
/// Loads a user's .NET assembly of environments (the runner's <c>--env-assembly PATH</c>) and runs its registrars, so its
/// environment ids work with <see cref="EnvRegistry.Make"/> like the built-in ones. An assembly is loaded once per process
/// (into the default load context, sharing this toolkit's assemblies) and registers into a registry once: loading the same
/// path into the same registry again returns the ids it registered the first time. Its dependencies are looked up next to
/// it (build the assembly with <c>EnableDynamicLoading</c>, or publish it, so its package dependencies are copied there).
/// </summary>
public static class EnvironmentAssemblies
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Assembly> Loaded = new(StringComparer.Ordinal);
    private static readonly Dictionary<(string Path, EnvRegistry Registry), IReadOnlyList<string>> Registered = [];
    private static readonly List<string> Directories = [];
    private static readonly Lock DirectoriesGate = new(); // separate: the resolver runs inside Load, which holds Gate
    private static bool _resolverInstalled;

    /// <summary>The full paths of the assemblies loaded so far, in load order.</summary>
    public static IReadOnlyList<string> Paths
    {
        get
        {
            lock (Gate) return [.. Loaded.Keys];
        }
    }

    /// <summary>
    /// Loads the assembly at <paramref name="path"/> and registers its environments in <paramref name="registry"/>.
    /// </summary>
    /// <param name="path">The assembly file (relative paths are taken from the current directory).</param>
    /// <param name="registry">Where its environments go.</param>
    /// <returns>The ids (and <c>namespace:</c> prefixes) it registered.</returns>
    /// <exception cref="FileNotFoundException">If the file does not exist.</exception>
    /// <exception cref="EnvironmentAssemblyException">
    /// If the file is not a .NET assembly, cannot be loaded, names no registrar, its registrar is unusable or fails, or it
    /// registers no environment. The message names the file.
    /// </exception>
    public static IReadOnlyList<string> Load(string path, EnvRegistry registry)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(registry);
        string full = Path.GetFullPath(path);
        lock (Gate)
        {
            if (Registered.TryGetValue((full, registry), out var known)) return known;
            if (!Loaded.TryGetValue(full, out var assembly))
            {
                assembly = LoadAssembly(path, full);
                Loaded[full] = assembly;
            }

            var registrars = RegistrarTypes(assembly, path);
            if (registrars.Count == 0)
                throw new EnvironmentAssemblyException(path,
                    $"registers no environments: add [assembly: {typeof(EnvironmentRegistrarAttribute).FullName![..^"Attribute".Length]}(typeof(YourRegistrar))] " +
                    $"with a public class YourRegistrar : {typeof(IEnvironmentRegistrar).FullName}");

            var specsBefore = registry.Specs.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            var namespacesBefore = registry.Namespaces.ToHashSet(StringComparer.Ordinal);
            foreach (var type in registrars)
            {
                var registrar = Create(type, path);
                try
                {
                    registrar.Register(registry);
                }
                catch (Exception e)
                {
                    throw new EnvironmentAssemblyException(path, $"{type.FullName}.Register failed: {e.Message}", e);
                }
            }
            var added = registry.Specs.Select(s => s.Id).Where(id => !specsBefore.Contains(id))
                .Concat(registry.Namespaces.Where(ns => !namespacesBefore.Contains(ns)).Select(ns => ns + ":"))
                .ToList();
            if (added.Count == 0)
                throw new EnvironmentAssemblyException(path,
                    $"registers no environments: {string.Join(", ", registrars.Select(t => t.FullName))} registered nothing in the registry it was given");
            Registered[(full, registry)] = added;
            return added;
        }
    }

    private static Assembly LoadAssembly(string path, string full)
    {
        if (!File.Exists(full))
            throw new FileNotFoundException(Directory.Exists(full)
                ? $"environment assembly '{path}' is a directory; name the .dll file"
                : $"environment assembly '{path}' not found", full);
        try
        {
            AssemblyName.GetAssemblyName(full); // reads the metadata only: a clear error for a file that is no assembly
        }
        catch (BadImageFormatException)
        {
            throw new EnvironmentAssemblyException(path, "is not a .NET assembly (a native library or another kind of file?)");
        }
        InstallResolver();
        lock (DirectoriesGate) Directories.Add(Path.GetDirectoryName(full)!);
        try
        {
            return AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
        }
        catch (Exception e) when (e is FileLoadException or BadImageFormatException)
        {
            throw new EnvironmentAssemblyException(path, $"could not be loaded: {e.Message}", e);
        }
    }

    private static List<Type> RegistrarTypes(Assembly assembly, string path)
    {
        try
        {
            return [.. assembly.GetCustomAttributes<EnvironmentRegistrarAttribute>().Select(a => a.RegistrarType)];
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or TypeLoadException)
        {
            throw new EnvironmentAssemblyException(path, $"its attributes cannot be read: {e.Message}", e);
        }
    }

    private static IEnvironmentRegistrar Create(Type type, string path)
    {
        if (!typeof(IEnvironmentRegistrar).IsAssignableFrom(type))
            throw new EnvironmentAssemblyException(path, $"registrar {type.FullName} does not implement {typeof(IEnvironmentRegistrar).FullName}");
        if (type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            throw new EnvironmentAssemblyException(path, $"registrar {type.FullName} needs a public parameterless constructor");
        try
        {
            return (IEnvironmentRegistrar)Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new EnvironmentAssemblyException(path, $"registrar {type.FullName}'s constructor failed: {e.InnerException.Message}", e.InnerException);
        }
    }

    /// <summary>Resolves an environment assembly's own dependencies from the folders the loaded assemblies came from.</summary>
    private static void InstallResolver()
    {
        if (_resolverInstalled) return;
        _resolverInstalled = true;
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            string[] folders;
            lock (DirectoriesGate) folders = [.. Directories];
            foreach (var folder in folders)
            {
                string candidate = Path.Combine(folder, name.Name + ".dll");
                if (File.Exists(candidate)) return context.LoadFromAssemblyPath(candidate);
            }
            return null;
        };
    }
}

/// <summary>An environment assembly could not be used; the message names the file and what was wrong.</summary>
public sealed class EnvironmentAssemblyException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The assembly's path as given.</param>
    /// <param name="problem">What is wrong, completing "environment assembly 'path' ...".</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public EnvironmentAssemblyException(string path, string problem, Exception? inner = null)
        : base($"environment assembly '{path}' {problem}", inner) => AssemblyPath = path;

    /// <summary>The assembly's path as given.</summary>
    public string AssemblyPath { get; }
}
