using Rl.Core;

namespace Rl.Rendering;

/// <summary>
/// The rendering half of Gymnasium's <c>check_env</c>, which Rl.Core cannot run because it cannot draw: an environment that
/// declares render modes has a positive <c>render_fps</c>; in <c>rgb_array</c> mode <c>Render()</c> returns uint8 frames of
/// H x W x 3 whose size stays the same from reset to step; in <c>human</c> mode reset, step and <c>Render()</c> (which returns
/// null) work in a window. Render modes other than these two are reported as warnings (this toolkit cannot draw them).
/// </summary>
public static class RenderChecker
{
    /// <summary>Checks the rendering of the environments <paramref name="make"/> builds (one per render mode, disposed here).</summary>
    /// <param name="make">Builds a fresh instance of the environment.</param>
    /// <param name="seed">The reset seed and the seed of the sampled actions. Default 42.</param>
    /// <param name="steps">Steps taken in each mode (fewer when the episode ends). Default 3.</param>
    /// <returns>The report; without a display the <c>human</c> check is skipped, saying so.</returns>
    public static EnvCheckReport Check(Func<IEnv> make, int seed = 42, int steps = 3)
    {
        ArgumentNullException.ThrowIfNull(make);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var results = new List<EnvCheckResult>();
        var warnings = new List<string>();
        string name;
        EnvMetadata metadata;
        using (var env = make())
        {
            name = env.Name;
            metadata = env.Metadata;
        }
        var modes = metadata.RenderModes;
        results.Add(modes.Count == 0
            ? new EnvCheckResult("render fps", EnvCheckStatus.Skipped, "the environment declares no render modes")
            : metadata.RenderFps > 0
                ? new EnvCheckResult("render fps", EnvCheckStatus.Passed, "")
                : new EnvCheckResult("render fps", EnvCheckStatus.Failed, $"render modes [{string.Join(", ", modes)}] are declared but render_fps is {metadata.RenderFps}; it must be positive"));
        foreach (string mode in modes.Where(m => m is not (RenderModes.RgbArray or RenderModes.Human)))
            warnings.Add($"render mode '{mode}' is declared but not drawn by this toolkit (only {RenderModes.RgbArray} and {RenderModes.Human})");
        results.Add(Run(RenderModes.RgbArray, modes, () => CheckRgbArray(make, seed, steps)));
        results.Add(Run(RenderModes.Human, modes, () => string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
            ? "skip: no display (DISPLAY is not set)"
            : CheckHuman(make, seed, steps)));
        return new EnvCheckReport(name, results, warnings);
    }

    private static EnvCheckResult Run(string mode, IReadOnlyList<string> modes, Func<string?> check)
    {
        string name = $"render {mode}";
        if (!modes.Contains(mode)) return new EnvCheckResult(name, EnvCheckStatus.Skipped, $"{mode} is not a declared render mode");
        string? message;
        try
        {
            message = check();
        }
        catch (Exception e)
        {
            message = $"threw {e.GetType().Name}: {e.Message}";
        }
        if (message is null) return new EnvCheckResult(name, EnvCheckStatus.Passed, "");
        return message.StartsWith("skip: ", StringComparison.Ordinal)
            ? new EnvCheckResult(name, EnvCheckStatus.Skipped, message[6..])
            : new EnvCheckResult(name, EnvCheckStatus.Failed, message);
    }

    private static string? CheckRgbArray(Func<IEnv> make, int seed, int steps)
    {
        using var env = RenderingEnvs.WithRenderMode(make(), RenderModes.RgbArray);
        var render = ((IRenderedEnv)env).Render;
        env.ResetObject(seed);
        var first = render();
        if (first is null) return "Render() in rgb_array mode returned null after reset";
        if (first.Channels != 3) return $"Render() after reset returned a {first.Height}x{first.Width}x{first.Channels} frame; rgb_array frames are H x W x 3 uint8";
        env.ActionSpace.Seed(seed);
        for (int t = 1; t <= steps; t++)
        {
            var s = env.StepObject(env.ActionSpace.SampleObject());
            var frame = render();
            if (frame is null) return $"Render() in rgb_array mode returned null after step {t}";
            if (frame.Width != first.Width || frame.Height != first.Height || frame.Channels != 3)
                return $"Render() after step {t} returned a {frame.Height}x{frame.Width}x{frame.Channels} frame but {first.Height}x{first.Width}x3 after reset";
            if (s.Terminated || s.Truncated) break;
        }
        return null;
    }

    private static string? CheckHuman(Func<IEnv> make, int seed, int steps)
    {
        using var env = RenderingEnvs.WithRenderMode(make(), RenderModes.Human);
        var render = ((IRenderedEnv)env).Render;
        env.ResetObject(seed);
        env.ActionSpace.Seed(seed);
        for (int t = 1; t <= steps; t++)
            if (env.StepObject(env.ActionSpace.SampleObject()).Done) break;
        var frame = render();
        return frame is null ? null : $"Render() in human mode returned a {frame.Height}x{frame.Width} frame; it must show the window and return null";
    }
}
