/**
 * binary32 arithmetic of the RISC-V F extension, bit-exact (results and fflags).
 * Operands and results are binary32 bit patterns (int32). Every binary32 value is
 * a double, and +, *, / and sqrt of binary32 values are computed in double with
 * their exact error, then rounded once to binary32 by roundToF32.
 */
import { ARG, argToF32Bits, isF32NaN, isF32SNaN, loadArgF32 } from './bits.js';
import {
  F32_CANONICAL_NAN, FCLASS_NEG_INF, FCLASS_NEG_NORMAL, FCLASS_NEG_SUBNORMAL, FCLASS_NEG_ZERO,
  FCLASS_POS_INF, FCLASS_POS_NORMAL, FCLASS_POS_SUBNORMAL, FCLASS_POS_ZERO, FCLASS_QNAN, FCLASS_SNAN,
  FFLAG_DZ, FFLAG_NV, type FpResult,
} from './defs.js';
import { signBit, twoProductErr, twoSumErr } from './eft.js';
import { roundToF32, zeroSumNeg } from './round.js';

/** NaN operands give the canonical NaN; a signalling one raises NV (F extension, "NaN Generation and Propagation"). */
function nan2(r: FpResult, a: number, b: number): boolean {
  if (isF32NaN(a) || isF32NaN(b)) {
    if (isF32SNaN(a) || isF32SNaN(b)) r.flags |= FFLAG_NV;
    r.lo = F32_CANONICAL_NAN;
    return true;
  }
  return false;
}

function invalid(r: FpResult): void {
  r.flags |= FFLAG_NV;
  r.lo = F32_CANONICAL_NAN;
}

/** Rounds ARG[0] + ARG[1] to binary32. */
function sumToF32(r: FpResult, rm: number): void {
  const x = ARG[0]!;
  const y = ARG[1]!;
  const s = x + y;
  if (s !== s) return invalid(r); // inf - inf
  if (s === Infinity || s === -Infinity) {
    r.lo = s > 0 ? 0x7f800000 : 0xff800000 | 0;
    return;
  }
  if (s === 0) {
    r.lo = zeroSumNeg(signBit(x), signBit(y), rm) ? 0x80000000 | 0 : 0;
    return;
  }
  const t = twoSumErr(x, y, s);
  ARG[0] = s;
  roundToF32(r, t > 0 ? 1 : t < 0 ? -1 : 0, rm);
}

/** FADD.S */
export function f32Add(r: FpResult, a: number, b: number, rm: number): void {
  if (nan2(r, a, b)) return;
  loadArgF32(0, a);
  loadArgF32(1, b);
  sumToF32(r, rm);
}

/** FSUB.S */
export function f32Sub(r: FpResult, a: number, b: number, rm: number): void {
  if (nan2(r, a, b)) return;
  loadArgF32(0, a);
  loadArgF32(1, b ^ 0x80000000);
  sumToF32(r, rm);
}

/** FMUL.S: the product of two binary32 values is exact in binary64. */
export function f32Mul(r: FpResult, a: number, b: number, rm: number): void {
  if (nan2(r, a, b)) return;
  loadArgF32(0, a);
  loadArgF32(1, b);
  const p = ARG[0]! * ARG[1]!;
  if (p !== p) return invalid(r); // 0 * inf
  if (p === Infinity || p === -Infinity) {
    r.lo = p > 0 ? 0x7f800000 : 0xff800000 | 0;
    return;
  }
  ARG[0] = p;
  roundToF32(r, 0, rm);
}

/** FDIV.S */
export function f32Div(r: FpResult, a: number, b: number, rm: number): void {
  if (nan2(r, a, b)) return;
  loadArgF32(0, a);
  loadArgF32(1, b);
  const x = ARG[0]!;
  const y = ARG[1]!;
  const q = x / y;
  if (q !== q) return invalid(r); // 0/0, inf/inf
  if (q === Infinity || q === -Infinity || q === 0 || x === Infinity || x === -Infinity) {
    if (y === 0 && x !== Infinity && x !== -Infinity) r.flags |= FFLAG_DZ;
    ARG[0] = q; // exact: an infinity or a zero
    r.lo = argToF32Bits(0);
    return;
  }
  // Remainder x - q*y, exact (q is within an ulp of x/y, so x - p is exact by Sterbenz).
  const p = q * y;
  const rem = x - p - twoProductErr(q, y, p);
  const dir = rem === 0 ? 0 : (rem > 0) === (y > 0) ? 1 : -1;
  ARG[0] = q;
  roundToF32(r, dir, rm);
}

