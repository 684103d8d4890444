/* PMP basics (priv spec, "Physical Memory Protection"): NAPOT and TOR regions, R/W/X
 * permissions for S and U, static priority (lowest-numbered match wins), M mode
 * unaffected by unlocked entries, no-match fails for S/U, and locked entries binding M. */
#include "rt.h"

#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_TOR 0x08
#define PMP_NAPOT 0x18
#define PMP_L 0x80

static uint8_t page_ro[4096] __attribute__((aligned(4096)));
static uint8_t page_lock[4096] __attribute__((aligned(4096)));

static unsigned long napot(unsigned long base, unsigned long size) { return (base >> 2) | ((size >> 3) - 1); }

static uint64_t u_load(uint64_t a) { return *(volatile uint64_t *)a; }
static uint64_t u_store(uint64_t a) { *(volatile uint64_t *)a = 0x77; return 0; }
static uint64_t u_call(uint64_t a) { return ((uint64_t (*)(void))a)(); }

/* 4-byte instructions "li a0, 42; ret" copied into the protected page. */
static const uint32_t ret42[] = { 0x02a00513, 0x00008067 };

static void set_entries(unsigned long a0, unsigned long a1, unsigned long a2, uint64_t cfg) {
  csr_write(pmpcfg0, 0);
  csr_write(pmpaddr0, a0);
  csr_write(pmpaddr1, a1);
  csr_write(pmpaddr2, a2);
  csr_write(pmpcfg0, cfg);
  __asm__ volatile("sfence.vma" ::: "memory");
}

int main(void) {
  unsigned long ro = (unsigned long)page_ro;
  ((volatile uint32_t *)ro)[0] = ret42[0];
  ((volatile uint32_t *)ro)[1] = ret42[1];
  ((volatile uint64_t *)ro)[8] = 0x1122334455667788UL;
  __asm__ volatile("fence.i");

  /* Entry 0: the page, read-only NAPOT. Entry 1: everything, RWX. */
  set_entries(napot(ro, 4096), ~0UL, 0, (uint64_t)(PMP_NAPOT | PMP_R) | ((uint64_t)(PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 8));
  rt_check_eq("pmpaddr0 reads back", csr_read(pmpaddr0), napot(ro, 4096));
  rt_check_eq("pmpcfg0 reads back", csr_read(pmpcfg0) & 0xffff, 0x1f19);
  rt_check_eq("U load from R page", rt_enter_mode(PRV_U, u_load, ro + 64), 0x1122334455667788UL);
  EXPECT_TRAP(rt_enter_mode(PRV_U, u_store, ro + 64));
  rt_check_eq("U store to R page: store access fault", rt_trap.cause, CAUSE_STORE_ACCESS);
  rt_check_eq("mtval = address", rt_trap.tval, ro + 64);
  EXPECT_TRAP(rt_enter_mode(PRV_S, u_store, ro + 8));
  rt_check_eq("S store to R page: store access fault", rt_trap.cause, CAUSE_STORE_ACCESS);
  EXPECT_TRAP(rt_enter_mode(PRV_U, u_call, ro));
  rt_check_eq("U fetch from non-X page: instruction access fault", rt_trap.cause, CAUSE_FETCH_ACCESS);
  rt_check_eq("fetch fault mtval", rt_trap.tval, ro);
  ((volatile uint64_t *)ro)[9] = 5;
  rt_check_eq("M ignores unlocked entries", ((volatile uint64_t *)ro)[9], 5);

  /* Entry 0 X only: fetch works, loads fault. */
  set_entries(napot(ro, 4096), ~0UL, 0, (uint64_t)(PMP_NAPOT | PMP_X) | ((uint64_t)(PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 8));
  rt_check_eq("U fetch from X page", rt_enter_mode(PRV_U, u_call, ro), 42);
  EXPECT_TRAP(rt_enter_mode(PRV_U, u_load, ro + 64));
  rt_check_eq("U load from X-only page: load access fault", rt_trap.cause, CAUSE_LOAD_ACCESS);

  /* TOR: entry 1 covers [pmpaddr0, pmpaddr1) with no permissions, entry 0 is OFF. */
  set_entries(ro >> 2, (ro + 4096) >> 2, ~0UL,
              ((uint64_t)PMP_TOR << 8) | ((uint64_t)(PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 16));
  EXPECT_TRAP(rt_enter_mode(PRV_U, u_load, ro + 4088));
  rt_check_eq("TOR region, no permissions: load fault at the top", rt_trap.cause, CAUSE_LOAD_ACCESS);
  EXPECT_TRAP(rt_enter_mode(PRV_U, u_load, ro + 4096));
  rt_check_eq("just above the TOR region: allowed by entry 2", rt_trap.count, 0);
  EXPECT_TRAP(rt_enter_mode(PRV_U, u_load, ro - 8));
  rt_check_eq("just below the TOR region: allowed by entry 2", rt_trap.count, 0);

  /* Priority: entry 0 (RWX) shadows entry 1 (nothing) for the same page. */
  set_entries(napot(ro, 4096), napot(ro, 4096), ~0UL,
              (uint64_t)(PMP_NAPOT | PMP_R | PMP_W | PMP_X) | ((uint64_t)PMP_NAPOT << 8) |
              ((uint64_t)(PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 16));
  EXPECT_TRAP(rt_enter_mode(PRV_U, u_store, ro + 64));
  rt_check_eq("lowest-numbered matching entry wins", rt_trap.count, 0);

  /* No entry matches: S/U accesses fail. Entry 0 covers RAM only; the CLINT is unmatched. */
  set_entries(napot(0x80000000UL, 0x80000000UL), 0, 0, PMP_NAPOT | PMP_R | PMP_W | PMP_X);
  EXPECT_TRAP(rt_enter_mode(PRV_U, u_load, CLINT_MTIME));
  rt_check_eq("no matching entry: U load fails", rt_trap.cause, CAUSE_LOAD_ACCESS);
  rt_check("no matching entry: M load succeeds", mmio_read64(CLINT_MTIME) != 0);

  /* A locked entry applies to M and cannot be changed until reset (entry 0, so that it
   * is the first match; entry 1 still opens everything else). */
  unsigned long lk = (unsigned long)page_lock;
  set_entries(napot(lk, 4096), ~0UL, 0,
              (uint64_t)(PMP_NAPOT | PMP_R | PMP_L) | ((uint64_t)(PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 8));
  EXPECT_TRAP(*(volatile uint64_t *)(lk + 16) = 1);
  rt_check_eq("locked R entry: M store faults", rt_trap.cause, CAUSE_STORE_ACCESS);
  rt_check_eq("locked: M load works", *(volatile uint64_t *)(lk + 16), 0);
  csr_write(pmpaddr0, 0);
  rt_check_eq("locked pmpaddr ignores writes", csr_read(pmpaddr0), napot(lk, 4096));
  csr_clear(pmpcfg0, 0xff);
  rt_check_eq("locked pmpcfg ignores writes", csr_read(pmpcfg0) & 0xff, PMP_NAPOT | PMP_R | PMP_L);
  return rt_done();
}
