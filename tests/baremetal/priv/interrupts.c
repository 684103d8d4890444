/* Interrupts: the machine timer through the CLINT's mtimecmp, machine software
 * interrupts through msip, WFI wake-up, priority, global enables per privilege, delegation
 * to S (mideleg) with SSIP and STIP, and the Sstc stimecmp timer.
 * Priv spec: "Machine Interrupt Registers (mip and mie)", "Machine Timer Registers",
 * "Wait for Interrupt", "Machine Trap Delegation Registers"; Sstc chapter. */
#include "rt.h"

#define MIP_SSIP (1UL << 1)
#define MIP_MSIP (1UL << 3)
#define MIP_STIP (1UL << 5)
#define MIP_MTIP (1UL << 7)
#define MENVCFG_STCE (1UL << 63)
#define CSR_STIMECMP 0x14D
#define CSR_MENVCFG 0x30A

static volatile int sstc_on;
static volatile uint64_t seen[8];
static volatile int nseen;
static volatile uint64_t seen_prev[8];

static void record(uint64_t cause, uint64_t prev) { if (nseen < 8) { seen_prev[nseen] = prev; seen[nseen++] = cause; } }

static uint64_t mtime(void) { return mmio_read64(CLINT_MTIME); }
static void set_mtimecmp(uint64_t v) { mmio_write64(CLINT_MTIMECMP(rt_boot_hartid), v); }
static void set_msip(uint32_t v) { mmio_write32(CLINT_MSIP(rt_boot_hartid), v); }

/* M handler for interrupts: records the cause and silences the source. */
static int m_irq(struct trap_frame *f, uint64_t cause, uint64_t epc, uint64_t tval) {
  (void)f; (void)epc; (void)tval;
  if (!(cause & CAUSE_INTERRUPT)) return 0;
  record(cause, rt_trap.prev);
  switch (cause & 0xff) {
    case IRQ_M_TIMER: set_mtimecmp(~0UL); break;
    case IRQ_M_SOFT: set_msip(0); break;
    case IRQ_S_SOFT: csr_clear(mip, MIP_SSIP); break;
    case IRQ_S_TIMER: csr_clear(mip, MIP_STIP); break;
  }
  return 1;
}

/* S handler for delegated interrupts. */
static int s_irq(struct trap_frame *f, uint64_t cause, uint64_t epc, uint64_t tval) {
  (void)f; (void)epc; (void)tval;
  if (!(cause & CAUSE_INTERRUPT)) return 0;
  record(cause, rt_trap.prev);
  switch (cause & 0xff) {
    case IRQ_S_SOFT: csr_clear(sip, MIP_SSIP); break;
    case IRQ_S_TIMER: csr_clear(sie, MIP_STIP); if (sstc_on) csr_write(CSR_STIMECMP, ~0UL); break;
  }
  return 1;
}

static void reset_seen(void) { nseen = 0; for (int i = 0; i < 8; i++) seen[i] = seen_prev[i] = 0; }

/* Waits in WFI until n interrupts were seen (2 s of mtime at most), with the caller's
 * global enable (mstatus.MIE in M, sstatus.SIE in S) on. The test and the WFI run with that
 * enable off and it is set again after each WFI, where the interrupt is taken: WFI wakes on
 * an interrupt pending and enabled in mie whatever the global enables (priv spec, "Wait for
 * Interrupt"). Testing nseen with interrupts on and then executing WFI loses an interrupt
 * taken between the two, and the hart sleeps for good (seen on QEMU on a loaded host). */
static void wait_for(int n) {
  uint64_t end = mtime() + 20000000;
  for (;;) {
    csr_clear(mstatus, MSTATUS_MIE);
    if (nseen >= n || mtime() >= end) break;
    __asm__ volatile("wfi");
    csr_set(mstatus, MSTATUS_MIE);
  }
  csr_set(mstatus, MSTATUS_MIE);
}
static void wait_for_s(int n) {
  uint64_t end = mtime() + 20000000;
  for (;;) {
    csr_clear(sstatus, MSTATUS_SIE);
    if (nseen >= n || mtime() >= end) break;
    __asm__ volatile("wfi");
    csr_set(sstatus, MSTATUS_SIE);
  }
  csr_set(sstatus, MSTATUS_SIE);
}
/* In S with an M-level interrupt to come: S cannot mask it, so spin instead of WFI. */
static void spin_for(int n) {
  uint64_t end = mtime() + 20000000;
  while (nseen < n && mtime() < end) __asm__ volatile("nop");
}

