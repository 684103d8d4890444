/*
 * Self-checking hypervisor test suite. An M-mode harness sets up HS, enters VS and VU, and
 * checks H-extension behaviour against the ratified H 1.0 text (ISA manual, "Hypervisor
 * Extension"). Lines: "ok <name> = v", "FAIL <name> = v (expected w)", "info <name> = v".
 * Under a 0.6.1 hart some checks fail on purpose: the host test asserts exactly which.
 */
#include "hlib.h"

#define G_ENTRY(spa, flags) ((((u64)(spa)) >> 12) << 10 | (flags))
#define PTE_V 0x1
#define PTE_R 0x2
#define PTE_W 0x4
#define PTE_X 0x8
#define PTE_U 0x10
#define PTE_A 0x40
#define PTE_D 0x80
#define GPA_UNMAPPED 0xc0000000ul   /* G-stage: no mapping */
#define GPA_ALIAS 0x100000000ul     /* G-stage: -> 0x80000000, RW */
#define GPA_XONLY 0x140000000ul     /* G-stage: -> 0x80000000, X only */
#define GPA_NOU 0x180000000ul       /* G-stage: -> 0x80000000, RWX but U=0 */
#define STVAL 0x143
#define GPA_MOVABLE 0x1c0000000ul   /* G-stage: remapped by the HFENCE test */

static u64 groot[2048] __attribute__((aligned(16384)));
static u64 vsroot[512] __attribute__((aligned(4096)));
static u64 vsroot2[512] __attribute__((aligned(4096)));
static u64 vsl1[512] __attribute__((aligned(4096)));
static u64 gmid[512] __attribute__((aligned(4096)));
static volatile u64 target_word __attribute__((aligned(4096)));
static volatile u64 target_word2 __attribute__((aligned(64)));

/* ---------------------------------------------------------------- helpers run in guests */
static long g_nop(long a) { return a + 1; }
#define GUEST_TRY(fname, body) static long fname(long a) { (void)a; trap_reset(); body; return trap_cause(); }

GUEST_TRY(g_csrr_hstatus, (void)csrr(HSTATUS))
GUEST_TRY(g_csrr_vsstatus, (void)csrr(VSSTATUS))
GUEST_TRY(g_csrr_hgeip, (void)csrr(HGEIP))
GUEST_TRY(g_csrw_hgeip, csrw(HGEIP, 0))
GUEST_TRY(g_csrr_henvcfg, (void)csrr(HENVCFG))
GUEST_TRY(g_csrr_hgatp, (void)csrr(HGATP))
GUEST_TRY(g_csrr_sstatus, (void)csrr(sstatus))
GUEST_TRY(g_csrr_satp, (void)csrr(satp))
GUEST_TRY(g_csrr_mstatus, (void)csrr(mstatus))
GUEST_TRY(g_wfi, asm volatile("wfi"))
GUEST_TRY(g_sret, asm volatile("sret"))
GUEST_TRY(g_sfence, asm volatile("sfence.vma"))
GUEST_TRY(g_hlv_w, (void)HLV_W(&target_word))
GUEST_TRY(g_hsv_w, HSV_W(&target_word, 1))
GUEST_TRY(g_hfence_gvma, HFENCE_GVMA())
GUEST_TRY(g_hfence_vvma, HFENCE_VVMA())
GUEST_TRY(g_rdtime, (void)csrr(time))
GUEST_TRY(g_rdcycle, (void)csrr(cycle))
GUEST_TRY(g_ecall, asm volatile("li a7, 0\n ecall" ::: "a7", "a0", "memory"))
GUEST_TRY(g_ebreak, asm volatile(".option push\n .option norvc\n ebreak\n .option pop" ::: "memory"))
GUEST_TRY(g_amo_misaligned, { u64 r_; asm volatile("amoadd.w %0, zero, (%1)" : "=r"(r_) : "r"((u64)&target_word + 1) : "memory"); })
GUEST_TRY(g_load_unmapped, { u64 r_; asm volatile(".option push\n .option norvc\n lw %0, 16(%1)\n .option pop" : "=r"(r_) : "r"(GPA_UNMAPPED) : "memory"); })
GUEST_TRY(g_store_unmapped, asm volatile(".option push\n .option norvc\n sd %0, 8(%1)\n .option pop" :: "r"(0ul), "r"(GPA_UNMAPPED) : "memory"))
GUEST_TRY(g_load_c_unmapped, { u64 r_; asm volatile(".option push\n .option rvc\n c.lw %0, 4(%1)\n .option pop" : "=r"(r_) : "r"(GPA_UNMAPPED) : "memory"); })
GUEST_TRY(g_load_nou, (void)*(volatile u64 *)(GPA_NOU + ((u64)&target_word - 0x80000000ul)))
GUEST_TRY(g_fetch_unmapped, ((void (*)(void))GPA_UNMAPPED)())
GUEST_TRY(g_load_va_1000, (void)*(volatile u64 *)0x1000ul)

