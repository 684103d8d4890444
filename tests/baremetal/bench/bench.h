/* Shared harness for the `pnpm bench` workloads. Each workload defines BENCH_NAME, BENCH_REPS
 * and `static uint64_t bench_work(void)` (one pass, returning a checksum), then includes this
 * file (a workload with its own main, like paging.c, defines no BENCH_NAME), whose main() runs the pass BENCH_REPS times and prints one line
 *   bench <name> instret=<minstret delta> ticks=<time CSR delta> checksum=<hex>
 * and exits 0. instret and ticks cover the repetitions only (not the runtime's start-up), so
 * with a wall clock behind the time CSR (10 MHz on virt) ticks give the steady-state speed.
 * The checksum keeps the compiler honest and lets QEMU and tsvisor be compared. */
#ifndef BENCH_H
#define BENCH_H
#include <stdint.h>
#include "rt.h"

static inline uint64_t bench_instret(void) { return csr_read(minstret); }

#ifdef BENCH_NAME
static uint64_t bench_work(void);

int main(void) {
  uint64_t t0 = csr_read(time), i0 = bench_instret(), sum = 0;
  for (int rep = 0; rep < BENCH_REPS; rep++) sum = ((sum << 7) | (sum >> 57)) ^ bench_work();
  uint64_t n = bench_instret() - i0, t = csr_read(time) - t0;
  rt_puts("bench " BENCH_NAME " instret="); rt_putdec((int64_t)n);
  rt_puts(" ticks="); rt_putdec((int64_t)t);
  rt_puts(" checksum="); rt_puthex(sum); rt_putc('\n');
  return 0;
}
#endif /* BENCH_NAME */
#endif
