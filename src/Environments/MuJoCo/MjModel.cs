using System.Runtime.InteropServices;
using System.Text;
using Rl.Environments.MuJoCo.Native;

namespace Rl.Environments.MuJoCo;

/// <summary>
/// A compiled MuJoCo model (<c>mjModel</c>): the constant description of a system (bodies, joints, geoms, actuators, options).
/// Load one from MJCF text or a file; make any number of <see cref="MjData"/> simulation states from it. Disposing releases
/// the native model once no <see cref="MjData"/> made from it is alive; disposing twice is harmless.
/// </summary>
/// <remarks>
/// Span properties are zero-copy views of MuJoCo's memory: they are valid while the model is alive and must not be kept past
/// <see cref="SafeHandle.Dispose()"/>. A model is read-only during stepping, so several <see cref="MjData"/> may be stepped from
/// it on separate threads.
/// </remarks>
public sealed unsafe class MjModel : SafeHandle
{
    private static long _tempCounter;
    private volatile bool _disposed;

    private MjModel(MjModelNative* native, string source) : base(0, ownsHandle: true)
    {
        SetHandle((nint)native);
        Source = source;
    }

    /// <summary>Where the model came from (a file path, or a short label for a string), for messages.</summary>
    public string Source { get; }

    /// <inheritdoc />
    public override bool IsInvalid => handle == 0;

    /// <summary>Compiles a model from MJCF text.</summary>
    /// <param name="mjcf">The XML of a <c>&lt;mujoco&gt;</c> model; file references inside resolve against the temp folder.</param>
    /// <param name="label">A name for messages (default "MJCF string").</param>
    /// <exception cref="MuJoCoException">If MuJoCo rejects the model; the message is MuJoCo's (parse or compile error).</exception>
    /// <exception cref="DllNotFoundException">If libmujoco 2.2.2 is not installed (the message gives the apt-get command).</exception>
    public static MjModel FromXmlString(string mjcf, string label = "MJCF string")
    {
        ArgumentNullException.ThrowIfNull(mjcf);
        MjApi.EnsureLoaded();
        // MuJoCo 2.2.2 reads MJCF only from a path (or a virtual file system of 2 MB); a private temp file is simplest.
        string path = Path.Combine(Path.GetTempPath(),
            $"rl-mjcf-{Environment.ProcessId}-{Interlocked.Increment(ref _tempCounter)}.xml");
        File.WriteAllText(path, mjcf, new UTF8Encoding(false));
        try
        {
            return Load(path, label);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Compiles a model from an MJCF file.</summary>
    /// <param name="path">Path of the XML file.</param>
    /// <exception cref="FileNotFoundException">If the file does not exist.</exception>
    /// <exception cref="MuJoCoException">If MuJoCo rejects the model; the message is MuJoCo's.</exception>
    /// <exception cref="DllNotFoundException">If libmujoco 2.2.2 is not installed (the message gives the apt-get command).</exception>
    public static MjModel FromXmlFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"MuJoCo model file '{full}' does not exist", full);
        MjApi.EnsureLoaded();
        return Load(full, full);
    }

    private static MjModel Load(string path, string label)
    {
        const int errorSize = 1000;
        byte* error = stackalloc byte[errorSize];
        error[0] = 0;
        byte[] pathBytes = Encoding.UTF8.GetBytes(path + "\0");
        MjModelNative* model;
        fixed (byte* p = pathBytes)
        {
            lock (MjApi.CompileGate) model = MjApi.mj_loadXML(p, null, error, errorSize);
        }
        if (model == null)
        {
            string message = (Marshal.PtrToStringUTF8((nint)error) ?? "").Trim();
            throw new MuJoCoException($"MuJoCo could not load the model from {label}: {(message.Length > 0 ? message : "(no message)")}");
        }
        return new MjModel(model, label);
    }

    internal MjModelNative* Native
    {
        get
        {
            // IsClosed stays false while an MjData still holds a reference, but the caller's Dispose ends this object's use.
            ObjectDisposedException.ThrowIf(_disposed || IsClosed, this);
            return (MjModelNative*)handle;
        }
    }

    /// <summary>Number of generalized coordinates (length of qpos).</summary>
    public int Nq => Native->nq;

    /// <summary>Number of degrees of freedom (length of qvel).</summary>
    public int Nv => Native->nv;

    /// <summary>Number of actuators (length of ctrl).</summary>
    public int Nu => Native->nu;

    /// <summary>Number of actuator activation states.</summary>
    public int Na => Native->na;

    /// <summary>Number of bodies, including the world body (id 0).</summary>
    public int NBody => Native->nbody;

    /// <summary>Number of joints.</summary>
    public int NJoint => Native->njnt;

    /// <summary>Number of geoms.</summary>
    public int NGeom => Native->ngeom;

