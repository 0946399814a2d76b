using System.Runtime.InteropServices;
using Rl.Environments.MuJoCo.Native;

namespace Rl.Environments.MuJoCo;

/// <summary>
/// A MuJoCo simulation state (<c>mjData</c>) for one <see cref="MjModel"/>: positions, velocities, controls and everything
/// computed from them. <see cref="Step()"/> advances it by one model time step, deterministically: the same state and
/// controls always give the same next state, bit for bit.
/// </summary>
/// <remarks>
/// The span properties are zero-copy views of MuJoCo's arrays: write <see cref="Qpos"/>, <see cref="Qvel"/> and
/// <see cref="Ctrl"/> in place; read positions and forces after a step or <see cref="Forward"/>. A view is valid while this
/// object is alive and must not be kept past <see cref="SafeHandle.Dispose()"/>. One instance must be used by one thread at a
/// time; separate instances may be stepped on separate threads. The model stays alive until every data made from it is disposed.
/// </remarks>
public sealed unsafe class MjData : SafeHandle
{
    private readonly MjModel _model;
    private readonly MjModelNative* _m;

    /// <summary>Makes a simulation state at the model's default pose.</summary>
    /// <param name="model">The model to simulate.</param>
    /// <exception cref="MuJoCoException">If MuJoCo cannot allocate the data.</exception>
    public MjData(MjModel model) : base(0, ownsHandle: true)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _m = model.Native;
        bool added = false;
        // Keeps the native model alive as long as this data, whatever order the two are disposed in.
        model.DangerousAddRef(ref added);
        MjDataNative* d = MjApi.mj_makeData(_m);
        if (d == null)
        {
            model.DangerousRelease();
            throw new MuJoCoException($"{model.Source}: MuJoCo could not allocate mjData");
        }
        SetHandle((nint)d);
    }

    /// <summary>The model this state belongs to.</summary>
    public MjModel Model => _model;

    /// <inheritdoc />
    public override bool IsInvalid => handle == 0;

    internal MjDataNative* Native
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return (MjDataNative*)handle;
        }
    }

    /// <summary>Simulation time in seconds.</summary>
    public double Time
    {
        get => Native->time;
        set => Native->time = value;
    }

    /// <summary>Generalized positions (<c>Model.Nq</c> values), writable.</summary>
    public Span<double> Qpos => new(Native->qpos, _m->nq);

    /// <summary>Generalized velocities (<c>Model.Nv</c> values), writable.</summary>
    public Span<double> Qvel => new(Native->qvel, _m->nv);

    /// <summary>Generalized accelerations from the last step or <see cref="Forward"/> (<c>Model.Nv</c> values).</summary>
    public ReadOnlySpan<double> Qacc => new(Native->qacc, _m->nv);

    /// <summary>Actuator activations (<c>Model.Na</c> values), writable.</summary>
    public Span<double> Act => new(Native->act, _m->na);

    /// <summary>Actuator controls (<c>Model.Nu</c> values), writable; MuJoCo clamps them to each actuator's ctrlrange.</summary>
    public Span<double> Ctrl => new(Native->ctrl, _m->nu);

    /// <summary>Applied generalized forces (<c>Model.Nv</c> values), writable.</summary>
    public Span<double> QfrcApplied => new(Native->qfrc_applied, _m->nv);

    /// <summary>Applied Cartesian force and torque per body, flattened (<c>6·Model.NBody</c> values), writable.</summary>
    public Span<double> XfrcApplied => new(Native->xfrc_applied, 6 * _m->nbody);

    /// <summary>Cartesian position of each body's frame, flattened (x, y, z per body; <c>3·Model.NBody</c> values).</summary>
    public ReadOnlySpan<double> Xpos => new(Native->xpos, 3 * _m->nbody);

    /// <summary>Orientation quaternion (w, x, y, z) of each body's frame, flattened (<c>4·Model.NBody</c> values).</summary>
    public ReadOnlySpan<double> Xquat => new(Native->xquat, 4 * _m->nbody);

    /// <summary>Row-major 3x3 rotation matrix of each body's frame, flattened (<c>9·Model.NBody</c> values).</summary>
    public ReadOnlySpan<double> Xmat => new(Native->xmat, 9 * _m->nbody);

    /// <summary>Centre of mass of each body's subtree (the body and everything attached below it), flattened (<c>3·Model.NBody</c> values).</summary>
    public ReadOnlySpan<double> SubtreeCom => new(Native->subtree_com, 3 * _m->nbody);

    /// <summary>Cartesian position of each site, flattened (<c>3·Model.NSite</c> values).</summary>
    public ReadOnlySpan<double> SiteXpos => new(Native->site_xpos, 3 * _m->nsite);

    /// <summary>Centre of mass of each body (not of its subtree), flattened (<c>3·Model.NBody</c> values).</summary>
    public ReadOnlySpan<double> Xipos => new(Native->xipos, 3 * _m->nbody);

    /// <summary>Cartesian position of each geom, flattened (<c>3·Model.NGeom</c> values).</summary>
    public ReadOnlySpan<double> GeomXpos => new(Native->geom_xpos, 3 * _m->ngeom);

    /// <summary>Row-major 3x3 rotation matrix of each geom, flattened (<c>9·Model.NGeom</c> values).</summary>
    public ReadOnlySpan<double> GeomXmat => new(Native->geom_xmat, 9 * _m->ngeom);

    /// <summary>
    /// External (mostly contact) force on each body, com-based, as (torque x, y, z, force x, y, z), flattened
    /// (<c>6·Model.NBody</c> values). MuJoCo fills it only in <see cref="RnePostConstraint"/>: call that after stepping.
    /// </summary>
    public ReadOnlySpan<double> CfrcExt => new(Native->cfrc_ext, 6 * _m->nbody);

    /// <summary>Com-based inertia of each body (10 values per body: the 3x3 inertia's 6 distinct entries, 3 of mass times com offset, the mass), flattened (<c>10·Model.NBody</c> values).</summary>
    public ReadOnlySpan<double> Cinert => new(Native->cinert, 10 * _m->nbody);

    /// <summary>Com-based velocity of each body (angular x, y, z, then linear x, y, z), flattened (<c>6·Model.NBody</c> values).</summary>
    public ReadOnlySpan<double> Cvel => new(Native->cvel, 6 * _m->nbody);

    /// <summary>Generalized force of the actuators (<c>Model.Nv</c> values).</summary>
    public ReadOnlySpan<double> QfrcActuator => new(Native->qfrc_actuator, _m->nv);

    /// <summary>Generalized constraint force (limits, contacts; <c>Model.Nv</c> values).</summary>
    public ReadOnlySpan<double> QfrcConstraint => new(Native->qfrc_constraint, _m->nv);

    /// <summary>Length of each tendon (<c>Model.NTendon</c> values).</summary>
    public ReadOnlySpan<double> TendonLength => new(Native->ten_length, _m->ntendon);

    /// <summary>Velocity of each tendon (<c>Model.NTendon</c> values).</summary>
    public ReadOnlySpan<double> TendonVelocity => new(Native->ten_velocity, _m->ntendon);

    /// <summary>Number of contacts detected in the last step or <see cref="Forward"/>.</summary>
    public int ContactCount => Native->ncon;

    /// <summary>The geoms touching in contact <paramref name="index"/> and their signed distance (negative: penetration).</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="index"/> is not below <see cref="ContactCount"/>.</exception>
    public (int Geom1, int Geom2, double Distance) Contact(int index)
    {
        ref readonly MjContactNative c = ref ContactAt(index);
        return (c.geom1, c.geom2, c.dist);
    }

    /// <summary>The position of contact <paramref name="index"/> in world coordinates.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="index"/> is not below <see cref="ContactCount"/>.</exception>
    public (double X, double Y, double Z) ContactPosition(int index)
    {
        ref readonly MjContactNative c = ref ContactAt(index);
        return (c.pos[0], c.pos[1], c.pos[2]);
    }

    /// <summary>
    /// Writes the 6-D force of contact <paramref name="index"/> in the contact frame (normal force first, then the two tangential
    /// friction forces, then torques) into <paramref name="result"/>, via <c>mj_contactForce</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">If the index is not below <see cref="ContactCount"/>.</exception>
    /// <exception cref="ArgumentException">If <paramref name="result"/> has fewer than 6 elements.</exception>
    public void ContactForce(int index, Span<double> result)
    {
        ContactAt(index);
        if (result.Length < 6)
            throw new ArgumentException($"the contact force needs 6 elements but the buffer has {result.Length}", nameof(result));
        fixed (double* r = result) MjApi.mj_contactForce(_m, Native, index, r);
    }

    private ref readonly MjContactNative ContactAt(int index)
    {
        var d = Native;
        if ((uint)index >= (uint)d->ncon)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{_model.Source}: there are {d->ncon} contacts");
        return ref d->contact[index];
    }

    /// <summary>How many times MuJoCo raised a warning of this kind since the last reset (e.g. an unstable simulation).</summary>
    public int WarningCount(MjWarning kind)
    {
        if ((uint)kind >= 8) throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a MuJoCo warning kind");
        return Native->warning[(int)kind].number;
    }

    /// <summary>Advances the simulation by one model time step (<c>mj_step</c>).</summary>
    public void Step() => MjApi.mj_step(_m, Native);

    /// <summary>Advances the simulation by <paramref name="count"/> model time steps with the current controls.</summary>
    /// <exception cref="ArgumentOutOfRangeException">If <paramref name="count"/> is negative.</exception>
    public void Step(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var d = Native;
        for (int i = 0; i < count; i++) MjApi.mj_step(_m, d);
    }

    /// <summary>Computes positions, velocities, contacts and accelerations from the current state without advancing time.</summary>
    public void Forward() => MjApi.mj_forward(_m, Native);

    /// <summary>Computes <see cref="CfrcExt"/> (and the other com-based forces) for the current state (<c>mj_rnePostConstraint</c>).</summary>
    public void RnePostConstraint() => MjApi.mj_rnePostConstraint(_m, Native);

    /// <summary>Resets to the default pose with zero velocity, control and time (<c>mj_resetData</c>).</summary>
    public void Reset() => MjApi.mj_resetData(_m, Native);

    /// <summary>Copies the whole simulation state of <paramref name="source"/> (same model) into this one.</summary>
    /// <exception cref="ArgumentException">If <paramref name="source"/> belongs to another model.</exception>
    public void CopyFrom(MjData source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source._m != _m) throw new ArgumentException($"cannot copy data of model {source._model.Source} into data of model {_model.Source}", nameof(source));
        MjApi.mj_copyData(Native, _m, source.Native);
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        MjApi.mj_deleteData((MjDataNative*)handle);
        _model.DangerousRelease();
        return true;
    }
}
