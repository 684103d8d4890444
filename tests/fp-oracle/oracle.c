/*
 * FP reference oracle for tsvisor: runs RISC-V F/D instructions on a real
 * riscv64 target (qemu-riscv64 or hardware) and prints result bits and fflags.
 * Input lines:  <op> <rm> <a> <b> <c>   (rm decimal, operands hex, up to 64 bits)
 *               rm is set in frm (fsrm) and the instruction uses rm = dyn; for
 *               "<op>@s" the instruction encodes rm itself and frm holds another mode.
 * Output lines: <result hex> <fflags hex>
 * Binary32 operands go in with fmv.w.x (NaN-boxed by the hardware); binary32
 * results come out with fmv.x.w and are printed as 32 bits.
 * Build: riscv64-linux-gnu-gcc -static -O2 -o oracle oracle.c
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t u64;
static u64 A, B, C, R;
static unsigned long FL;

#define PRE_S "fmv.w.x ft0,%[a]\n fmv.w.x ft1,%[b]\n fmv.w.x ft2,%[c]\n fsflags x0\n"
#define PRE_D "fmv.d.x ft0,%[a]\n fmv.d.x ft1,%[b]\n fmv.d.x ft2,%[c]\n fsflags x0\n"
#define POST "\n frflags %[f]\n"
#define IO : [r] "=&r"(R), [f] "=&r"(FL) : [a] "r"(A), [b] "r"(B), [c] "r"(C) : "ft0", "ft1", "ft2", "ft3"

/* f := f op f (op f) */
#define FS(fn, text) static void fn(void) { __asm__ volatile(PRE_S text POST "fmv.x.w %[r],ft3" IO); R &= 0xffffffffu; }
#define FD(fn, text) static void fn(void) { __asm__ volatile(PRE_D text POST "fmv.x.d %[r],ft3" IO); }
/* x := f */
#define XS(fn, text) static void fn(void) { __asm__ volatile(PRE_S text POST IO); }
#define XD(fn, text) static void fn(void) { __asm__ volatile(PRE_D text POST IO); }
/* f := x */
#define SX(fn, text) static void fn(void) { __asm__ volatile("fsflags x0\n" text POST "fmv.x.w %[r],ft3" IO); R &= 0xffffffffu; }
#define DX(fn, text) static void fn(void) { __asm__ volatile("fsflags x0\n" text POST "fmv.x.d %[r],ft3" IO); }

FS(fadd_s, "fadd.s ft3,ft0,ft1") FS(fsub_s, "fsub.s ft3,ft0,ft1") FS(fmul_s, "fmul.s ft3,ft0,ft1")
FS(fdiv_s, "fdiv.s ft3,ft0,ft1") FS(fsqrt_s, "fsqrt.s ft3,ft0")
FS(fmadd_s, "fmadd.s ft3,ft0,ft1,ft2") FS(fmsub_s, "fmsub.s ft3,ft0,ft1,ft2")
FS(fnmsub_s, "fnmsub.s ft3,ft0,ft1,ft2") FS(fnmadd_s, "fnmadd.s ft3,ft0,ft1,ft2")
FS(fmin_s, "fmin.s ft3,ft0,ft1") FS(fmax_s, "fmax.s ft3,ft0,ft1")
FS(fsgnj_s, "fsgnj.s ft3,ft0,ft1") FS(fsgnjn_s, "fsgnjn.s ft3,ft0,ft1") FS(fsgnjx_s, "fsgnjx.s ft3,ft0,ft1")
XS(feq_s, "feq.s %[r],ft0,ft1") XS(flt_s, "flt.s %[r],ft0,ft1") XS(fle_s, "fle.s %[r],ft0,ft1")
XS(fclass_s, "fclass.s %[r],ft0")
XS(fcvt_w_s, "fcvt.w.s %[r],ft0") XS(fcvt_wu_s, "fcvt.wu.s %[r],ft0")
XS(fcvt_l_s, "fcvt.l.s %[r],ft0") XS(fcvt_lu_s, "fcvt.lu.s %[r],ft0")
SX(fcvt_s_w, "fcvt.s.w ft3,%[a]") SX(fcvt_s_wu, "fcvt.s.wu ft3,%[a]")
SX(fcvt_s_l, "fcvt.s.l ft3,%[a]") SX(fcvt_s_lu, "fcvt.s.lu ft3,%[a]")
FD(fcvt_d_s, "fmv.w.x ft0,%[a]\n fcvt.d.s ft3,ft0")
FS(fcvt_s_d, "fmv.d.x ft0,%[a]\n fcvt.s.d ft3,ft0")

