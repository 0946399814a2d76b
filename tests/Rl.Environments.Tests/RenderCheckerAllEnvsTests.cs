using Rl.Core;
using Rl.Environments.Arcade;
using Rl.Environments.Kart;
using Rl.Environments.Tests.PythonBridge;
using Rl.Rendering;

namespace Rl.Environments.Tests;

/// <summary>
/// The rendering checks (Rl.Rendering's <see cref="RenderChecker"/>) over every registered environment, pixel ids included:
/// declared render modes render, rgb_array frames are uint8 H x W x 3, render_fps is positive. The human mode is checked
/// where there is a display (./test.sh starts Xvfb).
/// </summary>
public class RenderCheckerAllEnvsTests
{
    private static readonly EnvRegistry Registry = MakeRegistry();

    private static EnvRegistry MakeRegistry()
    {
        var registry = new EnvRegistry();
        Envs.RegisterBuiltIns(registry);
        RenderingEnvs.Register(registry);
        KartEnvs.RegisterPixels(registry, RenderingEnvs.MakePixels);
        ArcadeEnvs.RegisterPixels(registry, RenderingEnvs.MakePixels);
        return registry;
    }

    public static TheoryData<string> RegisteredIds() => new(Registry.Specs.Select(s => s.Id));

    [Theory]
    [MemberData(nameof(RegisteredIds))]
    public void EveryRegisteredEnvRendersItsDeclaredModes(string id)
    {
        var report = RenderChecker.Check(() => Registry.Make(id));
        report.ThrowIfFailed();
        using var env = Registry.Make(id);
        if (env.Metadata.RenderModes.Contains(RenderModes.RgbArray))
            Assert.Contains(report.Results, r => r.Name == "render rgb_array" && r.Status == EnvCheckStatus.Passed);
    }

    [Fact]
    public void AWrongFpsAndAFrameWithoutColourAreFailures()
    {
        var report = RenderChecker.Check(() => new BadRendering());
        Assert.Contains("render_fps is 0; it must be positive", Assert.Single(report.Failures, f => f.Name == "render fps").Message);
        Assert.Contains("'ansi' is declared but not drawn", Assert.Single(report.Warnings));
        Assert.Equal(EnvCheckStatus.Skipped, report.Results.Single(r => r.Name == "render rgb_array").Status);
    }

    [Fact]
    public void APythonEnvironmentsFramesArePassedThroughPixelForPixel()
    {
        PythonTestSupport.EnsureReady();
        Func<IEnv> make = () => PythonTestSupport.Make("CartPole-v1", ("render_mode", "rgb_array"));
        RenderChecker.Check(make).ThrowIfFailed();
        using var env = (IRenderedEnv)RenderingEnvs.WithRenderMode(make(), RenderModes.RgbArray);
        env.ResetObject(seed: 5);
        env.StepObject(1);
        var frame = env.Render()!;
        var python = ((Python.IPythonEnv)env.Unwrapped).Render();
        Assert.Equal([python.Height, python.Width, 3], frame.Shape);
        Assert.Equal(python.Pixels, frame.Pixels);
        // Made without render_mode=rgb_array, the failure says what to set.
        var report = RenderChecker.Check(() => PythonTestSupport.Make("CartPole-v1"));
        Assert.Contains("render_mode=rgb_array", Assert.Single(report.Failures).Message);
    }

    private sealed class BadRendering : Env<int, int>
    {
        private readonly Rl.Core.Spaces.Discrete _space = new(2);
        public override Rl.Core.Spaces.Space<int> ObservationSpace => _space;
        public override Rl.Core.Spaces.Space<int> ActionSpace => _space;
        public override EnvMetadata Metadata { get; } = new(["ansi"], 0);
        protected override ResetResult<int> ResetCore(OptionSet options, int into) => new(0, Info.Empty);
        protected override StepResult<int> StepCore(int action, int into) => new(0, 0, true, false, Info.Empty);
    }
}
