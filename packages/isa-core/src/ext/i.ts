/**
 * RV64I base (unprivileged ISA ch. 2 and 5), Zifencei, Zicsr, Zihintpause, and the
 * privileged instructions ECALL/EBREAK/MRET/SRET/WFI/SFENCE.VMA (priv spec 3.3, 4.2.1).
 * Semantics follow the calling convention in ../insn-table.ts.
 */
import { lit, withJit, type InsnRow } from '../insn-table.js';
import type { JitCtx } from '../jit/emit.js';
import type { Hart } from '../hart.js';
import { R } from '../int64.js';
import { CAUSE_BREAKPOINT, CAUSE_MISALIGNED_FETCH, PRV_S } from '../defs.js';

/** Jump to (lo, hi): misaligned-fetch check (only possible without C), then set npc. */
function jump(h: Hart, lo: number, hi: number): void {
  if ((lo & 2) !== 0 && !h.hasC) h.raise(CAUSE_MISALIGNED_FETCH, lo, hi);
  h.npc = lo;
  h.npch = hi;
}

function branch(h: Hart, i: number): void {
  const off = ((i >> 19) & ~0xfff) | ((i << 4) & 0x800) | ((i >>> 20) & 0x7e0) | ((i >>> 7) & 0x1e);
  const l = (h.pc + off) | 0;
  jump(h, l, (h.pch + (off >> 31) + ((l >>> 0) < (h.pc >>> 0) ? 1 : 0)) | 0);
}

const R_ = (name: string, ext: string, f7: number, f3: number, op: number, exec: InsnRow['exec'], fmt = 'd,s,t'): InsnRow =>
  ({ name, ext, fmt, match: (f7 << 25) | (f3 << 12) | op, mask: 0xfe00707f | 0, exec });
const I_ = (name: string, ext: string, f3: number, op: number, exec: InsnRow['exec'], fmt = 'd,s,j'): InsnRow =>
  ({ name, ext, fmt, match: (f3 << 12) | op, mask: 0x707f, exec });

// ---- loads/stores ----
const load = (name: string, f3: number, exec: NonNullable<InsnRow['exec']>): InsnRow => I_(name, 'i', f3, 0x03, exec, 'd,o(s)');
const store = (name: string, f3: number, exec: NonNullable<InsnRow['exec']>): InsnRow =>
  ({ name, ext: 'i', fmt: 't,q(s)', match: (f3 << 12) | 0x23, mask: 0x707f, exec });
const branchRow = (name: string, f3: number, exec: NonNullable<InsnRow['exec']>): InsnRow =>
  ({ name, ext: 'i', fmt: 's,t,p', match: (f3 << 12) | 0x63, mask: 0x707f, exec });

/** rs1 + I-imm; returns lo, hi in R.hi. */
function addrI(x: Int32Array, i: number): number {
  const s = (i >>> 14) & 62, imm = i >> 20, a = x[s];
  const l = (a + imm) | 0;
  R.hi = (x[s + 1] + (imm >> 31) + ((l >>> 0) < (a >>> 0) ? 1 : 0)) | 0;
  return l;
}
/** rs1 + S-imm; returns lo, hi in R.hi. */
function addrS(x: Int32Array, i: number): number {
  const s = (i >>> 14) & 62, imm = ((i >> 20) & ~31) | ((i >>> 7) & 31), a = x[s];
  const l = (a + imm) | 0;
  R.hi = (x[s + 1] + (imm >> 31) + ((l >>> 0) < (a >>> 0) ? 1 : 0)) | 0;
  return l;
}
export { addrI, addrS };

function csrInsn(h: Hart, i: number, op: number, imm: boolean): void {
  const x = h.x, d = (i >>> 6) & 62, s = (i >>> 14) & 62;
  let vl: number, vh: number;
  if (imm) { vl = s >>> 1; vh = 0; } else { vl = x[s]; vh = x[s + 1]; }
  // Zicsr: CSRRS/CSRRC with rs1 = x0 (or uimm = 0) do not write; CSRRW always writes.
  const write = op === 1 || s !== 0;
  const ol = h.csrOp(i >>> 20, op, write, vl, vh);
  x[d + 1] = R.hi;
  x[d] = ol;
}


