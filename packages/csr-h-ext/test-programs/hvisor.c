/*
 * A minimal hypervisor in HS-mode running a VS guest, the way KVM does: SRET with
 * hstatus.SPV=1 enters the guest; guest MMIO to unmapped guest-physical memory traps to HS as
 * guest-page faults and is emulated from htinst (or, when htinst is 0, from the instruction
 * fetched with HLVX.HU); the guest's Sstc timer (stimecmp -> vstimecmp) interrupts it as STI;
 * an ECALL from VS is the guest's "hypercall". Output lines as in hsuite.
 */
#include "hlib.h"

#define PTE_V 0x1
#define PTE_R 0x2
#define PTE_W 0x4
#define PTE_X 0x8
#define PTE_U 0x10
#define PTE_A 0x40
#define PTE_D 0x80
#define G_ENTRY(spa, flags) ((((u64)(spa)) >> 12) << 10 | (flags))
#define MMIO_GPA 0x100000000ul
#define HYPERCALL_DONE 0x4242

static u64 groot[2048] __attribute__((aligned(16384)));
static volatile u64 mmio_regs[4];
static volatile u64 mmio_writes, mmio_reads, mmio_c_ops, hlvx_fetches;
static volatile u64 guest_ticks;
static volatile u64 guest_results[4];
static volatile int vs_sstc;

static u64 guest_reg(u64 *frame, unsigned r) { return r ? frame[r] : 0; }

/* Emulate one guest MMIO access at GPA `gpa`; returns the instruction length. */
static unsigned emulate_mmio(u64 *frame, u64 gpa, u64 sepc) {
  u64 insn = csrr(HTINST);
  unsigned len;
  if (insn & 1) {
    /* transformed instruction: bit 1 clear means the trapping instruction was compressed */
    len = (insn & 2) ? 4 : 2;
    insn |= 2;
  } else {
    /* no transformed instruction: read the guest's instruction as KVM does, with HLVX.HU */
    u64 lo = HLVX_HU(sepc);
    hlvx_fetches++;
    if ((lo & 3) == 3) { insn = lo | (HLVX_HU(sepc + 2) << 16); len = 4; }
    else {
      /* expand the two compressed forms the guest uses: c.sw and c.lw */
      unsigned rs1 = 8 + ((lo >> 7) & 7), r2 = 8 + ((lo >> 2) & 7);
      if (((lo >> 13) & 7) == 6) insn = (r2 << 20) | (rs1 << 15) | (2 << 12) | 0x23;
      else insn = (rs1 << 15) | (2 << 12) | (r2 << 7) | 0x03;
      len = 2;
    }
  }
  if (len == 2) mmio_c_ops++;
  unsigned idx = (gpa - MMIO_GPA) / 8 & 3;
  if ((insn & 0x7f) == 0x23) {
    mmio_regs[idx] = guest_reg(frame, (insn >> 20) & 31);
    mmio_writes++;
  } else if ((insn & 0x7f) == 0x03) {
    unsigned rd = (insn >> 7) & 31;
    if (rd) frame[rd] = mmio_regs[idx] + 0x5000;
    mmio_reads++;
  }
  return len;
}

static long hs_handler(u64 *frame, u64 cause) {
  u64 sepc = csrr(sepc);
  if (cause == 21 || cause == 23) {
    u64 gpa = (csrr(HTVAL) << 2) | (csrr(stval) & 3);
    if (gpa >= MMIO_GPA && gpa < MMIO_GPA + 0x1000) {
      csrw(sepc, sepc + emulate_mmio(frame, gpa, sepc));
      return 1;
    }
  }
  if (cause == 10 && frame[17] == HYPERCALL_DONE) {
    check("hv:mmio-writes", mmio_writes, 2);
    check("hv:mmio-reads", mmio_reads, 2);
    check("hv:mmio-compressed", mmio_c_ops, 2);
    check("hv:mmio-reg0", mmio_regs[0], 0x1234);
    check("hv:mmio-reg1", mmio_regs[1], 0x77);
    check("hv:guest-read0", guest_results[0], 0x1234 + 0x5000);
    check("hv:guest-read1", guest_results[1], 0x77 + 0x5000);
    check("hv:guest-timer-ticks", guest_ticks, 2);
    /* the guest's stimecmp writes went to vstimecmp; HS's own stimecmp kept its value */
    check("hv:vstimecmp-from-guest", csrr(VSTIMECMP), ~0ul);
    check("hv:hs-stimecmp-kept", csrr(STIMECMP), 0x111100000000ul);
    check("hv:hstatus.SPV-after-ecall", (csrr(HSTATUS) >> 7) & 1, 1);
    check("hv:sstatus.SPP-after-ecall", (csrr(sstatus) >> 8) & 1, 1);
    info("hv:hlvx-fallback-used", hlvx_fetches != 0);
    finish();
  }
  return 0;
}

