using Rl.Core.Rendering;
using Rl.Environments.Classic;

namespace Rl.Rendering.Tests;

/// <summary>Headless renders of cart-pole put the cart, pole and axle where the state says, in Gymnasium's geometry.</summary>
public sealed class CartPoleRenderTests
{
    private static Frame RenderAt(double x, double theta)
    {
        var env = new CartPoleEnv();
        env.Reset(seed: 1);
        env.SetState(x, 0, theta, 0);
        return HeadlessRenderer.ForCurrentThread.Render(env);
    }

    private static bool Is(Frame f, int col, int row, Color c) =>
        f[col, row, 0] == c.R && f[col, row, 1] == c.G && f[col, row, 2] == c.B;

    /// <summary>Row (from the top) of the pixel whose centre is at height y (y up, as in the scene).</summary>
    private static int RowAt(double y) => CartPoleEnv.ScreenHeight - 1 - (int)Math.Floor(y);

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.5)]
    [InlineData(0.8)]
    [InlineData(2.2)]
    [InlineData(-2.1)]
    public void CartColumnsAreWhereTheStateSays(double x)
    {
        var f = RenderAt(x, 0);
        Assert.Equal([400, 600, 3], f.Shape);
        // A row inside the cart (which spans y 85..115) but off the track line at y = 100.
        int row = RowAt(92);
        var black = Enumerable.Range(0, f.Width).Where(c => Is(f, c, row, CartPoleEnv.CartColor)).ToList();
        Assert.NotEmpty(black);
        Assert.Equal(black.Count, black[^1] - black[0] + 1); // one contiguous run
        double expectedCenter = x * CartPoleEnv.RenderScale + 300;
        double center = (black[0] + black[^1] + 1) / 2.0;
        Assert.InRange(center, expectedCenter - 1, expectedCenter + 1);
        Assert.InRange(black.Count, 49, 51);
        // The cart is 30 px high: the column through its centre is black from y 85 to 115 and white beyond.
        int col = (int)expectedCenter;
        Assert.True(Is(f, col, RowAt(86), CartPoleEnv.CartColor));
        Assert.True(Is(f, col, RowAt(83), Color.White));
        Assert.True(Is(f, col, RowAt(117), Color.White) || Is(f, col, RowAt(117), CartPoleEnv.PoleColor));
    }

    [Theory]
    [InlineData(0.0, 0.2)]
    [InlineData(0.5, -0.15)]
    [InlineData(-1.0, 0.0)]
    public void PoleLeansByThetaAndAxleSitsOnTheCart(double x, double theta)
    {
        var f = RenderAt(x, theta);
        double cartX = x * CartPoleEnv.RenderScale + 300, axleY = 107.5;
        // Positive theta leans the pole to the right (Gymnasium rotates the pole by -theta).
        double r = 100;
        double px = cartX + r * Math.Sin(theta), py = axleY + r * Math.Cos(theta);
        Assert.True(Is(f, (int)px, RowAt(py), CartPoleEnv.PoleColor), $"pole colour expected at ({px:F1}, {py:F1})");
        double mirror = cartX - r * Math.Sin(theta);
        if (theta != 0) Assert.True(Is(f, (int)mirror, RowAt(py), Color.White), "the mirror image of the pole must be empty");
        Assert.True(Is(f, (int)cartX, RowAt(axleY), CartPoleEnv.AxleColor), "axle colour at the axle");
        // The track: a 1 px black line at y = 100 across the frame, away from the cart.
        int trackCol = cartX > 300 ? 20 : 580;
        var trackRows = Enumerable.Range(0, f.Height).Where(row => !Is(f, trackCol, row, Color.White)).ToList();
        Assert.Single(trackRows);
        Assert.True(Is(f, trackCol, trackRows[0], Color.Black));
        Assert.InRange(trackRows[0], RowAt(100.5), RowAt(99.5));
        Assert.True(Is(f, 0, 0, Color.White));
    }

    [Fact]
    public void DescribingTheSceneLeavesTheStateAlone()
    {
        var env = new CartPoleEnv();
        env.Reset(seed: 3);
        var before = env.State;
        HeadlessRenderer.ForCurrentThread.Render(env);
        Assert.Equal(before, env.State);
        var next = env.Step(1);
        var twin = new CartPoleEnv();
        twin.Reset(seed: 3);
        Assert.Equal(twin.Step(1).Observation, next.Observation);
    }

    [Fact]
    public void SmallFramesStillShowTheCart()
    {
        var env = new CartPoleEnv();
        env.Reset(seed: 1);
        env.SetState(1.2, 0, 0, 0);
        var f = HeadlessRenderer.ForCurrentThread.Render(env, 64, 64);
        // x = 1.2 m -> 450 of 600 px -> column 48 of 64; the cart is about 5 px wide.
        var row = 64 - 1 - (int)Math.Floor(92 / 400.0 * 64);
        var black = Enumerable.Range(0, 64).Where(c => Is(f, c, row, CartPoleEnv.CartColor)).ToList();
        Assert.InRange(black.Count, 4, 7);
        Assert.InRange((black[0] + black[^1] + 1) / 2.0, 47, 49);
    }
}
