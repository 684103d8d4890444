/**
 * RV64D (unprivileged ISA, "D" Standard Extension for Double-Precision Floating-Point,
 * version 2.2): FLD/FSD, OP-FP .D forms, FMADD.D family, FCVT.S.D / FCVT.D.S and
 * FMV.X.D / FMV.D.X. Guards and flag accrual as described in ./f.ts.
 */
import type { ExecFn, InsnRow } from '../insn-table.js';
import type { Hart } from '../hart.js';
import { R } from '../int64.js';
import { addrI, addrS } from './i.js';
import {
  type FpResult,
  f32ToF64, f64Add, f64Class, f64Compare, f64Div, f64Fma, f64MinMax, f64Mul, f64SignInjectHi, f64Sqrt,
  f64Sub, f64ToF32, f64ToInt, intToFloat,
} from '../fp/index.js';
import {
  FMA_OPS, INT_KINDS, fpr, readS, roundingMode, rowF3, rowR4, rowRm, rowRs2, rowRs2F3, writeS, writeX,
} from './f.js';

/** Writes a binary64 result and accrues fpr.flags. */
function writeD(h: Hart, i2: number, lo: number, hi: number): void {
  h.f[i2] = lo;
  h.f[i2 + 1] = hi;
  h.fflags |= fpr.flags;
  h.dirtyFs();
}

const rd2 = (i: number): number => (i >>> 6) & 62;
const rs1 = (i: number): number => (i >>> 14) & 62;
const rs2 = (i: number): number => (i >>> 19) & 62;
const rs3 = (i: number): number => (i >>> 26) & 62;

type Bin64 = (r: FpResult, aLo: number, aHi: number, bLo: number, bHi: number, rm: number) => void;
const arith = (op: Bin64): ExecFn => (h, i) => {
  h.requireFs();
  const rm = roundingMode(h, i);
  const f = h.f, a = rs1(i), b = rs2(i);
  fpr.flags = 0;
  op(fpr, f[a], f[a + 1], f[b], f[b + 1], rm);
  writeD(h, rd2(i), fpr.lo, fpr.hi);
};

const fma = (negProd: boolean, negAdd: boolean): ExecFn => (h, i) => {
  h.requireFs();
  const rm = roundingMode(h, i);
  const f = h.f, a = rs1(i), b = rs2(i), c = rs3(i);
  fpr.flags = 0;
  f64Fma(fpr, f[a], f[a + 1], f[b], f[b + 1], f[c], f[c + 1], negProd, negAdd, rm);
  writeD(h, rd2(i), fpr.lo, fpr.hi);
};

const sgnj = (kind: number): ExecFn => (h, i) => {
  h.requireFs();
  const f = h.f, a = rs1(i);
  fpr.flags = 0;
  writeD(h, rd2(i), f[a], f64SignInjectHi(f[a + 1], f[rs2(i) + 1], kind));
};

const minmax = (max: boolean): ExecFn => (h, i) => {
  h.requireFs();
  const f = h.f, a = rs1(i), b = rs2(i);
  fpr.flags = 0;
  f64MinMax(fpr, f[a], f[a + 1], f[b], f[b + 1], max);
  writeD(h, rd2(i), fpr.lo, fpr.hi);
};

const compare = (op: 'eq' | 'lt' | 'le'): ExecFn => (h, i) => {
  h.requireFs();
  const f = h.f, a = rs1(i), b = rs2(i);
  fpr.flags = 0;
  writeX(h, rd2(i), f64Compare(fpr, f[a], f[a + 1], f[b], f[b + 1], op), 0);
};

const toInt = (kind: number): ExecFn => (h, i) => {
  h.requireFs();
  const rm = roundingMode(h, i);
  const a = rs1(i);
  fpr.flags = 0;
  f64ToInt(fpr, h.f[a], h.f[a + 1], kind, rm);
  writeX(h, rd2(i), fpr.lo, fpr.hi);
};

const fromInt = (kind: number): ExecFn => (h, i) => {
  h.requireFs();
  const rm = roundingMode(h, i);
  const s = rs1(i);
  fpr.flags = 0;
  intToFloat(fpr, h.x[s], h.x[s + 1], kind, true, rm);
  writeD(h, rd2(i), fpr.lo, fpr.hi);
};

/** FCVT.S.D rounds under rm. */
const cvtSD: ExecFn = (h, i) => {
  h.requireFs();
  const rm = roundingMode(h, i);
  const a = rs1(i);
  fpr.flags = 0;
  f64ToF32(fpr, h.f[a], h.f[a + 1], rm);
  writeS(h, rd2(i), fpr.lo);
};