static long g_alias_roundtrip(long a) {
  volatile u64 *alias = (volatile u64 *)(GPA_ALIAS + ((u64)&target_word2 - 0x80000000ul));
  *alias = (u64)a;
  return (long)target_word2;
}
static long g_read_sscratch_write(long a) { u64 v = csrr(sscratch); csrw(sscratch, (u64)a); return (long)v; }
static long g_read_sstatus(long a) { (void)a; return (long)csrr(sstatus); }
GUEST_TRY(g_try_stimecmp, (void)csrr(STIMECMP))
static long g_read_stimecmp(long a) { (void)a; return (long)csrr(STIMECMP); }
static long g_rdtime_value(long a) { (void)a; return (long)csrr(time); }

/* Interrupt tests */
static volatile u64 first_irq;
static void hook_clear(i64 level, u64 cause) {
  u64 code = cause & 0xff;
  if (!first_irq) first_irq = cause;
  if (level == LVL_VS) {
    csrc(sip, 1ul << code);          /* VS: sip.SSIP is the alias of hvip.VSSIP */
    if (code != 1) csrc(sie, 1ul << code);
  } else if (level == LVL_HS) {
    csrc(HVIP, 1ul << code);
    csrc(HIE, 1ul << code);
  } else {
    csrc(mie, 1ul << code);
  }
}
static long g_enable_sie_spin(long a) {
  (void)a;
  csrs(sstatus, 2);
  for (volatile int i = 0; i < 100; i++) {}
  csrc(sstatus, 2);
  return last.count;
}

/* ---------------------------------------------------------------- sections */
static void setup(void) {
  /* PMP: allow S and U everything (QEMU -bios none leaves PMP empty). */
  csrw(pmpaddr0, ~0ul >> 10);
  csrw(pmpcfg0, 0x1f);
  csrw(stvec, (u64)hs_trap_entry);
  csrw(sscratch, (u64)hs_trap_stack_top);
  csrw(VSTVEC, (u64)vs_trap_entry);
  csrw(VSSCRATCH, (u64)vs_trap_stack_top);
  csrw(medeleg, 0);
  csrw(mideleg, 0);
  csrw(HEDELEG, 0);
  csrw(HIDELEG, 0);
  csrw(mcounteren, ~0ul);
  csrw(HCOUNTEREN, ~0ul);
  csrw(scounteren, ~0ul);
  csrw(mie, 0);
  csrw(HVIP, 0);
  irq_hook = hook_clear;
}

