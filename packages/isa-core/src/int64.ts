/**
 * 64-bit values as two int32 halves.
 *
 * Convention used across tsvisor (docs/ARCHITECTURE.md, "Numbers"): `lo` holds bits
 * 31:0 and `hi` bits 63:32, each as a signed int32 (`x | 0`). Helpers that produce a
 * 64-bit result return the low half and leave the high half in `R.hi` (a module-level
 * scratch slot), so nothing is allocated on hot paths.
 */

/** Scratch slot for the high half of the last 64-bit result returned by a helper. */
export const R = { hi: 0 };

const TWO32 = 4294967296;

/** bigint (any sign, taken mod 2^64) -> low half. */
export function lo64(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}
/** bigint (any sign, taken mod 2^64) -> high half. */
export function hi64(v: bigint): number {
  return Number(BigInt.asIntN(32, v >> 32n));
}
/** Halves -> unsigned bigint in [0, 2^64). */
export function toU64(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}
/** Halves -> signed bigint in [-2^63, 2^63). */
export function toS64(lo: number, hi: number): bigint {
  return (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0);
}
/** Halves -> JS number when the unsigned value is below 2^53, else -1. */
export function toAddr(lo: number, hi: number): number {
  return hi >>> 0 < 0x200000 ? (hi >>> 0) * TWO32 + (lo >>> 0) : -1;
}
/** JS number in [0, 2^64) (exact below 2^53) -> low half. */
export function numLo(n: number): number {
  return n % TWO32 | 0;
}
/** JS number in [0, 2^53) -> high half. */
export function numHi(n: number): number {
  return Math.floor(n / TWO32) | 0;
}

/** a + b; returns lo, hi in R.hi. */
export function add64(al: number, ah: number, bl: number, bh: number): number {
  const l = (al + bl) | 0;
  R.hi = (ah + bh + (l >>> 0 < al >>> 0 ? 1 : 0)) | 0;
  return l;
}
/** a - b; returns lo, hi in R.hi. */
export function sub64(al: number, ah: number, bl: number, bh: number): number {
  const l = (al - bl) | 0;
  R.hi = (ah - bh - (al >>> 0 < bl >>> 0 ? 1 : 0)) | 0;
  return l;
}
/** Signed a < b. */
export function lt64(al: number, ah: number, bl: number, bh: number): boolean {
  return ah < bh || (ah === bh && al >>> 0 < bl >>> 0);
}
/** Unsigned a < b. */
export function ltu64(al: number, ah: number, bl: number, bh: number): boolean {
  return ah >>> 0 < bh >>> 0 || (ah === bh && al >>> 0 < bl >>> 0);
}

/** Unsigned 32x32 -> 64 product; returns lo, hi in R.hi (exact, no BigInt). */
export function mulu32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  R.hi = (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
  return ((mid << 16) | (p00 & 0xffff)) | 0;
}

/** Low 64 bits of a*b; returns lo, hi in R.hi. */
export function mul64(al: number, ah: number, bl: number, bh: number): number {
  const l = mulu32(al, bl);
  R.hi = (R.hi + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
  return l;
}

/** Shift left by 0..63; returns lo, hi in R.hi. */
export function shl64(l: number, h: number, s: number): number {
  s &= 63;
  if (s === 0) { R.hi = h; return l; }
  if (s < 32) { R.hi = (h << s) | (l >>> (32 - s)); return l << s; }
  R.hi = l << (s - 32);
  return 0;
}
/** Logical shift right by 0..63; returns lo, hi in R.hi. */
export function shr64(l: number, h: number, s: number): number {
  s &= 63;
  if (s === 0) { R.hi = h; return l; }
  if (s < 32) { R.hi = h >>> s | 0; return (l >>> s) | (h << (32 - s)); }
  R.hi = 0;
  return (h >>> (s - 32)) | 0;
}
/** Arithmetic shift right by 0..63; returns lo, hi in R.hi. */
export function sar64(l: number, h: number, s: number): number {
  s &= 63;
  if (s === 0) { R.hi = h; return l; }
  if (s < 32) { R.hi = h >> s; return (l >>> s) | (h << (32 - s)); }
  R.hi = h >> 31;
  return h >> (s - 32);
}
