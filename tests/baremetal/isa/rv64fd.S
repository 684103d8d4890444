# RV64F and RV64D: every instruction, the five rounding modes (static rm and frm),
# the accrued exception flags, NaN boxing and canonical NaNs. Expected bit patterns
# are IEEE 754-2008 results as the unprivileged ISA manual ("F" and "D" chapters)
# specifies them. Flags: NV 0x10, DZ 0x08, OF 0x04, UF 0x02, NX 0x01.
#include "test.h"

  .macro CHECK_FLAGS name, want
  csrr s4, fflags
  CHECK_REG "\name flags", s4, \want
  .endm

  # Single precision, result in an F register: op fa0, fa1[, fa2[, fa3]][, rm]
  .macro FS op, rm, want, flags, a, b=0, c=0, n=2, src=s
  li t0, \a
  .ifc \src,d
  fmv.d.x fa1, t0
  .else
  fmv.w.x fa1, t0
  .endif
  li t0, \b
  fmv.w.x fa2, t0
  li t0, \c
  fmv.w.x fa3, t0
  csrwi fflags, 0
  .if \n == 1
  \op fa0, fa1, \rm
  .elseif \n == 2
  \op fa0, fa1, fa2, \rm
  .else
  \op fa0, fa1, fa2, fa3, \rm
  .endif
  CHECK_FLAGS "\op \rm \a \b \c", \flags
  fmv.x.d s4, fa0           # the full register: the result must be NaN-boxed
  CHECK_REG "\op \rm \a \b \c", s4, 0xffffffff00000000 | \want
  .endm

  .macro FD op, rm, want, flags, a, b=0, c=0, n=2
  li t0, \a
  fmv.d.x fa1, t0
  li t0, \b
  fmv.d.x fa2, t0
  li t0, \c
  fmv.d.x fa3, t0
  csrwi fflags, 0
  .if \n == 0
  \op fa0, fa1
  .elseif \n == 1
  \op fa0, fa1, \rm
  .elseif \n == 2
  \op fa0, fa1, fa2, \rm
  .else
  \op fa0, fa1, fa2, fa3, \rm
  .endif
  CHECK_FLAGS "\op \rm \a \b \c", \flags
  fmv.x.d s4, fa0
  CHECK_REG "\op \rm \a \b \c", s4, \want
  .endm

  # Operations without a rounding mode (sign injection, min/max), F result.
  .macro FS_NORM op, want, flags, a, b
  li t0, \a
  fmv.w.x fa1, t0
  li t0, \b
  fmv.w.x fa2, t0
  csrwi fflags, 0
  \op fa0, fa1, fa2
  CHECK_FLAGS "\op \a \b", \flags
  fmv.x.d s4, fa0
  CHECK_REG "\op \a \b", s4, 0xffffffff00000000 | \want
  .endm
  .macro FD_NORM op, want, flags, a, b
  li t0, \a
  fmv.d.x fa1, t0
  li t0, \b
  fmv.d.x fa2, t0
  csrwi fflags, 0
  \op fa0, fa1, fa2
  CHECK_FLAGS "\op \a \b", \flags
  fmv.x.d s4, fa0
  CHECK_REG "\op \a \b", s4, \want
  .endm

  # Integer result: compare (2 operands), class / fcvt-to-int (1 operand, optional rm).
  .macro FX_S op, want, flags, a, b=0, rm=
  li t0, \a
  fmv.w.x fa1, t0
  li t0, \b
  fmv.w.x fa2, t0
  csrwi fflags, 0
  .ifc \b,0
  .ifb \rm
  \op s4, fa1
  .else
  \op s4, fa1, \rm
  .endif
  .else
  \op s4, fa1, fa2
  .endif
  CHECK_REG "\op \a \b \rm", s4, \want
  CHECK_FLAGS "\op \a \b \rm", \flags
  .endm
  .macro FX_D op, want, flags, a, b=0, rm=
  li t0, \a
  fmv.d.x fa1, t0
  li t0, \b
  fmv.d.x fa2, t0
  csrwi fflags, 0
  .ifc \b,0
  .ifb \rm
  \op s4, fa1
  .else
  \op s4, fa1, \rm
  .endif
  .else
  \op s4, fa1, fa2
  .endif
  CHECK_REG "\op \a \b \rm", s4, \want
  CHECK_FLAGS "\op \a \b \rm", \flags
  .endm

  # Integer source, F result: fcvt.{s,d}.{w,wu,l,lu}.
  .macro FI_S op, rm, want, flags, a
  li t0, \a
  csrwi fflags, 0
  \op fa0, t0, \rm
  CHECK_FLAGS "\op \rm \a", \flags
  fmv.x.d s4, fa0
  CHECK_REG "\op \rm \a", s4, 0xffffffff00000000 | \want
  .endm
  .macro FI_D op, rm, want, flags, a
  li t0, \a
  csrwi fflags, 0
  .ifc \rm,exact
  \op fa0, t0
  .else
  \op fa0, t0, \rm
  .endif
  CHECK_FLAGS "\op \rm \a", \flags
  fmv.x.d s4, fa0
  CHECK_REG "\op \rm \a", s4, \want
  .endm

