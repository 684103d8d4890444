/**
 * FCVT between binary32, binary64 and integers (F/D extensions, "Floating-Point
 * Conversion and Move Instructions"). Out-of-range and NaN inputs saturate and
 * raise NV only (never NX); NaN converts to the largest positive integer.
 */
import { ARG, argToF32Bits, loadArg, loadArgF32, storeArg, isF32NaN, isF32SNaN, isF64NaN, isF64SNaN } from './bits.js';
import {
  F32_CANONICAL_NAN, F64_CANONICAL_NAN_HI, FFLAG_NV, FFLAG_NX, type FpResult,
  RM_RDN, RM_RMM, RM_RNE, RM_RTZ, RM_RUP,
} from './defs.js';
import { roundPackBig, roundToF32 } from './round.js';

/** Integer kinds of FCVT: the W, WU, L, LU in the mnemonics. */
export const INT_W = 0;
export const INT_WU = 1;
export const INT_L = 2;
export const INT_LU = 3;

const TWO31 = 2147483648;
const TWO32 = 4294967296;
const TWO52 = 4503599627370496;
const TWO53 = 9007199254740992;
const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;

/** FCVT.D.S: exact, except that NaNs become the canonical NaN. */
export function f32ToF64(r: FpResult, a: number): void {
  if (isF32NaN(a)) {
    if (isF32SNaN(a)) r.flags |= FFLAG_NV;
    r.lo = 0;
    r.hi = F64_CANONICAL_NAN_HI;
    return;
  }
  loadArgF32(0, a);
  storeArg(r, 0);
}

/** FCVT.S.D */
export function f64ToF32(r: FpResult, lo: number, hi: number, rm: number): void {
  if (isF64NaN(lo, hi)) {
    if (isF64SNaN(lo, hi)) r.flags |= FFLAG_NV;
    r.lo = F32_CANONICAL_NAN;
    return;
  }
  loadArg(0, lo, hi);
  const x = ARG[0]!;
  if (x === Infinity || x === -Infinity) {
    r.lo = argToF32Bits(0);
    return;
  }
  roundToF32(r, 0, rm);
}

function saturate(r: FpResult, kind: number, negative: boolean): void {
  r.flags |= FFLAG_NV;
  switch (kind) {
    case INT_W:
      r.lo = negative ? 0x80000000 | 0 : 0x7fffffff;
      r.hi = negative ? -1 : 0;
      break;
    case INT_WU: // the 32-bit result is sign-extended on RV64
      r.lo = negative ? 0 : -1;
      r.hi = negative ? 0 : -1;
      break;
    case INT_L:
      r.lo = negative ? 0 : -1;
      r.hi = negative ? 0x80000000 | 0 : 0x7fffffff;
      break;
    default:
      r.lo = negative ? 0 : -1;
      r.hi = negative ? 0 : -1;
      break;
  }
}

/** FCVT.{W,WU,L,LU}.{S,D} of the value x = ARG[0] (a binary32 or binary64 value as a JS number). */
function toInt(r: FpResult, kind: number, rm: number): void {
  const x = ARG[0]!;
  if (x !== x) return saturate(r, kind, false);
  let t = x;
  let inexact = false;
  if (Math.abs(x) < TWO52) {
    t = Math.trunc(x);
    const f = x - t; // exact
    if (f !== 0) {
      inexact = true;
      const away = x < 0 ? -1 : 1;
      const af = Math.abs(f);
      switch (rm) {
        case RM_RNE:
          if (af > 0.5 || (af === 0.5 && t % 2 !== 0)) t += away;
          break;
        case RM_RTZ:
          break;
        case RM_RDN:
          if (f < 0) t -= 1;
          break;
        case RM_RUP:
          if (f > 0) t += 1;
          break;
        case RM_RMM:
          if (af >= 0.5) t += away;
          break;
      }
    }
  }
  let lo: number;
  let hi: number;
  switch (kind) {
    case INT_W:
      if (t < -TWO31 || t >= TWO31) return saturate(r, kind, t < 0);
      lo = t | 0;
      hi = lo >> 31;
      break;
    case INT_WU:
      if (t < 0 || t >= TWO32) return saturate(r, kind, t < 0);
      lo = t | 0;
      hi = lo >> 31;
      break;
    case INT_L:
      if (t < -TWO63 || t >= TWO63) return saturate(r, kind, t < 0);
      hi = Math.floor(t / TWO32);
      lo = (t - hi * TWO32) | 0;
      hi |= 0;
      break;
    default:
      if (t < 0 || t >= TWO64) return saturate(r, kind, t < 0);
      hi = Math.floor(t / TWO32);
      lo = (t - hi * TWO32) | 0;
      hi |= 0;
      break;
  }
  if (inexact) r.flags |= FFLAG_NX;
  r.lo = lo;
  r.hi = hi;
}

/** FCVT.{W,WU,L,LU}.S; the result is (r.lo, r.hi), 32-bit kinds sign-extended. */
export function f32ToInt(r: FpResult, a: number, kind: number, rm: number): void {
  loadArgF32(0, a);
  if (isF32NaN(a)) ARG[0] = NaN;
  toInt(r, kind, rm);
}

/** FCVT.{W,WU,L,LU}.D; the result is (r.lo, r.hi), 32-bit kinds sign-extended. */
export function f64ToInt(r: FpResult, lo: number, hi: number, kind: number, rm: number): void {
  loadArg(0, lo, hi);
  toInt(r, kind, rm);
}

/** FCVT.S.{W,WU,L,LU} (is64 = false, result in r.lo) and FCVT.D.{W,WU,L,LU} (result in r.lo, r.hi). */
export function intToFloat(r: FpResult, lo: number, hi: number, kind: number, is64: boolean, rm: number): void {
  let v: number;
  if (kind === INT_W || kind === INT_WU) {
    v = kind === INT_W ? lo | 0 : lo >>> 0;
  } else {
    const neg = kind === INT_L && hi < 0;
    let mlo = lo;
    let mhi = hi;
    if (neg) {
      mlo = (~lo + 1) | 0;
      mhi = (~hi + (mlo === 0 ? 1 : 0)) | 0;
    }
    const uhi = mhi >>> 0;
    const ulo = mlo >>> 0;
    if (uhi >= TWO53 / TWO32) {
      if (is64) {
        roundPackBig(r, true, neg, (BigInt(uhi) << 32n) | BigInt(ulo), 0, rm);
      } else {
        // Keep 53 bits; the dropped ones only matter as a sticky bit below binary32's precision.
        const d = (uhi * 2 ** 21 + (ulo >>> 11)) * 2048;
        ARG[0] = neg ? -d : d;
        roundToF32(r, (ulo & 0x7ff) === 0 ? 0 : neg ? -1 : 1, rm);
      }
      return;
    }
    v = uhi * TWO32 + ulo;
    if (neg) v = -v;
  }
  if (is64) {
    ARG[0] = v;
    storeArg(r, 0);
  } else {
    ARG[0] = v;
    roundToF32(r, 0, rm);
  }
}
