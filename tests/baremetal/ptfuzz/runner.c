/* Fixed runner for the page-table fuzzer (tests/src/ptfuzz): interprets a script that the
 * generator patches into pf_blob (the ELF is built once; only the blob changes per seed).
 *
 * Script: 64-bit words, one operation after another:
 *   OP_ZERO addr bytes          zero physical memory (page-table pool)
 *   OP_FILL addr bytes          fill with the arena pattern (see pf_fill)
 *   OP_PTE addr value           store a PTE (M mode, untranslated) and watch that word
 *   OP_CSR csr value            write a CSR and print "C<csr> <read back>"
 *   OP_ACC n kind mode va value flags
 *                               one access, translated as in `mode`; prints its outcome and
 *                               every watched PTE it changed (A/D updates, stores into tables)
 *   OP_END
 * Every access is preceded by SFENCE.VMA, HFENCE.GVMA and HFENCE.VVMA (all x0), so nothing
 * depends on what a TLB kept. All traps go to M (medeleg = 0).
 *
 * Output lines:
 *   A<n> =<value>                                      the access completed (loads: value)
 *   A<n> c=<mcause> t=<mtval> t2=<mtval2> ti=<mtinst> g=<GVA><MPV> i=<insn>   it trapped
 * (insn: the trapping instruction word for loads/stores/AMOs/HLV/HSV, 0 for fetches)
 *   W<n> <addr> <value>                                a watched PTE changed during access n
 *   END
 */
#include "rt.h"

#define OP_END 0
#define OP_ZERO 1
#define OP_FILL 2
#define OP_PTE 3
#define OP_CSR 4
#define OP_ACC 5

enum {
  K_LD, K_LW, K_LHU, K_LBU, K_SD, K_SW, K_SH, K_SB, K_AMOOR_D, K_AMOSWAP_W, K_FETCH,
  K_HLV_D, K_HLV_WU, K_HLV_B, K_HLVX_HU, K_HLVX_WU, K_HSV_D, K_HSV_W, K_HSV_B, K_LR_D,
};

#define BLOB_WORDS (192 * 1024 / 8)
/* Patched by the generator: the first word stays the magic so a stale ELF is noticed. */
__attribute__((section(".data.pfblob"), aligned(4096))) volatile uint64_t pf_blob[BLOB_WORDS] = { 0x50544655455a5a31UL };

#define MAX_WATCH 4096
static uint64_t watch_addr[MAX_WATCH];
static uint64_t watch_val[MAX_WATCH];
static int nwatch;

#define MSTATUS_MPV (1UL << 39)
#define MSTATUS_GVA (1UL << 38)

/* What the trap hook saw during a probe. */
static volatile int probing;
static volatile uint64_t tr_cause, tr_tval, tr_tval2, tr_tinst, tr_status, tr_insn, tr_taken, tr_value;

/* HLV/HLVX/HSV run in HS-mode (V=0, S), as a hypervisor runs them: a stub page at STUB_CODE
 * (PMP: execute only) holds "insn a0, (a0)" or "insn a1, (a0)" then ECALL for each kind,
 * fetched through a fixed Sv39 table (STUB_PT, PMP: read only) that satp holds during the
 * probe; one 2 MiB leaf maps VA STUB_CODE to itself (not U, A and D set). */
#define STUB_CODE 0x80c00000UL
#define STUB_PT 0x80c02000UL
uint64_t pf_fetch_back_pc;
extern void pf_enter(uint64_t pc, uint64_t a0, uint64_t a1);
extern char pf_fetch_back[];

static void puthex(uint64_t v) { rt_puthex(v); }

static int hook(struct trap_frame *f, uint64_t cause, uint64_t epc, uint64_t tval) {
  if (!probing || (cause & CAUSE_INTERRUPT)) return 0;
  if (probing == 3 && cause == CAUSE_SUPERVISOR_ECALL && !(csr_read(mstatus) & MSTATUS_MPV)) {
    /* The HS-mode stub finished its HLV/HSV: a0 holds the loaded value. */
    tr_value = f->x[10];
    csr_write(mepc, (uint64_t)pf_fetch_back);
    csr_set(mstatus, MSTATUS_MPP);
    return 1;
  }
  tr_taken = 1;
  tr_cause = cause;
  tr_tval = tval;
  tr_tval2 = csr_read(0x34b);
  tr_tinst = csr_read(0x34a);
  tr_status = csr_read(mstatus);
  if (probing == 2) {
    tr_insn = 0;
    csr_write(mepc, (uint64_t)pf_fetch_back);
  } else if (probing == 3) {
    tr_insn = (epc >= STUB_CODE && epc < STUB_CODE + 0x1000) ? *(volatile uint32_t *)epc : 0;
    csr_write(mepc, (uint64_t)pf_fetch_back);
  } else {
    tr_insn = *(volatile uint32_t *)epc;
    csr_write(mepc, epc + 4);
  }
  /* Back to M with V=0 (the trap set MPP/MPV to where it came from). */
  csr_set(mstatus, MSTATUS_MPP);
  csr_clear(mstatus, MSTATUS_MPV);
  return 1;
}