#define S_ONE 0x3f800000
#define S_TWO 0x40000000
#define S_THREE 0x40400000
#define S_HALF 0x3f000000
#define S_MONE 0xbf800000
#define S_INF 0x7f800000
#define S_NINF 0xff800000
#define S_QNAN 0x7fc00000
#define S_SNAN 0x7f800001
#define S_NZERO 0x80000000
#define S_MAX 0x7f7fffff
#define D_ONE 0x3ff0000000000000
#define D_TWO 0x4000000000000000
#define D_THREE 0x4008000000000000
#define D_MONE 0xbff0000000000000
#define D_INF 0x7ff0000000000000
#define D_NINF 0xfff0000000000000
#define D_QNAN 0x7ff8000000000000
#define D_SNAN 0x7ff0000000000001
#define D_NZERO 0x8000000000000000
#define D_MAX 0x7fefffffffffffff

  TEST_BEGIN
  csrwi fcsr, 0
  # ---- single: arithmetic and rounding ----
  FS fadd.s, rne, S_THREE, 0, S_ONE, S_TWO
  FS fadd.s, rne, S_INF, 0x05, S_MAX, S_MAX
  FS fadd.s, rtz, S_MAX, 0x05, S_MAX, S_MAX
  FS fadd.s, rdn, S_MAX, 0x05, S_MAX, S_MAX
  FS fadd.s, rup, S_INF, 0x05, S_MAX, S_MAX
  FS fadd.s, rne, S_QNAN, 0x10, S_INF, S_NINF
  FS fadd.s, rne, S_QNAN, 0x10, S_SNAN, S_ONE
  FS fadd.s, rne, S_QNAN, 0x00, 0x7fc12345, S_ONE     # NaN payloads are not propagated
  FS fsub.s, rne, S_TWO, 0, S_THREE, S_ONE
  FS fsub.s, rne, 0, 0, S_ONE, S_ONE
  FS fsub.s, rdn, S_NZERO, 0, S_ONE, S_ONE            # x - x = -0 when rounding down
  FS fmul.s, rne, 0x40700000, 0, 0x3fc00000, 0x40200000
  FS fmul.s, rne, S_QNAN, 0x10, S_INF, 0
  FS fmul.s, rne, 0x00400000, 0, 0x00800000, S_HALF   # exact subnormal: no underflow
  FS fmul.s, rne, 0x00400000, 0x03, 0x00800001, S_HALF # tiny and inexact: UF|NX, ties to even
  FS fmul.s, rup, 0x00400001, 0x03, 0x00800001, S_HALF
  FS fdiv.s, rne, 0x3eaaaaab, 0x01, S_ONE, S_THREE
  FS fdiv.s, rtz, 0x3eaaaaaa, 0x01, S_ONE, S_THREE
  FS fdiv.s, rdn, 0x3eaaaaaa, 0x01, S_ONE, S_THREE
  FS fdiv.s, rup, 0x3eaaaaab, 0x01, S_ONE, S_THREE
  FS fdiv.s, rmm, 0x3eaaaaab, 0x01, S_ONE, S_THREE
  FS fdiv.s, rdn, 0xbeaaaaab, 0x01, S_MONE, S_THREE
  FS fdiv.s, rup, 0xbeaaaaaa, 0x01, S_MONE, S_THREE
  FS fdiv.s, rne, S_INF, 0x08, S_ONE, 0
  FS fdiv.s, rne, S_NINF, 0x08, S_MONE, 0
  FS fdiv.s, rne, S_QNAN, 0x10, 0, 0
  FS fsqrt.s, rne, S_TWO, 0, 0x40800000, n=1
  FS fsqrt.s, rne, 0x3fb504f3, 0x01, S_TWO, n=1
  FS fsqrt.s, rup, 0x3fb504f4, 0x01, S_TWO, n=1
  FS fsqrt.s, rtz, 0x3fb504f3, 0x01, S_TWO, n=1
  FS fsqrt.s, rne, S_QNAN, 0x10, S_MONE, n=1
  FS fsqrt.s, rne, S_NZERO, 0, S_NZERO, n=1           # sqrt(-0) = -0
  FS fmadd.s, rne, 0x40e00000, 0, S_TWO, S_THREE, S_ONE, n=3
  FS fmsub.s, rne, 0x40a00000, 0, S_TWO, S_THREE, S_ONE, n=3
  FS fnmsub.s, rne, 0xc0a00000, 0, S_TWO, S_THREE, S_ONE, n=3
  FS fnmadd.s, rne, 0xc0e00000, 0, S_TWO, S_THREE, S_ONE, n=3
  # FMA with infinity x zero sets NV even when the addend is a quiet NaN (F chapter).
  FS fmadd.s, rne, S_QNAN, 0x10, S_INF, 0, S_QNAN, n=3
  # Fused: (1 + 2^-23) * (1 - 2^-23) - 1 = -2^-46 exactly, not 0.
  FS fmsub.s, rne, 0xa8800000, 0, 0x3f800001, 0x3f7ffffe, S_ONE, n=3
  # ---- single: sign injection, min/max, compares, class ----
  FS_NORM fsgnj.s, S_MONE, 0, S_ONE, 0xc0000000
  FS_NORM fsgnjn.s, S_ONE, 0, S_ONE, 0xc0000000
  FS_NORM fsgnjx.s, S_ONE, 0, S_MONE, 0xc0000000
  FS_NORM fsgnjx.s, S_MONE, 0, S_MONE, S_TWO
  FS_NORM fmin.s, S_ONE, 0, S_ONE, S_TWO
  FS_NORM fmax.s, S_TWO, 0, S_ONE, S_TWO
  FS_NORM fmin.s, S_NZERO, 0, 0, S_NZERO              # -0 is less than +0 here
  FS_NORM fmax.s, 0, 0, S_NZERO, 0
  FS_NORM fmin.s, S_ONE, 0, S_QNAN, S_ONE             # one NaN: the other operand
  FS_NORM fmax.s, S_ONE, 0x10, S_SNAN, S_ONE          # signaling NaN: NV
  FS_NORM fmin.s, S_QNAN, 0, S_QNAN, 0x7fc00001       # both NaN: canonical NaN
  FX_S feq.s, 1, 0, S_ONE, S_ONE
  FX_S feq.s, 0, 0, S_QNAN, S_ONE                     # quiet compare: no NV for qNaN
  FX_S feq.s, 0, 0x10, S_SNAN, S_ONE
  FX_S feq.s, 1, 0, S_NZERO, 0x00000001 - 1
  FX_S flt.s, 0, 0x10, S_QNAN, S_ONE                  # signaling compare: NV for any NaN
  FX_S flt.s, 1, 0, S_ONE, S_TWO
  FX_S flt.s, 0, 0, S_NZERO, 0x80000000
  FX_S fle.s, 1, 0, S_TWO, S_TWO
  FX_S fle.s, 0, 0x10, S_ONE, S_QNAN
  FX_S fle.s, 0, 0, S_TWO, S_ONE
  FX_S fclass.s, 0x001, 0, S_NINF
  FX_S fclass.s, 0x002, 0, S_MONE
  FX_S fclass.s, 0x004, 0, 0x80000001
  FX_S fclass.s, 0x008, 0, S_NZERO
  FX_S fclass.s, 0x010, 0, 0x00000000
  FX_S fclass.s, 0x020, 0, 0x00000001
  FX_S fclass.s, 0x040, 0, S_ONE
  FX_S fclass.s, 0x080, 0, S_INF
  FX_S fclass.s, 0x100, 0, S_SNAN
  FX_S fclass.s, 0x200, 0, S_QNAN
  # ---- single: conversions ----
  FX_S fcvt.w.s, 2, 0x01, 0x3fc00000, rm=rne
  FX_S fcvt.w.s, 2, 0x01, 0x40200000, rm=rne         # 2.5 ties to even
  FX_S fcvt.w.s, 3, 0x01, 0x40200000, rm=rmm         # 2.5 ties away
  FX_S fcvt.w.s, -1, 0x01, 0xbfc00000, rm=rtz
  FX_S fcvt.w.s, -2, 0x01, 0xbfc00000, rm=rdn
  FX_S fcvt.w.s, 2, 0x01, 0x3f8ccccd, rm=rup
  FX_S fcvt.w.s, 0x7fffffff, 0x10, S_QNAN, rm=rtz
  FX_S fcvt.w.s, 0x7fffffff, 0x10, S_INF, rm=rtz
  FX_S fcvt.w.s, 0xffffffff80000000, 0x10, S_NINF, rm=rtz
  FX_S fcvt.w.s, 0x7fffffff, 0x10, 0x4f32d05e, rm=rtz
  FX_S fcvt.wu.s, 0, 0x10, S_MONE, rm=rtz
  FX_S fcvt.wu.s, 0, 0x01, 0xbf000000, rm=rtz        # -0.5 rounds to 0: inexact, in range
  FX_S fcvt.wu.s, 0xffffffffb2d05e00, 0, 0x4f32d05e, rm=rtz  # 3e9, sign-extended result
  FX_S fcvt.wu.s, 0xffffffffffffffff, 0x10, S_QNAN, rm=rtz
  FX_S fcvt.l.s, 0xffffffff80000000, 0, 0xcf000000, rm=rtz
  FX_S fcvt.l.s, 0x7fffffffffffffff, 0x10, S_QNAN, rm=rtz
  FX_S fcvt.l.s, 0x8000000000000000, 0x10, 0xdf800000, rm=rtz
  FX_S fcvt.lu.s, 0xffffffffffffffff, 0x10, S_INF, rm=rtz
  FX_S fcvt.lu.s, 0, 0x10, S_MONE, rm=rne
  FX_S fcvt.lu.s, 0x100000000, 0, 0x4f800000, rm=rne
  FI_S fcvt.s.w, rne, S_MONE, 0, -1
  FI_S fcvt.s.w, rne, 0x4f000000, 0x01, 0x7fffffff
  FI_S fcvt.s.w, rtz, 0x4effffff, 0x01, 0x7fffffff
  FI_S fcvt.s.w, rne, 0x4f000000, 0x01, 0xffffffff7fffffff  # only the low word is converted
  FI_S fcvt.s.wu, rne, 0x4f800000, 0x01, 0xffffffff
  FI_S fcvt.s.l, rne, 0xdf000000, 0, 0x8000000000000000
  FI_S fcvt.s.lu, rne, 0x5f800000, 0x01, -1
  FI_S fcvt.s.lu, rtz, 0x5f7fffff, 0x01, -1
  # ---- moves, loads, stores and NaN boxing ----
  li t0, S_MONE
  fmv.w.x fa0, t0
  fmv.x.w s4, fa0
  CHECK_REG "fmv.x.w sign-extends", s4, 0xffffffffbf800000
  fmv.x.d s4, fa0
  CHECK_REG "fmv.w.x NaN-boxes", s4, 0xffffffffbf800000
  li t0, 0x000000003f800000           # not NaN-boxed: as a single it is the canonical NaN
  fmv.d.x fa1, t0
  csrwi fflags, 0
  fadd.s fa0, fa1, fa1
  fmv.x.w s4, fa0
  CHECK_REG "unboxed single operand reads as canonical NaN", s4, 0x7fc00000
  CHECK_FLAGS "unboxed single operand", 0
  fsgnj.s fa0, fa1, fa1
  fmv.x.d s4, fa0
  CHECK_REG "fsgnj.s of an unboxed value", s4, 0xffffffff7fc00000
  la s2, fpdata
  flw fa0, 0(s2)
  fmv.x.d s4, fa0
  CHECK_REG "flw NaN-boxes", s4, 0xffffffff40490fdb
  fsw fa0, 8(s2)
  ld s4, 8(s2)
  CHECK_REG "fsw stores 32 bits", s4, 0x0000000040490fdb | 0x1122334400000000
  fld fa0, 16(s2)
  fmv.x.d s4, fa0
  CHECK_REG "fld", s4, 0x400921fb54442d18
  fsd fa0, 24(s2)
  ld s4, 24(s2)
  CHECK_REG "fsd", s4, 0x400921fb54442d18
  li t0, 0x8000000000000001
  fmv.d.x fa0, t0
  fmv.x.d s4, fa0
  CHECK_REG "fmv.d.x / fmv.x.d", s4, 0x8000000000000001

  # ---- dynamic rounding: rm = dyn uses frm ----
  csrwi frm, 1      # RTZ
  FS fdiv.s, dyn, 0x3eaaaaaa, 0x01, S_ONE, S_THREE
  csrwi frm, 3      # RUP
  FS fdiv.s, dyn, 0x3eaaaaab, 0x01, S_ONE, S_THREE
  FD fdiv.d, dyn, 0x3fd5555555555556, 0x01, D_ONE, D_THREE
  csrwi frm, 2      # RDN
  FX_D fcvt.w.d, -2, 0x01, 0xbff8000000000000, rm=dyn
  csrwi frm, 0
  FD fdiv.d, dyn, 0x3fd5555555555555, 0x01, D_ONE, D_THREE
  # Reserved rounding modes raise illegal instruction: frm = 5/6/7 with dyn, rm = 5/6 static.
  la t0, rt_expect
  li t1, 1
  sw t1, 0(t0)
  la t0, rt_trap
  sd zero, 0(t0)
  csrwi frm, 5
  fadd.s fa0, fa1, fa2, dyn
  csrwi frm, 7
  fadd.d fa0, fa1, fa2, dyn
  csrwi frm, 0
  .word 0x00c5d553                  # fadd.s fa0, fa1, fa2 with rm = 5
  .word 0x02c5e553                  # fadd.d fa0, fa1, fa2 with rm = 6
  la t0, rt_expect
  sw zero, 0(t0)
  la t0, rt_trap
  ld s4, 0(t0)
  CHECK_REG "reserved rounding modes trap (4 of 4)", s4, 4
  ld s4, 8(t0)
  CHECK_REG "reserved rounding mode cause", s4, 2

  # ---- double ----
  FD fadd.d, rne, D_THREE, 0, D_ONE, D_TWO
  FD fadd.d, rne, D_INF, 0x05, D_MAX, D_MAX
  FD fadd.d, rtz, D_MAX, 0x05, D_MAX, D_MAX
  FD fadd.d, rne, D_QNAN, 0x10, D_INF, D_NINF
  FD fadd.d, rne, D_QNAN, 0x10, D_SNAN, D_ONE
  FD fsub.d, rne, D_TWO, 0, D_THREE, D_ONE
  FD fsub.d, rdn, D_NZERO, 0, D_ONE, D_ONE
  FD fmul.d, rne, 0x400e000000000000, 0, 0x3ff8000000000000, 0x4004000000000000
  FD fmul.d, rne, 0x0008000000000000, 0x03, 0x0010000000000001, 0x3fe0000000000000
  FD fdiv.d, rne, 0x3fd5555555555555, 0x01, D_ONE, D_THREE
  FD fdiv.d, rtz, 0x3fd5555555555555, 0x01, D_ONE, D_THREE
  FD fdiv.d, rdn, 0x3fd5555555555555, 0x01, D_ONE, D_THREE
  FD fdiv.d, rup, 0x3fd5555555555556, 0x01, D_ONE, D_THREE
  FD fdiv.d, rmm, 0x3fd5555555555555, 0x01, D_ONE, D_THREE
  FD fdiv.d, rne, D_NINF, 0x08, D_MONE, 0
  FD fsqrt.d, rne, 0x3ff6a09e667f3bcd, 0x01, D_TWO, n=1
  FD fsqrt.d, rtz, 0x3ff6a09e667f3bcc, 0x01, D_TWO, n=1
  FD fsqrt.d, rne, D_QNAN, 0x10, D_MONE, n=1
  FD fmadd.d, rne, 0x401c000000000000, 0, D_TWO, D_THREE, D_ONE, n=3
  FD fmsub.d, rne, 0x4014000000000000, 0, D_TWO, D_THREE, D_ONE, n=3
  FD fnmsub.d, rne, 0xc014000000000000, 0, D_TWO, D_THREE, D_ONE, n=3
  FD fnmadd.d, rne, 0xc01c000000000000, 0, D_TWO, D_THREE, D_ONE, n=3
  FD fmadd.d, rne, D_QNAN, 0x10, D_INF, 0, D_QNAN, n=3
  FD_NORM fsgnj.d, D_MONE, 0, D_ONE, 0xc000000000000000
  FD_NORM fsgnjn.d, D_ONE, 0, D_ONE, 0xc000000000000000
  FD_NORM fsgnjx.d, D_ONE, 0, D_MONE, 0xc000000000000000
  FD_NORM fmin.d, D_NZERO, 0, 0, D_NZERO
  FD_NORM fmax.d, D_TWO, 0, D_QNAN, D_TWO
  FD_NORM fmax.d, D_QNAN, 0x10, D_SNAN, D_QNAN
  FD_NORM fmin.d, D_MONE, 0, D_ONE, D_MONE
  FX_D feq.d, 1, 0, D_ONE, D_ONE
  FX_D feq.d, 0, 0x10, D_SNAN, D_ONE
  FX_D flt.d, 1, 0, D_MONE, D_ONE
  FX_D flt.d, 0, 0x10, D_QNAN, D_ONE
  FX_D fle.d, 1, 0, D_NZERO, 0x8000000000000000
  FX_D fclass.d, 0x001, 0, D_NINF
  FX_D fclass.d, 0x004, 0, 0x800fffffffffffff
  FX_D fclass.d, 0x020, 0, 0x0000000000000001
  FX_D fclass.d, 0x100, 0, D_SNAN
  FX_D fclass.d, 0x200, 0, D_QNAN
  FX_D fcvt.w.d, 0x7fffffff, 0x10, 0x41f0000000000000, rm=rtz
  FX_D fcvt.w.d, 0xffffffff80000000, 0, 0xc1e0000000000000, rm=rtz
  FX_D fcvt.w.d, 3, 0x01, 0x4004000000000000, rm=rmm
  FX_D fcvt.wu.d, 0xffffffffffffffff, 0, 0x41efffffffe00000, rm=rtz
  FX_D fcvt.wu.d, 0, 0x10, D_MONE, rm=rtz
  FX_D fcvt.l.d, 0x7fffffffffffffff, 0x10, D_INF, rm=rtz
  FX_D fcvt.l.d, -3, 0x01, 0xc004000000000000, rm=rdn
  FX_D fcvt.lu.d, 0x8000000000000000, 0, 0x43e0000000000000, rm=rtz
  FX_D fcvt.lu.d, 0xffffffffffffffff, 0x10, D_QNAN, rm=rtz
  FI_D fcvt.d.w, exact, 0xc1e0000000000000, 0, 0x80000000
  FI_D fcvt.d.wu, exact, 0x41efffffffe00000, 0, 0xffffffff
  FI_D fcvt.d.l, rne, 0x43e0000000000000, 0x01, 0x7fffffffffffffff
  FI_D fcvt.d.l, rtz, 0x43dfffffffffffff, 0x01, 0x7fffffffffffffff
  FI_D fcvt.d.lu, rne, 0x43f0000000000000, 0x01, -1
  # Precision conversions.
  FD fcvt.d.s, exact, D_ONE, 0, 0xffffffff3f800000, n=0
  FD fcvt.d.s, exact, D_QNAN, 0x10, 0xffffffff7f800001, n=0
  FD fcvt.d.s, exact, D_QNAN, 0, 0x000000003f800000, n=0   # unboxed input: canonical NaN
  FS fcvt.s.d, rne, 0x3eaaaaab, 0x01, 0x3fd5555555555555, n=1, src=d
  FS fcvt.s.d, rtz, 0x3eaaaaaa, 0x01, 0x3fd5555555555555, n=1, src=d
  FS fcvt.s.d, rne, S_INF, 0x05, 0x7e37e43c8800759c, n=1, src=d
  FS fcvt.s.d, rtz, S_MAX, 0x05, 0x7e37e43c8800759c, n=1, src=d
  FS fcvt.s.d, rne, S_QNAN, 0, D_QNAN, n=1, src=d
  csrwi fcsr, 0
  TEST_END

  .data
  .balign 8
fpdata:
  .word 0x40490fdb, 0
  .dword 0x1122334455667788
  .dword 0x400921fb54442d18
  .dword 0