FD(fadd_d, "fadd.d ft3,ft0,ft1") FD(fsub_d, "fsub.d ft3,ft0,ft1") FD(fmul_d, "fmul.d ft3,ft0,ft1")
FD(fdiv_d, "fdiv.d ft3,ft0,ft1") FD(fsqrt_d, "fsqrt.d ft3,ft0")
FD(fmadd_d, "fmadd.d ft3,ft0,ft1,ft2") FD(fmsub_d, "fmsub.d ft3,ft0,ft1,ft2")
FD(fnmsub_d, "fnmsub.d ft3,ft0,ft1,ft2") FD(fnmadd_d, "fnmadd.d ft3,ft0,ft1,ft2")
FD(fmin_d, "fmin.d ft3,ft0,ft1") FD(fmax_d, "fmax.d ft3,ft0,ft1")
FD(fsgnj_d, "fsgnj.d ft3,ft0,ft1") FD(fsgnjn_d, "fsgnjn.d ft3,ft0,ft1") FD(fsgnjx_d, "fsgnjx.d ft3,ft0,ft1")
XD(feq_d, "feq.d %[r],ft0,ft1") XD(flt_d, "flt.d %[r],ft0,ft1") XD(fle_d, "fle.d %[r],ft0,ft1")
XD(fclass_d, "fclass.d %[r],ft0")
XD(fcvt_w_d, "fcvt.w.d %[r],ft0") XD(fcvt_wu_d, "fcvt.wu.d %[r],ft0")
XD(fcvt_l_d, "fcvt.l.d %[r],ft0") XD(fcvt_lu_d, "fcvt.lu.d %[r],ft0")
DX(fcvt_d_w, "fcvt.d.w ft3,%[a]") DX(fcvt_d_wu, "fcvt.d.wu ft3,%[a]")
DX(fcvt_d_l, "fcvt.d.l ft3,%[a]") DX(fcvt_d_lu, "fcvt.d.lu ft3,%[a]")

/* The same operations with a static rounding mode in the instruction (rne..rmm). */
#define RM_OPS(X) \
  X(FS, sfadd_s, "fadd.s", "fadd.s ft3,ft0,ft1") X(FS, sfsub_s, "fsub.s", "fsub.s ft3,ft0,ft1") \
  X(FS, sfmul_s, "fmul.s", "fmul.s ft3,ft0,ft1") X(FS, sfdiv_s, "fdiv.s", "fdiv.s ft3,ft0,ft1") \
  X(FS, sfsqrt_s, "fsqrt.s", "fsqrt.s ft3,ft0") \
  X(FS, sfmadd_s, "fmadd.s", "fmadd.s ft3,ft0,ft1,ft2") X(FS, sfmsub_s, "fmsub.s", "fmsub.s ft3,ft0,ft1,ft2") \
  X(FS, sfnmsub_s, "fnmsub.s", "fnmsub.s ft3,ft0,ft1,ft2") X(FS, sfnmadd_s, "fnmadd.s", "fnmadd.s ft3,ft0,ft1,ft2") \
  X(XS, sfcvt_w_s, "fcvt.w.s", "fcvt.w.s %[r],ft0") X(XS, sfcvt_wu_s, "fcvt.wu.s", "fcvt.wu.s %[r],ft0") \
  X(XS, sfcvt_l_s, "fcvt.l.s", "fcvt.l.s %[r],ft0") X(XS, sfcvt_lu_s, "fcvt.lu.s", "fcvt.lu.s %[r],ft0") \
  X(SX, sfcvt_s_w, "fcvt.s.w", "fcvt.s.w ft3,%[a]") X(SX, sfcvt_s_wu, "fcvt.s.wu", "fcvt.s.wu ft3,%[a]") \
  X(SX, sfcvt_s_l, "fcvt.s.l", "fcvt.s.l ft3,%[a]") X(SX, sfcvt_s_lu, "fcvt.s.lu", "fcvt.s.lu ft3,%[a]") \
  X(FS, sfcvt_s_d, "fcvt.s.d", "fmv.d.x ft0,%[a]\n fcvt.s.d ft3,ft0") \
  X(FD, sfadd_d, "fadd.d", "fadd.d ft3,ft0,ft1") X(FD, sfsub_d, "fsub.d", "fsub.d ft3,ft0,ft1") \
  X(FD, sfmul_d, "fmul.d", "fmul.d ft3,ft0,ft1") X(FD, sfdiv_d, "fdiv.d", "fdiv.d ft3,ft0,ft1") \
  X(FD, sfsqrt_d, "fsqrt.d", "fsqrt.d ft3,ft0") \
  X(FD, sfmadd_d, "fmadd.d", "fmadd.d ft3,ft0,ft1,ft2") X(FD, sfmsub_d, "fmsub.d", "fmsub.d ft3,ft0,ft1,ft2") \
  X(FD, sfnmsub_d, "fnmsub.d", "fnmsub.d ft3,ft0,ft1,ft2") X(FD, sfnmadd_d, "fnmadd.d", "fnmadd.d ft3,ft0,ft1,ft2") \
  X(XD, sfcvt_w_d, "fcvt.w.d", "fcvt.w.d %[r],ft0") X(XD, sfcvt_wu_d, "fcvt.wu.d", "fcvt.wu.d %[r],ft0") \
  X(XD, sfcvt_l_d, "fcvt.l.d", "fcvt.l.d %[r],ft0") X(XD, sfcvt_lu_d, "fcvt.lu.d", "fcvt.lu.d %[r],ft0") \
  X(DX, sfcvt_d_l, "fcvt.d.l", "fcvt.d.l ft3,%[a]") X(DX, sfcvt_d_lu, "fcvt.d.lu", "fcvt.d.lu ft3,%[a]")