/* pf_enter(pc, a0, a1): mret to pc in the mode already in MPP/MPV with a0, a1 set. For a
 * fetch probe pc is the address probed: the trap (page fault, access fault, or the illegal
 * instruction the arena holds at every 4-byte boundary) comes back through the hook to
 * pf_fetch_back with the callee-saved registers restored here. For HLV/HLVX/HSV, pc is a
 * stub in HS-mode: the instruction, then ECALL (see hs_stubs). */
__asm__(
  "  .text\n"
  "  .globl pf_enter\n"
  "pf_enter:\n"
  "  la t0, pf_ctx\n"
  "  sd ra, 0(t0)\n  sd sp, 8(t0)\n  sd gp, 16(t0)\n  sd tp, 24(t0)\n"
  "  sd s0, 32(t0)\n  sd s1, 40(t0)\n  sd s2, 48(t0)\n  sd s3, 56(t0)\n  sd s4, 64(t0)\n  sd s5, 72(t0)\n"
  "  sd s6, 80(t0)\n  sd s7, 88(t0)\n  sd s8, 96(t0)\n  sd s9, 104(t0)\n  sd s10, 112(t0)\n  sd s11, 120(t0)\n"
  "  csrw mepc, a0\n"
  "  mv a0, a1\n"
  "  mv a1, a2\n"
  "  mret\n"
  "  .globl pf_fetch_back\n"
  "pf_fetch_back:\n"
  "  la t0, pf_ctx\n"
  "  ld ra, 0(t0)\n  ld sp, 8(t0)\n  ld gp, 16(t0)\n  ld tp, 24(t0)\n"
  "  ld s0, 32(t0)\n  ld s1, 40(t0)\n  ld s2, 48(t0)\n  ld s3, 56(t0)\n  ld s4, 64(t0)\n  ld s5, 72(t0)\n"
  "  ld s6, 80(t0)\n  ld s7, 88(t0)\n  ld s8, 96(t0)\n  ld s9, 104(t0)\n  ld s10, 112(t0)\n  ld s11, 120(t0)\n"
  "  ret\n"
  "  .bss\n  .balign 8\npf_ctx: .space 128\n  .text\n");

/* Data probes: MPRV=1 makes the one access inside the asm translate as MPP/MPV. */
#define MPRV_ACCESS(insn, ...) \
  __asm__ volatile(".option push\n.option norvc\ncsrs mstatus, %[m]\n" insn "\ncsrc mstatus, %[m]\n.option pop" __VA_ARGS__)
#define LOAD(insn) MPRV_ACCESS(insn " %[r], 0(%[a])", : [r] "=&r"(r) : [a] "r"(va), [m] "r"(mprv) : "memory")
#define STORE(insn) MPRV_ACCESS(insn " %[v], 0(%[a])", : : [a] "r"(va), [v] "r"(val), [m] "r"(mprv) : "memory")
#define AMO(insn) MPRV_ACCESS(insn " %[r], %[v], (%[a])", : [r] "=&r"(r) : [a] "r"(va), [v] "r"(val), [m] "r"(mprv) : "memory")
/* HLV/HLVX/HSV words (opcode SYSTEM, funct3 4; GCC 12 has no 'h' in -march):
 * funct7 << 25 | rs2 << 20 | rs1 (a0) << 15 | 4 << 12 | rd << 7 | 0x73. */
#define HLV_W(f7, rs2) (((uint32_t)(f7) << 25) | ((rs2) << 20) | (10 << 15) | (4 << 12) | (10 << 7) | 0x73)
#define HSV_W(f7) (((uint32_t)(f7) << 25) | (11 << 20) | (10 << 15) | (4 << 12) | 0x73)
static const uint32_t hs_insn[] = {
  [K_HLV_D - K_HLV_D] = HLV_W(0x36, 0), [K_HLV_WU - K_HLV_D] = HLV_W(0x34, 1), [K_HLV_B - K_HLV_D] = HLV_W(0x30, 0),
  [K_HLVX_HU - K_HLV_D] = HLV_W(0x32, 3), [K_HLVX_WU - K_HLV_D] = HLV_W(0x34, 3),
  [K_HSV_D - K_HLV_D] = HSV_W(0x37), [K_HSV_W - K_HLV_D] = HSV_W(0x35), [K_HSV_B - K_HLV_D] = HSV_W(0x31),
};
#define N_HS (sizeof hs_insn / sizeof hs_insn[0])

