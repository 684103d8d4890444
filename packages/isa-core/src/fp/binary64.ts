/**
 * binary64 arithmetic of the RISC-V D extension, bit-exact (results and fflags).
 * Operands and results are (lo, hi) int32 halves. JS doubles give the
 * round-to-nearest-even result; error-free transformations give the exact
 * error, which decides the other rounding modes and NX. Results that may
 * overflow, be tiny, or whose error cannot be proven exact go to a BigInt path.
 */
import { ARG, isF64NaN, isF64SNaN, loadArg, stepArg, storeArg } from './bits.js';
import {
  F64_CANONICAL_NAN_HI, FCLASS_NEG_INF, FCLASS_NEG_NORMAL, FCLASS_NEG_SUBNORMAL, FCLASS_NEG_ZERO,
  FCLASS_POS_INF, FCLASS_POS_NORMAL, FCLASS_POS_SUBNORMAL, FCLASS_POS_ZERO, FCLASS_QNAN, FCLASS_SNAN,
  FFLAG_DZ, FFLAG_NV, type FpResult, RM_RMM,
} from './defs.js';
import { signBit, twoProductErr, twoSumErr } from './eft.js';
import { finishF64, roundPackBig, Unpacked, unpackF64, zeroSumNeg } from './round.js';

const LO_BOUND = 2 ** -900;
const HI_BOUND = 2 ** 995;
const P_MAX = 2 ** 1000;
const Q_MIN = 2 ** -1000;

function setNaN(r: FpResult): void {
  r.lo = 0;
  r.hi = F64_CANONICAL_NAN_HI;
}

function invalid(r: FpResult): void {
  r.flags |= FFLAG_NV;
  setNaN(r);
}


function setZero(r: FpResult, neg: boolean): void {
  r.lo = 0;
  r.hi = neg ? 0x80000000 | 0 : 0;
}

function nan2(r: FpResult, aLo: number, aHi: number, bLo: number, bHi: number): boolean {
  if (isF64NaN(aLo, aHi) || isF64NaN(bLo, bHi)) {
    if (isF64SNaN(aLo, aHi) || isF64SNaN(bLo, bHi)) r.flags |= FFLAG_NV;
    setNaN(r);
    return true;
  }
  return false;
}

const ua = new Unpacked();
const ub = new Unpacked();
const uc = new Unpacked();

/** Exact sum of two unpacked values, rounded (slow path). */
function addBig(r: FpResult, negA: boolean, sigA: bigint, expA: number, negB: boolean, sigB: bigint, expB: number, rm: number): void {
  const e = Math.min(expA, expB);
  const a = sigA << BigInt(expA - e);
  const b = sigB << BigInt(expB - e);
  const sum = (negA ? -a : a) + (negB ? -b : b);
  if (sum === 0n) return setZero(r, zeroSumNeg(negA, negB, rm));
  roundPackBig(r, true, sum < 0n, sum < 0n ? -sum : sum, e, rm);
}

/** x + y for finite x = ARG[0], y = ARG[1], with s = ARG[2] = x + y already computed and finite. */
function finishSum(r: FpResult, rm: number): void {
  const x = ARG[0]!;
  const y = ARG[1]!;
  const s = ARG[2]!;
  if (s === 0) return setZero(r, zeroSumNeg(signBit(x), signBit(y), rm));
  const t = twoSumErr(x, y, s);
  if (t === 0) {
    ARG[0] = s;
    return storeArg(r, 0);
  }
  const tie = rm === RM_RMM && isHalfAway(t, s);
  ARG[0] = s;
  finishF64(r, t > 0 ? 1 : -1, tie, rm);
}

/**
 * Whether an error err of the same sign as d is exactly half the gap between d and
 * its neighbour away from zero (an exact tie, which only RMM rounds differently).
 */
function isHalfAway(err: number, d: number): boolean {
  if ((err > 0) !== (d > 0)) return false;
  ARG[1] = d;
  stepArg(1, true);
  return 2 * Math.abs(err) === Math.abs(ARG[1]! - d);
}

function add(r: FpResult, aLo: number, aHi: number, bLo: number, bHi: number, rm: number): void {
  loadArg(0, aLo, aHi);
  loadArg(1, bLo, bHi);
  const x = ARG[0]!;
  const y = ARG[1]!;
  const s = x + y;
  if (s !== s) return invalid(r); // inf - inf
  if (s === Infinity || s === -Infinity) {
    if (x === s || y === s) {
      ARG[0] = s; // an infinite operand: exact
      return storeArg(r, 0);
    }
    unpackF64(ua, aLo, aHi);
    unpackF64(ub, bLo, bHi);
    return addBig(r, ua.neg, ua.sig, ua.exp, ub.neg, ub.sig, ub.exp, rm);
  }
  ARG[0] = x;
  ARG[1] = y;
  ARG[2] = s;
  finishSum(r, rm);
}

