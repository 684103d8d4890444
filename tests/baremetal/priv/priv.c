/* Privileged behaviour: MRET/SRET state changes, exception delegation (medeleg),
 * mstatus TW/TSR/TVM traps, CSR privilege checks, counters with mcounteren/scounteren
 * gating, misa, mstatus.FS = Off, WARL fields (mepc, mtvec).
 * Priv spec: "Machine Status Registers (mstatus)", "Trap-Return Instructions",
 * "Machine Trap Delegation Registers", "Machine Counter-Enable Register",
 * "Supervisor Counter-Enable Register", "Virtualization Support in mstatus Register". */
#include "rt.h"

#define MISA_BIT(c) (1UL << ((c) - 'A'))

static uint64_t illegal_in(unsigned long mode, uint64_t (*fn)(uint64_t)) {
  EXPECT_TRAP(rt_enter_mode(mode, fn, 0));
  return rt_trap.count == 1 && rt_trap.cause == CAUSE_ILLEGAL_INSTRUCTION && rt_trap.mode == PRV_M && rt_trap.prev == mode;
}

static uint64_t do_mret(uint64_t a) { (void)a; __asm__ volatile("mret"); return 0; }
static uint64_t do_sret(uint64_t a) { (void)a; __asm__ volatile("sret"); return 0; }
static uint64_t do_wfi(uint64_t a) { (void)a; __asm__ volatile("wfi"); return 0; }
static uint64_t rd_mstatus(uint64_t a) { (void)a; return csr_read(mstatus); }
static uint64_t rd_sstatus(uint64_t a) { (void)a; return csr_read(sstatus); }
static uint64_t rd_satp(uint64_t a) { (void)a; return csr_read(satp); }
static uint64_t do_sfence(uint64_t a) { (void)a; __asm__ volatile("sfence.vma"); return 0; }
static uint64_t rd_cycle(uint64_t a) { (void)a; return csr_read(cycle); }
static uint64_t rd_time(uint64_t a) { (void)a; return csr_read(time); }
static uint64_t rd_instret(uint64_t a) { (void)a; return csr_read(instret); }
static uint64_t rd_mhartid(uint64_t a) { (void)a; return csr_read(mhartid); }
static uint64_t do_ebreak(uint64_t a) { (void)a; __asm__ volatile(".option push\n.option norvc\nebreak\n.option pop"); return 7; }
static uint64_t do_illegal(uint64_t a) { (void)a; __asm__ volatile(".word 0"); return 8; }
static uint64_t set_sscratch(uint64_t a) { csr_write(sscratch, a); return csr_read(sscratch); }

/* In S: SRET with SPP = S returns to S at a label; reports sstatus afterwards. */
static uint64_t s_sret_to_s(uint64_t a) {
  (void)a;
  uint64_t out;
  csr_set(sstatus, MSTATUS_SPP | MSTATUS_SPIE);
  csr_clear(sstatus, MSTATUS_SIE);
  __asm__ volatile("la t0, 1f\n csrw sepc, t0\n sret\n1:\n csrr %0, sstatus" : "=r"(out) :: "t0", "memory");
  csr_clear(sstatus, MSTATUS_SIE);
  return out;
}

