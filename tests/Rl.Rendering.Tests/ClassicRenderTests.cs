using Rl.Core.Rendering;
using Rl.Environments;
using Rl.Environments.Classic;

namespace Rl.Rendering.Tests;

/// <summary>Headless renders of pendulum, mountain car and acrobot at Gymnasium's sizes, with the parts where the state puts them.</summary>
public sealed class ClassicRenderTests
{
    private static bool Is(Frame f, int col, int rowFromBottom, Color c) =>
        f[col, f.Height - 1 - rowFromBottom, 0] == c.R && f[col, f.Height - 1 - rowFromBottom, 1] == c.G && f[col, f.Height - 1 - rowFromBottom, 2] == c.B;

    private static int Count(Frame f, Color c)
    {
        int n = 0;
        for (int y = 0; y < f.Height; y++)
            for (int x = 0; x < f.Width; x++)
                if (Is(f, x, y, c)) n++;
        return n;
    }

    [Theory]
    [InlineData(0.0, 250, 330)]         // upright: the rod points up from the centre
    [InlineData(Math.PI / 2, 170, 250)] // a quarter turn counter-clockwise: it points left
    [InlineData(Math.PI, 250, 170)]     // hanging down
    public void PendulumRodPointsWhereThetaSays(double theta, int col, int row)
    {
        var env = new PendulumEnv();
        env.Reset(seed: 0);
        env.SetState(theta, 0);
        var f = HeadlessRenderer.ForCurrentThread.Render(env);
        Assert.Equal([500, 500, 3], f.Shape);
        Assert.True(Is(f, col, row, PendulumEnv.RodColor));
        Assert.True(Is(f, 250, 250, Color.Black)); // the axle
        Assert.Equal(0, Count(f, PendulumEnv.ArrowColor)); // no torque yet
        env.Step([2f]);
        Assert.True(Count(HeadlessRenderer.ForCurrentThread.Render(env), PendulumEnv.ArrowColor) > 100);
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(-1.1)]
    [InlineData(0.3)]
    public void MountainCarSitsOnTheCurveUnderTheFlag(double position)
    {
        var env = new MountainCarEnv();
        env.Reset(seed: 0);
        env.SetState(position, 0);
        var f = HeadlessRenderer.ForCurrentThread.Render(env);
        Assert.Equal([400, 600, 3], f.Shape);
        int col = (int)((position + 1.2) * MountainCarScene.Scale);
        int ground = (int)(MountainCarScene.Height(position) * MountainCarScene.Scale);
        // The car's body stands 10 px above the curve, 20 px high, tilted by cos(3x) radians: its centre is black.
        double tilt = Math.Cos(3 * position);
        Assert.True(Is(f, (int)(col - 10 * Math.Sin(tilt)), (int)(ground + 10 + 10 * Math.Cos(tilt)), Color.Black));
        Assert.False(Is(f, col, ground + 45, Color.Black));
        int flagX = (int)((MountainCarEnv.GoalPosition + 1.2) * MountainCarScene.Scale);
        int flagTop = (int)(MountainCarScene.Height(MountainCarEnv.GoalPosition) * MountainCarScene.Scale) + 50;
        Assert.True(Is(f, flagX + 5, flagTop - 5, MountainCarScene.FlagColor));
        Assert.True(Count(f, MountainCarScene.WheelColor) > 50);
    }

    [Fact]
    public void ContinuousMountainCarFlagStandsAtItsLowerGoal()
    {
        var env = new ContinuousMountainCarEnv();
        env.Reset(seed: 0);
        var f = HeadlessRenderer.ForCurrentThread.Render(env);
        int flagX = (int)((ContinuousMountainCarEnv.GoalPosition + 1.2) * MountainCarScene.Scale);
        int flagTop = (int)(MountainCarScene.Height(ContinuousMountainCarEnv.GoalPosition) * MountainCarScene.Scale) + 50;
        Assert.True(Is(f, flagX + 5, flagTop - 5, MountainCarScene.FlagColor));
    }

    [Theory]
    [InlineData(0.0, 0.0, 250, 250 - 85, 250, 250 - 170)] // both links hang down
    [InlineData(Math.PI, 0.0, 250, 250 + 85, 250, 250 + 170)] // both point up, the tip above the goal line
    [InlineData(0.0, Math.PI / 2, 250, 250 - 85, 250 + 57, 250 - 114)] // the second link turned a quarter counter-clockwise
    public void AcrobotLinksFollowTheAngles(double theta1, double theta2, int col1, int row1, int col2, int row2)
    {
        var env = new AcrobotEnv();
        env.Reset(seed: 0);
        env.SetState(theta1, theta2, 0, 0);
        var f = HeadlessRenderer.ForCurrentThread.Render(env);
        Assert.Equal([500, 500, 3], f.Shape);
        Assert.True(Is(f, col1, row1, AcrobotEnv.LinkColor));
        Assert.True(Is(f, col2, row2, AcrobotEnv.LinkColor));
        Assert.True(Is(f, 250, 250, AcrobotEnv.JointColor));
        Assert.True(Is(f, 20, (int)(250 + AcrobotEnv.RenderScale), Color.Black)); // the goal line
    }

    [Theory]
    [InlineData(ClassicEnvs.PendulumPixelsId)]
    [InlineData(ClassicEnvs.MountainCarPixelsId)]
    [InlineData(ClassicEnvs.AcrobotPixelsId)]
    public void PixelVariantsObserve64By64FramesWithTheInnerLimits(string id)
    {
        var registry = Envs.Registry;
        RenderingEnvs.EnsureRegistered(registry);
        ClassicEnvs.RegisterPixels(registry, RenderingEnvs.MakePixels);
        using var env = registry.Make(id);
        var obs = (byte[])env.ResetObject(seed: 1).Observation;
        Assert.Equal(64 * 64 * 3, obs.Length);
        Assert.Contains(obs, b => b != 255);
        string inner = ClassicEnvs.PixelIds.Single(p => p.PixelId == id).InnerId;
        Assert.Equal(registry.GetSpec(inner).MaxEpisodeSteps, registry.GetSpec(id).MaxEpisodeSteps);
        var step = env.StepObject(env.ActionSpace.SampleObject());
        Assert.Equal(64 * 64 * 3, ((byte[])step.Observation).Length);
    }
}
