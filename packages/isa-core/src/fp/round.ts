/**
 * Rounding of exact intermediate results to binary32 / binary64, with the
 * IEEE 754-2008 flags as RISC-V defines them (unprivileged ISA, F extension,
 * "Floating-Point Control and Status Register"): underflow is signalled when
 * the result is tiny AFTER rounding (rounded as if the exponent range were
 * unbounded) and inexact; overflow when the rounded result with unbounded
 * exponent exceeds the largest finite number.
 */
import { ARG, argToF32Bits, f64Hi, f64Lo, stepArg, storeArg } from './bits.js';
import { FFLAG_NX, FFLAG_OF, FFLAG_UF, type FpResult, RM_RDN, RM_RMM, RM_RNE, RM_RTZ, RM_RUP } from './defs.js';

const TWO32 = 4294967296;
const TWO52 = 4503599627370496;
const TWO53 = 9007199254740992;

/** Set by roundNum: whether any discarded bit was non-zero. */
let numInexact = false;

/**
 * Rounds the magnitude m * 2^0 (an integer below 2^54, exactly representable)
 * plus an infinitesimal of sign `dir` (sign relative to the magnitude) to a
 * multiple of 2^k (k >= 1), returning the quotient. `neg` is the sign of the value.
 */
function roundNum(m: number, k: number, dir: number, neg: boolean, rm: number): number {
  const pk = 2 ** k;
  let q = Math.floor(m / pk);
  const rem = m - q * pk;
  const half = pk / 2;
  let above: boolean;
  let isHalf: boolean;
  let nonZero: boolean;
  if (rem === 0 && dir < 0) {
    // m - eps: the truncated quotient is one less and the remainder just below pk.
    q -= 1;
    above = true;
    isHalf = false;
    nonZero = true;
  } else {
    above = rem > half || (rem === half && dir > 0);
    isHalf = rem === half && dir === 0;
    nonZero = rem !== 0 || dir !== 0;
  }
  numInexact = nonZero;
  let inc = false;
  switch (rm) {
    case RM_RNE:
      inc = above || (isHalf && q % 2 === 1);
      break;
    case RM_RTZ:
      break;
    case RM_RDN:
      inc = nonZero && neg;
      break;
    case RM_RUP:
      inc = nonZero && !neg;
      break;
    default: // RM_RMM
      inc = above || isHalf;
      break;
  }
  return inc ? q + 1 : q;
}

/** Whether an overflowing result rounds to infinity (else to the largest finite number). */
function overflowToInf(neg: boolean, rm: number): boolean {
  switch (rm) {
    case RM_RTZ:
      return false;
    case RM_RDN:
      return neg;
    case RM_RUP:
      return !neg;
    default:
      return true;
  }
}

const F32_SCRATCH_EXP = 2 ** -1000;
const F32_MIN_NORMAL = 2 ** -126;
const F32_MAX = (2 - 2 ** -23) * 2 ** 127;
/** F32_ULP[e] = the unit in the last place of a normal binary32 with biased exponent e. */
const F32_ULP = new Float64Array(256).map((_, e) => 2 ** (e - 150));

/**
 * Rounds `d + eps` to binary32 under `rm`, where d = ARG[0] (finite) and eps is an
 * infinitesimal whose sign is `dir` (-1, 0, +1; the sign of exact - d). Writes the
 * bit pattern to r.lo and ORs the flags into r.flags.
 */
