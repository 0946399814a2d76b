using System.Numerics;
using Rl.Core.Rendering;

namespace Rl.Environments.Classic;

/// <summary>The picture of the acrobot, as Gymnasium draws it: the goal line and two links with their joints in a 500 x 500 frame.</summary>
public sealed partial class AcrobotEnv : IRenderable
{
    /// <summary>Native frame width and height in pixels (Gymnasium's <c>SCREEN_DIM</c>).</summary>
    public const int ScreenSize = 500;

    /// <summary>Pixels per metre: the square from -2.2 m to 2.2 m (both links plus 0.2 m) fills the frame.</summary>
    public const float RenderScale = ScreenSize / (float)(2 * (LinkLength1 + LinkLength2 + 0.2));

    /// <summary>The links' colour (Gymnasium's (0, 204, 204)).</summary>
    public static readonly Color LinkColor = new(0, 204, 204);

    /// <summary>The joints' colour (Gymnasium's (204, 204, 0)).</summary>
    public static readonly Color JointColor = new(204, 204, 0);

    /// <summary>
    /// Describes the current state in pixel coordinates with y up: the black goal line one link length above the pivot, then
    /// each link as a 0.2 m wide bar from its joint (the pivot at the centre, then the first link's end), hanging straight down
    /// at θ1 = θ2 = 0, with a yellow joint disc of radius 0.1 m at its start.
    /// </summary>
    public void DescribeScene(Scene scene)
    {
        scene.Begin(ScreenSize, ScreenSize, Color.White, Camera2D.Pixels(ScreenSize, ScreenSize));
        const float s = RenderScale, offset = ScreenSize / 2f;
        scene.Line(new Vector2(-2.2f * s + offset, s + offset), new Vector2(2.2f * s + offset, s + offset), 1f, Color.Black);
        var pivot = new Vector2(offset, offset);
        var elbow = pivot + (float)LinkLength1 * s * new Vector2((float)Math.Sin(_theta1), -(float)Math.Cos(_theta1));
        Link(scene, pivot, _theta1 - Math.PI / 2, (float)LinkLength1 * s);
        Link(scene, elbow, _theta1 + _theta2 - Math.PI / 2, (float)LinkLength2 * s);
    }

    private static void Link(Scene scene, Vector2 start, double angle, float length)
    {
        const float halfWidth = 0.1f * RenderScale;
        var along = new Vector2((float)Math.Cos(angle), (float)Math.Sin(angle));
        var across = new Vector2(-along.Y, along.X) * halfWidth;
        var end = start + along * length;
        scene.Polygon([start - across, start + across, end + across, end - across], LinkColor);
        scene.Circle(start, halfWidth, JointColor);
    }
}
