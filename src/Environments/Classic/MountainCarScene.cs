using System.Numerics;
using Rl.Core.Rendering;

namespace Rl.Environments.Classic;

/// <summary>The picture of both mountain cars, as Gymnasium draws it: the hill curve, the car with two wheels and the flag, 600 x 400.</summary>
public static class MountainCarScene
{
    /// <summary>Native frame width in pixels (Gymnasium's <c>screen_width</c>).</summary>
    public const int ScreenWidth = 600;

    /// <summary>Native frame height in pixels (Gymnasium's <c>screen_height</c>).</summary>
    public const int ScreenHeight = 400;

    /// <summary>Pixels per unit of position: the track from -1.2 to 0.6 fills the width.</summary>
    public const float Scale = ScreenWidth / (float)(MountainCarEnv.MaxPosition - MountainCarEnv.MinPosition);

    /// <summary>The wheels' colour (Gymnasium's (128, 128, 128)).</summary>
    public static readonly Color WheelColor = new(128, 128, 128);

    /// <summary>The flag's colour (Gymnasium's (204, 204, 0)).</summary>
    public static readonly Color FlagColor = new(204, 204, 0);

    /// <summary>The hill's height at position x: sin(3x) · 0.45 + 0.55.</summary>
    public static double Height(double x) => Math.Sin(3 * x) * 0.45 + 0.55;

    /// <summary>
    /// Describes a car at <paramref name="position"/> in pixel coordinates with y up: the curve through 100 points, a 40 x 20
    /// black car 10 px above the curve tilted by cos(3x) radians, two grey wheels of radius 8 at ±10 px, and a 50 px flag pole
    /// with a yellow pennant at <paramref name="goalPosition"/>, drawn in Gymnasium's order on white.
    /// </summary>
    public static void Describe(Scene scene, double position, double goalPosition)
    {
        ArgumentNullException.ThrowIfNull(scene);
        scene.Begin(ScreenWidth, ScreenHeight, Color.White, Camera2D.Pixels(ScreenWidth, ScreenHeight));
        double min = MountainCarEnv.MinPosition, max = MountainCarEnv.MaxPosition;
        Span<Vector2> curve = stackalloc Vector2[100];
        for (int i = 0; i < curve.Length; i++)
        {
            double x = min + (max - min) * i / (curve.Length - 1);
            curve[i] = new Vector2((float)((x - min) * Scale), (float)(Height(x) * Scale));
        }
        scene.Polyline(curve, 1f, Color.Black);

        const float clearance = 10, carWidth = 40, carHeight = 20;
        float angle = (float)Math.Cos(3 * position);
        var origin = new Vector2((float)((position - min) * Scale), clearance + (float)(Height(position) * Scale));
        Vector2 Body(float x, float y) => origin + Rotate(new Vector2(x, y), angle);
        scene.Polygon([Body(-carWidth / 2, 0), Body(-carWidth / 2, carHeight), Body(carWidth / 2, carHeight), Body(carWidth / 2, 0)], Color.Black);
        scene.Circle(Body(carWidth / 4, 0), carHeight / 2.5f, WheelColor);
        scene.Circle(Body(-carWidth / 4, 0), carHeight / 2.5f, WheelColor);

        float flagX = (float)((goalPosition - min) * Scale), flagY1 = (float)(Height(goalPosition) * Scale), flagY2 = flagY1 + 50;
        scene.Line(new Vector2(flagX, flagY1), new Vector2(flagX, flagY2), 1f, Color.Black);
        scene.Polygon([new Vector2(flagX, flagY2), new Vector2(flagX, flagY2 - 10), new Vector2(flagX + 25, flagY2 - 5)], FlagColor);
    }

    private static Vector2 Rotate(Vector2 v, float angle)
    {
        float c = MathF.Cos(angle), s = MathF.Sin(angle);
        return new Vector2(v.X * c - v.Y * s, v.X * s + v.Y * c);
    }
}

/// <summary>The picture of the mountain car (see <see cref="MountainCarScene"/>).</summary>
public sealed partial class MountainCarEnv : IRenderable
{
    /// <inheritdoc cref="MountainCarScene.Describe"/>
    public void DescribeScene(Scene scene) => MountainCarScene.Describe(scene, _position, GoalPosition);
}

/// <summary>The picture of the continuous mountain car (see <see cref="MountainCarScene"/>).</summary>
public sealed partial class ContinuousMountainCarEnv : IRenderable
{
    /// <inheritdoc cref="MountainCarScene.Describe"/>
    public void DescribeScene(Scene scene) => MountainCarScene.Describe(scene, _position, GoalPosition);
}