/** FSQRT.S */
export function f32Sqrt(r: FpResult, a: number, rm: number): void {
  if (isF32NaN(a)) {
    if (isF32SNaN(a)) r.flags |= FFLAG_NV;
    r.lo = F32_CANONICAL_NAN;
    return;
  }
  loadArgF32(0, a);
  const x = ARG[0]!;
  if (x === 0 || x === Infinity) {
    r.lo = a;
    return;
  }
  if (x < 0) return invalid(r);
  const q = Math.sqrt(x);
  const p = q * q;
  const rem = x - p - twoProductErr(q, q, p);
  ARG[0] = q;
  roundToF32(r, rem > 0 ? 1 : rem < 0 ? -1 : 0, rm);
}

/**
 * FMADD.S family: (-1)^negProd * a * b + (-1)^negAdd * c with one rounding.
 * FMADD (false,false), FMSUB (false,true), FNMSUB (true,false), FNMADD (true,true).
 * The product is exact in binary64 and TwoSum gives the exact sum.
 */
export function f32Fma(r: FpResult, a: number, b: number, c: number, negProd: boolean, negAdd: boolean, rm: number): void {
  loadArgF32(0, a);
  loadArgF32(1, b);
  loadArgF32(2, c);
  const x = ARG[0]!;
  const y = ARG[1]!;
  const cv = ARG[2]!;
  const aNaN = isF32NaN(a);
  const bNaN = isF32NaN(b);
  const cNaN = isF32NaN(c);
  // F extension: FMA of inf * 0 raises NV even when the addend is a quiet NaN.
  const infTimesZero = !aNaN && !bNaN && ((x === 0 && (y === Infinity || y === -Infinity)) || (y === 0 && (x === Infinity || x === -Infinity)));
  if (aNaN || bNaN || cNaN || infTimesZero) {
    if (infTimesZero || isF32SNaN(a) || isF32SNaN(b) || isF32SNaN(c)) r.flags |= FFLAG_NV;
    r.lo = F32_CANONICAL_NAN;
    return;
  }
  const p = negProd ? -(x * y) : x * y;
  const z = negAdd ? -cv : cv;
  ARG[0] = p;
  ARG[1] = z;
  sumToF32(r, rm);
}

/**
 * FMIN.S / FMAX.S (F extension 2.2+, IEEE 754-2019 minimumNumber/maximumNumber):
 * a NaN operand is ignored, two NaNs give the canonical NaN, -0 < +0, and a
 * signalling NaN operand raises NV.
 */
export function f32MinMax(r: FpResult, a: number, b: number, max: boolean): void {
  const aNaN = isF32NaN(a);
  const bNaN = isF32NaN(b);
  if (aNaN || bNaN) {
    if (isF32SNaN(a) || isF32SNaN(b)) r.flags |= FFLAG_NV;
    r.lo = aNaN ? (bNaN ? F32_CANONICAL_NAN : b) : a;
    return;
  }
  loadArgF32(0, a);
  loadArgF32(1, b);
  const x = ARG[0]!;
  const y = ARG[1]!;
  if (x === y) {
    // Only zeros of different signs compare equal with different bits.
    r.lo = max ? a & b : a | b;
    return;
  }
  r.lo = (x < y) !== max ? a : b;
}

/** FEQ.S (quiet: NV only for a signalling NaN), FLT.S and FLE.S (signalling: NV for any NaN). Returns 0 or 1. */
export function f32Compare(r: FpResult, a: number, b: number, op: 'eq' | 'lt' | 'le'): number {
  if (isF32NaN(a) || isF32NaN(b)) {
    if (op !== 'eq' || isF32SNaN(a) || isF32SNaN(b)) r.flags |= FFLAG_NV;
    return 0;
  }
  loadArgF32(0, a);
  loadArgF32(1, b);
  const x = ARG[0]!;
  const y = ARG[1]!;
  return (op === 'eq' ? x === y : op === 'lt' ? x < y : x <= y) ? 1 : 0;
}

/** FCLASS.S */
export function f32Class(a: number): number {
  const neg = a < 0;
  const e = (a >>> 23) & 0xff;
  const f = a & 0x7fffff;
  if (e === 0xff) {
    if (f === 0) return neg ? FCLASS_NEG_INF : FCLASS_POS_INF;
    return f & 0x400000 ? FCLASS_QNAN : FCLASS_SNAN;
  }
  if (e === 0) {
    if (f === 0) return neg ? FCLASS_NEG_ZERO : FCLASS_POS_ZERO;
    return neg ? FCLASS_NEG_SUBNORMAL : FCLASS_POS_SUBNORMAL;
  }
  return neg ? FCLASS_NEG_NORMAL : FCLASS_POS_NORMAL;
}

/** FSGNJ.S (kind 0), FSGNJN.S (1), FSGNJX.S (2): the magnitude of a with a sign from b; never raises flags. */
export function f32SignInject(a: number, b: number, kind: number): number {
  const s = kind === 0 ? b : kind === 1 ? ~b : a ^ b;
  return ((a & 0x7fffffff) | (s & 0x80000000)) | 0;
}
