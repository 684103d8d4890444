/* Branch-heavy code: quicksort, binary search, and a bytecode interpreter loop. */
#define BENCH_NAME "branchy"
#define BENCH_REPS 20
#include "bench.h"

#define N 40000
static int32_t v[N];

static void qsort_i(int32_t *x, int lo, int hi) {
  while (lo < hi) {
    int32_t pivot = x[(lo + hi) / 2];
    int i = lo, j = hi;
    while (i <= j) {
      while (x[i] < pivot) i++;
      while (x[j] > pivot) j--;
      if (i <= j) { int32_t t = x[i]; x[i] = x[j]; x[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { qsort_i(x, lo, j); lo = i; } else { qsort_i(x, i, hi); hi = j; }
  }
}

static int interp(const uint8_t *code, int n, int64_t acc) {
  int64_t r[4] = { acc, 1, 2, 3 };
  for (int step = 0; step < 200000; step++) {
    uint8_t op = code[step % n];
    switch (op & 7) {
      case 0: r[op >> 6] += r[(op >> 4) & 3]; break;
      case 1: r[op >> 6] ^= r[(op >> 4) & 3] << 1; break;
      case 2: if (r[0] & 1) r[1]++; else r[2]--; break;
      case 3: r[op >> 6] = r[op >> 6] * 3 + 1; break;
      case 4: r[3] = r[0] > r[1] ? r[0] : r[1]; break;
      case 5: r[2] >>= 1; break;
      case 6: r[1] -= r[3]; break;
      default: r[0] += step; break;
    }
  }
  return (int)(r[0] ^ r[1] ^ r[2] ^ r[3]);
}

static uint64_t bench_work(void) {
  uint64_t sum = 0;
  uint32_t x = 12345;
  for (int rep = 0; rep < 3; rep++) {
    for (int i = 0; i < N; i++) { x = x * 1103515245u + 12345u; v[i] = (int32_t)(x >> 1); }
    qsort_i(v, 0, N - 1);
    for (int i = 0; i < N; i += 97) {
      int lo = 0, hi = N - 1, key = v[i];
      while (lo < hi) { int mid = (lo + hi) / 2; if (v[mid] < key) lo = mid + 1; else hi = mid; }
      sum += (uint64_t)lo;
    }
  }
  uint8_t code[61];
  for (int i = 0; i < 61; i++) { x = x * 1103515245u + 12345u; code[i] = (uint8_t)(x >> 16); }
  sum += (uint64_t)interp(code, 61, 7);
  return sum;
}