export function roundToF32(r: FpResult, dir: number, rm: number): void {
  let d = ARG[0]!;
  if (d === 0) {
    r.lo = argToF32Bits(0);
    return;
  }
  // Fast path: the nearest binary32 is normal and above the smallest normal (so nothing is
  // tiny) and d is not a binary32 midpoint that the residual pushes one way.
  const rf = Math.fround(d);
  const ar = Math.abs(rf);
  if (ar > F32_MIN_NORMAL && ar <= F32_MAX) {
    const diff = d - rf; // exact: d and rf agree in all but the low 29 bits
    const side = diff > 0 ? 1 : diff < 0 ? -1 : dir; // sign of exact - rf
    ARG[0] = rf;
    let b = argToF32Bits(0);
    if (side === 0) {
      r.lo = b;
      return;
    }
    const magSide = rf < 0 ? -side : side;
    const frac = b & 0x7fffff;
    let gap = F32_ULP[(b >>> 23) & 0xff]!;
    if (magSide < 0 && frac === 0) gap /= 2;
    const half = 2 * Math.abs(diff) === gap;
    if (!half || dir === 0) {
      r.flags |= FFLAG_NX;
      switch (rm) {
        case RM_RNE:
          break;
        case RM_RTZ:
          if (magSide < 0) b -= 1;
          break;
        case RM_RDN:
          if (side < 0) b += rf > 0 ? -1 : 1;
          break;
        case RM_RUP:
          if (side > 0) b += rf > 0 ? 1 : -1;
          break;
        default: // RM_RMM: differs from RNE only on an exact tie that RNE rounded towards zero
          if (half && magSide > 0) b += 1;
          break;
      }
      if ((b & 0x7fffffff) === 0x7f800000) r.flags |= FFLAG_OF;
      r.lo = b | 0;
      return;
    }
  }
  const neg = d < 0;
  let hi = f64Hi(d);
  let lo = f64Lo(d);
  let be = (hi >>> 20) & 0x7ff;
  if (be === 0) {
    // A binary64 subnormal is far below binary32's range: any value there rounds alike.
    d = neg ? -F32_SCRATCH_EXP : F32_SCRATCH_EXP;
    if (dir === 0) dir = neg ? -1 : 1;
    hi = f64Hi(d);
    lo = f64Lo(d);
    be = (hi >>> 20) & 0x7ff;
  }
  const magDir = neg ? -dir : dir;
  let m = (hi & 0xfffff) * TWO32 + (lo >>> 0) + TWO52;
  let e = be - 1075;
  if (magDir < 0 && m === TWO52) {
    // Just below a power of two: the leading bit is one position lower.
    m = TWO53;
    e -= 1;
  }
  const E = e + 52; // exponent of the exact value's leading bit
  let tiny = false;
  if (E < -126) {
    // Tininess after rounding: round to 24 bits with unbounded exponent.
    const q1 = roundNum(m, E - 23 - e, magDir, neg, rm);
    tiny = E < -127 || q1 < 2 ** 24;
  }
  let lsbExp = E - 23;
  if (lsbExp < -149) lsbExp = -149;
  let q = roundNum(m, lsbExp - e, magDir, neg, rm);
  const inexact = numInexact;
  if (q === 2 ** 24) {
    q = 2 ** 23;
    lsbExp += 1;
  }
  let bits: number;
  if (q >= 2 ** 23) {
    const exp = lsbExp + 23;
    if (exp > 127) {
      r.flags |= FFLAG_OF | FFLAG_NX;
      r.lo = (neg ? 0x80000000 : 0) | (overflowToInf(neg, rm) ? 0x7f800000 : 0x7f7fffff);
      return;
    }
    bits = ((exp + 127) << 23) | (q - 2 ** 23);
  } else {
    bits = q; // subnormal or zero; lsbExp is -149 here
  }
  if (inexact) r.flags |= tiny ? FFLAG_NX | FFLAG_UF : FFLAG_NX;
  r.lo = (neg ? bits | 0x80000000 : bits) | 0;
}

/**
 * Finishes a binary64 fast path: d = ARG[0] is the round-to-nearest-even result of an
 * operation whose exact value is d + eps with sign(eps) = dir; `tie` says the
 * exact value lies exactly halfway between d and its neighbour away from zero.
 * The caller guarantees |d| >= 2^-1021 when dir != 0, so the result is never tiny.
 */
export function finishF64(r: FpResult, dir: number, tie: boolean, rm: number): void {
  const d = ARG[0]!;
  if (dir !== 0) {
    r.flags |= FFLAG_NX;
    const magDir = d < 0 ? -dir : dir;
    let step = 0; // +1: one ulp away from zero, -1: one ulp towards zero
    switch (rm) {
      case RM_RNE:
        break;
      case RM_RTZ:
        if (magDir < 0) step = -1;
        break;
      case RM_RDN:
        if (dir < 0) step = d > 0 ? -1 : 1;
        break;
      case RM_RUP:
        if (dir > 0) step = d > 0 ? 1 : -1;
        break;
      default: // RM_RMM
        if (tie && magDir > 0) step = 1;
        break;
    }
    if (step !== 0) {
      stepArg(0, step > 0);
      const x = ARG[0]!;
      if (x === Infinity || x === -Infinity) r.flags |= FFLAG_OF;
    }
  }
  storeArg(r, 0);
}

