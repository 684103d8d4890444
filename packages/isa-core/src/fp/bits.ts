/** Reinterpretation between IEEE 754 bit patterns and JS numbers, without allocation (f32FromBits & co. are for API users and tests; the hot paths use the ARG slots). */

const buf = new ArrayBuffer(8);
const f64 = new Float64Array(buf);
const f32 = new Float32Array(buf);
const i32 = new Int32Array(buf);
const LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const LO = LITTLE ? 0 : 1;
const HI = LITTLE ? 1 : 0;

/**
 * Double-valued arguments of the soft-float's helpers. V8 boxes (heap-allocates) a double
 * passed to, or returned from, a call it does not inline; a Float64Array slot is never
 * boxed. So on the hot paths doubles cross function boundaries only through ARG: the
 * caller stores, then calls; the callee reads its slots first. The helpers below move
 * bit patterns in and out of the slots and take and return only int32 values.
 */
const argBuf = new ArrayBuffer(32);
export const ARG = new Float64Array(argBuf, 0, 3);
const ARG32 = new Int32Array(argBuf, 0, 6);
const argF32 = new Float32Array(argBuf, 24, 1);
const argF32Bits = new Int32Array(argBuf, 24, 1);

/** ARG[i] = the binary64 with halves (lo, hi). */
export function loadArg(i: number, lo: number, hi: number): void {
  ARG32[2 * i + LO] = lo;
  ARG32[2 * i + HI] = hi;
}

/** ARG[i] = the binary32 with bit pattern `bits` (NaN payloads are not kept: test NaNs on bits). */
export function loadArgF32(i: number, bits: number): void {
  argF32Bits[0] = bits;
  ARG[i] = argF32[0]!;
}

/** out.lo, out.hi = the halves of ARG[i]. */
export function storeArg(out: { lo: number; hi: number }, i: number): void {
  out.lo = ARG32[2 * i + LO]!;
  out.hi = ARG32[2 * i + HI]!;
}

/** The binary32 bit pattern of ARG[i], which must be exactly representable in binary32. */
export function argToF32Bits(i: number): number {
  argF32[0] = ARG[i]!;
  return argF32Bits[0]!;
}

/** The number a binary32 bit pattern denotes (NaN payloads are not kept: test NaNs on bits). */
export function f32FromBits(bits: number): number {
  i32[0] = bits;
  return f32[0]!;
}

/** The binary32 bit pattern of a number that is exactly representable in binary32. */
export function f32Bits(x: number): number {
  f32[0] = x;
  return i32[0]!;
}

export function f64FromHalves(lo: number, hi: number): number {
  i32[LO] = lo;
  i32[HI] = hi;
  return f64[0]!;
}

export function f64Lo(x: number): number {
  f64[0] = x;
  return i32[LO]!;
}

export function f64Hi(x: number): number {
  f64[0] = x;
  return i32[HI]!;
}

/** ARG[i] becomes the double one ulp further from zero (away) or closer to zero (ARG[i] finite, non-zero). */
export function stepArg(i: number, away: boolean): void {
  f64[0] = ARG[i]!;
  const lo = i32[LO]!;
  if (away) {
    const n = (lo + 1) | 0;
    i32[LO] = n;
    if (n === 0) i32[HI] = (i32[HI]! + 1) | 0;
  } else {
    i32[LO] = (lo - 1) | 0;
    if (lo === 0) i32[HI] = (i32[HI]! - 1) | 0;
  }
  ARG[i] = f64[0]!;
}

export function isF32NaN(b: number): boolean {
  return (b & 0x7f800000) === 0x7f800000 && (b & 0x007fffff) !== 0;
}
export function isF32SNaN(b: number): boolean {
  return (b & 0x7fc00000) === 0x7f800000 && (b & 0x003fffff) !== 0;
}
export function isF64NaN(lo: number, hi: number): boolean {
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0x000fffff) !== 0 || lo !== 0);
}
export function isF64SNaN(lo: number, hi: number): boolean {
  return (hi & 0x7ff80000) === 0x7ff00000 && ((hi & 0x0007ffff) !== 0 || lo !== 0);
}