static void csr_masks(void) {
  check("misa.H", (csrr(misa) >> 7) & 1, 1);
  u64 defined = (1ul << 5) | HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_HU | HSTATUS_VTVM |
                HSTATUS_VTW | HSTATUS_VTSR | (3ul << 32);
  csrw(HSTATUS, ~0ul);
  u64 hs = csrr(HSTATUS);
  /* VSBE: a little-endian-only hart may make it read-only 0; VSXL read-only 2 (VSXLEN=64). */
  check("hstatus.fields<-~0", hs & defined & ~(1ul << 5), defined & ~(1ul << 5) & ~(1ul << 32));
  info("hstatus.VGEIN<-63", (hs >> 12) & 0x3f);
  csrw(HSTATUS, 0);
  check("hstatus.VSXL<-0", (csrr(HSTATUS) >> 32) & 3, 2);

  csrw(HEDELEG, ~0ul);
  u64 he = csrr(HEDELEG);
  csrw(HEDELEG, 0);
  u64 must = 0x1ff | (1ul << 12) | (1ul << 13) | (1ul << 15);
  check("hedeleg.required-writable", he & must, must);
  check("hedeleg.ro0-9-11-20..23", he & ((1ul << 9) | (1ul << 11) | (0xful << 20)), 0);
  check("hedeleg[10]", (he >> 10) & 1, 0);   /* read-only 0 in 1.0, writable in 0.6.1 */

  csrw(HIDELEG, ~0ul);
  check("hideleg<-~0", csrr(HIDELEG) & 0xffff, 0x444);
  csrw(HIDELEG, 0);
  csrw(HVIP, ~0ul);
  check("hvip<-~0(hideleg=0)", csrr(HVIP) & 0xffff, 0x444);  /* 0.6.1: follows hideleg */
  csrw(HVIP, 0);
  csrw(HIDELEG, 0x444);
  csrw(HVIP, ~0ul);
  check("hvip<-~0(hideleg=0x444)", csrr(HVIP) & 0xffff, 0x444);
  csrw(HVIP, 0);
  csrw(HIDELEG, 0);
  csrw(HIP, ~0ul);
  check("hip<-~0", csrr(HIP) & 0x444, 0x4);
  check("hvip.VSSIP-via-hip", csrr(HVIP), 0x4);
  check("mip.VSSIP-alias", (csrr(mip) >> 2) & 1, 1);
  csrw(HIP, 0);
  check("hvip-after-hip<-0", csrr(HVIP), 0);
  csrw(HIE, ~0ul);
  u64 hie = csrr(HIE);
  check("hie.VS-bits", hie & 0x444, 0x444);
  info("hie<-~0", hie);
  check("mie.VS-alias", csrr(mie) & 0x444, 0x444);
  csrw(HIE, 0);
  csrw(HGEIE, ~0ul);
  u64 gi = csrr(HGEIE);
  check("hgeie.bit0", gi & 1, 0);
  info("hgeie<-~0", gi);
  check("hgeip(idle)", csrr(HGEIP), 0);
  csrw(HGEIE, 0);
  csrw(HCOUNTEREN, 0);
  check("hcounteren<-0", csrr(HCOUNTEREN), 0);
  csrw(HCOUNTEREN, ~0ul);
  check("hcounteren.CY|TM|IR", csrr(HCOUNTEREN) & 7, 7);
  check("mideleg.VS-ro1", csrr(mideleg) & 0x444, 0x444);

  trap_reset();
  (void)csrr(HENVCFG);
  check("henvcfg.exists", trap_cause() == -1, 1);   /* 0.6.1: no henvcfg -> illegal */

  csrw(HGATP, (8ul << 60) | (0x3ffful << 44) | 0xfffffffffffful);
  u64 hg = csrr(HGATP);
  check("hgatp.MODE<-Sv39x4", hg >> 60, 8);
  info("hgatp.VMID<-~0", (hg >> 44) & 0x3fff);
  info("hgatp.PPN<-~0", hg & 0xfffffffffffful);
  csrw(HGATP, (10ul << 60));
  check("hgatp.MODE<-Sv57x4", csrr(HGATP) >> 60, 10);   /* reserved in 0.6.1 */
  csrw(HGATP, (5ul << 60));
  info("hgatp.MODE<-5", csrr(HGATP) >> 60);
  csrw(HGATP, 0);

  csrw(VSSTATUS, ~0ul);
  u64 vss = csrr(VSSTATUS);
  /* SIE SPIE SPP SUM MXR are writable, UXL reads 2 */
  check("vsstatus.SIE|SPIE|SPP|SUM|MXR", vss & 0xc0122, 0xc0122);
  check("vsstatus.UXL", (vss >> 32) & 3, 2);
  info("vsstatus<-~0", vss);
  csrw(VSSTATUS, 0);
  csrs(mstatus, MSTATUS_MPV | MSTATUS_GVA);
  check("mstatus.MPV|GVA", csrr(mstatus) & (MSTATUS_MPV | MSTATUS_GVA), MSTATUS_MPV | MSTATUS_GVA);
  csrc(mstatus, MSTATUS_MPV | MSTATUS_GVA);
  csrw(MTVAL2, 0x123);
  info("mtval2<-0x123", csrr(MTVAL2));
  csrw(MTVAL2, 0);
}

