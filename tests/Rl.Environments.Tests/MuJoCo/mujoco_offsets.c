// Prints the mjModel/mjData/mjContact offsets that MjLayoutTests.cs asserts, from the installed MuJoCo headers.
// Run: apt-get install libmujoco-dev && gcc mujoco_offsets.c -o /tmp/mujoco_offsets -lmujoco && /tmp/mujoco_offsets
#include <stdio.h>
#include <stddef.h>
#include <mujoco/mujoco.h>
#define M(f) printf("mjModel.%s %zu\n", #f, offsetof(mjModel, f));
#define D(f) printf("mjData.%s %zu\n", #f, offsetof(mjData, f));
#define C(f) printf("mjContact.%s %zu\n", #f, offsetof(mjContact, f));
int main(){
 printf("sizeof mjModel %zu mjData %zu mjOption %zu mjVisual %zu mjStatistic %zu mjContact %zu mjVFS %zu\n", sizeof(mjModel), sizeof(mjData), sizeof(mjOption), sizeof(mjVisual), sizeof(mjStatistic), sizeof(mjContact), sizeof(mjVFS));
 M(nq) M(nbuffer) M(opt) M(vis) M(stat) M(buffer) M(qpos0) M(body_parentid) M(body_user) M(jnt_type) M(jnt_qposadr) M(jnt_user) M(dof_bodyid) M(dof_M0) M(geom_type) M(geom_size) M(geom_rgba) M(site_type) M(actuator_ctrllimited) M(actuator_ctrlrange)
 printf("mjOption.timestep %zu gravity %zu integrator %zu enableflags %zu\n", offsetof(mjOption,timestep), offsetof(mjOption,gravity), offsetof(mjOption,integrator), offsetof(mjOption,enableflags));
 D(nstack) D(warning) D(timer) D(solver) D(solver_iter) D(solver_fwdinv) D(ne) D(ncon) D(time) D(energy) D(buffer) D(qpos) D(qvel) D(ctrl) D(xpos) D(xmat) D(geom_xpos) D(geom_xmat) D(contact) D(efc_type) D(cfrc_int) D(cfrc_ext)
 C(dist) C(pos) C(frame) C(friction) C(mu) C(H) C(dim) C(geom1) C(geom2) C(exclude) C(efc_address)
 printf("version %d\n", mj_version());
}
