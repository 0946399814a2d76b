using System.CommandLine;
using Rl.Core;
using Rl.Environments;

namespace Rl.Experiments.Cli;

/// <summary>
/// Your own environments in every command: <c>--env-assembly PATH</c> (repeatable) loads a .NET assembly whose environments
/// register themselves (<see cref="EnvironmentRegistrarAttribute"/>) into the registry before the command runs, and a
/// training config's <c>env_assemblies = [...]</c> does the same for <c>rl train</c> and for everything that reads a run
/// (<c>rl eval</c>, <c>watch</c>, <c>play</c>, <c>train --resume</c>). A cluster worker loads only the assemblies on its
/// own command line: the config a learner sends it never loads code (<see cref="ConfigMayLoad"/> stays false there).
/// </summary>
public static class UserEnvironments
{
    /// <summary>The option's name.</summary>
    public const string Option = "--env-assembly";

    /// <summary>
    /// The option, for every command that makes environments (train, eval, rollout, watch, play, worker, envs, demos):
    /// the command's action loads the assemblies before it runs (<see cref="CommandTree.Runs"/>).
    /// </summary>
    public static Option<string[]> CreateOption() =>
        Opt.Many(Option, "PATH",
            "load your own environments from a .NET assembly: its [assembly: Rl.Core.EnvironmentRegistrar(typeof(T))] class T " +
            "registers them (README, \"Your own environments\"); training configs can name them too: env_assemblies = [\"MyEnvs.dll\"]");

    /// <summary>
    /// Whether <c>env_assemblies</c> in a config may load code in this process: true for the commands whose configs are the
    /// user's own (train, eval, watch, play, ...), false for <c>rl worker</c>, which must never load a path a learner sent.
    /// </summary>
    public static bool ConfigMayLoad
    {
        get => MayLoad.Value;
        set => MayLoad.Value = value;
    }

    // Per command, not per process: the state flows with the command's async context (and into the tasks and threads it
    // starts), so two commands that run at once in one process (tests, a host program) never see each other's assemblies.
    private static readonly AsyncLocal<bool> MayLoad = new();
    private static readonly AsyncLocal<IReadOnlyList<string>?> Paths = new();

    /// <summary>Whether a config's <c>env_assemblies</c> may load code while <paramref name="command"/> runs: not in <c>rl worker</c>.</summary>
    public static bool ConfigMayLoadFor(string command) => command != "worker";

    /// <summary>Sets up a command's user environments: loads <paramref name="paths"/> and sets <see cref="ConfigMayLoad"/>.</summary>
    /// <param name="command">The command's name.</param>
    /// <param name="paths">The <c>--env-assembly</c> paths.</param>
    /// <exception cref="EnvironmentAssemblyLoadException">Naming the option, the file and what was wrong.</exception>
    public static void BeginCommand(string command, IReadOnlyList<string> paths)
    {
        ConfigMayLoad = ConfigMayLoadFor(command);
        try
        {
            LoadFromCommandLine(command, paths);
        }
        catch
        {
            EndCommand();
            throw;
        }
    }

    /// <summary>Clears what <see cref="BeginCommand"/> set (the loaded environments stay registered).</summary>
    public static void EndCommand()
    {
        ConfigMayLoad = false;
        CommandLinePaths = [];
    }

    /// <summary>
    /// Full paths of the assemblies the running command got through <c>--env-assembly</c>; a config parsed during the command
    /// records them with its own (<see cref="LoadFromConfig"/>), so a run's stored config lets eval and resume find them.
    /// </summary>
    public static IReadOnlyList<string> CommandLinePaths
    {
        get => Paths.Value ?? [];
        private set => Paths.Value = value;
    }

    /// <summary>Loads the assemblies named on the command line into <see cref="Envs.Registry"/>.</summary>
    /// <param name="command">The command's name, for messages.</param>
    /// <param name="paths">The assembly paths (an empty list clears <see cref="CommandLinePaths"/>).</param>
    /// <exception cref="EnvironmentAssemblyLoadException">Naming the option, the file and what was wrong.</exception>
    public static void LoadFromCommandLine(string command, IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        CommandLinePaths = [];
        foreach (var path in paths)
        {
            try
            {
                EnvironmentAssemblies.Load(path, Envs.Registry);
            }
            catch (Exception e) when (e is FileNotFoundException or EnvironmentAssemblyException)
            {
                throw new EnvironmentAssemblyLoadException($"rl {command}: {Option}: {e.Message}", e);
            }
        }
        // Recorded only once every assembly loaded, so a failed command leaves nothing behind for a later config to record.
        CommandLinePaths = [.. paths.Select(p => Path.GetFullPath(p))];
    }

    /// <summary>
    /// Resolves a config's <c>env_assemblies</c> (relative paths against the folder of <paramref name="configFile"/>, or the
    /// current directory) and loads them when <see cref="ConfigMayLoad"/> allows; problems are added to
    /// <paramref name="errors"/>. The result also lists the command line's assemblies (<see cref="CommandLinePaths"/>).
    /// </summary>
    /// <param name="paths">The paths as written in the config.</param>
    /// <param name="configFile">The config's file, if it came from one.</param>
    /// <param name="errors">Where problems go, one line each.</param>
    /// <returns>The full paths, the config's first.</returns>
    public static IReadOnlyList<string> LoadFromConfig(IReadOnlyList<string> paths, string? configFile, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(errors);
        string baseDir = configFile is not null && File.Exists(configFile)
            ? Path.GetDirectoryName(Path.GetFullPath(configFile))!
            : Directory.GetCurrentDirectory();
        var full = paths.Select(p => Path.GetFullPath(p, baseDir)).ToList();
        var all = full.Concat(CommandLinePaths).Distinct(StringComparer.Ordinal).ToList();
        if (!ConfigMayLoad) return all;
        foreach (var path in full)
        {
            try
            {
                EnvironmentAssemblies.Load(path, Envs.Registry);
            }
            catch (Exception e) when (e is FileNotFoundException or EnvironmentAssemblyException)
            {
                errors.Add($"'env_assemblies': {e.Message}");
            }
        }
        return all;
    }

    /// <summary>The hint added to an unknown-environment error when the config names assemblies that were not loaded.</summary>
    public const string WorkerHint =
        " (the config's env_assemblies are not loaded here: a worker loads only the assemblies on its own command line, rl worker --env-assembly PATH)";
}

/// <summary>An assembly named by <c>--env-assembly</c> could not be used; the runner prints the message and exits with code 2.</summary>
public sealed class EnvironmentAssemblyLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EnvironmentAssemblyLoadException(string message, Exception inner) : base(message, inner) { }
}