static void virtual_instruction(void) {
  check("VS:csrr-hstatus", run_in(MODE_VS, g_csrr_hstatus, 0), 22);
  info("VS:csrr-hstatus.mtval", last.tval);
  check("VS:csrr-hstatus.MPV", (last.status & MSTATUS_MPV) != 0, 1);
  check("VS:csrr-vsstatus", run_in(MODE_VS, g_csrr_vsstatus, 0), 22);
  check("VS:csrr-hgeip", run_in(MODE_VS, g_csrr_hgeip, 0), 22);
  /* 1.0: HS could not write hgeip either, so not HS-qualified -> illegal (2). 0.6.1: 22. */
  check("VS:csrw-hgeip", run_in(MODE_VS, g_csrw_hgeip, 0), 2);
  check("VU:csrr-hstatus", run_in(MODE_VU, g_csrr_hstatus, 0), 22);
  check("U:csrr-hstatus", run_in(MODE_U, g_csrr_hstatus, 0), 2);
  check("VU:csrr-sstatus", run_in(MODE_VU, g_csrr_sstatus, 0), 22);
  check("VS:csrr-mstatus", run_in(MODE_VS, g_csrr_mstatus, 0), 2);
  check("VS:csrr-henvcfg", run_in(MODE_VS, g_csrr_henvcfg, 0), 22);  /* 0.6.1: no CSR -> 2 */
  /* hgatp with mstatus.TVM=1: illegal from HS, virtual from VS (TVM is assumed 0). */
  csrs(mstatus, MSTATUS_TVM);
  check("HS:csrr-hgatp(TVM=1)", run_in(MODE_HS, g_csrr_hgatp, 0), 2);
  check("VS:csrr-hgatp(TVM=1)", run_in(MODE_VS, g_csrr_hgatp, 0), 22);
  check("VS:csrr-satp(TVM=1)", run_in(MODE_VS, g_csrr_satp, 0), -1ul);  /* TVM does not reach VS */
  csrc(mstatus, MSTATUS_TVM);

  check("VU:wfi(TW=0)", run_in(MODE_VU, g_wfi, 0), 22);
  csrs(mstatus, MSTATUS_TW);
  check("VU:wfi(TW=1)", run_in(MODE_VU, g_wfi, 0), 2);           /* 0.6.1: 22 */
  check("VS:wfi(TW=1)", run_in(MODE_VS, g_wfi, 0), 2);
  csrc(mstatus, MSTATUS_TW);
  csrs(HSTATUS, HSTATUS_VTW);
  check("VS:wfi(VTW=1)", run_in(MODE_VS, g_wfi, 0), 22);
  csrc(HSTATUS, HSTATUS_VTW);
  csrs(HSTATUS, HSTATUS_VTSR);
  check("VS:sret(VTSR=1)", run_in(MODE_VS, g_sret, 0), 22);
  csrc(HSTATUS, HSTATUS_VTSR);
  csrs(HSTATUS, HSTATUS_VTVM);
  check("VS:sfence.vma(VTVM=1)", run_in(MODE_VS, g_sfence, 0), 22);
  check("VS:csrr-satp(VTVM=1)", run_in(MODE_VS, g_csrr_satp, 0), 22);
  csrc(HSTATUS, HSTATUS_VTVM);
  check("VS:sfence.vma", run_in(MODE_VS, g_sfence, 0), -1ul);
  check("VU:sret", run_in(MODE_VU, g_sret, 0), 22);
  check("VU:sfence.vma", run_in(MODE_VU, g_sfence, 0), 22);
  check("VS:hlv.w", run_in(MODE_VS, g_hlv_w, 0), 22);
  check("VU:hsv.w", run_in(MODE_VU, g_hsv_w, 0), 22);
  check("VS:hfence.gvma", run_in(MODE_VS, g_hfence_gvma, 0), 22);
  check("VS:hfence.vvma", run_in(MODE_VS, g_hfence_vvma, 0), 22);
  check("U:hlv.w(HU=0)", run_in(MODE_U, g_hlv_w, 0), 2);
  check("U:hfence.vvma", run_in(MODE_U, g_hfence_vvma, 0), 2);
  csrs(HSTATUS, HSTATUS_HU);
  check("U:hlv.w(HU=1)", run_in(MODE_U, g_hlv_w, 0), -1ul);
  csrc(HSTATUS, HSTATUS_HU);
  check("HS:hfence.gvma", run_in(MODE_HS, g_hfence_gvma, 0), -1ul);
  csrs(mstatus, MSTATUS_TVM);
  check("HS:hfence.gvma(TVM=1)", run_in(MODE_HS, g_hfence_gvma, 0), 2);
  check("HS:hfence.vvma(TVM=1)", run_in(MODE_HS, g_hfence_vvma, 0), -1ul);
  csrc(mstatus, MSTATUS_TVM);

  /* counters */
  csrw(HCOUNTEREN, 0);
  check("VS:rdtime(hcounteren=0)", run_in(MODE_VS, g_rdtime, 0), 22);
  check("VU:rdcycle(hcounteren=0)", run_in(MODE_VU, g_rdcycle, 0), 22);
  csrw(HCOUNTEREN, ~0ul);
  csrw(scounteren, 0);
  check("VU:rdtime(scounteren=0)", run_in(MODE_VU, g_rdtime, 0), 22);  /* 0.6.1: 2 */
  check("VS:rdtime(scounteren=0)", run_in(MODE_VS, g_rdtime, 0), -1ul);
  csrw(scounteren, ~0ul);
  csrw(mcounteren, 0);
  check("VS:rdtime(mcounteren=0)", run_in(MODE_VS, g_rdtime, 0), 2);
  csrw(mcounteren, ~0ul);
}

static void redirection(void) {
  csrw(sscratch, 0x1111);
  csrw(VSSCRATCH, 0x2222);
  check("VS:sscratch->vsscratch", run_in(MODE_VS, g_read_sscratch_write, 0x3333), 0x2222);
  check("vsscratch-after", csrr(VSSCRATCH), 0x3333);
  check("sscratch-kept", csrr(sscratch), 0x1111);
  csrw(sscratch, (u64)hs_trap_stack_top);
  csrw(VSSCRATCH, (u64)vs_trap_stack_top);
  csrw(VSSTATUS, 1ul << 8);
  check("VS:sstatus->vsstatus.SPP", (run_in(MODE_VS, g_read_sstatus, 0) >> 8) & 1, 1);
  csrw(VSSTATUS, 0);
  csrw(HTIMEDELTA, 1ul << 40);
  u64 before = csrr(time);
  u64 guest = (u64)run_in(MODE_VS, g_rdtime_value, 0);
  u64 after = csrr(time);
  check("VS:time=time+htimedelta", guest - (1ul << 40) >= before && guest - (1ul << 40) <= after, 1);
  csrw(HTIMEDELTA, 0);
}