#define DEF5(K, fn, name, text) K(fn##0, text ",rne") K(fn##1, text ",rtz") K(fn##2, text ",rdn") K(fn##3, text ",rup") K(fn##4, text ",rmm")
RM_OPS(DEF5)
#define ENT5(K, fn, name, text) { name, { fn##0, fn##1, fn##2, fn##3, fn##4 } },
static const struct { const char *name; void (*fn[5])(void); } STATIC_OPS[] = { RM_OPS(ENT5) };

#define E(n, f) { n, f },
static const struct { const char *name; void (*fn)(void); } OPS[] = {
  E("fadd.s", fadd_s) E("fsub.s", fsub_s) E("fmul.s", fmul_s) E("fdiv.s", fdiv_s) E("fsqrt.s", fsqrt_s)
  E("fmadd.s", fmadd_s) E("fmsub.s", fmsub_s) E("fnmsub.s", fnmsub_s) E("fnmadd.s", fnmadd_s)
  E("fmin.s", fmin_s) E("fmax.s", fmax_s) E("fsgnj.s", fsgnj_s) E("fsgnjn.s", fsgnjn_s) E("fsgnjx.s", fsgnjx_s)
  E("feq.s", feq_s) E("flt.s", flt_s) E("fle.s", fle_s) E("fclass.s", fclass_s)
  E("fcvt.w.s", fcvt_w_s) E("fcvt.wu.s", fcvt_wu_s) E("fcvt.l.s", fcvt_l_s) E("fcvt.lu.s", fcvt_lu_s)
  E("fcvt.s.w", fcvt_s_w) E("fcvt.s.wu", fcvt_s_wu) E("fcvt.s.l", fcvt_s_l) E("fcvt.s.lu", fcvt_s_lu)
  E("fcvt.d.s", fcvt_d_s) E("fcvt.s.d", fcvt_s_d)
  E("fadd.d", fadd_d) E("fsub.d", fsub_d) E("fmul.d", fmul_d) E("fdiv.d", fdiv_d) E("fsqrt.d", fsqrt_d)
  E("fmadd.d", fmadd_d) E("fmsub.d", fmsub_d) E("fnmsub.d", fnmsub_d) E("fnmadd.d", fnmadd_d)
  E("fmin.d", fmin_d) E("fmax.d", fmax_d) E("fsgnj.d", fsgnj_d) E("fsgnjn.d", fsgnjn_d) E("fsgnjx.d", fsgnjx_d)
  E("feq.d", feq_d) E("flt.d", flt_d) E("fle.d", fle_d) E("fclass.d", fclass_d)
  E("fcvt.w.d", fcvt_w_d) E("fcvt.wu.d", fcvt_wu_d) E("fcvt.l.d", fcvt_l_d) E("fcvt.lu.d", fcvt_lu_d)
  E("fcvt.d.w", fcvt_d_w) E("fcvt.d.wu", fcvt_d_wu) E("fcvt.d.l", fcvt_d_l) E("fcvt.d.lu", fcvt_d_lu)
};

int main(void) {
  char op[32];
  unsigned rm;
  while (scanf("%31s %u %llx %llx %llx", op, &rm, (unsigned long long *)&A, (unsigned long long *)&B,
               (unsigned long long *)&C) == 5) {
    size_t i;
    size_t len = strlen(op);
    if (len > 2 && strcmp(op + len - 2, "@s") == 0) {
      /* "<op>@s": the rounding mode is static in the instruction; frm holds another one. */
      op[len - 2] = 0;
      for (i = 0; i < sizeof STATIC_OPS / sizeof STATIC_OPS[0]; i++)
        if (strcmp(STATIC_OPS[i].name, op) == 0) break;
      if (i == sizeof STATIC_OPS / sizeof STATIC_OPS[0] || rm > 4) {
        printf("? 0\n");
        continue;
      }
      __asm__ volatile("fsrm %0" : : "r"((unsigned long)((rm + 2) % 5)));
      STATIC_OPS[i].fn[rm]();
      printf("%llx %lx\n", (unsigned long long)R, FL);
      continue;
    }
    for (i = 0; i < sizeof OPS / sizeof OPS[0]; i++)
      if (strcmp(OPS[i].name, op) == 0) break;
    if (i == sizeof OPS / sizeof OPS[0]) {
      printf("? 0\n");
      continue;
    }
    __asm__ volatile("fsrm %0" : : "r"((unsigned long)rm));
    OPS[i].fn();
    printf("%llx %lx\n", (unsigned long long)R, FL);
  }
  return 0;
}
