/* Exception classes taken in M mode: illegal instruction, misaligned and access-fault
 * loads/stores/fetches, ecall from U/S/M, ebreak and c.ebreak, vectored mtvec.
 * Priv spec: "Machine Trap Vector Base-Address Register", "Machine Cause Register",
 * "Machine Trap Value Register". Where the spec leaves a choice (misaligned accesses may
 * be done in hardware or trap; mtval may be 0 or the value) the check accepts both. */
#include "rt.h"

#define UNMAPPED 0x18000000UL   /* a hole in the virt memory map: no device, no RAM */

static uint64_t probe_load(unsigned long a) { uint64_t v; __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(a) : "memory"); return v; }
static uint64_t probe_lw(unsigned long a) { uint64_t v; __asm__ volatile("lw %0, 0(%1)" : "=r"(v) : "r"(a) : "memory"); return v; }
static void probe_store(unsigned long a, uint64_t v) { __asm__ volatile("sd %0, 0(%1)" :: "r"(v), "r"(a) : "memory"); }
static void probe_sh(unsigned long a, uint64_t v) { __asm__ volatile("sh %0, 0(%1)" :: "r"(v), "r"(a) : "memory"); }
static void probe_fetch(unsigned long a) { __asm__ volatile("jalr ra, 0(%0)" :: "r"(a) : "ra", "memory"); }

static uint64_t do_ecall(uint64_t arg) {
  register uint64_t a0 __asm__("a0") = arg;
  register uint64_t a7 __asm__("a7") = 0;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
  return a0;
}

static volatile uint64_t ecall_epc_seen;
static int ecall_hook(struct trap_frame *f, uint64_t cause, uint64_t epc, uint64_t tval) {
  (void)tval;
  if (cause == CAUSE_USER_ECALL || cause == CAUSE_SUPERVISOR_ECALL || cause == CAUSE_MACHINE_ECALL) {
    ecall_epc_seen = epc;
    f->x[10] = 1000 + cause;
    csr_write(mepc, epc + 4);
    return 1;
  }
  return 0;
}

static uint64_t in_mode_ecall(uint64_t arg) { return do_ecall(arg); }

static uint64_t data[4] __attribute__((aligned(16))) = { 0x1122334455667788UL, 0x99aabbccddeeff00UL, 0, 0 };

/* Misaligned fetch needs IALIGN = 32, i.e. misa.C cleared. misa is WARL: a hart may keep
 * C fixed (QEMU 7.2 does). misaligned_fetch() returns 0 if C cannot be cleared, else
 * (mcause << 32) | (mtval - target) from a trap taken by a stub that is itself free of
 * compressed instructions and turns C back on first. */
extern uint64_t misaligned_fetch(void);
__asm__(".option push\n.option norvc\n.balign 8\n"
        "misaligned_fetch:\n"
        "  csrr t2, mtvec\n"
        "  la t0, mf_stub\n"
        "  csrw mtvec, t0\n"
        "  li t0, 4\n"
        "  csrc misa, t0\n"
        "  csrr t1, misa\n"
        "  and t1, t1, t0\n"
        "  li a0, 0\n"
        "  bnez t1, 1f\n"            /* C still set: read-only */
        "  mv t3, ra\n"
        "  la t4, mf_target\n"
        "  addi t4, t4, 2\n"
        "  jalr ra, 0(t4)\n"         /* lands on mf_stub via the trap, which returns here */
        "  mv ra, t3\n"
        "1:csrw mtvec, t2\n"
        "  li t0, 4\n"
        "  csrs misa, t0\n"
        "  ret\n"
        ".balign 8\n"
        "mf_target:\n"
        "  nop\n  nop\n  nop\n"
        ".balign 4\n"
        "mf_stub:\n"
        "  li t0, 4\n"
        "  csrs misa, t0\n"
        "  csrr a0, mcause\n"
        "  slli a0, a0, 32\n"
        "  csrr t0, mtval\n"
        "  sub t0, t0, t4\n"
        "  or a0, a0, t0\n"
        "  csrw mepc, ra\n"
        "  mret\n"
        ".option pop\n");