// ---- code emitters for compiled blocks (jit/emit.ts); each mirrors the exec next to it ----
const fD = (i: number): number => (i >>> 7) & 31, fS = (i: number): number => (i >>> 15) & 31, fT = (i: number): number => (i >>> 20) & 31;
/** Emitted: consts l, u = rs1 + imm (64-bit). */
function jAddr(c: JitCtx, s: number, imm: number): string {
  if (s === 0) return `const l=${lit(imm)},u=${lit(imm >> 31)};`;
  const a = c.lo(s);
  return `const l=(${a}+${lit(imm)})|0,u=(${c.hi(s)}+${lit(imm >> 31)}+((l>>>0)<(${a}>>>0)?1:0))|0;`;
}
const jLoad = (size: 1 | 2 | 4 | 8, signed: boolean) => (i: number, c: JitCtx): string =>
  jAddr(c, fS(i), i >> 20) + c.load(size, signed, 'l', 'u') +
  c.set(fD(i), 'v', size === 8 ? 'vh' : signed ? 'v>>31' : '0');
const jStore = (size: 1 | 2 | 4 | 8) => (i: number, c: JitCtx): string =>
  jAddr(c, fS(i), ((i >> 20) & ~31) | ((i >>> 7) & 31)) + c.store(size, 'l', 'u', c.lo(fT(i)), c.hi(fT(i)));
/** Branch emitters from a condition on (al, ah, bl, bh) sources. */
const jBranch = (cond: (al: string, ah: string, bl: string, bh: string) => string) => (i: number, c: JitCtx): string | undefined =>
  c.branch(cond(c.lo(fS(i)), c.hi(fS(i)), c.lo(fT(i)), c.hi(fT(i))), ((i >> 19) & ~0xfff) | ((i << 4) & 0x800) | ((i >>> 20) & 0x7e0) | ((i >>> 7) & 0x1e));
const ltS = (al: string, ah: string, bl: string, bh: string): string => `(${ah}<${bh}||(${ah}===${bh}&&(${al}>>>0)<(${bl}>>>0)))`;
const ltU = (al: string, ah: string, bl: string, bh: string): string => `((${ah}>>>0)<(${bh}>>>0)||(${ah}===${bh}&&(${al}>>>0)<(${bl}>>>0)))`;
/** OP-IMM with a bitwise op on both halves. */
const jBitI = (op: string) => (i: number, c: JitCtx): string => {
  const s = fS(i), imm = i >> 20;
  return `const l=${c.lo(s)}${op}${lit(imm)},u=${c.hi(s)}${op}${lit(imm >> 31)};` + c.set(fD(i), 'l', 'u');
};
const jBitR = (op: string) => (i: number, c: JitCtx): string =>
  `const l=${c.lo(fS(i))}${op}${c.lo(fT(i))},u=${c.hi(fS(i))}${op}${c.hi(fT(i))};` + c.set(fD(i), 'l', 'u');
/** 64-bit shifts by a constant amount 0..63 of rs1: 'l' (left), 'r' (logical), 'a' (arithmetic). */
function jShiftI(kind: 'l' | 'r' | 'a', i: number, c: JitCtx, sh: number): string {
  const a = c.lo(fS(i)), b = c.hi(fS(i)), d = fD(i);
  if (sh === 0) return c.set(d, a, b);
  if (kind === 'l') {
    return sh < 32 ? `const u=(${b}<<${sh})|(${a}>>>${32 - sh}),l=${a}<<${sh};` + c.set(d, 'l', 'u')
      : `const u=${a}<<${sh - 32};` + c.set(d, '0', 'u');
  }
  if (kind === 'r') {
    return sh < 32 ? `const l=(${a}>>>${sh})|(${b}<<${32 - sh}),u=(${b}>>>${sh})|0;` + c.set(d, 'l', 'u')
      : `const l=(${b}>>>${sh - 32})|0;` + c.set(d, 'l', '0');
  }
  return sh < 32 ? `const l=(${a}>>>${sh})|(${b}<<${32 - sh}),u=${b}>>${sh};` + c.set(d, 'l', 'u')
    : `const l=${b}>>${sh - 32},u=${b}>>31;` + c.set(d, 'l', 'u');
}
/** Word ops: result int32 `expr` (over rs1 lo `a` and rs2 lo `b`), sign-extended. */
const jWord = (expr: (a: string, b: string, i: number) => string) => (i: number, c: JitCtx): string =>
  `const l=${expr(c.lo(fS(i)), c.lo(fT(i)), i)};` + c.set(fD(i), 'l', 'l>>31');

