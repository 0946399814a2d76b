// Prints the struct sizes and field offsets that src/Rendering/MuJoCo/MjrApi.cs uses, from the installed MuJoCo headers.
// Run: apt-get install libmujoco-dev && gcc mujoco_render_offsets.c -o /tmp/mro -lmujoco && /tmp/mro
// Printed with 2.2.2: mjvScene 8656 mjrContext 2304 mjvCamera 64 mjvOption 68 mjvPerturb 104;
// camera type 0 trackbodyid 8 lookat 16 distance 40 azimuth 48 elevation 56; scene ngeom 4 nlight 72;
// context offWidth 40 offHeight 44 offSamples 48; model vis.global.offwidth 496 offheight 500.
#include <stdio.h>
#include <stddef.h>
#include <mujoco/mujoco.h>
int main(void) {
  printf("mjvScene %zu mjrContext %zu mjvCamera %zu mjvOption %zu mjvPerturb %zu\n",
         sizeof(mjvScene), sizeof(mjrContext), sizeof(mjvCamera), sizeof(mjvOption), sizeof(mjvPerturb));
  printf("camera type %zu trackbodyid %zu lookat %zu distance %zu azimuth %zu elevation %zu\n",
         offsetof(mjvCamera, type), offsetof(mjvCamera, trackbodyid), offsetof(mjvCamera, lookat),
         offsetof(mjvCamera, distance), offsetof(mjvCamera, azimuth), offsetof(mjvCamera, elevation));
  printf("scene ngeom %zu nlight %zu\n", offsetof(mjvScene, ngeom), offsetof(mjvScene, nlight));
  printf("context offWidth %zu offHeight %zu offSamples %zu\n",
         offsetof(mjrContext, offWidth), offsetof(mjrContext, offHeight), offsetof(mjrContext, offSamples));
  printf("model vis.global.offwidth %zu offheight %zu\n",
         offsetof(mjModel, vis) + offsetof(mjVisual, global) + offsetof(__typeof__(((mjVisual*)0)->global), offwidth),
         offsetof(mjModel, vis) + offsetof(mjVisual, global) + offsetof(__typeof__(((mjVisual*)0)->global), offheight));
  printf("mjCAMERA_TRACKING %d mjFB_OFFSCREEN %d mjCAT_ALL %d\n", mjCAMERA_TRACKING, mjFB_OFFSCREEN, mjCAT_ALL);
  return 0;
}
