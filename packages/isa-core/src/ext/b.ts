/**
 * Bit manipulation: Zba, Zbb, Zbc, Zbs (bitmanip spec 1.0.0, RV64 forms) and Zicond.
 */
import type { InsnRow, ExecFn } from '../insn-table.js';
import type { JitEmit } from '../jit/emit.js';
import type { Hart } from '../hart.js';
import { R } from '../int64.js';

type Bin = (al: number, ah: number, bl: number, bh: number) => number; // lo; hi in R.hi
type Un = (l: number, h: number) => number;

/**
 * Every row here is a pure function of rs1 (and rs2 or the shift amount) wrapped by one of the
 * three shapes below; the code emitter of a row (compiled blocks, jit/emit.ts) calls the same
 * function on the register locals, so the semantics stay in one place.
 */
const emitters = new Map<ExecFn, JitEmit>();
const fD = (i: number): number => (i >>> 7) & 31, fS = (i: number): number => (i >>> 15) & 31, fT = (i: number): number => (i >>> 20) & 31;
const rr = (f: Bin): ExecFn => {
  const exec = (h: Hart, i: number): void => {
    const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62, d = (i >>> 6) & 62;
    const l = f(x[s], x[s + 1], x[t], x[t + 1]);
    x[d + 1] = R.hi;
    x[d] = l;
  };
  emitters.set(exec, (i, c) => `const l=${c.fn(f)}(${c.lo(fS(i))},${c.hi(fS(i))},${c.lo(fT(i))},${c.hi(fT(i))}),u=R.hi;` + c.set(fD(i), 'l', 'u'));
  return exec;
};
const rImm = (f: Bin): ExecFn => {
  const exec = (h: Hart, i: number): void => {
    const x = h.x, s = (i >>> 14) & 62, d = (i >>> 6) & 62;
    const l = f(x[s], x[s + 1], (i >>> 20) & 63, 0);
    x[d + 1] = R.hi;
    x[d] = l;
  };
  emitters.set(exec, (i, c) => `const l=${c.fn(f)}(${c.lo(fS(i))},${c.hi(fS(i))},${(i >>> 20) & 63},0),u=R.hi;` + c.set(fD(i), 'l', 'u'));
  return exec;
};
const un = (f: Un): ExecFn => {
  const exec = (h: Hart, i: number): void => {
    const x = h.x, s = (i >>> 14) & 62, d = (i >>> 6) & 62;
    const l = f(x[s], x[s + 1]);
    x[d + 1] = R.hi;
    x[d] = l;
  };
  emitters.set(exec, (i, c) => `const l=${c.fn(f)}(${c.lo(fS(i))},${c.hi(fS(i))}),u=R.hi;` + c.set(fD(i), 'l', 'u'));
  return exec;
};
/** The row with its shape's emitter. */
const J = (row: InsnRow): InsnRow => (row.exec && emitters.has(row.exec) ? { ...row, jit: emitters.get(row.exec) } : row);
const w32 = (v: number): number => { R.hi = v >> 31; return v; };