int main(void) {
  csr_write(stvec, (unsigned long)rt_strap_entry);

  /* misa: RV64 with I, M, A, F, D, C, S, U. */
  uint64_t misa = csr_read(misa);
  rt_check_eq("misa.MXL = 2 (64-bit)", misa >> 62, 2);
  uint64_t want = MISA_BIT('I') | MISA_BIT('M') | MISA_BIT('A') | MISA_BIT('F') | MISA_BIT('D') | MISA_BIT('C') |
                  MISA_BIT('S') | MISA_BIT('U');
  rt_check_eq("misa has IMAFDCSU", misa & want, want);
  rt_check_eq("mhartid", csr_read(mhartid), rt_boot_hartid);
  rt_check_eq("a0 at entry = mhartid", rt_boot_hartid, 0);
  rt_check("a1 at entry points at a DTB (magic d00dfeed)",
           rt_boot_dtb != 0 && *(volatile uint32_t *)rt_boot_dtb == 0xedfe0dd0u);

  /* WARL: mepc[0] is always 0; mtvec keeps a 4-byte aligned direct base. */
  csr_write(mepc, 0x80001235UL);
  rt_check_eq("mepc bit 0 reads 0", csr_read(mepc), 0x80001234UL);
  uint64_t old_mtvec = csr_read(mtvec);
  csr_write(mtvec, 0x80002000UL);
  rt_check_eq("mtvec direct base", csr_read(mtvec), 0x80002000UL);
  csr_write(mtvec, old_mtvec);

  /* MRET to M: MIE <- MPIE, MPIE <- 1, MPP <- U (least-privileged supported mode). */
  uint64_t ms;
  csr_clear(mstatus, MSTATUS_MIE);
  csr_set(mstatus, MSTATUS_MPP | MSTATUS_MPIE);
  __asm__ volatile("la t0, 1f\n csrw mepc, t0\n mret\n1:\n csrr %0, mstatus" : "=r"(ms) :: "t0", "memory");
  csr_clear(mstatus, MSTATUS_MIE);
  rt_check_eq("mret: MIE <- MPIE", (ms >> 3) & 1, 1);
  rt_check_eq("mret: MPIE <- 1", (ms >> 7) & 1, 1);
  rt_check_eq("mret: MPP <- U", (ms >> 11) & 3, PRV_U);
  /* MRET to a mode below M clears MPRV (priv 1.12). */
  csr_set(mstatus, MSTATUS_MPRV);
  rt_enter_mode(PRV_S, rd_sstatus, 0);
  rt_check_eq("mret to S clears MPRV", csr_read(mstatus) & MSTATUS_MPRV, 0);
  csr_clear(mstatus, MSTATUS_MPRV);
  /* MRET with MPP = S enters S: an ecall from there is cause 9. */
  rt_check_eq("sscratch from S", rt_enter_mode(PRV_S, set_sscratch, 0x1234), 0x1234);
  rt_check_eq("sstatus is a view of mstatus", rt_enter_mode(PRV_S, rd_sstatus, 0) & MSTATUS_FS, csr_read(mstatus) & MSTATUS_FS);

  /* SRET to S: SIE <- SPIE, SPIE <- 1, SPP <- U. */
  uint64_t ss = rt_enter_mode(PRV_S, s_sret_to_s, 0);
  rt_check_eq("sret: SIE <- SPIE", (ss >> 1) & 1, 1);
  rt_check_eq("sret: SPIE <- 1", (ss >> 5) & 1, 1);
  rt_check_eq("sret: SPP <- U", (ss >> 8) & 1, 0);

  /* xRET and CSR privilege checks. */
  rt_check("mret in S: illegal", illegal_in(PRV_S, do_mret));
  rt_check("mret in U: illegal", illegal_in(PRV_U, do_mret));
  rt_check("sret in U: illegal", illegal_in(PRV_U, do_sret));
  rt_check("mstatus from S: illegal", illegal_in(PRV_S, rd_mstatus));
  rt_check("sstatus from U: illegal", illegal_in(PRV_U, rd_sstatus));
  rt_check("mhartid from S: illegal", illegal_in(PRV_S, rd_mhartid));
  rt_check("wfi in U: illegal", illegal_in(PRV_U, do_wfi));
  csr_set(mstatus, MSTATUS_TSR);
  rt_check("TSR=1: sret in S illegal", illegal_in(PRV_S, do_sret));
  csr_clear(mstatus, MSTATUS_TSR);
  csr_set(mstatus, MSTATUS_TW);
  rt_check("TW=1: wfi in S illegal", illegal_in(PRV_S, do_wfi));
  csr_clear(mstatus, MSTATUS_TW);
  csr_set(mstatus, MSTATUS_TVM);
  rt_check("TVM=1: satp in S illegal", illegal_in(PRV_S, rd_satp));
  rt_check("TVM=1: sfence.vma in S illegal", illegal_in(PRV_S, do_sfence));
  csr_clear(mstatus, MSTATUS_TVM);
  rt_check_eq("TVM=0: satp readable in S", rt_enter_mode(PRV_S, rd_satp, 0), 0);

  /* Exception delegation: medeleg routes U/S exceptions to S, never M's own. */
  csr_write(medeleg, (1UL << CAUSE_BREAKPOINT) | (1UL << CAUSE_ILLEGAL_INSTRUCTION));
  rt_check("medeleg bits writable", (csr_read(medeleg) & 0xc) == 0xc);
  EXPECT_TRAP(rt_enter_mode(PRV_U, do_ebreak, 0));
  rt_check_eq("U ebreak delegated: taken in S", rt_trap.mode, PRV_S);
  rt_check_eq("scause = breakpoint", rt_trap.cause, CAUSE_BREAKPOINT);
  rt_check_eq("sstatus.SPP = U", rt_trap.prev, PRV_U);
  EXPECT_TRAP(rt_enter_mode(PRV_S, do_illegal, 0));
  rt_check_eq("S illegal delegated: taken in S", rt_trap.mode, PRV_S);
  rt_check_eq("sstatus.SPP = S", rt_trap.prev, PRV_S);
  rt_check_eq("stval: 0 or the instruction bits, here both 0", csr_read(stval), 0);
  EXPECT_TRAP(__asm__ volatile(".option push\n.option norvc\nebreak\n.option pop"));
  rt_check_eq("M ebreak is never delegated", rt_trap.mode, PRV_M);
  csr_write(medeleg, 0);

  /* Counters: readable in M; gated by mcounteren for S and by both for U. */
  uint64_t i1 = csr_read(instret), i2 = csr_read(instret);
  rt_check("instret advances", i2 > i1);
  uint64_t c1 = csr_read(cycle);
  for (int i = 0; i < 100; i++) __asm__ volatile("nop");
  rt_check("cycle advances", csr_read(cycle) > c1);
  uint64_t m1 = csr_read(minstret), u1 = csr_read(instret), m2 = csr_read(minstret);
  rt_check("instret shadows minstret", m1 <= u1 && u1 <= m2);
  csr_write(mcounteren, 0);
  csr_write(scounteren, 0);
  rt_check("mcounteren=0: cycle in S illegal", illegal_in(PRV_S, rd_cycle));
  rt_check("mcounteren=0: time in S illegal", illegal_in(PRV_S, rd_time));
  rt_check("mcounteren=0: instret in S illegal", illegal_in(PRV_S, rd_instret));
  csr_write(mcounteren, 7);
  EXPECT_TRAP(rt_enter_mode(PRV_S, rd_cycle, 0));
  rt_check_eq("mcounteren.CY: cycle in S", rt_trap.count, 0);
  EXPECT_TRAP(uint64_t t = rt_enter_mode(PRV_S, rd_time, 0); (void)t);
  rt_check_eq("mcounteren.TM: time in S", rt_trap.count, 0);
  EXPECT_TRAP(rt_enter_mode(PRV_S, rd_instret, 0));
  rt_check_eq("mcounteren.IR: instret in S", rt_trap.count, 0);
  rt_check("scounteren=0: cycle in U illegal", illegal_in(PRV_U, rd_cycle));
  csr_write(scounteren, 7);
  EXPECT_TRAP(rt_enter_mode(PRV_U, rd_instret, 0));
  rt_check_eq("mcounteren and scounteren: instret in U", rt_trap.count, 0);
  csr_write(mcounteren, 5);
  rt_check("mcounteren.TM=0: time in U illegal even with scounteren", illegal_in(PRV_U, rd_time));
  csr_write(mcounteren, 0);
  csr_write(scounteren, 0);

  /* mstatus.FS = Off: FP instructions and fcsr are illegal; SD tracks dirty state. */
  csr_clear(mstatus, MSTATUS_FS);
  EXPECT_TRAP(__asm__ volatile("fadd.d ft0, ft0, ft0"));
  rt_check_eq("FS=Off: fadd.d illegal", rt_trap.cause, CAUSE_ILLEGAL_INSTRUCTION);
  EXPECT_TRAP(__asm__ volatile("csrr t0, fcsr" ::: "t0"));
  rt_check_eq("FS=Off: fcsr illegal", rt_trap.cause, CAUSE_ILLEGAL_INSTRUCTION);
  EXPECT_TRAP(__asm__ volatile("fmv.d.x ft0, zero"));
  rt_check_eq("FS=Off: fmv.d.x illegal", rt_trap.cause, CAUSE_ILLEGAL_INSTRUCTION);
  csr_set(mstatus, 1UL << 13);  /* Initial */
  __asm__ volatile("fmv.d.x ft0, zero");
  uint64_t st = csr_read(mstatus);
  rt_check_eq("an FP write makes FS Dirty", (st >> 13) & 3, 3);
  rt_check_eq("SD set when FS is Dirty", st >> 63, 1);
  return rt_done();
}
