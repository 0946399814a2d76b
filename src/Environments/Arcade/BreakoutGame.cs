using Rl.Core;

namespace Rl.Environments.Arcade;

/// <summary>Settings of <see cref="BreakoutGame"/> (keyword options of the Breakout environments).</summary>
public sealed record BreakoutOptions
{
    /// <summary>Balls the player may lose before the episode terminates. Default 3.</summary>
    public int Lives { get; init; } = 3;

    /// <summary>
    /// Whether each reset and step returns the info (lives, score, bricks left, paddle hits; kwarg <c>step_info</c>). Default
    /// true, as in Gymnasium; with it, a step allocates only when the counters reach a combination not reported before in the
    /// process (see <see cref="BreakoutEnv"/>'s remarks); false returns <see cref="Rl.Core.Info.Empty"/> and a step allocates nothing.
    /// </summary>
    public bool StepInfo { get; init; } = true;

    /// <summary>The paddle's width in pixels. Default 10.</summary>
    public double PaddleWidth { get; init; } = 10;

    /// <summary>Pixels the paddle moves per step. Default 2.5.</summary>
    public double PaddleSpeed { get; init; } = 2.5;

    /// <summary>Pixels the ball moves per step. Default 1.5.</summary>
    public double BallSpeed { get; init; } = 1.5;

    /// <summary>Whether the picture shows where the ball was one step earlier (so one frame shows its direction). Default true.</summary>
    public bool Trail { get; init; } = true;

    /// <summary>
    /// Reward for each return of the ball off the paddle, added to the +1 per brick. Default 0 (the game's score only); a
    /// small value (e.g. 0.5) gives a learner a signal on every catch, well before the ball reaches a brick.
    /// </summary>
    public double HitReward { get; init; }

    /// <summary>
    /// Reward per step for keeping the paddle under the ball: <c>track_reward · (1 − |ball x − paddle x| / 64)</c>. Default 0.
    /// A shaping signal on every step for short learning budgets; the info's score stays the bricks.
    /// </summary>
    public double TrackReward { get; init; }

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentException">Naming the option (as its keyword) and the value.</exception>
    public void Validate(string context)
    {
        if (Lives is < 1 or > 99) throw new ArgumentException($"{context}: option 'lives' = {Lives} must be in [1, 99]");
        if (!(PaddleWidth >= 2 && PaddleWidth <= 40)) throw new ArgumentException($"{context}: option 'paddle_width' = {PaddleWidth} must be in [2, 40] pixels");
        if (!(PaddleSpeed > 0 && PaddleSpeed <= 8)) throw new ArgumentException($"{context}: option 'paddle_speed' = {PaddleSpeed} must be in (0, 8] pixels per step");
        if (!(BallSpeed >= 0.25 && BallSpeed <= 4)) throw new ArgumentException($"{context}: option 'ball_speed' = {BallSpeed} must be in [0.25, 4] pixels per step");
        if (!(HitReward >= 0 && HitReward <= 10)) throw new ArgumentException($"{context}: option 'hit_reward' = {HitReward} must be in [0, 10]");
        if (!(TrackReward >= 0 && TrackReward <= 10)) throw new ArgumentException($"{context}: option 'track_reward' = {TrackReward} must be in [0, 10]");
    }
}

/// <summary>
/// The rules of a small Breakout on a 64 x 64 pixel field (x right, y up, origin bottom-left): a paddle at the bottom, a
/// wall of 8 x 6 bricks near the top, a 2 x 2 ball. Public so that tests can set up positions by hand.
/// </summary>
/// <remarks>
/// Per step the paddle moves (action 0 stays, 1 left, 2 right) and is kept inside the field; then the ball moves in sub-steps
/// of at most 0.5 px, first along x, then along y. It reflects off the left, right and top edges. Touching a brick removes
/// that brick (+1 reward) and reflects the ball on the axis it was moving along (one brick per axis per sub-step: the one
/// overlapping most). Falling onto the paddle sends it up at an angle set by where it hit: up to 60° from vertical at the
/// paddle's ends. A ball that falls below the bottom costs a life; a new ball starts at a random x in [16, 48] at y = 30,
/// falling at 20-50° from vertical to a random side. The episode terminates when no lives or no bricks are left.
/// </remarks>
public sealed class BreakoutGame
{
    /// <summary>Field width and height in pixels.</summary>
    public const int Size = 64;

