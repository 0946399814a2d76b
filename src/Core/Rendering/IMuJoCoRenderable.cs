namespace Rl.Core.Rendering;

/// <summary>
/// A camera for MuJoCo's renderer, in the terms of MuJoCo's <c>mjvCamera</c>: it looks at <see cref="LookAt"/> (or, when
/// <see cref="TrackBodyId"/> is a body id, at that body's subtree centre of mass, following it: <c>mjCAMERA_TRACKING</c>) from
/// <see cref="Distance"/> metres away, turned by <see cref="Azimuth"/> degrees about the vertical and tilted by
/// <see cref="Elevation"/> degrees (negative: looking down).
/// </summary>
/// <param name="TrackBodyId">The body the camera follows, or -1 for a fixed point (<c>mjCAMERA_FREE</c> at <see cref="LookAt"/>).</param>
/// <param name="Distance">Distance from the point looked at, in metres.</param>
/// <param name="Azimuth">Heading in degrees (90: looking along +y, so x runs left to right, a side view of the x-z plane).</param>
/// <param name="Elevation">Tilt in degrees; negative looks down.</param>
/// <param name="LookAtX">x of the point looked at when not tracking (tracking starts there and then follows the body).</param>
/// <param name="LookAtY">y of that point.</param>
/// <param name="LookAtZ">z of that point.</param>
public readonly record struct MuJoCoCamera(int TrackBodyId, double Distance, double Azimuth, double Elevation,
    double LookAtX = 0, double LookAtY = 0, double LookAtZ = 0)
{
    /// <summary>The point looked at as (x, y, z).</summary>
    public (double X, double Y, double Z) LookAt => (LookAtX, LookAtY, LookAtZ);
}

/// <summary>
/// A MuJoCo simulation that Rl.Rendering can draw with MuJoCo's own renderer (<c>mjv_updateScene</c>, <c>mjr_render</c>):
/// the environment describes what to draw (its native model and data, and a camera) and never calls a graphics API.
/// The handles are MuJoCo 2.2.2's <c>mjModel*</c> and <c>mjData*</c>, valid while the environment is not disposed; the
/// renderer reads them on the thread that steps the environment, between steps.
/// </summary>
public interface IMuJoCoRenderable : IRenderable
{
    /// <summary>Whether MuJoCo's renderer should draw this environment; false means <see cref="IRenderable.DescribeScene"/>'s picture.</summary>
    bool UseMuJoCoRenderer { get; }

    /// <summary>The native <c>mjModel*</c>.</summary>
    nint ModelHandle { get; }

    /// <summary>The native <c>mjData*</c>, holding the current state.</summary>
    nint DataHandle { get; }

    /// <summary>The camera to draw from (Gymnasium's <c>default_camera_config</c> of the environment).</summary>
    MuJoCoCamera Camera { get; }

    /// <summary>The native frame width in pixels (Gymnasium's MuJoCo default: 480).</summary>
    int FrameWidth { get; }

    /// <summary>The native frame height in pixels (Gymnasium's MuJoCo default: 480).</summary>
    int FrameHeight { get; }
}
