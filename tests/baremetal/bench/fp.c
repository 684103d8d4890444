/* Floating point: a small n-body step loop (double), a float dot product, sqrt and division. */
#define BENCH_NAME "fp"
#define BENCH_REPS 27
#include "bench.h"

#define NB 5
static double px[NB], py[NB], pz[NB], vx[NB], vy[NB], vz[NB], m[NB];

static double fsqrt(double x) { double r; __asm__("fsqrt.d %0, %1" : "=f"(r) : "f"(x)); return r; }

static uint64_t bench_work(void) {
  for (int i = 0; i < NB; i++) {
    px[i] = i * 1.5; py[i] = i * -0.75 + 0.25; pz[i] = i * 0.125;
    vx[i] = 0.01 * i; vy[i] = -0.02 * i; vz[i] = 0.005; m[i] = 1.0 + i * 0.1;
  }
  for (int step = 0; step < 20000; step++) {
    for (int i = 0; i < NB; i++)
      for (int j = i + 1; j < NB; j++) {
        double dx = px[i] - px[j], dy = py[i] - py[j], dz = pz[i] - pz[j];
        double d2 = dx * dx + dy * dy + dz * dz + 0.01;
        double mag = 0.001 / (d2 * fsqrt(d2));
        vx[i] -= dx * m[j] * mag; vy[i] -= dy * m[j] * mag; vz[i] -= dz * m[j] * mag;
        vx[j] += dx * m[i] * mag; vy[j] += dy * m[i] * mag; vz[j] += dz * m[i] * mag;
      }
    for (int i = 0; i < NB; i++) { px[i] += 0.001 * vx[i]; py[i] += 0.001 * vy[i]; pz[i] += 0.001 * vz[i]; }
  }
  static float fa[4096], fb[4096];
  for (int i = 0; i < 4096; i++) { fa[i] = (float)i * 0.5f; fb[i] = 1.0f / (float)(i + 1); }
  float dot = 0;
  for (int rep = 0; rep < 50; rep++) for (int i = 0; i < 4096; i++) dot += fa[i] * fb[i];
  double e = 0;
  for (int i = 0; i < NB; i++) e += m[i] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i]);
  union { double d; uint64_t u; } ue = { e };
  union { float f; uint32_t u; } ud = { dot };
  return ue.u ^ ((uint64_t)ud.u << 17);
}
