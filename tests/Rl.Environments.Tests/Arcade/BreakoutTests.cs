using Rl.Core;
using Rl.Environments.Arcade;

namespace Rl.Environments.Tests.Arcade;

public class BreakoutTests
{
    private const int Stay = 0, Left = 1, Right = 2;

    private static BreakoutEnv Started(int lives = 3)
    {
        var env = new BreakoutEnv(new BreakoutOptions { Lives = lives });
        env.Reset(0);
        return env;
    }

    private static void SetBall(BreakoutGame g, double x, double y, double vx, double vy) =>
        (g.BallX, g.BallY, g.BallVX, g.BallVY) = (x, y, vx, vy);

    [Fact]
    public void TheBallBouncesOffTheSideAndTopWalls()
    {
        using var env = Started();
        var g = env.Game;
        SetBall(g, 1.5, 30, -1.2, -0.9);
        var r = env.Step(Stay);
        Assert.True(g.BallVX > 0);
        Assert.Equal(-0.9, g.BallVY, 12);
        Assert.InRange(g.BallX, 1, 2);
        Assert.Equal(0, r.Reward);

        SetBall(g, 62.5, 30, 1.2, 0.9);
        env.Step(Stay);
        Assert.True(g.BallVX < 0);
        Assert.InRange(g.BallX, 62, 63);

        SetBall(g, 30, 62.5, 0.9, 1.2);
        env.Step(Stay);
        Assert.True(g.BallVY < 0);
        Assert.InRange(g.BallY, 62, 63);
        Assert.Equal(0.9, g.BallVX, 12);
    }

    [Fact]
    public void TheBallBouncesOffThePaddleAtAnAngleSetByWhereItHits()
    {
        using var env = Started();
        var g = env.Game;
        g.PaddleX = 32;
        SetBall(g, 32, 7.5, 0.3, -1.5);
        env.Step(Stay);
        Assert.True(g.BallVY > 0, "centre hit goes up");
        Assert.True(Math.Abs(g.BallVX) < 0.2 * g.BallVY, "centre hit goes nearly straight up");
        Assert.Equal(g.Options.BallSpeed, Math.Sqrt(g.BallVX * g.BallVX + g.BallVY * g.BallVY), 9);

        g.PaddleX = 32;
        SetBall(g, 37, 7.5, -0.5, -1.4);
        env.Step(Stay);
        Assert.True(g.BallVY > 0);
        Assert.True(g.BallVX > g.BallVY, "a hit near the right end goes up steeply to the right");
    }

    [Fact]
    public void APaddleReturnIsCountedAndEarnsTheHitRewardOption()
    {
        foreach (double hitReward in new[] { 0.0, 0.5 })
        {
            using var env = BreakoutEnv.FromKwargs(OptionSet.Of(("hit_reward", hitReward)));
            env.Reset(0);
            var g = env.Game;
            g.PaddleX = 32;
            SetBall(g, 32, 7.5, 0.3, -1.5);
            var r = env.Step(Stay);
            Assert.True(g.BallVY > 0);
            Assert.Equal(hitReward, r.Reward);
            Assert.Equal(1, r.Info.Get<int>("paddle_hits"));
            Assert.Equal(0, r.Info.Get<int>("score")); // the score stays the bricks
        }
        var e = Assert.Throws<ArgumentException>(() => BreakoutEnv.FromKwargs(OptionSet.Of(("hit_reward", -1.0))));
        Assert.Contains("hit_reward", e.Message);
    }

    [Fact]
    public void TheTrackRewardPaysForThePaddleUnderTheBall()
    {
        using var env = BreakoutEnv.FromKwargs(OptionSet.Of(("track_reward", 0.5)));
        env.Reset(0);
        var g = env.Game;
        g.PaddleX = 32;
        SetBall(g, 48, 30, 0, -1.5);
        var r = env.Step(Stay);
        Assert.Equal(0.5 * (1 - 16.0 / 64), r.Reward, 12);
        Assert.Equal(0, r.Info.Get<int>("score"));
        var e = Assert.Throws<ArgumentException>(() => BreakoutEnv.FromKwargs(OptionSet.Of(("track_reward", 11.0))));
        Assert.Contains("track_reward", e.Message);
    }

    [Fact]
    public void HittingABrickRemovesItForOnePointAndReflectsTheBall()
    {
        using var env = Started();
        var g = env.Game;
        // Under brick (row 0, column 3): x 24-32, y 40-43; the ball's top at 38.9 moving up 1.5.
        SetBall(g, 28, 37.9, 0, 1.5);
        var r = env.Step(Stay);
        Assert.Equal(1, r.Reward);
        Assert.False(g.Bricks[3]);
        Assert.True(g.BallVY < 0);
        Assert.Equal(47, r.Info.Get<int>("bricks_left"));
        Assert.Equal(1, r.Info.Get<int>("score"));
        Assert.Equal(0f, r.Observation[6 + 3]);
        Assert.Equal(1f, r.Observation[6 + 4]);

        // With the brick gone the ball passes through that cell.
        SetBall(g, 28, 37.9, 0, 1.5);
        Assert.Equal(0, env.Step(Stay).Reward);
        Assert.True(g.BallVY > 0);
    }