static void hs_stubs(void) {
  volatile uint32_t *code = (volatile uint32_t *)STUB_CODE;
  for (unsigned k = 0; k < N_HS; k++) { code[2 * k] = hs_insn[k]; code[2 * k + 1] = 0x00000073; /* ecall */ }
  volatile uint64_t *root = (volatile uint64_t *)STUB_PT, *l1 = (volatile uint64_t *)(STUB_PT + 0x1000);
  for (int i = 0; i < 512; i++) root[i] = l1[i] = 0;
  root[(STUB_CODE >> 30) & 511] = ((STUB_PT + 0x1000) >> 12 << 10) | 1;            /* V: pointer */
  l1[(STUB_CODE >> 21) & 511] = (STUB_CODE >> 12 << 10) | 0x08 | 0x40 | 0x80 | 1;  /* V X A D */
  __asm__ volatile("fence.i" ::: "memory");
}
#define STUB_SATP ((8UL << 60) | (STUB_PT >> 12))

static uint64_t probe(uint64_t kind, uint64_t va, uint64_t val) {
  uint64_t r = 0, mprv = MSTATUS_MPRV;
  switch (kind) {
  case K_LD: LOAD("ld"); break;
  case K_LW: LOAD("lw"); break;
  case K_LHU: LOAD("lhu"); break;
  case K_LBU: LOAD("lbu"); break;
  case K_SD: STORE("sd"); break;
  case K_SW: STORE("sw"); break;
  case K_SH: STORE("sh"); break;
  case K_SB: STORE("sb"); break;
  case K_AMOOR_D: AMO("amoor.d"); break;
  case K_AMOSWAP_W: AMO("amoswap.w"); break;
  case K_LR_D: MPRV_ACCESS("lr.d %[r], (%[a])", : [r] "=&r"(r) : [a] "r"(va), [m] "r"(mprv) : "memory"); break;
  default: rt_puts("bad access kind\n"); rt_exit(3);
  }
  return r;
}

static void write_csr(uint64_t csr, uint64_t v) {
  switch (csr) {
  case 0x180: csr_write(0x180, v); break;
  case 0x200: csr_write(0x200, v); break;
  case 0x280: csr_write(0x280, v); break;
  case 0x600: csr_write(0x600, v); break;
  case 0x60a: csr_write(0x60a, v); break;
  case 0x680: csr_write(0x680, v); break;
  case 0x30a: csr_write(0x30a, v); break;
  case 0x3a0: csr_write(0x3a0, v); break;
  case 0x3b0: csr_write(0x3b0, v); break;
  case 0x3b1: csr_write(0x3b1, v); break;
  case 0x3b2: csr_write(0x3b2, v); break;
  case 0x3b3: csr_write(0x3b3, v); break;
  case 0x3b4: csr_write(0x3b4, v); break;
  case 0x3b5: csr_write(0x3b5, v); break;
  case 0x3b6: csr_write(0x3b6, v); break;
  case 0x3b7: csr_write(0x3b7, v); break;
  default: rt_puts("bad csr\n"); rt_exit(3);
  }
}

static uint64_t read_csr(uint64_t csr) {
  switch (csr) {
  case 0x180: return csr_read(0x180);
  case 0x200: return csr_read(0x200);
  case 0x280: return csr_read(0x280);
  case 0x600: return csr_read(0x600);
  case 0x60a: return csr_read(0x60a);
  case 0x680: return csr_read(0x680);
  case 0x30a: return csr_read(0x30a);
  case 0x3a0: return csr_read(0x3a0);
  case 0x3b0: return csr_read(0x3b0);
  case 0x3b1: return csr_read(0x3b1);
  case 0x3b2: return csr_read(0x3b2);
  case 0x3b3: return csr_read(0x3b3);
  case 0x3b4: return csr_read(0x3b4);
  case 0x3b5: return csr_read(0x3b5);
  case 0x3b6: return csr_read(0x3b6);
  case 0x3b7: return csr_read(0x3b7);
  }
  return 0;
}

/* Arena pattern: the 32-bit word at physical address p holds ((p >> 2) & 0xffff) << 16, so
 * loads tell which word they read and every 4-byte boundary holds c.unimp (0x0000, an
 * illegal instruction with tval 0 either way): a fetch that succeeds traps at once. */
static void pf_fill(uint64_t a, uint64_t n) {
  for (uint64_t p = a; p < a + n; p += 8) {
    uint64_t lo = ((p >> 2) & 0xffff) << 16, hi = (((p + 4) >> 2) & 0xffff) << 16;
    *(volatile uint64_t *)p = lo | (hi << 32);
  }
}