/* In S: enable SSIE/SIE, raise SSIP ourselves, return what was seen. */
static uint64_t s_self_ssip(uint64_t arg) {
  (void)arg;
  csr_set(sie, MIP_SSIP);
  csr_set(sstatus, MSTATUS_SIE);
  csr_set(sip, MIP_SSIP);
  for (int i = 0; i < 1000 && nseen == 0; i++) __asm__ volatile("nop");
  csr_clear(sstatus, MSTATUS_SIE);
  return nseen;
}

/* In S with SIE = 0: M-level interrupts are still taken (they are always enabled below M). */
static uint64_t s_spin(uint64_t n) {
  csr_clear(sstatus, MSTATUS_SIE);
  spin_for((int)n);
  return nseen;
}

static uint64_t s_wait_stie(uint64_t arg) {
  (void)arg;
  csr_set(sie, MIP_STIP);
  csr_set(sstatus, MSTATUS_SIE);
  wait_for_s(1);
  csr_clear(sstatus, MSTATUS_SIE);
  return nseen;
}

static uint64_t s_sstc(uint64_t arg) {
  (void)arg;
  uint64_t now = csr_read(time);
  csr_write(CSR_STIMECMP, now + 2000);
  csr_set(sie, MIP_STIP);
  csr_set(sstatus, MSTATUS_SIE);
  wait_for_s(1);
  csr_clear(sstatus, MSTATUS_SIE);
  return nseen;
}