    [Fact]
    public void MissingTheBallCostsALifeAndTheLastLifeEndsTheEpisode()
    {
        using var env = Started(lives: 2);
        var g = env.Game;
        g.PaddleX = 55;
        SetBall(g, 10, 0.2, 0, -1.5);
        var r = env.Step(Stay);
        Assert.Equal(1, g.Lives);
        Assert.False(r.Terminated);
        Assert.Equal(30, g.BallY);
        Assert.True(g.BallVY < 0);
        Assert.InRange(g.BallX, 16, 48);
        Assert.Equal(0.5f, r.Observation[5]);

        SetBall(g, 10, 0.2, 0, -1.5);
        r = env.Step(Stay);
        Assert.Equal(0, g.Lives);
        Assert.True(r.Terminated);
        Assert.Equal(0, r.Info.Get<int>("lives"));
        Assert.Throws<ResetNeededException>(() => env.Step(Stay));
    }

    [Fact]
    public void RemovingTheLastBrickEndsTheEpisode()
    {
        using var env = Started();
        var g = env.Game;
        g.Bricks.Fill(false);
        g.Bricks[3] = true;
        SetBall(g, 28, 37.9, 0, 1.5);
        var r = env.Step(Stay);
        Assert.Equal(1, r.Reward);
        Assert.True(r.Terminated);
    }

    [Fact]
    public void ThePaddleMovesAndStopsAtTheEdges()
    {
        using var env = Started();
        var g = env.Game;
        double x = g.PaddleX;
        env.Step(Left);
        Assert.Equal(x - 2.5, g.PaddleX, 12);
        env.Step(Right);
        env.Step(Right);
        Assert.Equal(x + 2.5, g.PaddleX, 12);
        for (int i = 0; i < 30; i++) g.PaddleX = Math.Min(g.PaddleX, 100);
        g.PaddleX = 6;
        SetBall(g, 30, 30, 0, 1.5);
        env.Step(Left);
        Assert.Equal(5, g.PaddleX);
    }

    [Fact]
    public void TheSameSeedGivesTheSameGameAndTheIntoBufferIsUsed()
    {
        using var a = Envs.Make<float[], int>(BreakoutEnv.Id);
        using var b = Envs.Make<float[], int>(BreakoutEnv.Id);
        var buffer = new float[BreakoutEnv.ObservationSize];
        Assert.Equal(a.Reset(5).Observation, b.Reset(5, into: buffer).Observation);
        var rng = new Rng(2);
        for (int t = 0; t < 1500; t++)
        {
            int act = rng.NextInt(3);
            var ra = a.Step(act);
            var rb = b.Step(act, buffer);
            Assert.Same(buffer, rb.Observation);
            Assert.Equal(ra.Observation, rb.Observation);
            Assert.Equal(ra.Reward, rb.Reward);
            Assert.True(a.ObservationSpace.Contains(ra.Observation), a.ObservationSpace.Explain(ra.Observation));
            if (ra.Done)
            {
                a.Reset();
                b.Reset(into: buffer);
            }
        }
    }

    [Fact]
    public void FollowingTheBallScoresFarMoreThanRandomPlay()
    {
        double Play(Func<BreakoutGame, Rng, int> policy)
        {
            using var env = Envs.Make<float[], int>(BreakoutEnv.Id);
            var rng = new Rng(3);
            double total = 0;
            for (int episode = 0; episode < 5; episode++)
            {
                env.Reset(episode);
                var game = ((BreakoutEnv)env.Unwrapped).Game;
                StepResult<float[]> r;
                do
                {
                    r = env.Step(policy(game, rng));
                    total += r.Reward;
                } while (!r.Done);
            }
            return total / 5;
        }
        double random = Play((_, rng) => rng.NextInt(3));
        double tracking = Play((g, _) => g.BallX < g.PaddleX - 1 ? Left : g.BallX > g.PaddleX + 1 ? Right : Stay);
        Assert.True(tracking > 3 * random + 10, $"tracking {tracking} vs random {random}");
        Assert.True(random >= 1, $"random {random}");
    }

    [Fact]
    public void BadKwargsAreRejectedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => Envs.Make(BreakoutEnv.Id, ("lives", 0)));
        Assert.Contains("lives", e.Message);
        e = Assert.Throws<ArgumentException>(() => Envs.Make(BreakoutEnv.Id, ("speed", 2)));
        Assert.Contains("speed", e.Message);
        Assert.Contains("ball_speed", e.Message);
    }
}
