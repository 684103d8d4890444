/**
 * RV64F (unprivileged ISA, "F" Standard Extension for Single-Precision Floating-Point,
 * version 2.2): FLW/FSW, OP-FP .S forms and FMADD.S family, on the soft-float in ../fp.
 * Register this table with the hart (ext/index.ts builtinRows) beside D_ROWS from ./d.ts.
 *
 * Guards, in order: the row only decodes when 'f' is enabled; mstatus.FS (and, under H,
 * vsstatus.FS) Off -> illegal instruction; an rm field of 5 or 6, or rm = 7 (dyn) with
 * frm >= 5 -> illegal instruction ("Floating-Point Control and Status Register").
 * Writing an f register, or accruing a new fflags bit, marks FS (and SD) Dirty.
 */
import type { ExecFn, InsnRow } from '../insn-table.js';
import type { Hart } from '../hart.js';
import { R } from '../int64.js';
import { addrI, addrS } from './i.js';
import {
  F32_CANONICAL_NAN, FpResult, INT_L, INT_LU, INT_W, INT_WU, RM_DYN,
  f32Add, f32Class, f32Compare, f32Div, f32Fma, f32MinMax, f32Mul, f32SignInject, f32Sqrt, f32Sub,
  f32ToInt, intToFloat,
} from '../fp/index.js';

/** The one result slot every F/D instruction uses (instructions never nest). */
export const fpr = new FpResult();

/** The effective rounding mode of an instruction: its rm field, or frm when rm = 7 (dyn). */
export function roundingMode(h: Hart, insn: number): number {
  let rm = (insn >>> 12) & 7;
  if (rm === RM_DYN) rm = h.frm;
  if (rm > 4) h.illegal(); // reserved rm (5, 6) or invalid frm (5, 6, 7)
  return rm;
}

/**
 * A binary32 operand from f register index `i2` (= 2 * reg). A value that is not a
 * properly NaN-boxed single (upper 32 bits all ones) reads as the canonical NaN
 * (D extension, "NaN Boxing of Narrower Values").
 */
export function readS(f: Int32Array, i2: number): number {
  return f[i2 + 1] === -1 ? f[i2] : F32_CANONICAL_NAN;
}

/** Writes a binary32 result, NaN-boxed, and accrues fpr.flags. */
export function writeS(h: Hart, i2: number, bits: number): void {
  h.f[i2] = bits;
  h.f[i2 + 1] = -1;
  h.fflags |= fpr.flags;
  h.dirtyFs();
}

/** Writes an integer result (lo, hi) to x[rd] and accrues flags (Dirty only if fflags changed). */
export function writeX(h: Hart, d2: number, lo: number, hi: number): void {
  h.x[d2] = lo;
  h.x[d2 + 1] = hi;
  accrue(h);
}

export function accrue(h: Hart): void {
  if ((fpr.flags & ~h.fflags) !== 0) {
    h.fflags |= fpr.flags;
    h.dirtyFs();
  }
}

const rd2 = (i: number): number => (i >>> 6) & 62;
const rs1 = (i: number): number => (i >>> 14) & 62;
const rs2 = (i: number): number => (i >>> 19) & 62;
const rs3 = (i: number): number => (i >>> 26) & 62;

// ---- row builders (also used by d.ts) ----

export const OP_FP = 0x53;
/** R-type OP-FP with an rm field (funct3 free): match funct7 and opcode. */
export const rowRm = (name: string, ext: string, f7: number, fmt: string, exec: ExecFn): InsnRow =>
  ({ name, ext, fmt, match: (f7 << 25) | OP_FP, mask: 0xfe00007f | 0, exec });
/** OP-FP with rs2 fixed (unary ops, conversions) and an rm field. */
export const rowRs2 = (name: string, ext: string, f7: number, r2: number, fmt: string, exec: ExecFn): InsnRow =>
  ({ name, ext, fmt, match: (f7 << 25) | (r2 << 20) | OP_FP, mask: 0xfff0007f | 0, exec });