int main(void) {
  rt_mtrap_hook = m_irq;
  rt_strap_hook = s_irq;
  csr_write(stvec, (unsigned long)rt_strap_entry);
  set_mtimecmp(~0UL);

  /* mip.MTIP follows mtime >= mtimecmp, whatever the enables. */
  set_mtimecmp(0);
  rt_check("MTIP pending when mtimecmp <= mtime", (csr_read(mip) & MIP_MTIP) != 0);
  set_mtimecmp(~0UL);
  rt_check("MTIP clear when mtimecmp is in the future", (csr_read(mip) & MIP_MTIP) == 0);
  uint64_t t1 = mtime();
  for (int i = 0; i < 1000; i++) __asm__ volatile("nop");
  rt_check("mtime advances", mtime() > t1);
  uint64_t a = mtime(), b = csr_read(time), c = mtime();
  rt_check("time CSR shadows mtime", a <= b && b <= c);

  /* Machine timer interrupt. */
  reset_seen();
  csr_set(mie, MIP_MTIP);
  set_mtimecmp(mtime() + 1000);
  csr_set(mstatus, MSTATUS_MIE);
  wait_for(1);
  csr_clear(mstatus, MSTATUS_MIE);
  rt_check_eq("machine timer interrupt", seen[0], CAUSE_INTERRUPT | IRQ_M_TIMER);
  rt_check_eq("taken from M", seen_prev[0], PRV_M);
  rt_check_eq("exactly one", nseen, 1);

  /* Not taken while mstatus.MIE = 0 in M; WFI still wakes up. */
  reset_seen();
  set_mtimecmp(mtime() + 500);
  __asm__ volatile("wfi");
  for (int i = 0; i < 100 && !(csr_read(mip) & MIP_MTIP); i++) __asm__ volatile("wfi");
  rt_check("WFI wakes on a pending enabled interrupt with MIE = 0", (csr_read(mip) & MIP_MTIP) != 0);
  rt_check_eq("no trap while MIE = 0", nseen, 0);
  csr_set(mstatus, MSTATUS_MIE);
  wait_for(1);
  csr_clear(mstatus, MSTATUS_MIE);
  rt_check_eq("taken once MIE = 1", seen[0], CAUSE_INTERRUPT | IRQ_M_TIMER);
  csr_clear(mie, MIP_MTIP);

  /* Machine software interrupt through msip. */
  reset_seen();
  set_msip(1);
  rt_check("msip sets mip.MSIP", (csr_read(mip) & MIP_MSIP) != 0);
  rt_check_eq("msip reads back 1", mmio_read32(CLINT_MSIP(rt_boot_hartid)), 1);
  csr_set(mie, MIP_MSIP);
  csr_set(mstatus, MSTATUS_MIE);
  wait_for(1);
  csr_clear(mstatus, MSTATUS_MIE);
  rt_check_eq("machine software interrupt", seen[0], CAUSE_INTERRUPT | IRQ_M_SOFT);
  rt_check("handler cleared msip", (csr_read(mip) & MIP_MSIP) == 0);

  /* Priority: MSI before MTI when both are pending (priv spec: MEI, MSI, MTI, SEI, SSI, STI). */
  reset_seen();
  csr_set(mie, MIP_MSIP | MIP_MTIP);
  set_msip(1);
  set_mtimecmp(0);
  csr_set(mstatus, MSTATUS_MIE);
  wait_for(2);
  csr_clear(mstatus, MSTATUS_MIE);
  rt_check_eq("MSI taken first", seen[0], CAUSE_INTERRUPT | IRQ_M_SOFT);
  rt_check_eq("then MTI", seen[1], CAUSE_INTERRUPT | IRQ_M_TIMER);
  csr_clear(mie, MIP_MSIP | MIP_MTIP);

  /* SSIP is writable by M; without delegation it is handled in M. */
  reset_seen();
  csr_write(mideleg, 0);
  csr_set(mip, MIP_SSIP);
  rt_check("mip.SSIP is writable", (csr_read(mip) & MIP_SSIP) != 0);
  csr_set(mie, MIP_SSIP);
  csr_set(mstatus, MSTATUS_MIE);
  wait_for(1);
  csr_clear(mstatus, MSTATUS_MIE);
  rt_check_eq("undelegated SSI goes to M", seen[0], CAUSE_INTERRUPT | IRQ_S_SOFT);

  /* Delegated SSI: taken in S, never in M. */
  reset_seen();
  csr_write(mideleg, MIP_SSIP | MIP_STIP);
  rt_check("mideleg SSIP/STIP writable", (csr_read(mideleg) & (MIP_SSIP | MIP_STIP)) == (MIP_SSIP | MIP_STIP));
  csr_set(mip, MIP_SSIP);
  csr_set(mstatus, MSTATUS_MIE);
  for (int i = 0; i < 1000; i++) __asm__ volatile("nop");
  csr_clear(mstatus, MSTATUS_MIE);
  rt_check_eq("delegated SSI is not taken in M", nseen, 0);
  csr_clear(mip, MIP_SSIP);
  rt_check_eq("delegated SSI taken in S", rt_enter_mode(PRV_S, s_self_ssip, 0), 1);
  rt_check_eq("scause = SSI", seen[0], CAUSE_INTERRUPT | IRQ_S_SOFT);
  rt_check_eq("sip/sie are views of mip/mie: SSIE set from S", csr_read(mie) & MIP_SSIP, MIP_SSIP);
  csr_clear(mie, MIP_SSIP);

  /* An M interrupt arrives while in S with mstatus.MIE = 0: taken in M. */
  reset_seen();
  csr_set(mie, MIP_MTIP);
  set_mtimecmp(mtime() + 200);
  rt_check_eq("M timer preempts S despite MIE = 0", rt_enter_mode(PRV_S, s_spin, 1), 1);
  rt_check_eq("cause MTI", seen[0], CAUSE_INTERRUPT | IRQ_M_TIMER);
  rt_check_eq("trapped from S", seen_prev[0], PRV_S);
  csr_clear(mie, MIP_MTIP);

  /* STIP written by M, delegated: taken in S. */
  reset_seen();
  csr_set(mip, MIP_STIP);
  rt_check("mip.STIP writable by M", (csr_read(mip) & MIP_STIP) != 0);
  rt_check_eq("delegated STI taken in S", rt_enter_mode(PRV_S, s_wait_stie, 0), 1);
  rt_check_eq("scause = STI", seen[0], CAUSE_INTERRUPT | IRQ_S_TIMER);
  csr_clear(mip, MIP_STIP);
  csr_clear(mie, MIP_STIP);

  /* Sstc: menvcfg.STCE enables stimecmp, which then drives STIP. */
  reset_seen();
  csr_set(CSR_MENVCFG, MENVCFG_STCE);
  sstc_on = 1;
  csr_set(mcounteren, 2);  /* S may read time */
  rt_check("menvcfg.STCE sticks", (csr_read(CSR_MENVCFG) & MENVCFG_STCE) != 0);
  csr_write(CSR_STIMECMP, 0);
  rt_check("stimecmp <= time sets STIP", (csr_read(mip) & MIP_STIP) != 0);
  csr_write(CSR_STIMECMP, ~0UL);
  rt_check("stimecmp in the future clears STIP", (csr_read(mip) & MIP_STIP) == 0);
  rt_check_eq("Sstc timer interrupt in S", rt_enter_mode(PRV_S, s_sstc, 0), 1);
  rt_check_eq("scause = STI (Sstc)", seen[0], CAUSE_INTERRUPT | IRQ_S_TIMER);
  csr_clear(mie, MIP_STIP);
  csr_clear(CSR_MENVCFG, MENVCFG_STCE);
  csr_write(mideleg, 0);
  return rt_done();
}