/** FCVT.D.S is exact, but its rm field must still be valid (as for every instruction with one). */
const cvtDS: ExecFn = (h, i) => {
  h.requireFs();
  roundingMode(h, i);
  fpr.flags = 0;
  f32ToF64(fpr, readS(h.f, rs1(i)));
  writeD(h, rd2(i), fpr.lo, fpr.hi);
};

const fld: ExecFn = (h, i) => {
  h.requireFs();
  const lo = addrI(h.x, i);
  const vl = h.load64(lo, R.hi);
  const vh = R.hi;
  fpr.flags = 0;
  writeD(h, rd2(i), vl, vh);
};

const fsd: ExecFn = (h, i) => {
  h.requireFs();
  const lo = addrS(h.x, i);
  const s = rs2(i);
  h.store64(lo, R.hi, h.f[s], h.f[s + 1]);
};

const fmvXD: ExecFn = (h, i) => {
  h.requireFs();
  const d = rd2(i), s = rs1(i);
  h.x[d] = h.f[s];
  h.x[d + 1] = h.f[s + 1];
};

const fmvDX: ExecFn = (h, i) => {
  h.requireFs();
  const s = rs1(i);
  fpr.flags = 0;
  writeD(h, rd2(i), h.x[s], h.x[s + 1]);
};

const fclass: ExecFn = (h, i) => {
  h.requireFs();
  const d = rd2(i), a = rs1(i);
  h.x[d] = f64Class(h.f[a], h.f[a + 1]);
  h.x[d + 1] = 0;
};

/** The RV64D instruction rows. */
export const D_ROWS: readonly InsnRow[] = [
  { name: 'fld', ext: 'd', fmt: 'D,o(s)', match: (3 << 12) | 0x07, mask: 0x707f, exec: fld },
  { name: 'fsd', ext: 'd', fmt: 'T,q(s)', match: (3 << 12) | 0x27, mask: 0x707f, exec: fsd },
  ...FMA_OPS.map(([n, op, np, na]) => rowR4(`${n}.d`, 'd', op, 1, fma(np, na))),
  rowRm('fadd.d', 'd', 0x01, 'D,S,T,m', arith(f64Add)),
  rowRm('fsub.d', 'd', 0x05, 'D,S,T,m', arith(f64Sub)),
  rowRm('fmul.d', 'd', 0x09, 'D,S,T,m', arith(f64Mul)),
  rowRm('fdiv.d', 'd', 0x0d, 'D,S,T,m', arith(f64Div)),
  rowRs2('fsqrt.d', 'd', 0x2d, 0, 'D,S,m', arith((r, aLo, aHi, _bl, _bh, rm) => f64Sqrt(r, aLo, aHi, rm))),
  rowF3('fsgnj.d', 'd', 0x11, 0, 'D,S,T', sgnj(0)),
  rowF3('fsgnjn.d', 'd', 0x11, 1, 'D,S,T', sgnj(1)),
  rowF3('fsgnjx.d', 'd', 0x11, 2, 'D,S,T', sgnj(2)),
  rowF3('fmin.d', 'd', 0x15, 0, 'D,S,T', minmax(false)),
  rowF3('fmax.d', 'd', 0x15, 1, 'D,S,T', minmax(true)),
  rowRs2('fcvt.s.d', 'd', 0x20, 1, 'D,S,m', cvtSD),
  // objdump prints no rounding mode for the exact conversions FCVT.D.S and FCVT.D.W[U].
  rowRs2('fcvt.d.s', 'd', 0x21, 0, 'D,S', cvtDS),
  rowF3('feq.d', 'd', 0x51, 2, 'd,S,T', compare('eq')),
  rowF3('flt.d', 'd', 0x51, 1, 'd,S,T', compare('lt')),
  rowF3('fle.d', 'd', 0x51, 0, 'd,S,T', compare('le')),
  rowRs2F3('fclass.d', 'd', 0x71, 0, 1, 'd,S', fclass),
  ...INT_KINDS.map(([n, k]) => rowRs2(`fcvt.${n}.d`, 'd', 0x61, k, 'd,S,m', toInt(k))),
  ...INT_KINDS.map(([n, k]) => rowRs2(`fcvt.d.${n}`, 'd', 0x69, k, n[0] === 'w' ? 'D,s' : 'D,s,m', fromInt(k))),
  rowRs2F3('fmv.x.d', 'd', 0x71, 0, 0, 'd,S', fmvXD),
  rowRs2F3('fmv.d.x', 'd', 0x79, 0, 0, 'D,s', fmvDX),
];
