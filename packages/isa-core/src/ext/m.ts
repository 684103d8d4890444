/**
 * M extension (unprivileged ISA ch. 7): exact 128-bit MULH*, division with the spec's
 * divide-by-zero and overflow results (Table 7.1). Values that fit in 53 bits divide as
 * JS numbers; wider operands take a BigInt path (rare in practice).
 */
import { withJit, type InsnRow } from '../insn-table.js';
import type { JitCtx } from '../jit/emit.js';
import type { Hart } from '../hart.js';
import { R, mulu32 } from '../int64.js';

const TWO32 = 4294967296;

/** High 64 bits of the unsigned 128-bit product; returns lo, hi in R.hi. */
function mulhu(al: number, ah: number, bl: number, bh: number): number {
  // Four 32x32 partial products, summed by 32-bit columns with explicit carries.
  const p0l = mulu32(al, bl), p0h = R.hi;
  const p1l = mulu32(al, bh), p1h = R.hi;
  const p2l = mulu32(ah, bl), p2h = R.hi;
  const p3l = mulu32(ah, bh), p3h = R.hi;
  // column 1 (bits 63:32): p0h + p1l + p2l
  const c1 = (p0h >>> 0) + (p1l >>> 0) + (p2l >>> 0);
  const carry1 = Math.floor(c1 / TWO32);
  // column 2 (bits 95:64): p1h + p2h + p3l + carry1
  const c2 = (p1h >>> 0) + (p2h >>> 0) + (p3l >>> 0) + carry1;
  const carry2 = Math.floor(c2 / TWO32);
  // column 3 (bits 127:96)
  R.hi = ((p3h >>> 0) + carry2) | 0;
  return c2 % TWO32 | 0;
}

