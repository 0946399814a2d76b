namespace Rl.Environments.MuJoCo;

/// <summary>MuJoCo's object types (<c>mjtObj</c>) for name lookups; values as in the 2.2.2 headers.</summary>
public enum MjObjectType
{
    /// <summary>A body.</summary>
    Body = 1,
    /// <summary>A joint.</summary>
    Joint = 3,
    /// <summary>A degree of freedom.</summary>
    Dof = 4,
    /// <summary>A geom (collision and visual shape).</summary>
    Geom = 5,
    /// <summary>A site.</summary>
    Site = 6,
    /// <summary>A camera.</summary>
    Camera = 7,
    /// <summary>An actuator.</summary>
    Actuator = 18,
    /// <summary>A sensor.</summary>
    Sensor = 19,
}

/// <summary>MuJoCo's geom shapes (<c>mjtGeom</c>), as stored in <see cref="MjModel.GeomType"/>.</summary>
public enum MjGeomType
{
    /// <summary>An infinite plane (size: half-extents for drawing, grid spacing).</summary>
    Plane = 0,
    /// <summary>A height field.</summary>
    HeightField = 1,
    /// <summary>A sphere (size[0] = radius).</summary>
    Sphere = 2,
    /// <summary>A capsule along the local z axis (size[0] = radius, size[1] = half-length of the cylinder part).</summary>
    Capsule = 3,
    /// <summary>An ellipsoid (size = radii).</summary>
    Ellipsoid = 4,
    /// <summary>A cylinder along the local z axis (size[0] = radius, size[1] = half-length).</summary>
    Cylinder = 5,
    /// <summary>A box (size = half-extents).</summary>
    Box = 6,
    /// <summary>A triangle mesh.</summary>
    Mesh = 7,
}

/// <summary>MuJoCo's joint types (<c>mjtJoint</c>).</summary>
public enum MjJointType
{
    /// <summary>Free joint: position and orientation quaternion (7 qpos, 6 dofs).</summary>
    Free = 0,
    /// <summary>Ball joint: orientation quaternion (4 qpos, 3 dofs).</summary>
    Ball = 1,
    /// <summary>Sliding along an axis (1 qpos, 1 dof).</summary>
    Slide = 2,
    /// <summary>Rotation about an axis (1 qpos, 1 dof).</summary>
    Hinge = 3,
}

/// <summary>MuJoCo's per-data warning kinds (<c>mjtWarning</c>), counted in <see cref="MjData.WarningCount"/>.</summary>
public enum MjWarning
{
    /// <summary>(Near) singular inertia matrix.</summary>
    Inertia = 0,
    /// <summary>Too many contacts for the contact list.</summary>
    ContactFull = 1,
    /// <summary>Too many constraints.</summary>
    ConstraintFull = 2,
    /// <summary>Too many visual geoms.</summary>
    VisualGeomFull = 3,
    /// <summary>NaN or huge value in qpos (MuJoCo resets the data).</summary>
    BadQpos = 4,
    /// <summary>NaN or huge value in qvel (MuJoCo resets the data).</summary>
    BadQvel = 5,
    /// <summary>NaN or huge value in qacc: the simulation became unstable (MuJoCo resets the data).</summary>
    BadQacc = 6,
    /// <summary>NaN or huge value in ctrl.</summary>
    BadCtrl = 7,
}
