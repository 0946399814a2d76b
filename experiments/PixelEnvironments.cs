using Rl.Core;
using Rl.Environments;
using Rl.Environments.Arcade;
using Rl.Environments.Classic;
using Rl.Environments.Kart;
using Rl.Rendering;

namespace Rl.Experiments;

/// <summary>
/// Registers the environments defined over the renderer (pixel observations): <c>CartPolePixels-v1</c>, the kart racer's
/// <c>Kart-v0</c> / <c>KartDiscrete-v0</c>, the arcade game's <c>Breakout-v0</c> and the classic-control tasks'
/// <c>PendulumPixels-v1</c>, <c>MountainCarPixels-v0</c> and <c>AcrobotPixels-v1</c>. The environments library cannot depend on
/// the renderer, so the runner, which has both, joins them; every command, config and benchmark sees the same ids.
/// </summary>
public static class PixelEnvironments
{
    /// <summary>Registers the pixel ids in <paramref name="registry"/> (default: <see cref="Envs.Registry"/>) unless they already are.</summary>
    /// <returns>The registry.</returns>
    public static EnvRegistry EnsureRegistered(EnvRegistry? registry = null)
    {
        registry ??= Envs.Registry;
        RenderingEnvs.EnsureRegistered(registry);
        KartEnvs.RegisterPixels(registry, RenderingEnvs.MakePixels);
        ArcadeEnvs.RegisterPixels(registry, RenderingEnvs.MakePixels);
        ClassicEnvs.RegisterPixels(registry, RenderingEnvs.MakePixels);
        return registry;
    }

    /// <summary>
    /// Makes <paramref name="envId"/> from the default registry (pixel ids included) with <c>--set</c> style keyword
    /// options, for a runner command: an unknown id or a bad option becomes a usage error prefixed with the command's name.
    /// </summary>
    /// <param name="command">The command's name for the message (<c>watch</c>, <c>play</c>).</param>
    /// <param name="envId">The environment id.</param>
    /// <param name="sets">Keyword options as <c>key=value</c>.</param>
    /// <exception cref="Cli.UsageException">If the id is unknown or an option is rejected.</exception>
    public static IEnv MakeForCommand(string command, string envId, IEnumerable<string> sets)
    {
        var registry = EnsureRegistered();
        try
        {
            return registry.Make(envId, new MakeOptions { Kwargs = OptionSet.Parse(sets) });
        }
        catch (Exception e) when (e is KeyNotFoundException or ArgumentException)
        {
            throw new Cli.UsageException($"{command}: {e.Message}");
        }
    }
}