/* ---- the guest (VS-mode) ---- */
static void guest_irq(i64 level, u64 cause) {
  if (level == LVL_VS && cause == ((1ul << 63) | 5)) {
    guest_ticks++;
    if (guest_ticks < 2) csrw(STIMECMP, csrr(time) + 2000);
    else csrw(STIMECMP, ~0ul);
  }
}

static void guest_main(void) {
  volatile u32 *mmio32 = (volatile u32 *)MMIO_GPA;
  u64 v;
  /* 32-bit store and load */
  asm volatile(".option push\n .option norvc\n sw %0, 0(%1)\n .option pop" :: "r"(0x1234ul), "r"(mmio32) : "memory");
  asm volatile(".option push\n .option norvc\n lw %0, 0(%1)\n .option pop" : "=r"(v) : "r"(mmio32) : "memory");
  guest_results[0] = v;
  /* compressed store and load (registers x8-x15) */
  register u64 a0 asm("a0") = (u64)mmio32 + 8;
  register u64 a1 asm("a1") = 0x77;
  register u64 a2 asm("a2");
  asm volatile(".option push\n .option rvc\n c.sw a1, 0(a0)\n c.lw a2, 0(a0)\n .option pop" : "=r"(a2) : "r"(a0), "r"(a1) : "memory");
  guest_results[1] = a2;
  /* Sstc in the guest: stimecmp is really vstimecmp; the timer arrives as STI (5) */
  if (!vs_sstc) goto done;
  csrw(STIMECMP, csrr(time) + 2000);
  csrs(sie, 1ul << 5);
  csrs(sstatus, 2);
  while (guest_ticks < 2) asm volatile("wfi");
  csrc(sstatus, 2);
done:
  asm volatile("mv a7, %0\n ecall" :: "r"((u64)HYPERCALL_DONE) : "a7", "memory");
  for (;;) {}
}

static char guest_stack[8192] __attribute__((aligned(16)));

static long hs_main(long a) {
  (void)a;
  /* G-stage: identity for GPA 0..3 GiB (U=1), nothing at MMIO_GPA */
  u64 rwxu = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
  for (int i = 0; i < 2048; i++) groot[i] = 0;
  for (int i = 0; i < 3; i++) groot[i] = G_ENTRY((u64)i << 30, rwxu);
  csrw(HGATP, (8ul << 60) | (1ul << 44) | ((u64)groot >> 12));
  HFENCE_GVMA();
  csrw(VSATP, 0);
  csrw(HEDELEG, 0);
  csrw(HIDELEG, 0x40);          /* VS timer interrupts go to the guest */
  csrw(HIE, 0x40);
  csrw(HCOUNTEREN, ~0ul);
  trap_reset();
  csrs(HENVCFG, 1ul << 63);     /* STCE: the guest's stimecmp is vstimecmp */
  vs_sstc = trap_cause() == -1 && (csrr(HENVCFG) >> 63) != 0;   /* no henvcfg before H 1.0 */
  csrw(VSTIMECMP, ~0ul);
  csrw(STIMECMP, 0x111100000000ul);
  csrw(VSTVEC, (u64)vs_trap_entry);
  csrw(VSSCRATCH, (u64)vs_trap_stack_top);
  csrw(VSSTATUS, 1ul << 8);
  irq_hook = guest_irq;
  hs_hook = hs_handler;
  /* enter the guest: SRET with SPV=1, SPP=1 */
  csrs(HSTATUS, 1ul << 7);
  csrs(sstatus, 1ul << 8);
  csrw(sepc, (u64)guest_main);
  asm volatile("mv sp, %0\n sret" :: "r"(guest_stack + sizeof guest_stack) : "memory");
  return 0;
}

int main(void) {
  puts_("hvisor: a VS guest under an HS hypervisor\n");
  csrw(pmpaddr0, ~0ul >> 10);
  csrw(pmpcfg0, 0x1f);
  csrw(stvec, (u64)hs_trap_entry);
  csrw(sscratch, (u64)hs_trap_stack_top);
  csrw(mcounteren, ~0ul);
  csrw(scounteren, ~0ul);
  csrs(MENVCFG, 1ul << 63);
  /* HS takes the guest's exceptions and the S-level interrupts */
  csrw(medeleg, (1ul << 10) | (1ul << 20) | (1ul << 21) | (1ul << 22) | (1ul << 23) | (1ul << 2));
  csrw(mideleg, 0x222);
  csrw(mie, 0);
  run_in(MODE_HS, hs_main, 0);
  puts_("hvisor: returned unexpectedly\n");
  finish();
  return 0;
}