/** FADD.D */
export function f64Add(r: FpResult, aLo: number, aHi: number, bLo: number, bHi: number, rm: number): void {
  if (nan2(r, aLo, aHi, bLo, bHi)) return;
  add(r, aLo, aHi, bLo, bHi, rm);
}

/** FSUB.D */
export function f64Sub(r: FpResult, aLo: number, aHi: number, bLo: number, bHi: number, rm: number): void {
  if (nan2(r, aLo, aHi, bLo, bHi)) return;
  add(r, aLo, aHi, bLo, (bHi ^ 0x80000000) | 0, rm);
}

/** FMUL.D */
export function f64Mul(r: FpResult, aLo: number, aHi: number, bLo: number, bHi: number, rm: number): void {
  if (nan2(r, aLo, aHi, bLo, bHi)) return;
  loadArg(0, aLo, aHi);
  loadArg(1, bLo, bHi);
  const x = ARG[0]!;
  const y = ARG[1]!;
  const p = x * y;
  if (p !== p) return invalid(r); // 0 * inf
  if (x === 0 || y === 0 || x === Infinity || x === -Infinity || y === Infinity || y === -Infinity) {
    ARG[0] = p; // exact
    return storeArg(r, 0);
  }
  const ap = Math.abs(p);
  if (ap >= LO_BOUND && ap < P_MAX && Math.abs(x) <= HI_BOUND && Math.abs(y) <= HI_BOUND) {
    const e = twoProductErr(x, y, p);
    if (e === 0) {
      ARG[0] = p;
      return storeArg(r, 0);
    }
    const tie = rm === RM_RMM && isHalfAway(e, p);
    ARG[0] = p;
    return finishF64(r, e > 0 ? 1 : -1, tie, rm);
  }
  unpackF64(ua, aLo, aHi);
  unpackF64(ub, bLo, bHi);
  roundPackBig(r, true, ua.neg !== ub.neg, ua.sig * ub.sig, ua.exp + ub.exp, rm);
}