// ---- BigInt slow path: exact operands, any exponent ----

function bitLength(x: bigint): number {
  return x.toString(2).length;
}

function roundShiftBig(sig: bigint, shift: number, neg: boolean, rm: number): bigint {
  const s = BigInt(shift);
  const q = sig >> s;
  const rem = sig & ((1n << s) - 1n);
  if (rem === 0n) return q;
  const half = 1n << (s - 1n);
  let inc = false;
  switch (rm) {
    case RM_RNE:
      inc = rem > half || (rem === half && (q & 1n) === 1n);
      break;
    case RM_RTZ:
      break;
    case RM_RDN:
      inc = neg;
      break;
    case RM_RUP:
      inc = !neg;
      break;
    case RM_RMM:
      inc = rem >= half;
      break;
  }
  return inc ? q + 1n : q;
}

/**
 * Rounds (-1)^neg * sig * 2^exp (sig > 0, exact) to binary32 (is64 = false, result
 * in r.lo) or binary64 (result in r.lo, r.hi) under rm, setting NX, UF and OF.
 */
export function roundPackBig(r: FpResult, is64: boolean, neg: boolean, sig: bigint, exp: number, rm: number): void {
  const p = is64 ? 53 : 24;
  const emin = is64 ? -1022 : -126;
  const emax = is64 ? 1023 : 127;
  const n = bitLength(sig);
  const E = exp + n - 1;
  let tiny = false;
  if (E < emin) {
    let E1 = E;
    if (n > p && roundShiftBig(sig, n - p, neg, rm) >> BigInt(p) !== 0n) E1 += 1;
    tiny = E1 < emin;
  }
  let lsbExp = Math.max(E - p + 1, emin - p + 1);
  const shift = lsbExp - exp;
  let q: bigint;
  let inexact = false;
  if (shift > 0) {
    q = roundShiftBig(sig, shift, neg, rm);
    inexact = (sig & ((1n << BigInt(shift)) - 1n)) !== 0n;
  } else {
    q = sig << BigInt(-shift);
  }
  if (q === 1n << BigInt(p)) {
    q >>= 1n;
    lsbExp += 1;
  }
  const implicit = 1n << BigInt(p - 1);
  let biased = 0;
  let frac = q;
  if (q >= implicit) {
    const e = lsbExp + p - 1;
    if (e > emax) {
      r.flags |= FFLAG_OF | FFLAG_NX;
      const inf = overflowToInf(neg, rm);
      if (is64) {
        r.hi = (neg ? 0x80000000 : 0) | (inf ? 0x7ff00000 : 0x7fefffff);
        r.lo = inf ? 0 : -1;
      } else {
        r.lo = (neg ? 0x80000000 : 0) | (inf ? 0x7f800000 : 0x7f7fffff);
      }
      return;
    }
    biased = e + (is64 ? 1023 : 127);
    frac = q - implicit;
  }
  if (inexact) r.flags |= tiny ? FFLAG_NX | FFLAG_UF : FFLAG_NX;
  const sbit = neg ? 0x80000000 : 0;
  if (is64) {
    r.lo = Number(frac & 0xffffffffn) | 0;
    r.hi = (sbit | (biased << 20) | Number(frac >> 32n)) | 0;
  } else {
    r.lo = (sbit | (biased << 23) | Number(frac)) | 0;
  }
}

/** Unpacked finite non-zero operand for the BigInt path: value = (-1)^neg * sig * 2^exp. */
export class Unpacked {
  neg = false;
  sig = 0n;
  exp = 0;
}

export function unpackF64(u: Unpacked, lo: number, hi: number): void {
  const be = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo >>> 0);
  u.neg = hi < 0;
  if (be === 0) {
    u.sig = frac;
    u.exp = -1074;
  } else {
    u.sig = frac | (1n << 52n);
    u.exp = be - 1075;
  }
}

/** The sign of an exactly zero sum a + b (IEEE 754-2008 6.3): +0 except in RDN, unless both addends are the same-signed zero. */
export function zeroSumNeg(negA: boolean, negB: boolean, rm: number): boolean {
  return negA === negB ? negA : rm === RM_RDN;
}