/** OP-FP with funct3 fixed (no rm). */
export const rowF3 = (name: string, ext: string, f7: number, f3: number, fmt: string, exec: ExecFn): InsnRow =>
  ({ name, ext, fmt, match: (f7 << 25) | (f3 << 12) | OP_FP, mask: 0xfe00707f | 0, exec });
/** OP-FP with rs2 and funct3 fixed (moves, class). */
export const rowRs2F3 = (name: string, ext: string, f7: number, r2: number, f3: number, fmt: string, exec: ExecFn): InsnRow =>
  ({ name, ext, fmt, match: (f7 << 25) | (r2 << 20) | (f3 << 12) | OP_FP, mask: 0xfff0707f | 0, exec });
/** R4-type fused multiply-add: opcode and the 2-bit format field. */
export const rowR4 = (name: string, ext: string, op: number, fmtField: number, exec: ExecFn): InsnRow =>
  ({ name, ext, fmt: 'D,S,T,R,m', match: (fmtField << 25) | op, mask: 0x0600007f, exec });

/** FMADD (0x43), FMSUB (0x47), FNMSUB (0x4b), FNMADD (0x4f): product / addend negation. */
export const FMA_OPS: readonly [string, number, boolean, boolean][] = [
  ['fmadd', 0x43, false, false],
  ['fmsub', 0x47, false, true],
  ['fnmsub', 0x4b, true, false],
  ['fnmadd', 0x4f, true, true],
];
export const INT_KINDS: readonly [string, number][] = [['w', INT_W], ['wu', INT_WU], ['l', INT_L], ['lu', INT_LU]];

type Bin32 = (r: FpResult, a: number, b: number, rm: number) => void;
const arith = (op: Bin32): ExecFn => (h, i) => {
  h.requireFs();
  const rm = roundingMode(h, i);
  const f = h.f;
  fpr.flags = 0;
  op(fpr, readS(f, rs1(i)), readS(f, rs2(i)), rm);
  writeS(h, rd2(i), fpr.lo);
};

const fma = (negProd: boolean, negAdd: boolean): ExecFn => (h, i) => {
  h.requireFs();
  const rm = roundingMode(h, i);
  const f = h.f;
  fpr.flags = 0;
  f32Fma(fpr, readS(f, rs1(i)), readS(f, rs2(i)), readS(f, rs3(i)), negProd, negAdd, rm);
  writeS(h, rd2(i), fpr.lo);
};

const sgnj = (kind: number): ExecFn => (h, i) => {
  h.requireFs();
  const f = h.f;
  fpr.flags = 0;
  writeS(h, rd2(i), f32SignInject(readS(f, rs1(i)), readS(f, rs2(i)), kind));
};

const minmax = (max: boolean): ExecFn => (h, i) => {
  h.requireFs();
  const f = h.f;
  fpr.flags = 0;
  f32MinMax(fpr, readS(f, rs1(i)), readS(f, rs2(i)), max);
  writeS(h, rd2(i), fpr.lo);
};

const compare = (op: 'eq' | 'lt' | 'le'): ExecFn => (h, i) => {
  h.requireFs();
  const f = h.f;
  fpr.flags = 0;
  writeX(h, rd2(i), f32Compare(fpr, readS(f, rs1(i)), readS(f, rs2(i)), op), 0);
};

const toInt = (kind: number): ExecFn => (h, i) => {
  h.requireFs();
  const rm = roundingMode(h, i);
  fpr.flags = 0;
  f32ToInt(fpr, readS(h.f, rs1(i)), kind, rm);
  writeX(h, rd2(i), fpr.lo, fpr.hi);
};

const fromInt = (kind: number): ExecFn => (h, i) => {
  h.requireFs();
  const rm = roundingMode(h, i);
  const s = rs1(i);
  fpr.flags = 0;
  intToFloat(fpr, h.x[s], h.x[s + 1], kind, false, rm);
  writeS(h, rd2(i), fpr.lo);
};