    /// <summary>Brick columns.</summary>
    public const int Columns = 8;

    /// <summary>Brick rows.</summary>
    public const int Rows = 6;

    /// <summary>A brick cell's width in pixels (the columns fill the field).</summary>
    public const int BrickWidth = Size / Columns;

    /// <summary>A brick cell's height in pixels.</summary>
    public const int BrickHeight = 3;

    /// <summary>The y of the bottom of the lowest brick row.</summary>
    public const int BricksBottom = 40;

    /// <summary>The y of the paddle's bottom edge.</summary>
    public const double PaddleBottom = 4;

    /// <summary>The paddle's height in pixels.</summary>
    public const double PaddleHeight = 2;

    /// <summary>Half the ball's side in pixels.</summary>
    public const double BallRadius = 1;

    /// <summary>The largest angle from vertical of a ball leaving the paddle, radians (60°).</summary>
    public const double MaxBounceAngle = Math.PI / 3;

    private readonly bool[] _bricks = new bool[Rows * Columns];

    /// <summary>Creates a game; call <see cref="Reset"/> before stepping.</summary>
    /// <exception cref="ArgumentException">If an option is invalid.</exception>
    public BreakoutGame(BreakoutOptions? options = null)
    {
        Options = options ?? new BreakoutOptions();
        Options.Validate("BreakoutGame");
    }

    /// <summary>The settings.</summary>
    public BreakoutOptions Options { get; }

    /// <summary>The paddle's centre x.</summary>
    public double PaddleX { get; set; }

    /// <summary>The ball's centre x.</summary>
    public double BallX { get; set; }

    /// <summary>The ball's centre y.</summary>
    public double BallY { get; set; }

    /// <summary>The ball's x velocity, pixels per step.</summary>
    public double BallVX { get; set; }

    /// <summary>The ball's y velocity, pixels per step.</summary>
    public double BallVY { get; set; }

    /// <summary>The ball's centre x before the last step (the trail).</summary>
    public double PreviousBallX { get; private set; }

    /// <summary>The ball's centre y before the last step.</summary>
    public double PreviousBallY { get; private set; }

    /// <summary>Lives left.</summary>
    public int Lives { get; set; }

    /// <summary>Bricks removed since the reset.</summary>
    public int Score { get; private set; }

    /// <summary>Returns of the ball off the paddle since the reset.</summary>
    public int PaddleHits { get; private set; }

    /// <summary>Which bricks are standing, row-major from the bottom row (index = row × 8 + column); settable for tests.</summary>
    public Span<bool> Bricks => _bricks;

    /// <summary>Bricks still standing.</summary>
    public int BricksLeft
    {
        get
        {
            int n = 0;
            foreach (bool b in _bricks) if (b) n++;
            return n;
        }
    }

    /// <summary>Whether the game is over: no lives or no bricks left.</summary>
    public bool Over => Lives <= 0 || BricksLeft == 0;

    /// <summary>The lower-left corner of brick (row, column).</summary>
    public static (double X, double Y) BrickCorner(int row, int column) => (column * BrickWidth, BricksBottom + row * BrickHeight);

    /// <summary>Starts a game: full wall, all lives, paddle centred, a new ball from <paramref name="rng"/>.</summary>
    public void Reset(Rng rng)
    {
        Array.Fill(_bricks, true);
        Lives = Options.Lives;
        Score = 0;
        PaddleHits = 0;
        PaddleX = Size / 2.0;
        Launch(rng);
    }

    /// <summary>Puts a new ball in play: random x in [16, 48] at y = 30, falling 20-50° from vertical to a random side.</summary>
    public void Launch(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        BallX = rng.Uniform(16, 48);
        BallY = 30;
        double angle = rng.Uniform(20, 50) * Math.PI / 180 * (rng.NextDouble() < 0.5 ? -1 : 1);
        BallVX = Options.BallSpeed * Math.Sin(angle);
        BallVY = -Options.BallSpeed * Math.Cos(angle);
        PreviousBallX = BallX;
        PreviousBallY = BallY;
    }