/* Vectored mtvec: interrupts go to BASE + 4 * cause, exceptions to BASE. Slot i (i > 0)
 * writes i into mtval (zero for interrupts, and writable in M) before the common entry,
 * so the handler sees which slot ran. */
extern void vec_table(void);
__asm__(".option push\n.option norvc\n.balign 256\n"
        "vec_table:\n"
        "  j rt_mtrap_entry\n"
        ".irp i,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n  j vec_slot\\i\n.endr\n"
        ".irp i,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\nvec_slot\\i:\n  csrwi mtval, \\i\n  j rt_mtrap_entry\n.endr\n"
        ".option pop\n");

static volatile uint64_t irq_cause_seen;
static int msip_hook(struct trap_frame *f, uint64_t cause, uint64_t epc, uint64_t tval) {
  (void)f; (void)epc; (void)tval;
  if (cause == (CAUSE_INTERRUPT | IRQ_M_SOFT)) {
    irq_cause_seen = cause;
    mmio_write32(CLINT_MSIP(rt_boot_hartid), 0);
    return 1;
  }
  return 0;
}

int main(void) {
  /* --- illegal instruction --- */
  EXPECT_TRAP(__asm__ volatile(".word 0x00000000"));    /* all-zero: defined illegal */
  rt_check_eq("all-zero instruction: illegal", rt_trap.cause, CAUSE_ILLEGAL_INSTRUCTION);
  rt_check_eq("illegal mtval: 0 or the instruction bits, here both 0", rt_trap.tval, 0);
  EXPECT_TRAP(__asm__ volatile(".word 0xffffffff"));
  rt_check_eq("all-ones instruction: illegal", rt_trap.cause, CAUSE_ILLEGAL_INSTRUCTION);
  rt_check("all-ones mtval is 0 or the bits", rt_trap.tval == 0 || rt_trap.tval == 0xffffffffUL);
  EXPECT_TRAP(__asm__ volatile("csrw mhartid, zero"));  /* write to a read-only CSR */
  rt_check_eq("write to read-only CSR: illegal", rt_trap.cause, CAUSE_ILLEGAL_INSTRUCTION);
  EXPECT_TRAP(__asm__ volatile("csrr t0, 0x7ff" ::: "t0")); /* unimplemented custom CSR */
  rt_check_eq("unimplemented CSR: illegal", rt_trap.cause, CAUSE_ILLEGAL_INSTRUCTION);
  EXPECT_TRAP(__asm__ volatile(".word 0x0000607b")); /* custom-3 opcode, never defined */
  rt_check_eq("custom opcode: illegal", rt_trap.cause, CAUSE_ILLEGAL_INSTRUCTION);
  EXPECT_TRAP(__asm__ volatile(".half 0x0000"));        /* c.addi4spn with nzuimm 0: reserved */
  rt_check_eq("16-bit all-zero: illegal", rt_trap.cause, CAUSE_ILLEGAL_INSTRUCTION);
  rt_check_eq("illegal epc is the instruction", rt_trap.epc != ~0UL, 1);

  /* --- misaligned load/store: either done in hardware or a misaligned trap with mtval = address --- */
  unsigned long base = (unsigned long)data;
  EXPECT_TRAP(uint64_t v = probe_load(base + 1);
              if (rt_trap.count == 0) rt_check_eq("misaligned ld done in hardware", v, 0x0011223344556677UL));
  if (rt_trap.count) {
    rt_check_eq("misaligned ld cause", rt_trap.cause, CAUSE_MISALIGNED_LOAD);
    rt_check_eq("misaligned ld mtval", rt_trap.tval, base + 1);
  }
  EXPECT_TRAP(uint64_t v = probe_lw(base + 6);
              if (rt_trap.count == 0) rt_check_eq("misaligned lw done in hardware", v, 0xffffffffddeeff00UL & 0xffffffffffffffffUL ? (uint64_t)(int64_t)(int32_t)0xff001122u : 0));
  if (rt_trap.count) {
    rt_check_eq("misaligned lw cause", rt_trap.cause, CAUSE_MISALIGNED_LOAD);
    rt_check_eq("misaligned lw mtval", rt_trap.tval, base + 6);
  }
  EXPECT_TRAP(probe_store(base + 20, 0x0102030405060708UL));
  if (rt_trap.count) {
    rt_check_eq("misaligned sd cause", rt_trap.cause, CAUSE_MISALIGNED_STORE);
    rt_check_eq("misaligned sd mtval", rt_trap.tval, base + 20);
  } else {
    rt_check_eq("misaligned sd done in hardware", *(volatile uint64_t *)(base + 16) >> 32, 0x05060708UL);
  }
  EXPECT_TRAP(probe_sh(base + 3, 0xabcd));
  if (rt_trap.count) rt_check_eq("misaligned sh cause", rt_trap.cause, CAUSE_MISALIGNED_STORE);
  else rt_check_eq("misaligned sh done in hardware", (data[0] >> 24) & 0xffff, 0xabcd);
  /* Misaligned AMOs and LR/SC never complete: address-misaligned or access fault (A chapter). */
  EXPECT_TRAP(__asm__ volatile("amoadd.w zero, zero, (%0)" :: "r"(base + 2) : "memory"));
  /* AMOs report store/AMO causes (priv spec, "Machine Cause Register": the exception
   * codes 6 and 7 are "Store/AMO address misaligned" and "Store/AMO access fault"). */
  rt_check_eq("misaligned amoadd.w: store/AMO misaligned or access fault",
              rt_trap.cause == CAUSE_MISALIGNED_STORE || rt_trap.cause == CAUSE_STORE_ACCESS ? 1 : rt_trap.cause, 1);
  rt_check_eq("misaligned amo mtval", rt_trap.tval, base + 2);
  EXPECT_TRAP(__asm__ volatile("lr.d t0, (%0)" :: "r"(base + 4) : "t0", "memory"));
  rt_check("misaligned lr.d traps", rt_trap.cause == CAUSE_MISALIGNED_LOAD || rt_trap.cause == CAUSE_LOAD_ACCESS);

  /* --- access faults on unmapped physical addresses --- */
  EXPECT_TRAP(probe_load(UNMAPPED));
  rt_check_eq("load from a hole: load access fault", rt_trap.cause, CAUSE_LOAD_ACCESS);
  rt_check_eq("load access fault mtval", rt_trap.tval, UNMAPPED);
  EXPECT_TRAP(probe_store(UNMAPPED + 8, 1));
  rt_check_eq("store to a hole: store access fault", rt_trap.cause, CAUSE_STORE_ACCESS);
  rt_check_eq("store access fault mtval", rt_trap.tval, UNMAPPED + 8);
  EXPECT_TRAP(__asm__ volatile("amoswap.d zero, zero, (%0)" :: "r"(UNMAPPED) : "memory"));
  rt_check_eq("amo to a hole: store/AMO access fault", rt_trap.cause, CAUSE_STORE_ACCESS);
  EXPECT_TRAP(probe_fetch(UNMAPPED + 0x40));
  rt_check_eq("fetch from a hole: instruction access fault", rt_trap.cause, CAUSE_FETCH_ACCESS);
  rt_check_eq("fetch access fault mtval", rt_trap.tval, UNMAPPED + 0x40);
  rt_check_eq("fetch access fault mepc", rt_trap.epc, UNMAPPED + 0x40);
  EXPECT_TRAP(probe_load(0x8000000000000000UL));
  rt_check_eq("load far above RAM: access fault", rt_trap.cause, CAUSE_LOAD_ACCESS);

  /* --- misaligned fetch: impossible with C enabled (IALIGN = 16); JALR clears bit 0 --- */
  EXPECT_TRAP(probe_fetch((unsigned long)UNMAPPED + 0x81));
  rt_check_eq("jalr to odd address fetches the even one", rt_trap.tval, UNMAPPED + 0x80);
  rt_check_eq("... and that is an access fault", rt_trap.cause, CAUSE_FETCH_ACCESS);

  uint64_t mf = misaligned_fetch();
  rt_check("misa.C fixed, or cleared and a jump to pc+2 raises instruction-address-misaligned with mtval = target",
           mf == 0 || mf == ((uint64_t)CAUSE_MISALIGNED_FETCH << 32));
  rt_check("misa.C set again", (csr_read(misa) & 4) != 0);

  /* --- ecall from M, S, U --- */
  rt_mtrap_hook = ecall_hook;
  rt_check_eq("ecall from M", do_ecall(5), 1000 + CAUSE_MACHINE_ECALL);
  rt_check_eq("ecall from S", rt_enter_mode(PRV_S, in_mode_ecall, 0), 1000 + CAUSE_SUPERVISOR_ECALL);
  rt_check_eq("ecall from S: mstatus.MPP was S", rt_trap.prev, PRV_S);
  rt_check_eq("ecall from U", rt_enter_mode(PRV_U, in_mode_ecall, 0), 1000 + CAUSE_USER_ECALL);
  rt_check_eq("ecall from U: mstatus.MPP was U", rt_trap.prev, PRV_U);
  rt_check_eq("ecall mtval is 0", rt_trap.tval, 0);
  rt_mtrap_hook = 0;

  /* --- ebreak, c.ebreak --- */
  EXPECT_TRAP(__asm__ volatile(".option push\n.option norvc\nebreak\n.option pop"));
  rt_check_eq("ebreak: breakpoint", rt_trap.cause, CAUSE_BREAKPOINT);
  rt_check("ebreak mtval is 0 or pc", rt_trap.tval == 0 || rt_trap.tval == rt_trap.epc);
  EXPECT_TRAP(__asm__ volatile(".option push\n.option rvc\nc.ebreak\n.option pop"));
  rt_check_eq("c.ebreak: breakpoint", rt_trap.cause, CAUSE_BREAKPOINT);
  rt_check_eq("c.ebreak is 16 bits", *(volatile uint16_t *)rt_trap.epc, 0x9002);

  /* --- vectored mtvec --- */
  unsigned long old_mtvec = csr_read(mtvec);
  csr_write(mtvec, (unsigned long)vec_table | 1);
  rt_check_eq("mtvec MODE=vectored reads back", csr_read(mtvec), (unsigned long)vec_table | 1);
  EXPECT_TRAP(__asm__ volatile(".option push\n.option norvc\nebreak\n.option pop"));
  rt_check_eq("vectored mtvec: exceptions go to BASE", rt_trap.cause, CAUSE_BREAKPOINT);
  rt_check("vectored mtvec: BASE slot leaves mtval alone", rt_trap.tval == 0 || rt_trap.tval == rt_trap.epc);
  rt_mtrap_hook = msip_hook;
  csr_set(mie, 1UL << IRQ_M_SOFT);
  mmio_write32(CLINT_MSIP(rt_boot_hartid), 1);
  csr_set(mstatus, MSTATUS_MIE);
  for (int i = 0; i < 1000 && !irq_cause_seen; i++) __asm__ volatile("nop");
  csr_clear(mstatus, MSTATUS_MIE);
  csr_clear(mie, 1UL << IRQ_M_SOFT);
  rt_check_eq("vectored mtvec: MSI delivered", irq_cause_seen, CAUSE_INTERRUPT | IRQ_M_SOFT);
  rt_check_eq("vectored mtvec: MSI went to BASE + 4*3", rt_trap.tval, 3);
  rt_mtrap_hook = 0;
  csr_write(mtvec, old_mtvec);
  return rt_done();
}