/** FLW (the loaded bits are NaN-boxed unchanged). */
const flw: ExecFn = (h, i) => {
  h.requireFs();
  const lo = addrI(h.x, i);
  const v = h.load32(lo, R.hi);
  fpr.flags = 0;
  writeS(h, rd2(i), v);
};

/** FSW stores the low 32 bits whatever the boxing ("NaN Boxing of Narrower Values"). */
const fsw: ExecFn = (h, i) => {
  h.requireFs();
  const lo = addrS(h.x, i);
  h.store32(lo, R.hi, h.f[rs2(i)]);
};

/** FMV.X.W: the low 32 bits, sign-extended, boxing ignored; no flags. */
const fmvXW: ExecFn = (h, i) => {
  h.requireFs();
  const v = h.f[rs1(i)];
  const d = rd2(i);
  h.x[d] = v;
  h.x[d + 1] = v >> 31;
};

const fmvWX: ExecFn = (h, i) => {
  h.requireFs();
  fpr.flags = 0;
  writeS(h, rd2(i), h.x[rs1(i)]);
};

const fclass: ExecFn = (h, i) => {
  h.requireFs();
  const d = rd2(i);
  h.x[d] = f32Class(readS(h.f, rs1(i)));
  h.x[d + 1] = 0;
};

/** The RV64F instruction rows. */
export const F_ROWS: readonly InsnRow[] = [
  { name: 'flw', ext: 'f', fmt: 'D,o(s)', match: (2 << 12) | 0x07, mask: 0x707f, exec: flw },
  { name: 'fsw', ext: 'f', fmt: 'T,q(s)', match: (2 << 12) | 0x27, mask: 0x707f, exec: fsw },
  ...FMA_OPS.map(([n, op, np, na]) => rowR4(`${n}.s`, 'f', op, 0, fma(np, na))),
  rowRm('fadd.s', 'f', 0x00, 'D,S,T,m', arith(f32Add)),
  rowRm('fsub.s', 'f', 0x04, 'D,S,T,m', arith(f32Sub)),
  rowRm('fmul.s', 'f', 0x08, 'D,S,T,m', arith(f32Mul)),
  rowRm('fdiv.s', 'f', 0x0c, 'D,S,T,m', arith(f32Div)),
  rowRs2('fsqrt.s', 'f', 0x2c, 0, 'D,S,m', arith((r, a, _b, rm) => f32Sqrt(r, a, rm))),
  rowF3('fsgnj.s', 'f', 0x10, 0, 'D,S,T', sgnj(0)),
  rowF3('fsgnjn.s', 'f', 0x10, 1, 'D,S,T', sgnj(1)),
  rowF3('fsgnjx.s', 'f', 0x10, 2, 'D,S,T', sgnj(2)),
  rowF3('fmin.s', 'f', 0x14, 0, 'D,S,T', minmax(false)),
  rowF3('fmax.s', 'f', 0x14, 1, 'D,S,T', minmax(true)),
  ...INT_KINDS.map(([n, k]) => rowRs2(`fcvt.${n}.s`, 'f', 0x60, k, 'd,S,m', toInt(k))),
  ...INT_KINDS.map(([n, k]) => rowRs2(`fcvt.s.${n}`, 'f', 0x68, k, 'D,s,m', fromInt(k))),
  rowRs2F3('fmv.x.w', 'f', 0x70, 0, 0, 'd,S', fmvXW),
  rowRs2F3('fclass.s', 'f', 0x70, 0, 1, 'd,S', fclass),
  rowF3('feq.s', 'f', 0x50, 2, 'd,S,T', compare('eq')),
  rowF3('flt.s', 'f', 0x50, 1, 'd,S,T', compare('lt')),
  rowF3('fle.s', 'f', 0x50, 0, 'd,S,T', compare('le')),
  rowRs2F3('fmv.w.x', 'f', 0x78, 0, 0, 'D,s', fmvWX),
];
