/**
 * M extension (unprivileged ISA ch. 7): exact 128-bit MULH*, division with the spec's
 * divide-by-zero and overflow results (Table 7.1). Values that fit in 53 bits divide as
 * JS numbers; wider operands take a BigInt path (rare in practice).
 */
import type { InsnRow } from '../insn-table.js';
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

function mulhExec(signedA: boolean, signedB: boolean) {
  return (h: Hart, i: number): void => {
    const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62, d = (i >>> 6) & 62;
    const al = x[s], ah = x[s + 1], bl = x[t], bh = x[t + 1];
    let l = mulhu(al, ah, bl, bh), hh = R.hi;
    // Signed correction: for a negative operand, subtract the other operand (mod 2^64) from the high half.
    if (signedA && ah < 0) { const nl = (l - bl) | 0; hh = (hh - bh - ((l >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; l = nl; }
    if (signedB && bh < 0) { const nl = (l - al) | 0; hh = (hh - ah - ((l >>> 0) < (al >>> 0) ? 1 : 0)) | 0; l = nl; }
    x[d] = l;
    x[d + 1] = hh;
  };
}

const fitsS53 = (l: number, hh: number): boolean => hh >= -0x200000 && hh < 0x200000;
const s64 = (l: number, hh: number): number => hh * TWO32 + (l >>> 0);
const u64big = (l: number, hh: number): bigint => (BigInt(hh >>> 0) << 32n) | BigInt(l >>> 0);
const s64big = (l: number, hh: number): bigint => (BigInt(hh) << 32n) | BigInt(l >>> 0);

function setNum(x: Int32Array, d: number, v: number): void {
  // v is an integer in (-2^53, 2^53).
  const lo = v % TWO32;
  x[d] = lo | 0;
  x[d + 1] = Math.floor(v / TWO32) | 0;
}
function setBig(x: Int32Array, d: number, v: bigint): void {
  x[d] = Number(BigInt.asIntN(32, v));
  x[d + 1] = Number(BigInt.asIntN(32, v >> 32n));
}

function div(h: Hart, i: number, kind: 0 | 1 | 2 | 3): void {
  // kind: 0 div, 1 divu, 2 rem, 3 remu
  const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62, d = (i >>> 6) & 62;
  const al = x[s], ah = x[s + 1], bl = x[t], bh = x[t + 1];
  if (bl === 0 && bh === 0) {
    // Division by zero: quotient all ones, remainder = dividend.
    if (kind < 2) { x[d] = -1; x[d + 1] = -1; } else { x[d] = al; x[d + 1] = ah; }
    return;
  }
  if (kind === 0 || kind === 2) {
    if (ah === (0x80000000 | 0) && al === 0 && bl === -1 && bh === -1) {
      // Overflow: -2^63 / -1 = -2^63, remainder 0.
      if (kind === 0) { x[d] = 0; x[d + 1] = 0x80000000 | 0; } else { x[d] = 0; x[d + 1] = 0; }
      return;
    }
    if (fitsS53(al, ah) && fitsS53(bl, bh)) {
      const a = s64(al, ah), b = s64(bl, bh);
      setNum(x, d, kind === 0 ? Math.trunc(a / b) : a % b);
      return;
    }
    const a = s64big(al, ah), b = s64big(bl, bh);
    setBig(x, d, kind === 0 ? a / b : a % b);
    return;
  }
  if (ah >= 0 && ah < 0x200000 && bh >= 0 && bh < 0x200000) {
    const a = (ah >>> 0) * TWO32 + (al >>> 0), b = (bh >>> 0) * TWO32 + (bl >>> 0);
    setNum(x, d, kind === 1 ? Math.floor(a / b) : a % b);
    return;
  }
  const a = u64big(al, ah), b = u64big(bl, bh);
  setBig(x, d, kind === 1 ? a / b : a % b);
}

function divw(h: Hart, i: number, kind: 0 | 1 | 2 | 3): void {
  const x = h.x, d = (i >>> 6) & 62;
  const a = x[(i >>> 14) & 62], b = x[(i >>> 19) & 62];
  let v: number;
  if (b === 0) v = kind < 2 ? -1 : a;
  else if (kind === 0) v = a === (0x80000000 | 0) && b === -1 ? a : (a / b) | 0;
  else if (kind === 2) v = a === (0x80000000 | 0) && b === -1 ? 0 : a % b | 0;
  else if (kind === 1) v = ((a >>> 0) / (b >>> 0)) | 0;
  else v = ((a >>> 0) % (b >>> 0)) | 0;
  x[d] = v;
  x[d + 1] = v >> 31;
}

const r = (name: string, f3: number, op: number, exec: NonNullable<InsnRow['exec']>, ext = 'm'): InsnRow =>
  ({ name, ext, fmt: 'd,s,t', match: (1 << 25) | (f3 << 12) | op, mask: 0xfe00707f | 0, exec });

export const M_ROWS: InsnRow[] = [
  r('mul', 0, 0x33, (h, i) => {
    const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62, d = (i >>> 6) & 62;
    const al = x[s], ah = x[s + 1], bl = x[t], bh = x[t + 1];
    const l = mulu32(al, bl);
    x[d + 1] = (R.hi + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
    x[d] = l;
  }, 'zmmul'),
  r('mulh', 1, 0x33, mulhExec(true, true), 'zmmul'),
  r('mulhsu', 2, 0x33, mulhExec(true, false), 'zmmul'),
  r('mulhu', 3, 0x33, mulhExec(false, false), 'zmmul'),
  r('div', 4, 0x33, (h, i) => div(h, i, 0)),
  r('divu', 5, 0x33, (h, i) => div(h, i, 1)),
  r('rem', 6, 0x33, (h, i) => div(h, i, 2)),
  r('remu', 7, 0x33, (h, i) => div(h, i, 3)),
  r('mulw', 0, 0x3b, (h, i) => { const x = h.x, v = Math.imul(x[(i >>> 14) & 62], x[(i >>> 19) & 62]), d = (i >>> 6) & 62; x[d] = v; x[d + 1] = v >> 31; }, 'zmmul'),
  r('divw', 4, 0x3b, (h, i) => divw(h, i, 0)),
  r('divuw', 5, 0x3b, (h, i) => divw(h, i, 1)),
  r('remw', 6, 0x3b, (h, i) => divw(h, i, 2)),
  r('remuw', 7, 0x3b, (h, i) => divw(h, i, 3)),
];