function add(al: number, ah: number, bl: number, bh: number): number {
  const l = (al + bl) | 0;
  R.hi = (ah + bh + ((l >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
  return l;
}
function shl(l: number, h: number, s: number): number {
  s &= 63;
  if (s === 0) { R.hi = h; return l; }
  if (s < 32) { R.hi = (h << s) | (l >>> (32 - s)); return l << s; }
  R.hi = l << (s - 32);
  return 0;
}
function shr(l: number, h: number, s: number): number {
  s &= 63;
  if (s === 0) { R.hi = h; return l; }
  if (s < 32) { R.hi = h >>> s | 0; return (l >>> s) | (h << (32 - s)); }
  R.hi = 0;
  return (h >>> (s - 32)) | 0;
}
function rol(l: number, h: number, s: number): number {
  s &= 63;
  const al = shl(l, h, s), ah = R.hi;
  const bl = shr(l, h, (64 - s) & 63), bh = R.hi;
  if (s === 0) { R.hi = h; return l; }
  R.hi = ah | bh;
  return al | bl;
}
const pop32 = (v: number): number => {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
};
const ctz32 = (v: number): number => (v === 0 ? 32 : 31 - Math.clz32(v & -v));
const ltS = (al: number, ah: number, bl: number, bh: number): boolean => ah < bh || (ah === bh && (al >>> 0) < (bl >>> 0));
const ltU = (al: number, ah: number, bl: number, bh: number): boolean =>
  (ah >>> 0) < (bh >>> 0) || (ah === bh && (al >>> 0) < (bl >>> 0));

/** Carry-less multiply of 64-bit values: returns the 128-bit product's low (which=0) or high (1) 64 bits, or bits 126:63 (2, clmulr). */
function clmul(al: number, ah: number, bl: number, bh: number, which: 0 | 1 | 2): number {
  // 128-bit accumulator in four 32-bit words.
  let r0 = 0, r1 = 0, r2 = 0, r3 = 0;
  for (let k = 0; k < 64; k++) {
    const bitSet = k < 32 ? (bl >>> k) & 1 : (bh >>> (k - 32)) & 1;
    if (!bitSet) continue;
    // a << k as 128 bits
    const l = shl(al, ah, k), m = R.hi;
    let hiL = 0, hiH = 0;
    if (k > 0) { hiL = shr(al, ah, 64 - k); hiH = R.hi; }
    r0 ^= l; r1 ^= m; r2 ^= hiL; r3 ^= hiH;
  }
  if (which === 0) { R.hi = r1; return r0; }
  if (which === 1) { R.hi = r3; return r2; }
  // bits 126:63: shift the 128-bit value right by 63.
  R.hi = (r3 << 1) | (r2 >>> 31);
  return (r2 << 1) | (r1 >>> 31);
}

const R_ = (name: string, ext: string, f7: number, f3: number, op: number, exec: ExecFn, fmt = 'd,s,t'): InsnRow =>
  J({ name, ext, fmt, match: ((f7 << 25) | (f3 << 12) | op) | 0, mask: 0xfe00707f | 0, exec });
const U_ = (name: string, ext: string, top12: number, f3: number, op: number, exec: ExecFn): InsnRow =>
  J({ name, ext, fmt: 'd,s', match: ((top12 << 20) | (f3 << 12) | op) | 0, mask: 0xfff0707f | 0, exec });
const S6 = (name: string, ext: string, f6: number, f3: number, op: number, exec: ExecFn): InsnRow =>
  J({ name, ext, fmt: 'd,s,>', match: ((f6 << 26) | (f3 << 12) | op) | 0, mask: 0xfc00707f | 0, exec });
const S5 = (name: string, ext: string, f7: number, f3: number, op: number, exec: ExecFn): InsnRow =>
  J({ name, ext, fmt: 'd,s,<', match: ((f7 << 25) | (f3 << 12) | op) | 0, mask: 0xfe00707f | 0, exec });

const OP = 0x33, OP32 = 0x3b, OPI = 0x13, OPI32 = 0x1b;

export const B_ROWS: InsnRow[] = [
  // ---- Zba ----
  R_('add.uw', 'zba', 0x04, 0, OP32, rr((al, _ah, bl, bh) => add(al, 0, bl, bh))),
  R_('sh1add', 'zba', 0x10, 2, OP, rr((al, ah, bl, bh) => { const l = shl(al, ah, 1); return add(l, R.hi, bl, bh); })),
  R_('sh2add', 'zba', 0x10, 4, OP, rr((al, ah, bl, bh) => { const l = shl(al, ah, 2); return add(l, R.hi, bl, bh); })),
  R_('sh3add', 'zba', 0x10, 6, OP, rr((al, ah, bl, bh) => { const l = shl(al, ah, 3); return add(l, R.hi, bl, bh); })),
  R_('sh1add.uw', 'zba', 0x10, 2, OP32, rr((al, _ah, bl, bh) => { const l = shl(al, 0, 1); return add(l, R.hi, bl, bh); })),
  R_('sh2add.uw', 'zba', 0x10, 4, OP32, rr((al, _ah, bl, bh) => { const l = shl(al, 0, 2); return add(l, R.hi, bl, bh); })),
  R_('sh3add.uw', 'zba', 0x10, 6, OP32, rr((al, _ah, bl, bh) => { const l = shl(al, 0, 3); return add(l, R.hi, bl, bh); })),
  S6('slli.uw', 'zba', 0x02, 1, OPI32, rImm((al, _ah, s) => shl(al, 0, s))),
  // ---- Zbb ----
  R_('andn', 'zbb', 0x20, 7, OP, rr((al, ah, bl, bh) => { R.hi = ah & ~bh; return al & ~bl; })),
  R_('orn', 'zbb', 0x20, 6, OP, rr((al, ah, bl, bh) => { R.hi = ah | ~bh; return al | ~bl; })),
  R_('xnor', 'zbb', 0x20, 4, OP, rr((al, ah, bl, bh) => { R.hi = ~(ah ^ bh); return ~(al ^ bl); })),
  U_('clz', 'zbb', 0x600, 1, OPI, un((l, h) => { R.hi = 0; return h !== 0 ? Math.clz32(h) : 32 + Math.clz32(l); })),
  U_('clzw', 'zbb', 0x600, 1, OPI32, un((l) => { R.hi = 0; return Math.clz32(l); })),
  U_('ctz', 'zbb', 0x601, 1, OPI, un((l, h) => { R.hi = 0; return l !== 0 ? ctz32(l) : 32 + ctz32(h); })),
  U_('ctzw', 'zbb', 0x601, 1, OPI32, un((l) => { R.hi = 0; return ctz32(l); })),
  U_('cpop', 'zbb', 0x602, 1, OPI, un((l, h) => { R.hi = 0; return pop32(l) + pop32(h); })),
  U_('cpopw', 'zbb', 0x602, 1, OPI32, un((l) => { R.hi = 0; return pop32(l); })),
  R_('max', 'zbb', 0x05, 6, OP, rr((al, ah, bl, bh) => { if (ltS(al, ah, bl, bh)) { R.hi = bh; return bl; } R.hi = ah; return al; })),
  R_('maxu', 'zbb', 0x05, 7, OP, rr((al, ah, bl, bh) => { if (ltU(al, ah, bl, bh)) { R.hi = bh; return bl; } R.hi = ah; return al; })),
  R_('min', 'zbb', 0x05, 4, OP, rr((al, ah, bl, bh) => { if (ltS(al, ah, bl, bh)) { R.hi = ah; return al; } R.hi = bh; return bl; })),
  R_('minu', 'zbb', 0x05, 5, OP, rr((al, ah, bl, bh) => { if (ltU(al, ah, bl, bh)) { R.hi = ah; return al; } R.hi = bh; return bl; })),
  U_('sext.b', 'zbb', 0x604, 1, OPI, un((l) => w32((l << 24) >> 24))),
  U_('sext.h', 'zbb', 0x605, 1, OPI, un((l) => w32((l << 16) >> 16))),
  U_('zext.h', 'zbb', 0x080, 4, OP32, un((l) => { R.hi = 0; return l & 0xffff; })),
  R_('rol', 'zbb', 0x30, 1, OP, rr((al, ah, bl) => rol(al, ah, bl & 63))),
  R_('ror', 'zbb', 0x30, 5, OP, rr((al, ah, bl) => rol(al, ah, (64 - (bl & 63)) & 63))),
  S6('rori', 'zbb', 0x18, 5, OPI, rImm((al, ah, s) => rol(al, ah, (64 - s) & 63))),
  R_('rolw', 'zbb', 0x30, 1, OP32, rr((al, _ah, bl) => { const s = bl & 31; return w32(s === 0 ? al : (al << s) | (al >>> (32 - s))); })),
  R_('rorw', 'zbb', 0x30, 5, OP32, rr((al, _ah, bl) => { const s = bl & 31; return w32(s === 0 ? al : (al >>> s) | (al << (32 - s))); })),
  S5('roriw', 'zbb', 0x30, 5, OPI32, rImm((al, _ah, s) => { s &= 31; return w32(s === 0 ? al : (al >>> s) | (al << (32 - s))); })),
  U_('orc.b', 'zbb', 0x287, 5, OPI, un((l, h) => {
    const orc = (v: number): number => {
      let r = 0;
      for (let k = 0; k < 32; k += 8) if ((v >>> k) & 255) r |= 255 << k;
      return r;
    };
    R.hi = orc(h);
    return orc(l);
  })),
  U_('rev8', 'zbb', 0x6b8, 5, OPI, un((l, h) => {
    const bs = (v: number): number => ((v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24)) | 0;
    R.hi = bs(l);
    return bs(h);
  })),
  // ---- Zbc ----
  R_('clmul', 'zbc', 0x05, 1, OP, rr((al, ah, bl, bh) => clmul(al, ah, bl, bh, 0))),
  R_('clmulh', 'zbc', 0x05, 3, OP, rr((al, ah, bl, bh) => clmul(al, ah, bl, bh, 1))),
  R_('clmulr', 'zbc', 0x05, 2, OP, rr((al, ah, bl, bh) => clmul(al, ah, bl, bh, 2))),
  // ---- Zbs ----
  R_('bclr', 'zbs', 0x24, 1, OP, rr((al, ah, bl) => { const m = shl(1, 0, bl & 63), mh = R.hi; R.hi = ah & ~mh; return al & ~m; })),
  S6('bclri', 'zbs', 0x12, 1, OPI, rImm((al, ah, s) => { const m = shl(1, 0, s), mh = R.hi; R.hi = ah & ~mh; return al & ~m; })),
  R_('bext', 'zbs', 0x24, 5, OP, rr((al, ah, bl) => { const l = shr(al, ah, bl & 63); R.hi = 0; return l & 1; })),
  S6('bexti', 'zbs', 0x12, 5, OPI, rImm((al, ah, s) => { const l = shr(al, ah, s); R.hi = 0; return l & 1; })),
  R_('binv', 'zbs', 0x34, 1, OP, rr((al, ah, bl) => { const m = shl(1, 0, bl & 63), mh = R.hi; R.hi = ah ^ mh; return al ^ m; })),
  S6('binvi', 'zbs', 0x1a, 1, OPI, rImm((al, ah, s) => { const m = shl(1, 0, s), mh = R.hi; R.hi = ah ^ mh; return al ^ m; })),
  R_('bset', 'zbs', 0x14, 1, OP, rr((al, ah, bl) => { const m = shl(1, 0, bl & 63), mh = R.hi; R.hi = ah | mh; return al | m; })),
  S6('bseti', 'zbs', 0x0a, 1, OPI, rImm((al, ah, s) => { const m = shl(1, 0, s), mh = R.hi; R.hi = ah | mh; return al | m; })),
  // ---- Zicond ----
  R_('czero.eqz', 'zicond', 0x07, 5, OP, rr((al, ah, bl, bh) => { if ((bl | bh) === 0) { R.hi = 0; return 0; } R.hi = ah; return al; })),
  R_('czero.nez', 'zicond', 0x07, 7, OP, rr((al, ah, bl, bh) => { if ((bl | bh) !== 0) { R.hi = 0; return 0; } R.hi = ah; return al; })),
];