static void routing(void) {
  /* VS ecall -> M (not delegated) */
  check("VS:ecall->M", run_in(MODE_VS, g_ecall, 0), 10);
  check("VS:ecall->M.level", last.level, LVL_M);
  check("VS:ecall->M.MPV", (last.status >> 39) & 1, 1);
  check("VS:ecall->M.MPP", (last.status >> 11) & 3, 1);
  /* delegated to HS */
  csrw(medeleg, 1ul << 10);
  check("VS:ecall->HS", run_in(MODE_VS, g_ecall, 0), 10);
  check("VS:ecall->HS.level", last.level, LVL_HS);
  check("VS:ecall->HS.SPV|SPVP", last.status & (HSTATUS_SPV | HSTATUS_SPVP), HSTATUS_SPV | HSTATUS_SPVP);
  check("VS:ecall->HS.GVA", (last.status >> 6) & 1, 0);
  check("VS:ecall->HS.htval", last.tval2, 0);
  csrw(medeleg, (1ul << 10) | (1ul << 8));
  check("VU:ecall->HS.SPVP", (run_in(MODE_VU, g_ecall, 0), last.status & (HSTATUS_SPV | HSTATUS_SPVP)), HSTATUS_SPV);
  /* further to VS */
  csrw(medeleg, (1ul << 8) | (1ul << 2) | (1ul << 22) | (1ul << 3) | (1ul << 4) | (1ul << 6));
  csrw(HEDELEG, (1ul << 8) | (1ul << 2));
  check("VU:ecall->VS", run_in(MODE_VU, g_ecall, 0), 8);
  check("VU:ecall->VS.level", last.level, LVL_VS);
  check("VU:ecall->VS.SPP", (last.status >> 8) & 1, 0);
  check("VS:illegal->VS", run_in(MODE_VS, g_csrr_mstatus, 0), 2);
  check("VS:illegal->VS.level", last.level, LVL_VS);
  check("VS:illegal->VS.SPP", (last.status >> 8) & 1, 1);
  check("VS:virtual->HS", run_in(MODE_VS, g_csrr_hstatus, 0), 22);
  check("VS:virtual->HS.level", last.level, LVL_HS);
  info("VS:virtual->HS.stval", last.tval);
  check("VS:ebreak->HS", run_in(MODE_VS, g_ebreak, 0), 3);
  info("VS:ebreak->HS.stval!=0", last.tval != 0);
  /* GVA for breakpoint: 1.0 sets it when stval holds the guest VA; 0.6.1 never. */
  check("VS:ebreak->HS.GVA", (last.status >> 6) & 1, last.tval != 0);
  check("VS:amo-misaligned->HS", run_in(MODE_VS, g_amo_misaligned, 0), 6);
  check("VS:amo-misaligned->HS.stval", last.tval, (u64)&target_word + 1);
  check("VS:amo-misaligned->HS.GVA", (last.status >> 6) & 1, 1);   /* 0.6.1: 0 */
  csrw(medeleg, 0);
  check("VS:amo-misaligned->M", run_in(MODE_VS, g_amo_misaligned, 0), 6);
  check("VS:amo-misaligned->M.GVA", (last.status >> 38) & 1, 1);   /* 0.6.1: 0 */
  check("VS:amo-misaligned->M.MPV", (last.status >> 39) & 1, 1);
  check("HS:amo-misaligned->M.GVA", (run_in(MODE_HS, g_amo_misaligned, 0), (last.status >> 38) & 1), 0);
  csrw(HEDELEG, 0);
}

