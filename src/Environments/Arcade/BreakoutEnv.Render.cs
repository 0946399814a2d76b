using System.Numerics;
using Rl.Core.Rendering;

namespace Rl.Environments.Arcade;

public sealed partial class BreakoutEnv : IRenderable
{
    /// <summary>Native frame size in pixels (square): four frame pixels per field pixel, so a 64 x 64 render is one to one.</summary>
    public const int ScreenSize = 256;

    /// <summary>Brick colours by row, bottom row first.</summary>
    public static readonly Color[] RowColors =
    [
        new(66, 72, 200), new(72, 160, 72), new(162, 162, 42), new(180, 122, 48), new(198, 108, 58), new(200, 72, 72),
    ];

    /// <summary>The paddle's colour.</summary>
    public static readonly Color PaddleColor = new(120, 190, 255);

    /// <summary>The colour of the ball's position one step earlier.</summary>
    public static readonly Color TrailColor = new(110, 110, 110);

    /// <summary>
    /// Describes the field with the camera on its 64 x 64 pixels (y up): black background; each standing brick as its 8 x 3
    /// cell less a one-pixel gap on the right and top, coloured by row; the paddle; the ball's previous position in grey (when
    /// <see cref="BreakoutOptions.Trail"/>) under the white ball; one 1 x 1 white dot per life at the top left. Edges lie on
    /// whole field pixels, so a 64 x 64 render is crisp.
    /// </summary>
    public void DescribeScene(Scene scene)
    {
        scene.Begin(ScreenSize, ScreenSize, Color.Black, new Camera2D(0, BreakoutGame.Size, 0, BreakoutGame.Size));
        var g = Game;
        var bricks = g.Bricks;
        for (int row = 0; row < BreakoutGame.Rows; row++)
        {
            for (int col = 0; col < BreakoutGame.Columns; col++)
            {
                if (!bricks[row * BreakoutGame.Columns + col]) continue;
                var (x, y) = BreakoutGame.BrickCorner(row, col);
                scene.Rect(new Vector2((float)x, (float)y), new Vector2((float)x + BreakoutGame.BrickWidth - 1, (float)y + BreakoutGame.BrickHeight - 1), RowColors[row]);
            }
        }
        float half = (float)g.Options.PaddleWidth / 2;
        scene.Rect(new Vector2((float)g.PaddleX - half, (float)BreakoutGame.PaddleBottom),
            new Vector2((float)g.PaddleX + half, (float)(BreakoutGame.PaddleBottom + BreakoutGame.PaddleHeight)), PaddleColor);
        const float r = (float)BreakoutGame.BallRadius;
        if (g.Options.Trail)
            scene.Rect(new Vector2((float)g.PreviousBallX - r, (float)g.PreviousBallY - r), new Vector2((float)g.PreviousBallX + r, (float)g.PreviousBallY + r), TrailColor);
        scene.Rect(new Vector2((float)g.BallX - r, (float)g.BallY - r), new Vector2((float)g.BallX + r, (float)g.BallY + r), Color.White);
        for (int i = 0; i < g.Lives; i++)
            scene.Rect(new Vector2(1 + 2 * i, BreakoutGame.Size - 2), new Vector2(2 + 2 * i, BreakoutGame.Size - 1), Color.White);
    }
}