static void access(const volatile uint64_t *op) {
  uint64_t n = op[1], kind = op[2], mode = op[3], va = op[4], val = op[5], flags = op[6];
  /* flags: bit0 mstatus.SUM, bit1 mstatus.MXR, bit2 vsstatus.SUM, bit3 vsstatus.MXR. */
  csr_clear(mstatus, MSTATUS_SUM | MSTATUS_MXR | MSTATUS_MPP | MSTATUS_MPV | MSTATUS_MPRV);
  csr_set(mstatus, ((flags & 1) ? MSTATUS_SUM : 0) | ((flags & 2) ? MSTATUS_MXR : 0));
  csr_clear(0x200, MSTATUS_SUM | MSTATUS_MXR);
  csr_set(0x200, ((flags & 4) ? MSTATUS_SUM : 0) | ((flags & 8) ? MSTATUS_MXR : 0));
  int hlv = kind >= K_HLV_D && kind <= K_HSV_B;
  if (hlv) {
    /* hstatus.SPVP (bit 8): the privilege HLV/HSV run with (VS when 1, VU when 0). */
    csr_clear(0x600, 1UL << 8);
    csr_set(0x600, (mode & 1) ? 1UL << 8 : 0);
  } else {
    csr_set(mstatus, ((mode & 3) << 11) | ((mode & 4) ? MSTATUS_MPV : 0));
  }
  uint64_t saved_satp = csr_read(0x180);
  if (hlv) {
    csr_write(0x180, STUB_SATP);
    csr_set(mstatus, 1UL << 11);   /* MPP = S, MPV = 0: the stub runs in HS-mode */
  }
  __asm__ volatile("sfence.vma x0, x0\n.insn r 0x73, 0, 0x31, x0, x0, x0\n.insn r 0x73, 0, 0x11, x0, x0, x0" ::: "memory");
  tr_taken = 0;
  uint64_t r = 0;
  if (kind == K_FETCH) {
    probing = 2;
    pf_enter(va, 0, 0);
  } else if (hlv) {
    probing = 3;
    tr_value = 0;
    pf_enter(STUB_CODE + 8 * (kind - K_HLV_D), va, val);
    r = tr_value;
    csr_write(0x180, saved_satp);
  } else {
    probing = 1;
    r = probe(kind, va, val);
  }
  probing = 0;
  csr_clear(mstatus, MSTATUS_MPRV | MSTATUS_MPP | MSTATUS_MPV);
  csr_set(mstatus, MSTATUS_MPP);
  rt_putc('A'); rt_putdec((int64_t)n);
  if (tr_taken) {
    rt_puts(" c="); puthex(tr_cause);
    rt_puts(" t="); puthex(tr_tval);
    rt_puts(" t2="); puthex(tr_tval2);
    rt_puts(" ti="); puthex(tr_tinst);
    rt_puts(" g="); rt_putc('0' + ((tr_status >> 38) & 1)); rt_putc('0' + ((tr_status >> 39) & 1));
    rt_puts(" i="); puthex(tr_insn);
  } else if (kind == K_FETCH) {
    rt_puts(" no trap");   /* cannot happen: the guest would have run on */
  } else {
    rt_puts(" ="); puthex(r);
  }
  rt_putc('\n');
  for (int i = 0; i < nwatch; i++) {
    uint64_t v = *(volatile uint64_t *)watch_addr[i];
    if (v != watch_val[i]) {
      watch_val[i] = v;
      rt_putc('W'); rt_putdec((int64_t)n); rt_putc(' '); puthex(watch_addr[i]); rt_putc(' '); puthex(v); rt_putc('\n');
    }
  }
}

int main(void) {
  if (pf_blob[0] != 0x50544655455a5a31UL) { rt_puts("blob magic missing\n"); return 2; }
  rt_mtrap_hook = hook;
  csr_write(medeleg, 0);
  csr_write(mideleg, 0);
  csr_write(mie, 0);
  hs_stubs();
  uint64_t i = 1;
  for (;;) {
    const volatile uint64_t *op = &pf_blob[i];
    switch (op[0]) {
    case OP_END: rt_puts("END\n"); return 0;
    case OP_ZERO:
      for (uint64_t p = op[1]; p < op[1] + op[2]; p += 8) *(volatile uint64_t *)p = 0;
      nwatch = 0;
      i += 3; break;
    case OP_FILL: pf_fill(op[1], op[2]); i += 3; break;
    case OP_PTE:
      *(volatile uint64_t *)op[1] = op[2];
      if (nwatch < MAX_WATCH) { watch_addr[nwatch] = op[1]; watch_val[nwatch] = op[2]; nwatch++; }
      i += 3; break;
    case OP_CSR:
      write_csr(op[1], op[2]);
      rt_putc('C'); puthex(op[1]); rt_putc(' '); puthex(read_csr(op[1])); rt_putc('\n');
      i += 3; break;
    case OP_ACC: access(op); i += 7; break;
    default: rt_puts("bad op\n"); return 2;
    }
    if (i >= BLOB_WORDS - 8) { rt_puts("blob overrun\n"); return 2; }
  }
}
