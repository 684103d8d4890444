/**
 * Error-free transformations on binary64 (Knuth's TwoSum, Dekker's TwoProduct with
 * Veltkamp splitting): the exact rounding error of a JS double operation.
 */

const SPLIT = 134217729; // 2^27 + 1

/**
 * For s = a + b rounded to nearest: the exact error (a + b) - s, valid whenever s is finite.
 * Dekker's Fast2Sum with the operands ordered by magnitude: unlike Knuth's branch-free
 * TwoSum, no intermediate can overflow when an operand is near the largest double.
 */
export function twoSumErr(a: number, b: number, s: number): number {
  return Math.abs(a) >= Math.abs(b) ? b - (s - a) : a - (s - b);
}

/**
 * For p = a * b rounded to nearest: the exact error (a * b) - p. Exact when
 * |a|, |b| <= 2^995, p is finite below 2^1000 and ulp(a) * ulp(b) >= 2^-1074
 * (callers make sure of it by bounding |p| away from the subnormal range).
 */
export function twoProductErr(a: number, b: number, p: number): number {
  let c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** Sign bit of a double, zeros included. */
export function signBit(x: number): boolean {
  return x < 0 || (x === 0 && 1 / x < 0);
}