export const I_ROWS: InsnRow[] = [
  withJit({ name: 'lui', ext: 'i', fmt: 'd,u', match: 0x37, mask: 0x7f,
    exec(h, i) { const d = (i >>> 6) & 62; h.x[d] = i & ~0xfff; h.x[d + 1] = i >> 31; } }, (i, c) => c.set(fD(i), lit(i & ~0xfff), lit(i >> 31))),
  withJit({ name: 'auipc', ext: 'i', fmt: 'd,u', match: 0x17, mask: 0x7f,
    exec(h, i) {
      const d = (i >>> 6) & 62, imm = i & ~0xfff, l = (h.pc + imm) | 0;
      h.x[d + 1] = (h.pch + (imm >> 31) + ((l >>> 0) < (h.pc >>> 0) ? 1 : 0)) | 0;
      h.x[d] = l;
    } }, (i, c) => {
    const imm = i & ~0xfff, l = (c.pc + imm) | 0;
    return c.set(fD(i), lit(l), lit((c.pch + (imm >> 31) + ((l >>> 0) < (c.pc >>> 0) ? 1 : 0)) | 0));
  }),
  withJit({ name: 'jal', ext: 'i', fmt: 'd,a', match: 0x6f, mask: 0x7f,
    exec(h, i) {
      const off = ((i >> 11) & ~0xfffff) | (i & 0xff000) | ((i >>> 9) & 0x800) | ((i >>> 20) & 0x7fe);
      const l = (h.pc + off) | 0;
      const d = (i >>> 6) & 62, rl = h.npc, rh = h.npch;
      jump(h, l, (h.pch + (off >> 31) + ((l >>> 0) < (h.pc >>> 0) ? 1 : 0)) | 0);
      h.x[d] = rl; h.x[d + 1] = rh;
    } }, (i, c) => {
    const off = ((i >> 11) & ~0xfffff) | (i & 0xff000) | ((i >>> 9) & 0x800) | ((i >>> 20) & 0x7fe), l = (c.pc + off) | 0;
    if ((l & 2) !== 0 && !c.hasC) return undefined;
    return c.set(fD(i), lit(c.npc), lit(c.npch)) + c.jump(String(l), String((c.pch + (off >> 31) + ((l >>> 0) < (c.pc >>> 0) ? 1 : 0)) | 0));
  }),
  withJit({ name: 'jalr', ext: 'i', fmt: 'd,o(s)', match: 0x67, mask: 0x707f,
    exec(h, i) {
      const x = h.x, l = addrI(x, i) & ~1, hh = R.hi;
      const d = (i >>> 6) & 62, rl = h.npc, rh = h.npch;
      jump(h, l, hh);
      x[d] = rl; x[d + 1] = rh;
    } }, (i, c) => {
    if (!c.hasC) return undefined;
    const s = fS(i), imm = i >> 20, a = c.lo(s);
    return `const jm=(${a}+${lit(imm)})|0,jh=(${c.hi(s)}+${lit(imm >> 31)}+((jm>>>0)<(${a}>>>0)?1:0))|0,jl=jm&-2;` +
      c.set(fD(i), lit(c.npc), lit(c.npch)) + c.jump('jl', 'jh');
  }),
  withJit(branchRow('beq', 0, (h, i) => { const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62; if (x[s] === x[t] && x[s + 1] === x[t + 1]) branch(h, i); }), jBranch((al, ah, bl, bh) => `${al}===${bl}&&${ah}===${bh}`)),
  withJit(branchRow('bne', 1, (h, i) => { const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62; if (x[s] !== x[t] || x[s + 1] !== x[t + 1]) branch(h, i); }), jBranch((al, ah, bl, bh) => `${al}!==${bl}||${ah}!==${bh}`)),
  withJit(branchRow('blt', 4, (h, i) => { const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62; if (x[s + 1] < x[t + 1] || (x[s + 1] === x[t + 1] && (x[s] >>> 0) < (x[t] >>> 0))) branch(h, i); }), jBranch((al, ah, bl, bh) => ltS(al, ah, bl, bh))),
  withJit(branchRow('bge', 5, (h, i) => { const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62; if (!(x[s + 1] < x[t + 1] || (x[s + 1] === x[t + 1] && (x[s] >>> 0) < (x[t] >>> 0)))) branch(h, i); }), jBranch((al, ah, bl, bh) => '!' + ltS(al, ah, bl, bh))),
  withJit(branchRow('bltu', 6, (h, i) => { const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62; if ((x[s + 1] >>> 0) < (x[t + 1] >>> 0) || (x[s + 1] === x[t + 1] && (x[s] >>> 0) < (x[t] >>> 0))) branch(h, i); }), jBranch((al, ah, bl, bh) => ltU(al, ah, bl, bh))),
  withJit(branchRow('bgeu', 7, (h, i) => { const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62; if (!((x[s + 1] >>> 0) < (x[t + 1] >>> 0) || (x[s + 1] === x[t + 1] && (x[s] >>> 0) < (x[t] >>> 0)))) branch(h, i); }), jBranch((al, ah, bl, bh) => '!' + ltU(al, ah, bl, bh))),

  withJit(load('lb', 0, (h, i) => { const x = h.x, l = addrI(x, i), v = (h.load8(l, R.hi) << 24) >> 24, d = (i >>> 6) & 62; x[d] = v; x[d + 1] = v >> 31; }), jLoad(1, true)),
  withJit(load('lh', 1, (h, i) => { const x = h.x, l = addrI(x, i), v = (h.load16(l, R.hi) << 16) >> 16, d = (i >>> 6) & 62; x[d] = v; x[d + 1] = v >> 31; }), jLoad(2, true)),
  withJit(load('lw', 2, (h, i) => { const x = h.x, l = addrI(x, i), v = h.load32(l, R.hi), d = (i >>> 6) & 62; x[d] = v; x[d + 1] = v >> 31; }), jLoad(4, true)),
  withJit(load('ld', 3, (h, i) => { const x = h.x, l = addrI(x, i), v = h.load64(l, R.hi), d = (i >>> 6) & 62; x[d + 1] = R.hi; x[d] = v; }), jLoad(8, true)),
  withJit(load('lbu', 4, (h, i) => { const x = h.x, l = addrI(x, i), v = h.load8(l, R.hi), d = (i >>> 6) & 62; x[d] = v; x[d + 1] = 0; }), jLoad(1, false)),
  withJit(load('lhu', 5, (h, i) => { const x = h.x, l = addrI(x, i), v = h.load16(l, R.hi), d = (i >>> 6) & 62; x[d] = v; x[d + 1] = 0; }), jLoad(2, false)),
  withJit(load('lwu', 6, (h, i) => { const x = h.x, l = addrI(x, i), v = h.load32(l, R.hi), d = (i >>> 6) & 62; x[d] = v; x[d + 1] = 0; }), jLoad(4, false)),
  withJit(store('sb', 0, (h, i) => { const x = h.x, l = addrS(x, i); h.store8(l, R.hi, x[(i >>> 19) & 62] & 255); }), jStore(1)),
  withJit(store('sh', 1, (h, i) => { const x = h.x, l = addrS(x, i); h.store16(l, R.hi, x[(i >>> 19) & 62] & 0xffff); }), jStore(2)),
  withJit(store('sw', 2, (h, i) => { const x = h.x, l = addrS(x, i); h.store32(l, R.hi, x[(i >>> 19) & 62]); }), jStore(4)),
  withJit(store('sd', 3, (h, i) => { const x = h.x, l = addrS(x, i), t = (i >>> 19) & 62; h.store64(l, R.hi, x[t], x[t + 1]); }), jStore(8)),

  withJit(I_('addi', 'i', 0, 0x13, (h, i) => {
    const x = h.x, s = (i >>> 14) & 62, d = (i >>> 6) & 62, imm = i >> 20, a = x[s], l = (a + imm) | 0;
    x[d + 1] = (x[s + 1] + (imm >> 31) + ((l >>> 0) < (a >>> 0) ? 1 : 0)) | 0;
    x[d] = l;
  }), (i, c) => {
    const s = fS(i), imm = i >> 20;
    if (imm === 0) return c.set(fD(i), c.lo(s), c.hi(s));
    return jAddr(c, s, imm) + c.set(fD(i), 'l', 'u');
  }),
  withJit(I_('slti', 'i', 2, 0x13, (h, i) => {
    const x = h.x, s = (i >>> 14) & 62, d = (i >>> 6) & 62, imm = i >> 20, ih = imm >> 31;
    x[d] = x[s + 1] < ih || (x[s + 1] === ih && (x[s] >>> 0) < (imm >>> 0)) ? 1 : 0; x[d + 1] = 0;
  }), (i, c) => {
    const s = fS(i), imm = i >> 20;
    return `const l=${ltS(c.lo(s), c.hi(s), lit(imm), lit(imm >> 31))}?1:0;` + c.set(fD(i), 'l', '0');
  }),
  withJit(I_('sltiu', 'i', 3, 0x13, (h, i) => {
    const x = h.x, s = (i >>> 14) & 62, d = (i >>> 6) & 62, imm = i >> 20, ih = imm >> 31;
    x[d] = (x[s + 1] >>> 0) < (ih >>> 0) || (x[s + 1] === ih && (x[s] >>> 0) < (imm >>> 0)) ? 1 : 0; x[d + 1] = 0;
  }), (i, c) => {
    const s = fS(i), imm = i >> 20;
    return `const l=${ltU(c.lo(s), c.hi(s), lit(imm), lit(imm >> 31))}?1:0;` + c.set(fD(i), 'l', '0');
  }),
  withJit(I_('xori', 'i', 4, 0x13, (h, i) => { const x = h.x, s = (i >>> 14) & 62, d = (i >>> 6) & 62, imm = i >> 20; x[d] = x[s] ^ imm; x[d + 1] = x[s + 1] ^ (imm >> 31); }), jBitI('^')),
  withJit(I_('ori', 'i', 6, 0x13, (h, i) => { const x = h.x, s = (i >>> 14) & 62, d = (i >>> 6) & 62, imm = i >> 20; x[d] = x[s] | imm; x[d + 1] = x[s + 1] | (imm >> 31); }), jBitI('|')),
  withJit(I_('andi', 'i', 7, 0x13, (h, i) => { const x = h.x, s = (i >>> 14) & 62, d = (i >>> 6) & 62, imm = i >> 20; x[d] = x[s] & imm; x[d + 1] = x[s + 1] & (imm >> 31); }), jBitI('&')),
  withJit({ name: 'slli', ext: 'i', fmt: 'd,s,>', match: 0x1013, mask: 0xfc00707f | 0, exec(h, i) {
    const x = h.x, s = (i >>> 14) & 62, d = (i >>> 6) & 62, sh = (i >>> 20) & 63, l = x[s], hh = x[s + 1];
    if (sh === 0) { x[d] = l; x[d + 1] = hh; } else if (sh < 32) { x[d + 1] = (hh << sh) | (l >>> (32 - sh)); x[d] = l << sh; } else { x[d + 1] = l << (sh - 32); x[d] = 0; }
  } }, (i, c) => jShiftI('l', i, c, (i >>> 20) & 63)),
  withJit({ name: 'srli', ext: 'i', fmt: 'd,s,>', match: 0x5013, mask: 0xfc00707f | 0, exec(h, i) {
    const x = h.x, s = (i >>> 14) & 62, d = (i >>> 6) & 62, sh = (i >>> 20) & 63, l = x[s], hh = x[s + 1];
    if (sh === 0) { x[d] = l; x[d + 1] = hh; } else if (sh < 32) { x[d] = (l >>> sh) | (hh << (32 - sh)); x[d + 1] = hh >>> sh; } else { x[d] = hh >>> (sh - 32); x[d + 1] = 0; }
  } }, (i, c) => jShiftI('r', i, c, (i >>> 20) & 63)),
  withJit({ name: 'srai', ext: 'i', fmt: 'd,s,>', match: 0x40005013, mask: 0xfc00707f | 0, exec(h, i) {
    const x = h.x, s = (i >>> 14) & 62, d = (i >>> 6) & 62, sh = (i >>> 20) & 63, l = x[s], hh = x[s + 1];
    if (sh === 0) { x[d] = l; x[d + 1] = hh; } else if (sh < 32) { x[d] = (l >>> sh) | (hh << (32 - sh)); x[d + 1] = hh >> sh; } else { x[d] = hh >> (sh - 32); x[d + 1] = hh >> 31; }
  } }, (i, c) => jShiftI('a', i, c, (i >>> 20) & 63)),
  withJit(R_('add', 'i', 0, 0, 0x33, (h, i) => {
    const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62, d = (i >>> 6) & 62, a = x[s], l = (a + x[t]) | 0;
    x[d + 1] = (x[s + 1] + x[t + 1] + ((l >>> 0) < (a >>> 0) ? 1 : 0)) | 0;
    x[d] = l;
  }), (i, c) => {
    const a = c.lo(fS(i));
    return `const l=(${a}+${c.lo(fT(i))})|0,u=(${c.hi(fS(i))}+${c.hi(fT(i))}+((l>>>0)<(${a}>>>0)?1:0))|0;` + c.set(fD(i), 'l', 'u');
  }),
  withJit(R_('sub', 'i', 0x20, 0, 0x33, (h, i) => {
    const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62, d = (i >>> 6) & 62, a = x[s], b = x[t];
    x[d + 1] = (x[s + 1] - x[t + 1] - ((a >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
    x[d] = (a - b) | 0;
  }), (i, c) => {
    const a = c.lo(fS(i)), b = c.lo(fT(i));
    return `const l=(${a}-${b})|0,u=(${c.hi(fS(i))}-${c.hi(fT(i))}-((${a}>>>0)<(${b}>>>0)?1:0))|0;` + c.set(fD(i), 'l', 'u');
  }),
  withJit(R_('sll', 'i', 0, 1, 0x33, (h, i) => {
    const x = h.x, s = (i >>> 14) & 62, d = (i >>> 6) & 62, sh = x[(i >>> 19) & 62] & 63, l = x[s], hh = x[s + 1];
    if (sh === 0) { x[d] = l; x[d + 1] = hh; } else if (sh < 32) { x[d + 1] = (hh << sh) | (l >>> (32 - sh)); x[d] = l << sh; } else { x[d + 1] = l << (sh - 32); x[d] = 0; }
  }), (i, c) => `const l=H.shl64(${c.lo(fS(i))},${c.hi(fS(i))},${c.lo(fT(i))}),u=R.hi;` + c.set(fD(i), 'l', 'u')),
  withJit(R_('slt', 'i', 0, 2, 0x33, (h, i) => { const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62, d = (i >>> 6) & 62; x[d] = x[s + 1] < x[t + 1] || (x[s + 1] === x[t + 1] && (x[s] >>> 0) < (x[t] >>> 0)) ? 1 : 0; x[d + 1] = 0; }), (i, c) => `const l=${ltS(c.lo(fS(i)), c.hi(fS(i)), c.lo(fT(i)), c.hi(fT(i)))}?1:0;` + c.set(fD(i), 'l', '0')),
  withJit(R_('sltu', 'i', 0, 3, 0x33, (h, i) => { const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62, d = (i >>> 6) & 62; x[d] = (x[s + 1] >>> 0) < (x[t + 1] >>> 0) || (x[s + 1] === x[t + 1] && (x[s] >>> 0) < (x[t] >>> 0)) ? 1 : 0; x[d + 1] = 0; }), (i, c) => `const l=${ltU(c.lo(fS(i)), c.hi(fS(i)), c.lo(fT(i)), c.hi(fT(i)))}?1:0;` + c.set(fD(i), 'l', '0')),
  withJit(R_('xor', 'i', 0, 4, 0x33, (h, i) => { const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62, d = (i >>> 6) & 62; x[d] = x[s] ^ x[t]; x[d + 1] = x[s + 1] ^ x[t + 1]; }), jBitR('^')),
  withJit(R_('srl', 'i', 0, 5, 0x33, (h, i) => {
    const x = h.x, s = (i >>> 14) & 62, d = (i >>> 6) & 62, sh = x[(i >>> 19) & 62] & 63, l = x[s], hh = x[s + 1];
    if (sh === 0) { x[d] = l; x[d + 1] = hh; } else if (sh < 32) { x[d] = (l >>> sh) | (hh << (32 - sh)); x[d + 1] = hh >>> sh; } else { x[d] = hh >>> (sh - 32); x[d + 1] = 0; }
  }), (i, c) => `const l=H.shr64(${c.lo(fS(i))},${c.hi(fS(i))},${c.lo(fT(i))}),u=R.hi;` + c.set(fD(i), 'l', 'u')),
  withJit(R_('sra', 'i', 0x20, 5, 0x33, (h, i) => {
    const x = h.x, s = (i >>> 14) & 62, d = (i >>> 6) & 62, sh = x[(i >>> 19) & 62] & 63, l = x[s], hh = x[s + 1];
    if (sh === 0) { x[d] = l; x[d + 1] = hh; } else if (sh < 32) { x[d] = (l >>> sh) | (hh << (32 - sh)); x[d + 1] = hh >> sh; } else { x[d] = hh >> (sh - 32); x[d + 1] = hh >> 31; }
  }), (i, c) => `const l=H.sar64(${c.lo(fS(i))},${c.hi(fS(i))},${c.lo(fT(i))}),u=R.hi;` + c.set(fD(i), 'l', 'u')),
  withJit(R_('or', 'i', 0, 6, 0x33, (h, i) => { const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62, d = (i >>> 6) & 62; x[d] = x[s] | x[t]; x[d + 1] = x[s + 1] | x[t + 1]; }), jBitR('|')),
  withJit(R_('and', 'i', 0, 7, 0x33, (h, i) => { const x = h.x, s = (i >>> 14) & 62, t = (i >>> 19) & 62, d = (i >>> 6) & 62; x[d] = x[s] & x[t]; x[d + 1] = x[s + 1] & x[t + 1]; }), jBitR('&')),

  // ---- RV64 word operations ----
  withJit(I_('addiw', 'i', 0, 0x1b, (h, i) => { const x = h.x, v = (x[(i >>> 14) & 62] + (i >> 20)) | 0, d = (i >>> 6) & 62; x[d] = v; x[d + 1] = v >> 31; }), jWord((a, _b, i) => `(${a}+${lit(i >> 20)})|0`)),
  withJit({ name: 'slliw', ext: 'i', fmt: 'd,s,<', match: 0x101b, mask: 0xfe00707f | 0, exec(h, i) { const x = h.x, v = x[(i >>> 14) & 62] << ((i >>> 20) & 31), d = (i >>> 6) & 62; x[d] = v; x[d + 1] = v >> 31; } }, jWord((a, _b, i) => `${a}<<${(i >>> 20) & 31}`)),
  withJit({ name: 'srliw', ext: 'i', fmt: 'd,s,<', match: 0x501b, mask: 0xfe00707f | 0, exec(h, i) { const x = h.x, v = (x[(i >>> 14) & 62] >>> ((i >>> 20) & 31)) | 0, d = (i >>> 6) & 62; x[d] = v; x[d + 1] = v >> 31; } }, jWord((a, _b, i) => `(${a}>>>${(i >>> 20) & 31})|0`)),
  withJit({ name: 'sraiw', ext: 'i', fmt: 'd,s,<', match: 0x4000501b, mask: 0xfe00707f | 0, exec(h, i) { const x = h.x, v = x[(i >>> 14) & 62] >> ((i >>> 20) & 31), d = (i >>> 6) & 62; x[d] = v; x[d + 1] = v >> 31; } }, jWord((a, _b, i) => `${a}>>${(i >>> 20) & 31}`)),
  withJit(R_('addw', 'i', 0, 0, 0x3b, (h, i) => { const x = h.x, v = (x[(i >>> 14) & 62] + x[(i >>> 19) & 62]) | 0, d = (i >>> 6) & 62; x[d] = v; x[d + 1] = v >> 31; }), jWord((a, b) => `(${a}+${b})|0`)),
  withJit(R_('subw', 'i', 0x20, 0, 0x3b, (h, i) => { const x = h.x, v = (x[(i >>> 14) & 62] - x[(i >>> 19) & 62]) | 0, d = (i >>> 6) & 62; x[d] = v; x[d + 1] = v >> 31; }), jWord((a, b) => `(${a}-${b})|0`)),
  withJit(R_('sllw', 'i', 0, 1, 0x3b, (h, i) => { const x = h.x, v = x[(i >>> 14) & 62] << (x[(i >>> 19) & 62] & 31), d = (i >>> 6) & 62; x[d] = v; x[d + 1] = v >> 31; }), jWord((a, b) => `${a}<<(${b}&31)`)),
  withJit(R_('srlw', 'i', 0, 5, 0x3b, (h, i) => { const x = h.x, v = (x[(i >>> 14) & 62] >>> (x[(i >>> 19) & 62] & 31)) | 0, d = (i >>> 6) & 62; x[d] = v; x[d + 1] = v >> 31; }), jWord((a, b) => `(${a}>>>(${b}&31))|0`)),
  withJit(R_('sraw', 'i', 0x20, 5, 0x3b, (h, i) => { const x = h.x, v = x[(i >>> 14) & 62] >> (x[(i >>> 19) & 62] & 31), d = (i >>> 6) & 62; x[d] = v; x[d + 1] = v >> 31; }), jWord((a, b) => `${a}>>(${b}&31)`)),

  // ---- fences (memory is sequentially consistent here; decode entries are checked against the fetched word, so FENCE.I needs no flush) ----
  { name: 'pause', ext: 'zihintpause', fmt: '', match: 0x0100000f, mask: -1, exec() { /* hint */ } },
  { name: 'fence.tso', ext: 'i', fmt: '', match: 0x8330000f | 0, mask: 0xfff0707f | 0, exec() { /* ordering only */ } },
  { name: 'fence', ext: 'i', fmt: 'P,Q', match: 0x0000000f, mask: 0x707f, exec() { /* ordering only */ } },
  { name: 'fence.i', ext: 'zifencei', fmt: '', match: 0x0000100f, mask: 0x707f, exec(h) { h.fenceI(); } },

  // ---- system ----
  { name: 'ecall', ext: 'i', fmt: '', match: 0x00000073, mask: -1,
    // priv spec 3.3.1: cause 8 (U/VU), 9 (HS/S), 10 (VS), 11 (M).
    exec(h) { h.raise(h.virt && h.priv === PRV_S ? 10 : 8 + h.priv); } },
  { name: 'ebreak', ext: 'i', fmt: '', match: 0x00100073, mask: -1,
    // tval: the spec allows 0 or the pc; QEMU 7.2 writes 0, and so do we.
    exec(h) { h.raise(CAUSE_BREAKPOINT, 0, 0); } },
  { name: 'sret', ext: 'i', fmt: '', match: 0x10200073, mask: -1, exec(h, i) { h.hooks.sret(h, i); } },
  { name: 'mret', ext: 'i', fmt: '', match: 0x30200073, mask: -1, exec(h, i) { h.hooks.mret(h, i); } },
  { name: 'wfi', ext: 'i', fmt: '', match: 0x10500073, mask: -1,
    exec(h, i) {
      h.hooks.wfi(h, i);
      if (h.hooks.wakeMask(h) === 0) { h.status = 'wfi'; h.endSlice(); }
    } },
  { name: 'sfence.vma', ext: 'i', fmt: 's,t', match: 0x12000073, mask: 0xfe007fff | 0, exec(h, i) { h.hooks.sfenceVma(h, i); } },

  { name: 'csrrw', ext: 'zicsr', fmt: 'd,E,s', match: 0x1073, mask: 0x707f, exec: (h, i) => csrInsn(h, i, 1, false) },
  { name: 'csrrs', ext: 'zicsr', fmt: 'd,E,s', match: 0x2073, mask: 0x707f, exec: (h, i) => csrInsn(h, i, 2, false) },
  { name: 'csrrc', ext: 'zicsr', fmt: 'd,E,s', match: 0x3073, mask: 0x707f, exec: (h, i) => csrInsn(h, i, 3, false) },
  { name: 'csrrwi', ext: 'zicsr', fmt: 'd,E,Z', match: 0x5073, mask: 0x707f, exec: (h, i) => csrInsn(h, i, 1, true) },
  { name: 'csrrsi', ext: 'zicsr', fmt: 'd,E,Z', match: 0x6073, mask: 0x707f, exec: (h, i) => csrInsn(h, i, 2, true) },
  { name: 'csrrci', ext: 'zicsr', fmt: 'd,E,Z', match: 0x7073, mask: 0x707f, exec: (h, i) => csrInsn(h, i, 3, true) },
];
