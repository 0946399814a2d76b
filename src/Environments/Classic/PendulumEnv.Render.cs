using System.Numerics;
using Rl.Core.Rendering;

namespace Rl.Environments.Classic;

/// <summary>The picture of the pendulum, as Gymnasium draws it: rod, pivot and torque arrow in a 500 x 500 frame.</summary>
public sealed partial class PendulumEnv : IRenderable
{
    /// <summary>Native frame width and height in pixels (Gymnasium's <c>screen_dim</c>).</summary>
    public const int ScreenSize = 500;

    /// <summary>Pixels per metre: the square from -2.2 m to 2.2 m fills the frame.</summary>
    public const float RenderScale = ScreenSize / 4.4f;

    /// <summary>The rod's colour (Gymnasium's (204, 77, 77)).</summary>
    public static readonly Color RodColor = new(204, 77, 77);

    /// <summary>The torque arrow's colour.</summary>
    public static readonly Color ArrowColor = new(40, 40, 40);

    /// <summary>
    /// Describes the current state in pixel coordinates with y up: a rod 1 m long and 0.2 m wide from the centre, pointing up
    /// at θ = 0 and turning counter-clockwise with θ, rounded ends, a black axle of radius 0.05 m, and (after a step) an arc
    /// arrow around the pivot whose radius grows with |torque| and which points the way the torque turns (Gymnasium shows a
    /// scaled arrow image there).
    /// </summary>
    public void DescribeScene(Scene scene)
    {
        scene.Begin(ScreenSize, ScreenSize, Color.White, Camera2D.Pixels(ScreenSize, ScreenSize));
        var center = new Vector2(ScreenSize / 2f, ScreenSize / 2f);
        const float rodLength = RenderScale, rodWidth = 0.2f * RenderScale;
        float angle = (float)(_theta + Math.PI / 2);
        var along = new Vector2(MathF.Cos(angle), MathF.Sin(angle));
        var across = new Vector2(-along.Y, along.X) * (rodWidth / 2);
        var end = center + along * rodLength;
        scene.Polygon([center - across, center + across, end + across, end - across], RodColor);
        scene.Circle(center, rodWidth / 2, RodColor);
        scene.Circle(end, rodWidth / 2, RodColor);

        if (_lastTorque is float u && u != 0)
        {
            // An arc of 270 degrees around the pivot, counter-clockwise for positive torque, with a head at its end.
            float radius = RenderScale * Math.Abs(u) / 4, sign = Math.Sign(u);
            Span<Vector2> arc = stackalloc Vector2[25];
            float start = MathF.PI / 2;
            for (int i = 0; i < arc.Length; i++)
            {
                float a = start + sign * 1.5f * MathF.PI * i / (arc.Length - 1);
                arc[i] = center + radius * new Vector2(MathF.Cos(a), MathF.Sin(a));
            }
            float width = Math.Max(2f, radius / 8);
            scene.Polyline(arc, width, ArrowColor);
            float tipAngle = start + sign * 1.5f * MathF.PI;
            var radial = new Vector2(MathF.Cos(tipAngle), MathF.Sin(tipAngle));
            var tangent = sign * new Vector2(-radial.Y, radial.X);
            var tip = arc[^1];
            float head = Math.Max(6f, radius / 3);
            scene.Polygon([tip + tangent * head, tip - tangent * (head / 3) + radial * (head / 2), tip - tangent * (head / 3) - radial * (head / 2)], ArrowColor);
        }
        scene.Circle(center, 0.05f * RenderScale, Color.Black);
    }
}
