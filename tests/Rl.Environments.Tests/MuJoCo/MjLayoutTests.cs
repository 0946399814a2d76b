using Rl.Environments.MuJoCo;
using Rl.Environments.MuJoCo.Native;

namespace Rl.Environments.Tests.MuJoCo;

/// <summary>
/// The C# mirrors of mjModel/mjData must match MuJoCo 2.2.2 byte for byte. The expected offsets below were printed by a C
/// program compiled against /usr/include/mujoco (libmujoco-dev 2.2.2) with offsetof/sizeof (mujoco_offsets.c beside this file); the behavioural tests then read
/// values through the mirrors that only the right offsets can produce.
/// </summary>
public unsafe class MjLayoutTests
{
    private static long Offset<T>(T* baseAddress, void* field) where T : unmanaged => (byte*)field - (byte*)baseAddress;

    // Real (zeroed) memory: taking a field's address may touch the struct, so a made-up pointer would fault.
    private static T* Scratch<T>() where T : unmanaged => (T*)System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)sizeof(T));

    [Fact]
    public void ModelMirrorMatchesTheHeaders()
    {
        var m = Scratch<MjModelNative>();
        Assert.Equal(228, Offset(m, &m->nbuffer));
        Assert.Equal(232, Offset(m, &m->opt));
        Assert.Equal(472, Offset(m, &m->vis));
        Assert.Equal(1032, Offset(m, &m->stat));
        Assert.Equal(1088, Offset(m, &m->buffer));
        Assert.Equal(1096, Offset(m, &m->qpos0));
        Assert.Equal(1112, Offset(m, &m->body_parentid));
        Assert.Equal(1272, Offset(m, &m->body_user));
        Assert.Equal(1280, Offset(m, &m->jnt_type));
        Assert.Equal(1288, Offset(m, &m->jnt_qposadr));
        Assert.Equal(1384, Offset(m, &m->jnt_user));
        Assert.Equal(1392, Offset(m, &m->dof_bodyid));
        Assert.Equal(1480, Offset(m, &m->dof_M0));
        Assert.Equal(1488, Offset(m, &m->geom_type));
        Assert.Equal(1592, Offset(m, &m->geom_size));
        Assert.Equal(1664, Offset(m, &m->geom_rgba));
        Assert.Equal(1672, Offset(m, &m->site_type));
        Assert.Equal(2744, Offset(m, &m->actuator_ctrllimited));
        Assert.Equal(2792, Offset(m, &m->actuator_ctrlrange));
        Assert.Equal(240, sizeof(MjOptionNative));
        Assert.Equal(560, sizeof(MjVisualOpaque));
        Assert.Equal(56, sizeof(MjStatisticNative));
        var o = Scratch<MjOptionNative>();
        Assert.Equal(48, Offset(o, &o->gravity));
        Assert.Equal(200, Offset(o, &o->integrator));
        Assert.Equal(236, Offset(o, &o->enableflags));
        System.Runtime.InteropServices.NativeMemory.Free(m);
        System.Runtime.InteropServices.NativeMemory.Free(o);
    }

    [Fact]
    public void DataMirrorMatchesTheHeaders()
    {
        Assert.Equal(41176, sizeof(MjDataNative));
        var d = Scratch<MjDataNative>();
        Assert.Equal(24, Offset(d, &d->warning));
        Assert.Equal(88, Offset(d, &d->timer));
        Assert.Equal(296, Offset(d, &d->solver));
        Assert.Equal(40296, Offset(d, &d->solver_iter));
        Assert.Equal(40304, Offset(d, &d->solver_fwdinv));
        Assert.Equal(40320, Offset(d, &d->ne));
        Assert.Equal(40332, Offset(d, &d->ncon));
        Assert.Equal(40336, Offset(d, &d->time));
        Assert.Equal(40344, Offset(d, &d->energy));
        Assert.Equal(40360, Offset(d, &d->buffer));
        Assert.Equal(40376, Offset(d, &d->qpos));
        Assert.Equal(40384, Offset(d, &d->qvel));
        Assert.Equal(40408, Offset(d, &d->ctrl));
        Assert.Equal(40480, Offset(d, &d->xpos));
        Assert.Equal(40496, Offset(d, &d->xmat));
        Assert.Equal(40536, Offset(d, &d->geom_xpos));
        Assert.Equal(40544, Offset(d, &d->geom_xmat));
        Assert.Equal(40752, Offset(d, &d->contact));
        Assert.Equal(40760, Offset(d, &d->efc_type));
        Assert.Equal(41160, Offset(d, &d->cfrc_int));
        Assert.Equal(41168, Offset(d, &d->cfrc_ext));
        System.Runtime.InteropServices.NativeMemory.Free(d);
    }

    [Fact]
    public void ContactMirrorMatchesTheHeaders()
    {
        Assert.Equal(528, sizeof(MjContactNative));
        var c = Scratch<MjContactNative>();
        Assert.Equal(8, Offset(c, &c->pos));
        Assert.Equal(32, Offset(c, &c->frame));
        Assert.Equal(112, Offset(c, &c->friction));
        Assert.Equal(208, Offset(c, &c->mu));
        Assert.Equal(216, Offset(c, &c->H));
        Assert.Equal(504, Offset(c, &c->dim));
        Assert.Equal(508, Offset(c, &c->geom1));
        Assert.Equal(512, Offset(c, &c->geom2));
        Assert.Equal(520, Offset(c, &c->efc_address));
        System.Runtime.InteropServices.NativeMemory.Free(c);
    }

    [Fact]
    public void TheLibraryIsTheMirroredVersion() => Assert.Equal("2.2.2", MjApi.VersionString);

    // A timestep of 2^-9 makes every partial sum of the time exact, so N steps must give exactly N * timestep.
    private const string FallingBox = """
        <mujoco model="falling-box">
          <option timestep="0.001953125" gravity="0 0 -8" integrator="Euler"/>
          <worldbody>
            <geom name="floor" type="plane" size="5 5 0.1"/>
            <body name="box" pos="0 0 3">
              <joint name="lift" type="slide" axis="0 0 1"/>
              <joint name="spin" type="hinge" axis="0 1 0"/>
              <geom name="box_geom" type="box" size="0.1 0.2 0.3" mass="2" rgba="0.25 0.5 0.75 1"/>
            </body>
          </worldbody>
          <actuator><motor name="push" joint="lift" gear="4"/></actuator>
        </mujoco>
        """;

    [Fact]
    public void TimeAfterNStepsIsExactlyNTimesTheTimestep()
    {
        using var model = MjModel.FromXmlString(FallingBox);
        using var data = model.MakeData();
        Assert.Equal(0.001953125, model.Timestep);
        for (int n = 1; n <= 300; n++)
        {
            data.Step();
            Assert.Equal(n * model.Timestep, data.Time);
        }
    }

    [Fact]
    public void ModelSizesAndArraysReadThroughTheMirror()
    {
        using var model = MjModel.FromXmlString(FallingBox);
        Assert.Equal((2, 2, 1, 2, 2, 2), (model.Nq, model.Nv, model.Nu, model.NBody, model.NJoint, model.NGeom));
        Assert.Equal([0.0, 0.0, -8.0], model.Gravity.ToArray());
        Assert.Equal([0, 1], model.JointQposAddress.ToArray());
        Assert.Equal([(int)MjJointType.Slide, (int)MjJointType.Hinge], model.JointType.ToArray());
        int box = model.GetId(MjObjectType.Geom, "box_geom");
        Assert.Equal((int)MjGeomType.Box, model.GeomType[box]);
        Assert.Equal([0.1, 0.2, 0.3], model.GeomSize.Slice(3 * box, 3).ToArray());
        Assert.Equal([0.25f, 0.5f, 0.75f, 1f], model.GeomRgba.Slice(4 * box, 4).ToArray());
        Assert.Equal(model.GetId(MjObjectType.Body, "box"), model.GeomBodyId[box]);
        Assert.Equal(2.0, model.BodyMass[1], 12);
        Assert.Equal("lift", model.GetName(MjObjectType.Joint, 0));
    }

    [Fact]
    public void FreeFallWithMotorMatchesSemiImplicitEulerByHand()
    {
        using var model = MjModel.FromXmlString(FallingBox);
        using var data = model.MakeData();
        data.Ctrl[0] = 0.5; // 0.5 * gear 4 = 2 N up on 2 kg: net acceleration -8 + 1 = -7 m/s²
        double h = model.Timestep, z = 0, v = 0;
        for (int i = 0; i < 100; i++)
        {
            data.Step();
            v += h * -7.0; // MuJoCo's Euler: velocity first, then position with the new velocity
            z += h * v;
        }
        Assert.Equal(v, data.Qvel[0], 12);
        Assert.Equal(z, data.Qpos[0], 12);
        Assert.Equal(-7.0, data.Qacc[0], 9);
        // mj_step computes positions before integrating, so Xpos lags qpos until the next forward pass.
        Assert.NotEqual(3 + z, data.Xpos[3 + 2]);
        data.Forward();
        // Body 1's frame sits at its model position (0, 0, 3) shifted by the slide joint.
        Assert.Equal(3 + z, data.Xpos[3 + 2], 12);
        Assert.Equal(0.0, data.Xpos[3 + 0], 12);
    }

    [Fact]
    public void ContactsAndContactForcesOfABoxRestingOnTheFloor()
    {
        using var model = MjModel.FromXmlString(FallingBox.Replace("pos=\"0 0 3\"", "pos=\"0 0 0.3\""));
        using var data = model.MakeData();
        data.Step(1000); // settle
        Assert.True(data.ContactCount >= 1);
        int floor = model.GetId(MjObjectType.Geom, "floor"), box = model.GetId(MjObjectType.Geom, "box_geom");
        double normalSum = 0;
        Span<double> force = stackalloc double[6];
        for (int i = 0; i < data.ContactCount; i++)
        {
            var (g1, g2, dist) = data.Contact(i);
            Assert.Equal((floor, box), (g1, g2));
            Assert.InRange(dist, -0.01, 0.001);
            Assert.InRange(data.ContactPosition(i).Z, -0.01, 0.01);
            data.ContactForce(i, force);
            normalSum += force[0];
        }
        Assert.Equal(2 * 8.0, normalSum, 1); // the floor carries the weight m g
        data.RnePostConstraint();
        Assert.Equal(2 * 8.0, data.CfrcExt[6 + 5], 1); // body 1: (torque xyz, force xyz), upward force m g
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Contact(data.ContactCount));
    }

    [Fact]
    public void UnstableStateIsCountedAsAWarningNotAFatalError()
    {
        using var model = MjModel.FromXmlString(FallingBox);
        using var data = model.MakeData();
        data.Qvel[0] = double.NaN;
        data.Step();
        Assert.True(data.WarningCount(MjWarning.BadQvel) > 0);
        Assert.Contains("QVEL", MjApi.LastWarning ?? "", StringComparison.OrdinalIgnoreCase);
        data.Reset();
        Assert.Equal(0, data.WarningCount(MjWarning.BadQvel));
        Assert.Equal(0.0, data.Time);
    }
}