/** FDIV.D */
export function f64Div(r: FpResult, aLo: number, aHi: number, bLo: number, bHi: number, rm: number): void {
  if (nan2(r, aLo, aHi, bLo, bHi)) return;
  loadArg(0, aLo, aHi);
  loadArg(1, bLo, bHi);
  const x = ARG[0]!;
  const y = ARG[1]!;
  const q = x / y;
  if (q !== q) return invalid(r); // 0/0, inf/inf
  const xInf = x === Infinity || x === -Infinity;
  if (y === 0) {
    if (!xInf) r.flags |= FFLAG_DZ;
    ARG[0] = q;
    return storeArg(r, 0);
  }
  if (x === 0 || xInf || y === Infinity || y === -Infinity) {
    ARG[0] = q; // exact
    return storeArg(r, 0);
  }
  const ax = Math.abs(x);
  const aq = Math.abs(q);
  if (ax >= LO_BOUND && ax < P_MAX && Math.abs(y) <= HI_BOUND && aq >= Q_MIN && aq <= HI_BOUND) {
    const p = q * y;
    const rem = x - p - twoProductErr(q, y, p);
    if (rem === 0) {
      ARG[0] = q;
      return storeArg(r, 0);
    }
    // A quotient of two 53-bit significands is never exactly halfway.
    ARG[0] = q;
    return finishF64(r, (rem > 0) === (y > 0) ? 1 : -1, false, rm);
  }
  unpackF64(ua, aLo, aHi);
  unpackF64(ub, bLo, bHi);
  const K = 128;
  const num = ua.sig << BigInt(K);
  const quo = num / ub.sig;
  const sticky = num % ub.sig !== 0n ? 1n : 0n;
  roundPackBig(r, true, ua.neg !== ub.neg, (quo << 1n) | sticky, ua.exp - ub.exp - K - 1, rm);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  // Newton's iteration from an over-estimate converges downwards to floor(sqrt(n)).
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** FSQRT.D */
export function f64Sqrt(r: FpResult, aLo: number, aHi: number, rm: number): void {
  if (isF64NaN(aLo, aHi)) {
    if (isF64SNaN(aLo, aHi)) r.flags |= FFLAG_NV;
    return setNaN(r);
  }
  loadArg(0, aLo, aHi);
  const x = ARG[0]!;
  if (x === 0 || x === Infinity) {
    r.lo = aLo;
    r.hi = aHi;
    return;
  }
  if (x < 0) return invalid(r);
  if (x >= LO_BOUND && x < P_MAX) {
    const q = Math.sqrt(x);
    const p = q * q;
    const rem = x - p - twoProductErr(q, q, p);
    if (rem === 0) {
      ARG[0] = q;
      return storeArg(r, 0);
    }
    ARG[0] = q;
    return finishF64(r, rem > 0 ? 1 : -1, false, rm);
  }
  unpackF64(ua, aLo, aHi);
  let sig = ua.sig;
  let exp = ua.exp;
  if (exp & 1) {
    sig <<= 1n;
    exp -= 1;
  }
  const K = 128;
  const n = sig << BigInt(K);
  const root = isqrt(n);
  const sticky = root * root !== n ? 1n : 0n;
  roundPackBig(r, true, false, (root << 1n) | sticky, (exp - K) / 2 - 1, rm);
}

/**
 * Correct rounding of p + e + z (p + e the exact product, |e| <= ulp(p)/2) without BigInt.
 * With s1 + t1 = p + z, u + v = t1 + e and s + w = s1 + u (all exact TwoSums), the exact
 * value is s + w + v where v is far below the granularity of w (v is non-zero only when
 * p + z was inexact, so |s1| is within a factor 4 of |p| and |v| << ulp(s1)). Hence s is
 * the nearest double except when w is exactly half a gap and v pushes past it. Returns
 * false (use the BigInt path) when s is out of the range where the analysis holds.
 */
function fmaFast(r: FpResult, rm: number): boolean {
  const p = ARG[0]!;
  const e = ARG[1]!;
  const z = ARG[2]!;
  // The three Fast2Sums are written out: this function is often inlined into f64Fma,
  // whose inlining budget then leaves calls (which box doubles) to twoSumErr.
  const s1 = p + z;
  const t1 = Math.abs(p) >= Math.abs(z) ? z - (s1 - p) : p - (s1 - z);
  const u = t1 + e;
  const v = Math.abs(t1) >= Math.abs(e) ? e - (u - t1) : t1 - (u - e);
  const s = s1 + u;
  const as = Math.abs(s);
  if (!(as >= LO_BOUND && as < P_MAX)) return false;
  const w = Math.abs(s1) >= Math.abs(u) ? u - (s - s1) : s1 - (s - u);
  if (w === 0) {
    if (v === 0) {
      ARG[0] = s;
      storeArg(r, 0);
    } else {
      ARG[0] = s;
      finishF64(r, v > 0 ? 1 : -1, false, rm);
    }
    return true;
  }
  const wDir = w > 0 ? 1 : -1;
  const away = (w > 0) === (s > 0);
  ARG[1] = s;
  stepArg(1, away);
  const n = ARG[1]!;
  let dir = wDir;
  let tie = false;
  ARG[0] = s;
  if (2 * Math.abs(w) === Math.abs(n - s)) {
    if (v === 0) {
      tie = away; // an exact tie
    } else if ((v > 0) === (w > 0)) {
      ARG[0] = n; // just past the midpoint: the neighbour is nearer
      dir = -wDir;
    }
  }
  finishF64(r, dir, tie, rm);
  return true;
}

/**
 * FMADD.D family: (-1)^negProd * a * b + (-1)^negAdd * c with one rounding.
 * FMADD (false,false), FMSUB (false,true), FNMSUB (true,false), FNMADD (true,true).
 */
export function f64Fma(
  r: FpResult, aLo: number, aHi: number, bLo: number, bHi: number, cLo: number, cHi: number,
  negProd: boolean, negAdd: boolean, rm: number,
): void {
  const aNaN = isF64NaN(aLo, aHi);
  const bNaN = isF64NaN(bLo, bHi);
  loadArg(0, aLo, aHi);
  loadArg(1, bLo, bHi);
  const x = ARG[0]!;
  const y = ARG[1]!;
  // F/D extension: FMA of inf * 0 raises NV even when the addend is a quiet NaN.
  const infTimesZero = !aNaN && !bNaN && ((x === 0 && (y === Infinity || y === -Infinity)) || (y === 0 && (x === Infinity || x === -Infinity)));
  if (aNaN || bNaN || isF64NaN(cLo, cHi) || infTimesZero) {
    if (infTimesZero || isF64SNaN(aLo, aHi) || isF64SNaN(bLo, bHi) || isF64SNaN(cLo, cHi)) r.flags |= FFLAG_NV;
    return setNaN(r);
  }
  const p0 = x * y;
  const p = negProd ? -p0 : p0;
  loadArg(2, cLo, cHi);
  const z = negAdd ? -ARG[2]! : ARG[2]!;
  const exactProduct = x === 0 || y === 0 || x === Infinity || x === -Infinity || y === Infinity || y === -Infinity;
  if (z === Infinity || z === -Infinity) {
    // A finite product cannot cancel an infinite addend; an infinite one of the other sign is invalid.
    if (exactProduct && (p === Infinity || p === -Infinity) && p !== z) return invalid(r);
    ARG[0] = z;
    return storeArg(r, 0);
  }
  if (exactProduct) {
    if (p === Infinity || p === -Infinity) {
      ARG[0] = p;
      return storeArg(r, 0);
    }
    ARG[0] = p;
    ARG[1] = z;
    ARG[2] = p + z; // p is a signed zero
    return finishSum(r, rm);
  }
  const ap = Math.abs(p0);
  if (ap >= LO_BOUND && ap < P_MAX && Math.abs(x) <= HI_BOUND && Math.abs(y) <= HI_BOUND) {
    const e0 = twoProductErr(x, y, p0);
    if (e0 === 0) {
      const s = p + z;
      if (s !== Infinity && s !== -Infinity) {
        ARG[0] = p;
        ARG[1] = z;
        ARG[2] = s;
        return finishSum(r, rm);
      }
    } else {
      ARG[0] = p;
      ARG[1] = negProd ? -e0 : e0;
      ARG[2] = z;
      if (fmaFast(r, rm)) return;
    }
  }
  unpackF64(ua, aLo, aHi);
  unpackF64(ub, bLo, bHi);
  unpackF64(uc, cLo, cHi);
  const pNeg = (ua.neg !== ub.neg) !== negProd;
  const pSig = ua.sig * ub.sig;
  const pExp = ua.exp + ub.exp;
  if (uc.sig === 0n) return roundPackBig(r, true, pNeg, pSig, pExp, rm);
  addBig(r, pNeg, pSig, pExp, uc.neg !== negAdd, uc.sig, uc.exp, rm);
}

/** FMIN.D / FMAX.D: see f32MinMax. */
export function f64MinMax(r: FpResult, aLo: number, aHi: number, bLo: number, bHi: number, max: boolean): void {
  const aNaN = isF64NaN(aLo, aHi);
  const bNaN = isF64NaN(bLo, bHi);
  if (aNaN || bNaN) {
    if (isF64SNaN(aLo, aHi) || isF64SNaN(bLo, bHi)) r.flags |= FFLAG_NV;
    if (aNaN && bNaN) return setNaN(r);
    r.lo = aNaN ? bLo : aLo;
    r.hi = aNaN ? bHi : aHi;
    return;
  }
  loadArg(0, aLo, aHi);
  loadArg(1, bLo, bHi);
  const x = ARG[0]!;
  const y = ARG[1]!;
  let pickA: boolean;
  if (x === y) pickA = max ? aHi >= 0 : aHi < 0; // zeros of different signs
  else pickA = (x < y) !== max;
  r.lo = pickA ? aLo : bLo;
  r.hi = pickA ? aHi : bHi;
}

/** FEQ.D / FLT.D / FLE.D: see f32Compare. Returns 0 or 1. */
export function f64Compare(r: FpResult, aLo: number, aHi: number, bLo: number, bHi: number, op: 'eq' | 'lt' | 'le'): number {
  if (isF64NaN(aLo, aHi) || isF64NaN(bLo, bHi)) {
    if (op !== 'eq' || isF64SNaN(aLo, aHi) || isF64SNaN(bLo, bHi)) r.flags |= FFLAG_NV;
    return 0;
  }
  loadArg(0, aLo, aHi);
  loadArg(1, bLo, bHi);
  const x = ARG[0]!;
  const y = ARG[1]!;
  return (op === 'eq' ? x === y : op === 'lt' ? x < y : x <= y) ? 1 : 0;
}

/** FCLASS.D */
export function f64Class(lo: number, hi: number): number {
  const neg = hi < 0;
  const e = (hi >>> 20) & 0x7ff;
  const fracZero = (hi & 0xfffff) === 0 && lo === 0;
  if (e === 0x7ff) {
    if (fracZero) return neg ? FCLASS_NEG_INF : FCLASS_POS_INF;
    return hi & 0x80000 ? FCLASS_QNAN : FCLASS_SNAN;
  }
  if (e === 0) {
    if (fracZero) return neg ? FCLASS_NEG_ZERO : FCLASS_POS_ZERO;
    return neg ? FCLASS_NEG_SUBNORMAL : FCLASS_POS_SUBNORMAL;
  }
  return neg ? FCLASS_NEG_NORMAL : FCLASS_POS_NORMAL;
}

/** FSGNJ.D family on the high half (the sign lives there): see f32SignInject. */
export function f64SignInjectHi(aHi: number, bHi: number, kind: number): number {
  const s = kind === 0 ? bHi : kind === 1 ? ~bHi : aHi ^ bHi;
  return ((aHi & 0x7fffffff) | (s & 0x80000000)) | 0;
}
