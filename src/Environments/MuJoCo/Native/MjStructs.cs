using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Rl.Environments.MuJoCo.Native;

// Blittable mirrors of the leading parts of MuJoCo 2.2.2's structs, written from /usr/include/mujoco/mjmodel.h and mjdata.h.
// MuJoCo 2.2.2 exports no field accessors, so these layouts are the binding; the Rl.Environments.Tests MuJoCo layout tests
// assert every offset used here against offsetof() values from the 2.2.2 headers, and MjApi refuses any other library version.
// Field names keep MuJoCo's spelling so each line can be checked against the header.
#pragma warning disable IDE1006, CS0649 // C names; fields are written by native code

[InlineArray(2)] internal struct Double2 { private double _e; }
[InlineArray(3)] internal struct Double3 { private double _e; }
[InlineArray(5)] internal struct Double5 { private double _e; }
[InlineArray(9)] internal struct Double9 { private double _e; }
[InlineArray(36)] internal struct Double36 { private double _e; }

/// <summary>mjOption (240 bytes): physics options.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MjOptionNative
{
    public double timestep, apirate;
    public double impratio, tolerance, noslip_tolerance, mpr_tolerance;
    public Double3 gravity, wind, magnetic;
    public double density, viscosity;
    public double o_margin;
    public Double2 o_solref;
    public Double5 o_solimp;
    public int integrator, collision, cone, jacobian, solver, iterations, noslip_iterations, mpr_iterations, disableflags, enableflags;
}

/// <summary>mjVisual (560 bytes of floats and ints): not read by the binding, kept opaque.</summary>
[InlineArray(560)] internal struct MjVisualOpaque { private byte _e; }

/// <summary>mjStatistic (56 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MjStatisticNative
{
    public double meaninertia, meanmass, meansize, extent;
    public Double3 center;
}

/// <summary>The leading part of mjModel: sizes, options and the buffer pointers up to the geom arrays.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MjModelNative
{
    public int nq, nv, nu, na, nbody, njnt, ngeom, nsite, ncam, nlight;
    public int nmesh, nmeshvert, nmeshtexvert, nmeshface, nmeshgraph;
    public int nskin, nskinvert, nskintexvert, nskinface, nskinbone, nskinbonevert;
    public int nhfield, nhfielddata, ntex, ntexdata, nmat, npair, nexclude, neq, ntendon, nwrap, nsensor;
    public int nnumeric, nnumericdata, ntext, ntextdata, ntuple, ntupledata, nkey, nmocap;
    public int nuser_body, nuser_jnt, nuser_geom, nuser_site, nuser_cam, nuser_tendon, nuser_actuator, nuser_sensor, nnames;
    public int nM, nD, nemax, njmax, nconmax, nstack, nuserdata, nsensordata;
    public int nbuffer;

    public MjOptionNative opt;
    public MjVisualOpaque vis;
    public MjStatisticNative stat;

    public void* buffer;
    public double* qpos0, qpos_spring;

    public int* body_parentid, body_rootid, body_weldid, body_mocapid, body_jntnum, body_jntadr, body_dofnum, body_dofadr,
        body_geomnum, body_geomadr;
    public byte* body_simple, body_sameframe;
    public double* body_pos, body_quat, body_ipos, body_iquat, body_mass, body_subtreemass, body_inertia, body_invweight0, body_user;

    public int* jnt_type, jnt_qposadr, jnt_dofadr, jnt_bodyid, jnt_group;
    public byte* jnt_limited;
    public double* jnt_solref, jnt_solimp, jnt_pos, jnt_axis, jnt_stiffness, jnt_range, jnt_margin, jnt_user;

    public int* dof_bodyid, dof_jntid, dof_parentid, dof_Madr, dof_simplenum;
    public double* dof_solref, dof_solimp, dof_frictionloss, dof_armature, dof_damping, dof_invweight0, dof_M0;

    public int* geom_type, geom_contype, geom_conaffinity, geom_condim, geom_bodyid, geom_dataid, geom_matid, geom_group, geom_priority;
    public byte* geom_sameframe;
    public double* geom_solmix, geom_solref, geom_solimp, geom_size, geom_rbound, geom_pos, geom_quat, geom_friction, geom_margin,
        geom_gap, geom_fluid, geom_user;
    public float* geom_rgba;

    // Pointers the binding does not read are void*: only their count matters for the offsets of the ones it does.
    public void* site_type, site_bodyid, site_matid, site_group, site_sameframe, site_size, site_pos, site_quat, site_user, site_rgba;
    public void* cam_mode, cam_bodyid, cam_targetbodyid, cam_pos, cam_quat, cam_poscom0, cam_pos0, cam_mat0, cam_fovy, cam_ipd, cam_user;
    public void* light_mode, light_bodyid, light_targetbodyid, light_directional, light_castshadow, light_active, light_pos, light_dir,
        light_poscom0, light_pos0, light_dir0, light_attenuation, light_cutoff, light_exponent, light_ambient, light_diffuse, light_specular;
    public void* mesh_vertadr, mesh_vertnum, mesh_texcoordadr, mesh_faceadr, mesh_facenum, mesh_graphadr, mesh_vert, mesh_normal,
        mesh_texcoord, mesh_face, mesh_graph;
    public void* skin_matid, skin_group, skin_rgba, skin_inflate, skin_vertadr, skin_vertnum, skin_texcoordadr, skin_faceadr,
        skin_facenum, skin_boneadr, skin_bonenum, skin_vert, skin_texcoord, skin_face, skin_bonevertadr, skin_bonevertnum,
        skin_bonebindpos, skin_bonebindquat, skin_bonebodyid, skin_bonevertid, skin_bonevertweight;
    public void* hfield_size, hfield_nrow, hfield_ncol, hfield_adr, hfield_data;
    public void* tex_type, tex_height, tex_width, tex_adr, tex_rgb;
    public void* mat_texid, mat_texuniform, mat_texrepeat, mat_emission, mat_specular, mat_shininess, mat_reflectance, mat_rgba;
    public void* pair_dim, pair_geom1, pair_geom2, pair_signature, pair_solref, pair_solimp, pair_margin, pair_gap, pair_friction;
    public void* exclude_signature;
    public void* eq_type, eq_obj1id, eq_obj2id, eq_active, eq_solref, eq_solimp, eq_data;
    public void* tendon_adr, tendon_num, tendon_matid, tendon_group, tendon_limited, tendon_width, tendon_solref_lim, tendon_solimp_lim,
        tendon_solref_fri, tendon_solimp_fri, tendon_range, tendon_margin, tendon_stiffness, tendon_damping, tendon_frictionloss,
        tendon_lengthspring, tendon_length0, tendon_invweight0, tendon_user, tendon_rgba;
    public void* wrap_type, wrap_objid, wrap_prm;
    public void* actuator_trntype, actuator_dyntype, actuator_gaintype, actuator_biastype, actuator_trnid, actuator_group;
    public byte* actuator_ctrllimited, actuator_forcelimited, actuator_actlimited;
    public double* actuator_dynprm, actuator_gainprm, actuator_biasprm, actuator_ctrlrange;
    // mjModel continues (force and activation ranges, gears, sensors, ...); nothing past actuator_ctrlrange is mirrored.
}