    /// <summary>The simulation time step in seconds (<c>opt.timestep</c>); may be changed between steps.</summary>
    public double Timestep
    {
        get => Native->opt.timestep;
        set
        {
            if (!(value > 0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, $"{Source}: the timestep must be positive and finite");
            Native->opt.timestep = value;
        }
    }

    /// <summary>Gravity (x, y, z) in m/s².</summary>
    public ReadOnlySpan<double> Gravity => new((double*)&Native->opt.gravity, 3);

    /// <summary>The default pose (qpos at the model's reference configuration; <c>Nq</c> values).</summary>
    public ReadOnlySpan<double> Qpos0 => new(Native->qpos0, Nq);

    /// <summary>Each body's parent body id (<c>NBody</c> values; the world's parent is itself).</summary>
    public ReadOnlySpan<int> BodyParentId => new(Native->body_parentid, NBody);

    /// <summary>Each body's mass in kg (<c>NBody</c> values).</summary>
    public ReadOnlySpan<double> BodyMass => new(Native->body_mass, NBody);

    /// <summary>Each joint's type as <see cref="MjJointType"/> values (<c>NJoint</c> values).</summary>
    public ReadOnlySpan<int> JointType => new(Native->jnt_type, NJoint);

    /// <summary>Each joint's first index in qpos (<c>NJoint</c> values).</summary>
    public ReadOnlySpan<int> JointQposAddress => new(Native->jnt_qposadr, NJoint);

    /// <summary>Each joint's first index in qvel (<c>NJoint</c> values).</summary>
    public ReadOnlySpan<int> JointDofAddress => new(Native->jnt_dofadr, NJoint);

    /// <summary>Each joint's range (low, high) in radians or metres, flattened (<c>2·NJoint</c> values; unused when not limited).</summary>
    public ReadOnlySpan<double> JointRange => new(Native->jnt_range, 2 * NJoint);

    /// <summary>Each geom's shape as <see cref="MjGeomType"/> values (<c>NGeom</c> values).</summary>
    public ReadOnlySpan<int> GeomType => new(Native->geom_type, NGeom);

    /// <summary>Each geom's body id (<c>NGeom</c> values).</summary>
    public ReadOnlySpan<int> GeomBodyId => new(Native->geom_bodyid, NGeom);

    /// <summary>Each geom's size parameters, flattened (<c>3·NGeom</c> values; meaning per <see cref="MjGeomType"/>).</summary>
    public ReadOnlySpan<double> GeomSize => new(Native->geom_size, 3 * NGeom);

    /// <summary>Each geom's position in its body's frame, flattened (<c>3·NGeom</c> values).</summary>
    public ReadOnlySpan<double> GeomPosition => new(Native->geom_pos, 3 * NGeom);

    /// <summary>Each geom's orientation quaternion (w, x, y, z) in its body's frame, flattened (<c>4·NGeom</c> values).</summary>
    public ReadOnlySpan<double> GeomQuaternion => new(Native->geom_quat, 4 * NGeom);

    /// <summary>Each geom's colour (r, g, b, a in [0, 1]), flattened (<c>4·NGeom</c> values).</summary>
    public ReadOnlySpan<float> GeomRgba => new(Native->geom_rgba, 4 * NGeom);

    /// <summary>Number of tendons.</summary>
    public int NTendon => Native->ntendon;

    /// <summary>Number of sites.</summary>
    public int NSite => Native->nsite;

    /// <summary>Each actuator's control range (low, high), flattened (<c>2·Nu</c> values; meaningful where <see cref="ActuatorCtrlLimited"/>).</summary>
    public ReadOnlySpan<double> ActuatorCtrlRange => new(Native->actuator_ctrlrange, 2 * Nu);

    /// <summary>Whether each actuator's control is clamped to its range (<c>Nu</c> values, 0 or 1).</summary>
    public ReadOnlySpan<byte> ActuatorCtrlLimited => new(Native->actuator_ctrllimited, Nu);

    /// <summary>The id of a named object, or -1 when the model has none of that name.</summary>
    public int TryGetId(MjObjectType type, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        byte[] bytes = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = bytes) return MjApi.mj_name2id(Native, (int)type, p);
    }

    /// <summary>The id of a named object.</summary>
    /// <exception cref="MuJoCoException">If the model has no object of that type and name.</exception>
    public int GetId(MjObjectType type, string name)
    {
        int id = TryGetId(type, name);
        if (id < 0) throw new MuJoCoException($"{Source}: the model has no {type.ToString().ToLowerInvariant()} named '{name}'");
        return id;
    }

    /// <summary>The name of an object, or null when it has none.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="id"/> is negative.</exception>
    public string? GetName(MjObjectType type, int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        byte* p = MjApi.mj_id2name(Native, (int)type, id);
        return p == null ? null : Marshal.PtrToStringUTF8((nint)p);
    }

    /// <summary>Makes a new simulation state for this model, at the default pose.</summary>
    public MjData MakeData() => new(this);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        base.Dispose(disposing);
    }

    /// <summary>Whether <see cref="SafeHandle.Dispose()"/> was called (the native model may live on while data made from it do).</summary>
    public bool IsDisposed => _disposed || IsClosed;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        MjApi.mj_deleteModel((MjModelNative*)handle);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => IsDisposed ? $"MjModel({Source}, disposed)" : $"MjModel({Source}, nq={Nq}, nv={Nv}, nu={Nu}, nbody={NBody})";
}
