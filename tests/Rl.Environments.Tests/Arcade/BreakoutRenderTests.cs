using Rl.Core;
using Rl.Core.Rendering;
using Rl.Environments.Arcade;
using Rl.Environments.Tests.Kart;

namespace Rl.Environments.Tests.Arcade;

public class BreakoutRenderTests
{
    private static Color PixelAt(byte[] rgb, double x, double y)
    {
        // Field pixel (x, y), y up, to a row from the top of the 64 x 64 frame.
        int col = (int)Math.Floor(x), row = 63 - (int)Math.Floor(y);
        int i = (row * 64 + col) * 3;
        return new Color(rgb[i], rgb[i + 1], rgb[i + 2]);
    }

    [Fact]
    public void TheFrameShowsBallTrailPaddleBricksAndLives()
    {
        using var env = KartRenderTests.PixelRegistry().Make<byte[], int>(ArcadeEnvs.BreakoutPixelsId);
        Assert.Equal(ArcadeEnvs.BreakoutPixelsId, env.Name);
        Assert.Equal([64, 64, 3], env.ObservationSpace.Shape);
        env.Reset(2);
        var game = ((BreakoutEnv)env.Unwrapped).Game;
        game.Bricks[5 * BreakoutGame.Columns + 0] = false; // top-left brick gone
        (game.BallX, game.BallY, game.BallVX, game.BallVY) = (20, 20, 0, 1.5);
        var obs = env.Step(0).Observation;

        Assert.Equal(Color.White, PixelAt(obs, game.BallX, game.BallY));
        Assert.Equal(BreakoutEnv.TrailColor, PixelAt(obs, 20, 19.5));
        Assert.Equal(BreakoutEnv.PaddleColor, PixelAt(obs, game.PaddleX, BreakoutGame.PaddleBottom + 1));
        Assert.Equal(BreakoutEnv.RowColors[5], PixelAt(obs, 8 + 3, 55 + 1)); // brick (5, 1)
        Assert.Equal(BreakoutEnv.RowColors[0], PixelAt(obs, 60, 41));        // brick (0, 7)
        Assert.Equal(Color.Black, PixelAt(obs, 7, 41));                       // the gap right of brick (0, 0)
        Assert.Equal(Color.Black, PixelAt(obs, 3, 56));                       // the removed brick
        Assert.Equal(Color.White, PixelAt(obs, 1, 62));                       // first life
        Assert.Equal(Color.White, PixelAt(obs, 5, 62));                       // third life
        Assert.Equal(Color.Black, PixelAt(obs, 7, 62));                       // no fourth
    }

    [Fact]
    public void FramesAreDeterministicUnderASeed()
    {
        var registry = KartRenderTests.PixelRegistry();
        using var a = registry.Make<byte[], int>(ArcadeEnvs.BreakoutPixelsId, new MakeOptions { Kwargs = OptionSet.Of(("lives", 1)) });
        using var b = registry.Make<byte[], int>(ArcadeEnvs.BreakoutPixelsId, new MakeOptions { Kwargs = OptionSet.Of(("lives", 1)) });
        var buffer = new byte[64 * 64 * 3];
        Assert.Equal(a.Reset(4).Observation, b.Reset(4, into: buffer).Observation);
        var rng = new Rng(4);
        for (int t = 0; t < 300; t++)
        {
            int act = rng.NextInt(3);
            var ra = a.Step(act);
            var rb = b.Step(act, buffer);
            Assert.Same(buffer, rb.Observation);
            Assert.Equal(ra.Observation, rb.Observation);
            Assert.Equal(ra.Reward, rb.Reward);
            if (ra.Done) break;
        }
    }
}
