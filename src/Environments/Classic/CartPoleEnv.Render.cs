using System.Numerics;
using Rl.Core.Rendering;

namespace Rl.Environments.Classic;

/// <summary>The picture of cart-pole, as Gymnasium draws it: cart, pole, axle and track in a 600 x 400 frame.</summary>
public sealed partial class CartPoleEnv : IRenderable
{
    /// <summary>Native frame width in pixels (Gymnasium's <c>screen_width</c>).</summary>
    public const int ScreenWidth = 600;

    /// <summary>Native frame height in pixels (Gymnasium's <c>screen_height</c>).</summary>
    public const int ScreenHeight = 400;

    /// <summary>Pixels per metre: the track from -2.4 m to 2.4 m fills the width.</summary>
    public const float RenderScale = ScreenWidth / (float)(XThreshold * 2);

    /// <summary>Height of the track (and of the cart's centre) above the bottom edge, in pixels.</summary>
    public const float TrackY = 100f;

    /// <summary>The cart's colour (black, as in Gymnasium).</summary>
    public static readonly Color CartColor = new(0, 0, 0);

    /// <summary>The pole's colour (Gymnasium's (202, 152, 101)).</summary>
    public static readonly Color PoleColor = new(202, 152, 101);

    /// <summary>The axle's colour (Gymnasium's (129, 132, 203)).</summary>
    public static readonly Color AxleColor = new(129, 132, 203);

    private const float CartWidth = 50f, CartHeight = 30f, PoleWidth = 10f;
    private const float PoleLength = RenderScale * (float)(2 * Length);

    /// <summary>
    /// Describes the current state in pixel coordinates of the 600 x 400 frame with y up: a 50 x 30 black cart centred at
    /// (x * 125 + 300, 100), a 10 px wide pole of 125 px rotated by -theta about the axle 7.5 px above the cart's centre, the
    /// axle as a 5 px circle, and a 1 px track line at y = 100, drawn in Gymnasium's order on white.
    /// </summary>
    public void DescribeScene(Scene scene)
    {
        scene.Begin(ScreenWidth, ScreenHeight, Color.White, Camera2D.Pixels(ScreenWidth, ScreenHeight));
        float cartX = (float)(_x * RenderScale + ScreenWidth / 2.0);
        float axleY = TrackY + CartHeight / 4;

        scene.Polygon([
            new Vector2(cartX - CartWidth / 2, TrackY - CartHeight / 2), new Vector2(cartX - CartWidth / 2, TrackY + CartHeight / 2),
            new Vector2(cartX + CartWidth / 2, TrackY + CartHeight / 2), new Vector2(cartX + CartWidth / 2, TrackY - CartHeight / 2)], CartColor);

        // The pole's corners in its own frame, rotated by -theta: positive theta leans the pole to the right.
        float sin = (float)Math.Sin(_theta), cos = (float)Math.Cos(_theta);
        Vector2 Pole(float px, float py) => new(cartX + px * cos + py * sin, axleY - px * sin + py * cos);
        const float l = -PoleWidth / 2, r = PoleWidth / 2, t = PoleLength - PoleWidth / 2, b = -PoleWidth / 2;
        scene.Polygon([Pole(l, b), Pole(l, t), Pole(r, t), Pole(r, b)], PoleColor);

        scene.Circle(new Vector2(cartX, axleY), PoleWidth / 2, AxleColor);
        scene.Line(new Vector2(0, TrackY), new Vector2(ScreenWidth, TrackY), 1f, CartColor);
    }
}
