/**
 * A extension (unprivileged ISA ch. 8): LR/SC with a per-hart reservation and every AMO in
 * .W and .D forms; the aq/rl bits are accepted (this interpreter is sequentially consistent).
 * Misaligned addresses raise address-misaligned (LR: load cause 4; SC/AMO: cause 6), before
 * translation, as QEMU does.
 */
import type { InsnRow } from '../insn-table.js';
import type { Hart } from '../hart.js';
import { R } from '../int64.js';

type Op32 = (a: number, b: number) => number;
type Op64 = (al: number, ah: number, bl: number, bh: number) => number; // lo; hi in R.hi

function amoW(op: Op32) {
  return (h: Hart, i: number): void => {
    const x = h.x, s = (i >>> 14) & 62, d = (i >>> 6) & 62;
    const off = h.amoAddress(x[s], x[s + 1], 4, false) >>> 2;
    const m = h.memory.i32;
    const old = m[off];
    m[off] = op(old, x[(i >>> 19) & 62]);
    x[d] = old;
    x[d + 1] = old >> 31;
  };
}
function amoD(op: Op64) {
  return (h: Hart, i: number): void => {
    const x = h.x, s = (i >>> 14) & 62, d = (i >>> 6) & 62, t = (i >>> 19) & 62;
    const off = h.amoAddress(x[s], x[s + 1], 8, false) >>> 2;
    const m = h.memory.i32;
    const ol = m[off], oh = m[off + 1];
    const nl = op(ol, oh, x[t], x[t + 1]);
    m[off + 1] = R.hi;
    m[off] = nl;
    x[d] = ol;
    x[d + 1] = oh;
  };
}

const ltS = (al: number, ah: number, bl: number, bh: number): boolean => ah < bh || (ah === bh && (al >>> 0) < (bl >>> 0));
const ltU = (al: number, ah: number, bl: number, bh: number): boolean =>
  (ah >>> 0) < (bh >>> 0) || (ah === bh && (al >>> 0) < (bl >>> 0));

const ops32: Record<string, Op32> = {
  swap: (_a, b) => b, add: (a, b) => (a + b) | 0, xor: (a, b) => a ^ b, and: (a, b) => a & b, or: (a, b) => a | b,
  min: (a, b) => (a < b ? a : b), max: (a, b) => (a > b ? a : b),
  minu: (a, b) => ((a >>> 0) < (b >>> 0) ? a : b), maxu: (a, b) => ((a >>> 0) > (b >>> 0) ? a : b),
};
const ops64: Record<string, Op64> = {
  swap: (_al, _ah, bl, bh) => { R.hi = bh; return bl; },
  add: (al, ah, bl, bh) => { const l = (al + bl) | 0; R.hi = (ah + bh + ((l >>> 0) < (al >>> 0) ? 1 : 0)) | 0; return l; },
  xor: (al, ah, bl, bh) => { R.hi = ah ^ bh; return al ^ bl; },
  and: (al, ah, bl, bh) => { R.hi = ah & bh; return al & bl; },
  or: (al, ah, bl, bh) => { R.hi = ah | bh; return al | bl; },
  min: (al, ah, bl, bh) => { if (ltS(al, ah, bl, bh)) { R.hi = ah; return al; } R.hi = bh; return bl; },
  max: (al, ah, bl, bh) => { if (ltS(al, ah, bl, bh)) { R.hi = bh; return bl; } R.hi = ah; return al; },
  minu: (al, ah, bl, bh) => { if (ltU(al, ah, bl, bh)) { R.hi = ah; return al; } R.hi = bh; return bl; },
  maxu: (al, ah, bl, bh) => { if (ltU(al, ah, bl, bh)) { R.hi = bh; return bl; } R.hi = ah; return al; },
};
const funct5: Record<string, number> = { add: 0, swap: 1, xor: 4, or: 8, and: 12, min: 16, max: 20, minu: 24, maxu: 28 };

/** LR: reserve the physical address; the reservation also remembers the width. */
function lr(size: 4 | 8) {
  return (h: Hart, i: number): void => {
    const x = h.x, s = (i >>> 14) & 62, d = (i >>> 6) & 62;
    const off = h.amoAddress(x[s], x[s + 1], size, true);
    const m = h.memory.i32;
    const v = m[off >>> 2];
    h.reservation = off;
    h.reservationSize = size;
    if (size === 4) { x[d] = v; x[d + 1] = v >> 31; } else { x[d + 1] = m[(off >>> 2) + 1]; x[d] = v; }
  };
}
/**
 * SC: succeeds (rd = 0) only if this hart's reservation covers the same address and width;
 * the reservation is cleared either way (unprivileged ISA 8.2).
 */
function sc(size: 4 | 8) {
  return (h: Hart, i: number): void => {
    const x = h.x, s = (i >>> 14) & 62, d = (i >>> 6) & 62, t = (i >>> 19) & 62;
    const off = h.amoAddress(x[s], x[s + 1], size, false);
    const ok = h.reservation === off && h.reservationSize === size;
    h.reservation = -1;
    if (ok) {
      const m = h.memory.i32;
      m[off >>> 2] = x[t];
      if (size === 8) m[(off >>> 2) + 1] = x[t + 1];
    }
    x[d] = ok ? 0 : 1;
    x[d + 1] = 0;
  };
}

const AMO_MASK = 0xf800707f | 0;
export const A_ROWS: InsnRow[] = [
  { name: 'lr.w', ext: 'a', fmt: 'd,(s)', match: 0x1000202f, mask: 0xf9f0707f | 0, exec: lr(4) },
  { name: 'lr.d', ext: 'a', fmt: 'd,(s)', match: 0x1000302f, mask: 0xf9f0707f | 0, exec: lr(8) },
  { name: 'sc.w', ext: 'a', fmt: 'd,t,(s)', match: 0x1800202f, mask: AMO_MASK, exec: sc(4) },
  { name: 'sc.d', ext: 'a', fmt: 'd,t,(s)', match: 0x1800302f, mask: AMO_MASK, exec: sc(8) },
];
for (const [op, f5] of Object.entries(funct5)) {
  A_ROWS.push({ name: `amo${op}.w`, ext: 'a', fmt: 'd,t,(s)', match: (f5 << 27) | 0x202f, mask: AMO_MASK, exec: amoW(ops32[op]) });
  A_ROWS.push({ name: `amo${op}.d`, ext: 'a', fmt: 'd,t,(s)', match: (f5 << 27) | 0x302f, mask: AMO_MASK, exec: amoD(ops64[op]) });
}
