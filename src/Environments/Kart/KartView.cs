using System.Numerics;

namespace Rl.Environments.Kart;

/// <summary>
/// The egocentric camera of the kart environments: it rides with the kart, turned so that the kart always points up the
/// frame, and shows <see cref="Behind"/> metres behind to <see cref="Ahead"/> metres ahead and <see cref="HalfWidth"/>
/// metres to each side.
/// </summary>
public static partial class KartView
{
    /// <summary>Metres of road shown behind the kart's centre.</summary>
    public const float Behind = 10;

    /// <summary>Metres of road shown ahead of the kart's centre.</summary>
    public const float Ahead = 30;

    /// <summary>Metres shown on each side of the kart.</summary>
    public const float HalfWidth = 20;

    /// <summary>
    /// Where a point given in the kart's frame (x forward, y left, metres) appears in the egocentric frame: x to the right
    /// and y down, -1 at the left/top edge and 1 at the right/bottom edge (outside [-1, 1] when out of view).
    /// </summary>
    public static Vector2 ToImage(Vector2 kartFrame)
    {
        float centre = (Ahead - Behind) / 2;
        float halfDepth = (Ahead + Behind) / 2;
        return new Vector2(-kartFrame.Y / HalfWidth, (centre - kartFrame.X) / halfDepth);
    }
}