/// <summary>mjWarningStat (8 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MjWarningStat { public int lastinfo, number; }

/// <summary>mjTimerStat (16 bytes with padding).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MjTimerStat { public double duration; public int number; }

/// <summary>mjSolverStat (40 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MjSolverStat { public double improvement, gradient, lineslope; public int nactive, nchange, neval, nupdate; }

[InlineArray(8)] internal struct MjWarningStats { private MjWarningStat _e; }   // mjNWARNING
[InlineArray(13)] internal struct MjTimerStats { private MjTimerStat _e; }      // mjNTIMER
[InlineArray(1000)] internal struct MjSolverStats { private MjSolverStat _e; }  // mjNSOLVER

/// <summary>The whole of mjData in 2.2.2 (41176 bytes): an info header, then pointers into its buffer.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MjDataNative
{
    public int nstack, nbuffer, pstack, maxuse_stack, maxuse_con, maxuse_efc;
    public MjWarningStats warning;
    public MjTimerStats timer;
    public MjSolverStats solver;
    public int solver_iter, solver_nnz;
    public Double2 solver_fwdinv;
    public int ne, nf, nefc, ncon;
    public double time;
    public Double2 energy;

    public void* buffer;
    public double* stack;

    public double* qpos, qvel, act, qacc_warmstart;
    public double* ctrl, qfrc_applied, xfrc_applied;
    public double* mocap_pos, mocap_quat;
    public double* qacc, act_dot;
    public double* userdata;
    public double* sensordata;

    public double* xpos, xquat, xmat, xipos, ximat, xanchor, xaxis, geom_xpos, geom_xmat, site_xpos, site_xmat, cam_xpos, cam_xmat,
        light_xpos, light_xdir;
    public double* subtree_com, cdof, cinert;
    public int* ten_wrapadr, ten_wrapnum, ten_J_rownnz, ten_J_rowadr, ten_J_colind;
    public double* ten_length, ten_J;
    public int* wrap_obj;
    public double* wrap_xpos;
    public double* actuator_length, actuator_moment;
    public double* crb, qM;
    public double* qLD, qLDiagInv, qLDiagSqrtInv;
    public MjContactNative* contact;
    public int* efc_type, efc_id, efc_J_rownnz, efc_J_rowadr, efc_J_rowsuper, efc_J_colind, efc_JT_rownnz, efc_JT_rowadr,
        efc_JT_rowsuper, efc_JT_colind;
    public double* efc_J, efc_JT, efc_pos, efc_margin, efc_frictionloss, efc_diagApprox, efc_KBIP, efc_D, efc_R;
    public int* efc_AR_rownnz, efc_AR_rowadr, efc_AR_colind;
    public double* efc_AR;

    public double* ten_velocity, actuator_velocity;
    public double* cvel, cdof_dot;
    public double* qfrc_bias;
    public double* qfrc_passive;
    public double* efc_vel, efc_aref;
    public double* subtree_linvel, subtree_angmom;
    public double* qH, qHDiagInv;
    public int* D_rownnz, D_rowadr, D_colind;
    public double* qDeriv;
    public double* qLU;

    public double* actuator_force, qfrc_actuator;
    public double* qfrc_smooth, qacc_smooth;
    public double* efc_b, efc_force;
    public int* efc_state;
    public double* qfrc_constraint;
    public double* qfrc_inverse;
    public double* cacc, cfrc_int, cfrc_ext;
}

/// <summary>mjContact (528 bytes): one detected contact.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MjContactNative
{
    public double dist;
    public Double3 pos;
    public Double9 frame;
    public double includemargin;
    public Double5 friction;
    public Double2 solref;
    public Double5 solimp;
    public double mu;
    public Double36 H;
    public int dim, geom1, geom2, exclude, efc_address;
}