/** High 64 bits of the 128-bit product, operands signed per sa/sb; returns lo, hi in R.hi. */
export function mulh(al: number, ah: number, bl: number, bh: number, sa: boolean, sb: boolean): number {
  let l = mulhu(al, ah, bl, bh), hh = R.hi;
  // Signed correction: for a negative operand, subtract the other operand (mod 2^64) from the high half.
  if (sa && ah < 0) { const nl = (l - bl) | 0; hh = (hh - bh - ((l >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; l = nl; }
  if (sb && bh < 0) { const nl = (l - al) | 0; hh = (hh - ah - ((l >>> 0) < (al >>> 0) ? 1 : 0)) | 0; l = nl; }
  R.hi = hh;
  return l;
}

function mulhExec(signedA: boolean, signedB: boolean) {
  return (h: Hart, i: number): void => {
    const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62, d = (i >>> 6) & 62;
    const l = mulh(x[s], x[s + 1], x[t], x[t + 1], signedA, signedB);
    x[d + 1] = R.hi;
    x[d] = l;
  };
}

const fitsS53 = (l: number, hh: number): boolean => hh >= -0x200000 && hh < 0x200000;
const s64 = (l: number, hh: number): number => hh * TWO32 + (l >>> 0);
const u64big = (l: number, hh: number): bigint => (BigInt(hh >>> 0) << 32n) | BigInt(l >>> 0);
const s64big = (l: number, hh: number): bigint => (BigInt(hh) << 32n) | BigInt(l >>> 0);

/** (lo, hi) of an integer in (-2^53, 2^53); returns lo, hi in R.hi. */
function fromNum(v: number): number {
  R.hi = Math.floor(v / TWO32) | 0;
  return (v % TWO32) | 0;
}
function fromBig(v: bigint): number {
  R.hi = Number(BigInt.asIntN(32, v >> 32n));
  return Number(BigInt.asIntN(32, v));
}

/** DIV (kind 0), DIVU (1), REM (2), REMU (3) on 64-bit operands; returns lo, hi in R.hi. */
export function divrem(al: number, ah: number, bl: number, bh: number, kind: number): number {
  if (bl === 0 && bh === 0) {
    // Division by zero: quotient all ones, remainder = dividend.
    if (kind < 2) { R.hi = -1; return -1; }
    R.hi = ah;
    return al;
  }
  if (kind === 0 || kind === 2) {
    if (ah === (0x80000000 | 0) && al === 0 && bl === -1 && bh === -1) {
      // Overflow: -2^63 / -1 = -2^63, remainder 0.
      R.hi = kind === 0 ? 0x80000000 | 0 : 0;
      return 0;
    }
    if (fitsS53(al, ah) && fitsS53(bl, bh)) {
      const a = s64(al, ah), b = s64(bl, bh);
      return fromNum(kind === 0 ? Math.trunc(a / b) : a % b);
    }
    const a = s64big(al, ah), b = s64big(bl, bh);
    return fromBig(kind === 0 ? a / b : a % b);
  }
  if (ah >= 0 && ah < 0x200000 && bh >= 0 && bh < 0x200000) {
    const a = (ah >>> 0) * TWO32 + (al >>> 0), b = (bh >>> 0) * TWO32 + (bl >>> 0);
    return fromNum(kind === 1 ? Math.floor(a / b) : a % b);
  }
  const a = u64big(al, ah), b = u64big(bl, bh);
  return fromBig(kind === 1 ? a / b : a % b);
}

function div(h: Hart, i: number, kind: 0 | 1 | 2 | 3): void {
  const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62, d = (i >>> 6) & 62;
  const l = divrem(x[s], x[s + 1], x[t], x[t + 1], kind);
  x[d + 1] = R.hi;
  x[d] = l;
}

/** DIVW/DIVUW/REMW/REMUW (kind as divrem) on 32-bit operands; the int32 result. */
export function divw32(a: number, b: number, kind: number): number {
  if (b === 0) return kind < 2 ? -1 : a;
  if (kind === 0) return a === (0x80000000 | 0) && b === -1 ? a : (a / b) | 0;
  if (kind === 2) return a === (0x80000000 | 0) && b === -1 ? 0 : a % b | 0;
  if (kind === 1) return ((a >>> 0) / (b >>> 0)) | 0;
  return ((a >>> 0) % (b >>> 0)) | 0;
}

function divw(h: Hart, i: number, kind: 0 | 1 | 2 | 3): void {
  const x = h.x, d = (i >>> 6) & 62;
  const v = divw32(x[(i >>> 14) & 62], x[(i >>> 19) & 62], kind);
  x[d] = v;
  x[d + 1] = v >> 31;
}

/** Helpers emitted M code calls (as H.<name>; the hart passes them to compiled blocks). */
export const M_HELPERS = { mulu32, mulh, divrem, divw32 };

// ---- code emitters (jit/emit.ts) ----
const fD = (i: number): number => (i >>> 7) & 31, fS = (i: number): number => (i >>> 15) & 31, fT = (i: number): number => (i >>> 20) & 31;
const jCall = (call: (a: string, ah: string, b: string, bh: string) => string) => (i: number, c: JitCtx): string =>
  `const l=${call(c.lo(fS(i)), c.hi(fS(i)), c.lo(fT(i)), c.hi(fT(i)))},u=R.hi;` + c.set(fD(i), 'l', 'u');
const jMulh = (sa: boolean, sb: boolean) => jCall((a, ah, b, bh) => `H.mulh(${a},${ah},${b},${bh},${sa},${sb})`);
const jDiv = (kind: number) => jCall((a, ah, b, bh) => `H.divrem(${a},${ah},${b},${bh},${kind})`);
const jDivw = (kind: number) => (i: number, c: JitCtx): string =>
  `const l=H.divw32(${c.lo(fS(i))},${c.lo(fT(i))},${kind});` + c.set(fD(i), 'l', 'l>>31');

const r = (name: string, f3: number, op: number, exec: NonNullable<InsnRow['exec']>, ext = 'm'): InsnRow =>
  ({ name, ext, fmt: 'd,s,t', match: (1 << 25) | (f3 << 12) | op, mask: 0xfe00707f | 0, exec });

export const M_ROWS: InsnRow[] = [
  withJit(r('mul', 0, 0x33, (h, i) => {
    const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62, d = (i >>> 6) & 62;
    const al = x[s], ah = x[s + 1], bl = x[t], bh = x[t + 1];
    const l = mulu32(al, bl);
    x[d + 1] = (R.hi + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
    x[d] = l;
  }, 'zmmul'), (i, c) => {
    const a = c.lo(fS(i)), ah = c.hi(fS(i)), b = c.lo(fT(i)), bh = c.hi(fT(i));
    return `const l=H.mulu32(${a},${b}),u=(R.hi+Math.imul(${a},${bh})+Math.imul(${ah},${b}))|0;` + c.set(fD(i), 'l', 'u');
  }),
  withJit(r('mulh', 1, 0x33, mulhExec(true, true), 'zmmul'), jMulh(true, true)),
  withJit(r('mulhsu', 2, 0x33, mulhExec(true, false), 'zmmul'), jMulh(true, false)),
  withJit(r('mulhu', 3, 0x33, mulhExec(false, false), 'zmmul'), jMulh(false, false)),
  withJit(r('div', 4, 0x33, (h, i) => div(h, i, 0)), jDiv(0)),
  withJit(r('divu', 5, 0x33, (h, i) => div(h, i, 1)), jDiv(1)),
  withJit(r('rem', 6, 0x33, (h, i) => div(h, i, 2)), jDiv(2)),
  withJit(r('remu', 7, 0x33, (h, i) => div(h, i, 3)), jDiv(3)),
  withJit(r('mulw', 0, 0x3b, (h, i) => { const x = h.x, v = Math.imul(x[(i >>> 14) & 62], x[(i >>> 19) & 62]), d = (i >>> 6) & 62; x[d] = v; x[d + 1] = v >> 31; }, 'zmmul'),
    (i, c) => `const l=Math.imul(${c.lo(fS(i))},${c.lo(fT(i))});` + c.set(fD(i), 'l', 'l>>31')),
  withJit(r('divw', 4, 0x3b, (h, i) => divw(h, i, 0)), jDivw(0)),
  withJit(r('divuw', 5, 0x3b, (h, i) => divw(h, i, 1)), jDivw(1)),
  withJit(r('remw', 6, 0x3b, (h, i) => divw(h, i, 2)), jDivw(2)),
  withJit(r('remuw', 7, 0x3b, (h, i) => divw(h, i, 3)), jDivw(3)),
];
