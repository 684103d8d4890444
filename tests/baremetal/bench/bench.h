/* Shared helpers for the `pnpm bench` workloads: each prints one line
 *   bench <name> instret=<minstret delta> checksum=<hex>
 * and exits 0. The checksum keeps the compiler honest and lets QEMU and tsvisor be compared. */
#ifndef BENCH_H
#define BENCH_H
#include <stdint.h>
#include "rt.h"

static inline uint64_t bench_instret(void) { return csr_read(minstret); }

static inline int bench_report(const char *name, uint64_t start, uint64_t checksum) {
  uint64_t n = bench_instret() - start;
  rt_puts("bench "); rt_puts(name); rt_puts(" instret="); rt_putdec((int64_t)n);
  rt_puts(" checksum="); rt_puthex(checksum); rt_putc('\n');
  return 0;
}
#endif
