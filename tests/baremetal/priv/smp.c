/* Two harts (run with -smp 2): every hart starts at the entry with a0 = its mhartid;
 * AMOs and LR/SC loops from both harts on shared counters lose no update (A chapter:
 * AMOs are atomic; an LR/SC loop eventually succeeds); a hart parked in WFI with
 * mie.MSIE set wakes when another hart writes its CLINT msip, and mip.MSIP shows it. */
#include "rt.h"

#define HARTS 2
#define N_AMO 20000
#define N_LRSC 5000

static volatile uint64_t amo_counter, lrsc_counter;
static volatile uint64_t done[HARTS], hartid_seen[HARTS], woken[HARTS];

static void hammer(uint64_t h) {
  for (int i = 0; i < N_AMO; i++) __atomic_fetch_add(&amo_counter, 1, __ATOMIC_RELAXED);
  for (int i = 0; i < N_LRSC; i++) {
    uint64_t v, fail;
    do {
      __asm__ volatile("lr.d %0, (%2)\n addi %0, %0, 1\n sc.d %1, %0, (%2)"
                       : "=&r"(v), "=&r"(fail) : "r"(&lrsc_counter) : "memory");
    } while (fail);
  }
  hartid_seen[h] = csr_read(mhartid) + 1;
  __atomic_store_n(&done[h], 1, __ATOMIC_RELEASE);
}

void rt_secondary(uint64_t h) {
  if (h >= HARTS) return;
  hammer(h);
  /* Wait for an IPI: MSIE on, MIE off, so WFI returns without a trap. */
  csr_set(mie, 1UL << IRQ_M_SOFT);
  while (!(csr_read(mip) & (1UL << IRQ_M_SOFT))) __asm__ volatile("wfi");
  mmio_write32(CLINT_MSIP(h), 0);
  __atomic_store_n(&woken[h], 1, __ATOMIC_RELEASE);
}

static int wait_flag(volatile uint64_t *flag) {
  uint64_t end = mmio_read64(CLINT_MTIME) + 50000000;   /* 5 s of mtime at most */
  while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE)) if (mmio_read64(CLINT_MTIME) > end) return 0;
  return 1;
}

int main(void) {
  hammer(0);
  rt_check("hart 1 finished", wait_flag(&done[1]));
  rt_check_eq("hart 0 mhartid", hartid_seen[0], 1);
  rt_check_eq("hart 1 mhartid (a0 at entry)", hartid_seen[1], 2);
  rt_check_eq("amoadd.d from both harts: no lost update", amo_counter, (uint64_t)HARTS * N_AMO);
  rt_check_eq("lr.d/sc.d loops from both harts: no lost update", lrsc_counter, (uint64_t)HARTS * N_LRSC);
  mmio_write32(CLINT_MSIP(1), 1);
  rt_check("hart 1 woke from WFI on its msip", wait_flag(&woken[1]));
  rt_check_eq("hart 1 cleared its msip", mmio_read32(CLINT_MSIP(1)), 0);
  rt_check_eq("hart 0 msip untouched", mmio_read32(CLINT_MSIP(0)), 0);
  return rt_done();
}
