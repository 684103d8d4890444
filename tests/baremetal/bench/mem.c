/* Memory: copies, strided reads and a pointer chase over 1 MiB, through picolibc's memcpy/memset. */
#include <string.h>
#define BENCH_NAME "mem"
#define BENCH_REPS 20
#include "bench.h"

#define N (1 << 17)
static uint64_t a[N], b[N];
static uint32_t next_idx[N];

static uint64_t bench_work(void) {
  uint64_t sum = 0;
  for (int i = 0; i < N; i++) a[i] = (uint64_t)i * 0x9e3779b97f4a7c15UL;
  for (int rep = 0; rep < 2; rep++) {
    memcpy(b, a, sizeof a);
    memset(a, rep, sizeof a / 2);
    for (int i = 0; i < N; i += 8) sum += b[i] ^ a[(i * 5) & (N - 1)];
  }
  /* A random cyclic permutation, then chase it. */
  for (int i = 0; i < N; i++) next_idx[i] = (uint32_t)i;
  uint64_t x = 88172645463325252UL;
  for (int i = N - 1; i > 0; i--) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    int j = (int)(x % (uint64_t)i);
    uint32_t t = next_idx[i]; next_idx[i] = next_idx[j]; next_idx[j] = t;
  }
  uint32_t p = 0;
  for (int i = 0; i < N; i++) { p = next_idx[p]; sum += p; }
  return sum;
}