    /// <summary>Advances one step: 0 stays, 1 moves the paddle left, 2 right. Returns the bricks removed (the reward).</summary>
    /// <param name="action">0, 1 or 2.</param>
    /// <param name="rng">Draws the next ball after a lost one.</param>
    public int Step(int action, Rng rng)
    {
        double half = Options.PaddleWidth / 2;
        PaddleX = Math.Clamp(PaddleX + action switch { 1 => -Options.PaddleSpeed, 2 => Options.PaddleSpeed, _ => 0 }, half, Size - half);
        PreviousBallX = BallX;
        PreviousBallY = BallY;

        int removed = 0;
        int substeps = (int)Math.Ceiling(Math.Max(Math.Abs(BallVX), Math.Abs(BallVY)) / 0.5);
        for (int k = 0; k < substeps; k++)
        {
            double dx = BallVX / substeps, dy = BallVY / substeps;
            BallX += dx;
            if (BallX - BallRadius < 0) { BallX = 2 * BallRadius - BallX; BallVX = Math.Abs(BallVX); }
            else if (BallX + BallRadius > Size) { BallX = 2 * (Size - BallRadius) - BallX; BallVX = -Math.Abs(BallVX); }
            else if (HitBrick())
            {
                removed++;
                BallX -= dx;
                BallVX = -BallVX;
            }

            BallY += dy;
            if (BallY + BallRadius > Size) { BallY = 2 * (Size - BallRadius) - BallY; BallVY = -Math.Abs(BallVY); }
            else if (HitBrick())
            {
                removed++;
                BallY -= dy;
                BallVY = -BallVY;
            }
            else if (BallVY < 0 && TouchesPaddle())
            {
                BounceOffPaddle();
                PaddleHits++;
            }

            if (BallY + BallRadius < 0)
            {
                Lives--;
                if (Lives > 0) Launch(rng);
                break;
            }
            if (BricksLeft == 0) break;
        }
        Score += removed;
        return removed;
    }

    private bool TouchesPaddle()
    {
        double half = Options.PaddleWidth / 2;
        return BallY - BallRadius < PaddleBottom + PaddleHeight && BallY + BallRadius > PaddleBottom
            && BallX + BallRadius > PaddleX - half && BallX - BallRadius < PaddleX + half;
    }

    private void BounceOffPaddle()
    {
        double offset = Math.Clamp((BallX - PaddleX) / (Options.PaddleWidth / 2 + BallRadius), -1, 1);
        double angle = offset * MaxBounceAngle;
        BallVX = Options.BallSpeed * Math.Sin(angle);
        BallVY = Options.BallSpeed * Math.Cos(angle);
        BallY = PaddleBottom + PaddleHeight + BallRadius;
    }

    // Removes the standing brick the ball overlaps most (ties: the lowest index) and reports whether there was one.
    private bool HitBrick()
    {
        double left = BallX - BallRadius, right = BallX + BallRadius, bottom = BallY - BallRadius, top = BallY + BallRadius;
        if (top <= BricksBottom || bottom >= BricksBottom + Rows * BrickHeight) return false;
        int best = -1;
        double bestArea = 0;
        int r0 = Math.Max(0, (int)Math.Floor((bottom - BricksBottom) / BrickHeight)), r1 = Math.Min(Rows - 1, (int)Math.Floor((top - BricksBottom) / BrickHeight));
        int c0 = Math.Max(0, (int)Math.Floor(left / BrickWidth)), c1 = Math.Min(Columns - 1, (int)Math.Floor(right / BrickWidth));
        for (int r = r0; r <= r1; r++)
        {
            for (int c = c0; c <= c1; c++)
            {
                int i = r * Columns + c;
                if (!_bricks[i]) continue;
                var (x, y) = BrickCorner(r, c);
                double w = Math.Min(right, x + BrickWidth) - Math.Max(left, x);
                double h = Math.Min(top, y + BrickHeight) - Math.Max(bottom, y);
                if (w > 0 && h > 0 && w * h > bestArea)
                {
                    bestArea = w * h;
                    best = i;
                }
            }
        }
        if (best < 0) return false;
        _bricks[best] = false;
        return true;
    }
}