static void gstage_setup(void) {
  for (int i = 0; i < 2048; i++) groot[i] = 0;
  u64 rwxu = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
  groot[0] = G_ENTRY(0x00000000ul, rwxu);
  groot[1] = G_ENTRY(0x40000000ul, rwxu);
  groot[2] = G_ENTRY(0x80000000ul, rwxu);
  /* groot[3] (GPA 0xc0000000) stays invalid */
  groot[4] = G_ENTRY(0x80000000ul, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
  groot[5] = G_ENTRY(0x80000000ul, PTE_V | PTE_X | PTE_U | PTE_A);
  groot[6] = G_ENTRY(0x80000000ul, rwxu & ~PTE_U);
  groot[7] = G_ENTRY(0x80000000ul, rwxu);
  csrw(HGATP, (8ul << 60) | (5ul << 44) | ((u64)groot >> 12));
  HFENCE_GVMA();
}

static long hs_hlv_alias(long a) {
  u64 gpa = GPA_ALIAS + ((u64)&target_word - 0x80000000ul);
  HSV_D(gpa, (u64)a);
  u64 w = HLV_WU(gpa + 4);
  return (long)(w + HLV_D(gpa) + HLV_BU(gpa) + HLV_B(gpa) + HLV_H(gpa) + HLV_HU(gpa) + HLV_W(gpa));
}
GUEST_TRY(hs_hlv_unmapped, (void)HLV_W(GPA_UNMAPPED + 8))
GUEST_TRY(hs_hsv_unmapped, HSV_B(GPA_UNMAPPED + 3, 1))
GUEST_TRY(hs_hlv_xonly, (void)HLV_W(GPA_XONLY + ((u64)&target_word - 0x80000000ul)))
static long hs_hlvx_xonly(long a) { (void)a; trap_reset(); u64 v = HLVX_WU(GPA_XONLY + ((u64)&target_word - 0x80000000ul)); return last.count ? -(long)last.cause : (long)v; }
static long hs_hlv_movable(long a) { (void)a; return (long)HLV_D(GPA_MOVABLE + ((u64)&target_word - 0x80000000ul)); }

static void two_stage(void) {
  gstage_setup();
  csrw(medeleg, (1ul << 20) | (1ul << 21) | (1ul << 23));
  check("VS:G-stage-alias", run_in(MODE_VS, g_alias_roundtrip, 0x5a5a), 0x5a5a);
  check("VS:lw-unmapped", run_in(MODE_VS, g_load_unmapped, 0), 21);
  check("VS:lw-unmapped.level", last.level, LVL_HS);
  check("VS:lw-unmapped.stval", last.tval, GPA_UNMAPPED + 16);
  check("VS:lw-unmapped.htval", last.tval2, (GPA_UNMAPPED + 16) >> 2);
  check("VS:lw-unmapped.GVA|SPV", last.status & (HSTATUS_GVA | HSTATUS_SPV), HSTATUS_GVA | HSTATUS_SPV);
  /* htinst: 0 or the transformed lw (imm zeroed, rs1 = offset 0): "Transformed Instruction" */
  check("VS:lw-unmapped.htinst", last.tinst == 0 || (last.tinst & ~0xf80ul) == 0x2003, 1);
  info("VS:lw-unmapped.htinst", last.tinst);
  check("VS:sd-unmapped", run_in(MODE_VS, g_store_unmapped, 0), 23);
  check("VS:sd-unmapped.htval", last.tval2, (GPA_UNMAPPED + 8) >> 2);
  check("VS:sd-unmapped.htinst", last.tinst == 0 || (last.tinst & ~0x1f00000ul) == 0x3023, 1);
  info("VS:sd-unmapped.htinst", last.tinst);
  check("VS:c.lw-unmapped", run_in(MODE_VS, g_load_c_unmapped, 0), 21);
  check("VS:c.lw-unmapped.htinst", last.tinst == 0 || (last.tinst & ~0xf80ul) == 0x2001, 1);
  info("VS:c.lw-unmapped.htinst", last.tinst);
  fetch_test = 1;
  check("VS:fetch-unmapped", run_in(MODE_VS, g_fetch_unmapped, 0), 20);
  fetch_test = 0;
  check("VS:fetch-unmapped.htval", last.tval2, GPA_UNMAPPED >> 2);
  check("VS:fetch-unmapped.htinst", last.tinst, 0);
  check("VS:load-G-leaf-U=0", run_in(MODE_VS, g_load_nou, 0), 21);
  /* VS-stage root table in unmapped guest-physical memory: implicit access faults. */
  for (int i = 0; i < 512; i++) vsroot[i] = 0;
  vsroot[0] = G_ENTRY(GPA_UNMAPPED, PTE_V);   /* next level lives in unmapped guest memory */
  vsroot[2] = G_ENTRY(0x80000000ul, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
  csrw(VSATP, (8ul << 60) | ((u64)vsroot >> 12));
  check("VS:implicit-pte-read", run_in(MODE_VS, g_load_va_1000, 0), 21);
  check("VS:implicit-pte-read.stval", last.tval, 0x1000);
  check("VS:implicit-pte-read.htval", last.tval2, GPA_UNMAPPED >> 2);
  check("VS:implicit-pte-read.htinst", last.tinst, 0x3000);
  csrw(VSATP, 0);
  csrw(medeleg, 0);
  check("VS:lw-unmapped->M", run_in(MODE_VS, g_load_unmapped, 0), 21);
  check("VS:lw-unmapped->M.mtval2", last.tval2, (GPA_UNMAPPED + 16) >> 2);
  check("VS:lw-unmapped->M.GVA|MPV", last.status & (MSTATUS_GVA | MSTATUS_MPV), MSTATUS_GVA | MSTATUS_MPV);

  /* HLV/HSV from HS through the G-stage, as VS (SPVP=1) */
  csrw(medeleg, (1ul << 21) | (1ul << 23));
  csrs(HSTATUS, HSTATUS_SPVP);
  target_word = 0;
  u64 want = 0x8877665544332211ul;
  long sum = run_in(MODE_HS, hs_hlv_alias, (long)want);
  check("HS:hsv.d-then-phys", target_word, want);
  check("HS:hlv-all-widths", (u64)sum,
        0x88776655ul + want + 0x11 + 0x11 + 0x2211 + 0x2211 + 0x44332211ul);
  check("HS:hlv.w-unmapped", run_in(MODE_HS, hs_hlv_unmapped, 0), 21);
  check("HS:hlv.w-unmapped.htval", last.tval2, (GPA_UNMAPPED + 8) >> 2);
  check("HS:hlv.w-unmapped.GVA|SPV", last.status & (HSTATUS_GVA | HSTATUS_SPV), HSTATUS_GVA);
  check("HS:hlv.w-unmapped.htinst", last.tinst == 0 || (last.tinst & ~0xf80ul) == 0x68004073, 1);
  info("HS:hlv.w-unmapped.htinst", last.tinst);
  check("HS:hsv.b-unmapped", run_in(MODE_HS, hs_hsv_unmapped, 0), 23);
  check("HS:hsv.b-unmapped.htval", last.tval2, (GPA_UNMAPPED + 3) >> 2);
  target_word = 0x1234;
  check("HS:hlv.w-xonly", run_in(MODE_HS, hs_hlv_xonly, 0), 21);
  check("HS:hlvx.wu-xonly", run_in(MODE_HS, hs_hlvx_xonly, 0), 0x1234);
  csrs(sstatus, 1ul << 19);   /* HS MXR applies to both stages */
  check("HS:hlv.w-xonly(MXR=1)", run_in(MODE_HS, hs_hlv_xonly, 0), -1ul);
  csrc(sstatus, 1ul << 19);
  /* HFENCE.GVMA: remap a G-stage megapage, fence, and see the new mapping */
  u64 off = (u64)&target_word - 0x80000000ul;
  volatile u64 *moved = (volatile u64 *)((u64)&target_word + (2ul << 20));
  target_word = 0xaaaa;
  *moved = 0xbbbb;
  for (int i = 0; i < 512; i++) gmid[i] = G_ENTRY(0x80000000ul + ((u64)i << 21), PTE_V | PTE_R | PTE_U | PTE_A);
  groot[7] = G_ENTRY((u64)gmid, PTE_V);
  HFENCE_GVMA();
  check("HS:hlv.d-before-remap", run_in(MODE_HS, hs_hlv_movable, 0), 0xaaaa);
  gmid[off >> 21] = G_ENTRY(0x80000000ul + (((off >> 21) + 1) << 21), PTE_V | PTE_R | PTE_U | PTE_A);
  HFENCE_GVMA();
  check("HS:hlv.d-after-remap+hfence", run_in(MODE_HS, hs_hlv_movable, 0), 0xbbbb);
  csrc(HSTATUS, HSTATUS_SPVP);
  csrw(medeleg, 0);
  csrw(HGATP, 0);
  HFENCE_GVMA();
}

static long g_read_va(long va) { return (long)*(volatile u64 *)va; }
GUEST_TRY(g_load_va_c0000000, (void)*(volatile u64 *)0xc0000000ul)

/* VS-stage translation under an identity G-stage: VS page faults delegated to VS, and HFENCE.VVMA. */
static void vs_stage(void) {
  gstage_setup();
  u64 off = (u64)&target_word - 0x80000000ul;
  volatile u64 *moved = (volatile u64 *)((u64)&target_word + (2ul << 20));
  target_word = 0xaaaa;
  *moved = 0xbbbb;
  for (int i = 0; i < 512; i++) { vsroot2[i] = 0; vsl1[i] = 0; }
  vsroot2[2] = G_ENTRY(0x80000000ul, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
  vsroot2[1] = G_ENTRY((u64)vsl1, PTE_V);
  u64 mp = 0x80000000ul + (off & ~((2ul << 20) - 1));
  vsl1[0] = G_ENTRY(mp, PTE_V | PTE_R | PTE_A | PTE_D);
  csrw(VSATP, (8ul << 60) | ((u64)vsroot2 >> 12));
  HFENCE_VVMA();
  u64 va = 0x40000000ul + (off & ((2ul << 20) - 1));
  check("VS:vs-stage-read", run_in(MODE_VS, g_read_va, (long)va), 0xaaaa);
  vsl1[0] = G_ENTRY(mp + (2ul << 20), PTE_V | PTE_R | PTE_A | PTE_D);
  HFENCE_VVMA();
  check("VS:vs-stage-read-after-remap+hfence.vvma", run_in(MODE_VS, g_read_va, (long)va), 0xbbbb);
  csrw(medeleg, 1ul << 13);
  csrw(HEDELEG, 1ul << 13);
  csrw(STVAL, 0x5151);
  check("VS:vs-page-fault->VS", run_in(MODE_VS, g_load_va_c0000000, 0), 13);
  check("VS:vs-page-fault->VS.level", last.level, LVL_VS);
  check("VS:vs-page-fault->VS.vstval", last.tval, 0xc0000000ul);
  check("VS:vs-page-fault->VS.HS-stval-kept", csrr(stval), 0x5151);
  csrw(HEDELEG, 0);
  check("VS:vs-page-fault->HS", run_in(MODE_VS, g_load_va_c0000000, 0), 13);
  check("VS:vs-page-fault->HS.htval", last.tval2, 0);
  check("VS:vs-page-fault->HS.GVA", (last.status >> 6) & 1, 1);
  csrw(medeleg, 0);
  csrw(VSATP, 0);
  csrw(HGATP, 0);
  HFENCE_GVMA();
  HFENCE_VVMA();
}

static void interrupts(void) {
  /* VSSI delegated to VS: arrives as SSI (1) in vscause */
  csrw(HIDELEG, 0x444);
  csrw(HIE, 0x4);
  csrw(HVIP, 0x4);
  trap_reset();
  first_irq = 0;
  check("VS:vssi->VS.count", run_in(MODE_VS, g_enable_sie_spin, 0), 1);
  check("VS:vssi->VS.cause", last.cause, (1ul << 63) | 1);
  check("VS:vssi->VS.level", last.level, LVL_VS);
  check("hvip.VSSIP-cleared-by-VS", csrr(HVIP), 0);
  /* VSEI delegated to VS via hvip: arrives as SEI (9) */
  csrw(HIE, 0x400);
  csrw(HVIP, 0x400);
  trap_reset();
  check("VS:vsei->VS.count", run_in(MODE_VS, g_enable_sie_spin, 0), 1);
  check("VS:vsei->VS.cause", last.cause, (1ul << 63) | 9);
  csrw(HVIP, 0);
  /* not delegated by hideleg: taken in HS with the VS cause, whatever vsstatus.SIE is */
  csrw(HIDELEG, 0);
  csrw(HIE, 0x444);
  csrw(HVIP, 0x44);
  trap_reset();
  first_irq = 0;
  run_in(MODE_VS, g_nop, 0);
  check("VS:vsti+vssi->HS.first", first_irq, (1ul << 63) | 2);   /* VSSI before VSTI */
  check("VS:vsti+vssi->HS.count", last.count, 2);
  check("VS:vsti+vssi->HS.last", last.cause, (1ul << 63) | 6);
  check("VS:vsti->HS.level", last.level, LVL_HS);
  check("VS:vsti->HS.htinst", last.tinst, 0);
  csrw(HIE, 0);
  csrw(HVIP, 0);
  csrw(HIDELEG, 0);
}

static void sstc(void) {
  csrs(MENVCFG, 1ul << 63);
  if (!(csrr(MENVCFG) >> 63)) { info("sstc", 0); return; }
  info("sstc", 1);
  trap_reset();
  csrs(HENVCFG, 1ul << 63);
  if (trap_cause() != -1 || !(csrr(HENVCFG) >> 63)) { info("henvcfg.STCE", 0); return; }
  csrw(VSTIMECMP, 0);
  check("vstimecmp=0->hip.VSTIP", (csrr(HIP) >> 6) & 1, 1);
  csrw(VSTIMECMP, ~0ul);
  check("vstimecmp=~0->hip.VSTIP", (csrr(HIP) >> 6) & 1, 0);
  /* the comparison uses the guest's time, time + htimedelta */
  csrw(VSTIMECMP, csrr(time) + (1ul << 40));
  csrw(HTIMEDELTA, 1ul << 41);
  check("vstimecmp-vs-htimedelta->hip.VSTIP", (csrr(HIP) >> 6) & 1, 1);
  csrw(HTIMEDELTA, 0);
  check("VS:stimecmp->vstimecmp", (u64)run_in(MODE_VS, g_read_stimecmp, 0), csrr(VSTIMECMP));
  csrw(HCOUNTEREN, ~0ul & ~2ul);
  check("VS:stimecmp(hcounteren.TM=0)", run_in(MODE_VS, g_try_stimecmp, 0), 22);
  csrw(HCOUNTEREN, ~0ul);
  csrc(HENVCFG, 1ul << 63);
  csrc(MENVCFG, 1ul << 63);
}

int main(void) {
  puts_("hsuite: H extension checks\n");
  setup();
  csr_masks();
  virtual_instruction();
  redirection();
  routing();
  two_stage();
  vs_stage();
  interrupts();
  sstc();
  finish();
  return 0;
}
