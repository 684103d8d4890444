/**
 * A seeded random instruction-stream generator: straight-line blocks of RV64IMAFDC,
 * Zba/Zbb/Zbc/Zbs, FP in every rounding mode (static rm and frm), CSR accesses to safe
 * CSRs, and deliberate traps. The same seed always gives the same program.
 */
import { FZ_DUMP, RUNTIME_HEAD, RUNTIME_TAIL, fzMode } from './runtime.js';

/** mulberry32: small, fast, good enough for choosing instructions. */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0 || 0x9e3779b9; }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  range(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]!; }
  bool(p = 0.5): boolean { return this.next() < p; }
  u64(): bigint { return (BigInt(this.int(2 ** 32)) << 32n) | BigInt(this.int(2 ** 32)); }
}

export interface FuzzOptions {
  blocks?: number;
  blockLength?: number;
  /** Include Zicond (QEMU 7.2 lacks it, so the differential leaves it out). */
  zicond?: boolean;
  /** Run blocks in a random privilege mode (M, S or U); default true. */
  modes?: boolean;
  /**
   * Run each block 300-400 times in a loop (x1 counts), so an implementation that compiles
   * hot code runs it compiled. Loop programs stay in M mode and leave out every emitter that
   * can trap, so the output stays one line per block.
   */
  loops?: boolean;
}

const X = Array.from({ length: 28 }, (_, i) => `x${i + 4}`);
/** Registers the compressed CIW/CL/CS/CA/CB formats can name (x8..x15). */
const XC = ['x8', 'x9', 'x10', 'x11', 'x12', 'x13', 'x14', 'x15'];
const F = Array.from({ length: 32 }, (_, i) => `f${i}`);
const RM = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn'];
const UNMAPPED = '0x18000000';

const hex = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16)}`;

/** Interesting 64-bit values: boundaries, small numbers, NaN-boxed singles, special doubles. */
function interesting(r: Rng): bigint {
  const pool = [0n, 1n, 2n, -1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x7fffffffffffffffn, -0x8000000000000000n,
    0x00000000ffffffffn, 0xffffffff80000000n, 0x100000000n, 31n, 32n, 63n, 64n,
    0xffffffff3f800000n, 0xffffffffbf800000n, 0xffffffff7fc00000n, 0xffffffff7f800001n, 0xffffffff7f800000n,
    0xffffffff00000001n, 0xffffffff00800000n, 0xffffffff80000000n, 0x000000003f800000n,
    0x3ff0000000000000n, 0xbff0000000000000n, 0x7ff8000000000000n, 0x7ff0000000000001n, 0x7ff0000000000000n,
    0x0000000000000001n, 0x0010000000000000n, 0x8000000000000000n, 0x4008000000000000n, 0x3fd5555555555555n,
    0x41e0000000000000n, 0xc3e0000000000000n, 0x43f0000000000000n];
  return r.bool(0.6) ? r.pick(pool) : r.u64();
}

type Emit = (r: Rng, out: string[]) => void;
/** Emitters that may trap (deliberately or through reserved encodings / modes). */
const TRAPPY = new Set<Emit>();
const trappy = (e: Emit): Emit => { TRAPPY.add(e); return e; };

const rr = (ops: string[]): Emit => (r, o) => { o.push(`${r.pick(ops)} ${r.pick(X)}, ${r.pick(X)}, ${r.pick(X)}`); };
const ri = (ops: string[], lo: number, hi: number): Emit => (r, o) => { o.push(`${r.pick(ops)} ${r.pick(X)}, ${r.pick(X)}, ${r.range(lo, hi)}`); };
const r1 = (ops: string[]): Emit => (r, o) => { o.push(`${r.pick(ops)} ${r.pick(X)}, ${r.pick(X)}`); };

const INT_RR = ['add', 'sub', 'sll', 'srl', 'sra', 'slt', 'sltu', 'xor', 'or', 'and', 'addw', 'subw', 'sllw', 'srlw', 'sraw'];
const INT_RI = ['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'addiw'];
const M_RR = ['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu', 'mulw', 'divw', 'divuw', 'remw', 'remuw'];
const ZB_RR = ['add.uw', 'sh1add', 'sh2add', 'sh3add', 'sh1add.uw', 'sh2add.uw', 'sh3add.uw', 'andn', 'orn', 'xnor', 'max', 'maxu',
  'min', 'minu', 'rol', 'ror', 'rolw', 'rorw', 'clmul', 'clmulh', 'clmulr', 'bclr', 'bext', 'binv', 'bset'];
const ZB_R1 = ['clz', 'clzw', 'ctz', 'cpop', 'cpopw', 'sext.b', 'sext.h', 'zext.h', 'orc.b', 'rev8'];
// ctzw is left out: QEMU 7.2 gets a zero low word wrong (see programs.ts, zb).
const AMO = ['amoswap', 'amoadd', 'amoxor', 'amoand', 'amoor', 'amomin', 'amomax', 'amominu', 'amomaxu'];
const FP2 = ['fadd', 'fsub', 'fmul', 'fdiv'];
const FP3 = ['fmadd', 'fmsub', 'fnmsub', 'fnmadd'];
const FPN = ['fsgnj', 'fsgnjn', 'fsgnjx', 'fmin', 'fmax'];
const FCMP = ['feq', 'flt', 'fle'];

const EMITTERS: [number, Emit][] = [
  [10, rr(INT_RR)],
  [6, ri(INT_RI, -2048, 2047)],
  [3, ri(['slli', 'srli', 'srai'], 0, 63)],
  [2, ri(['slliw', 'srliw', 'sraiw'], 0, 31)],
  [1, (r, o) => { o.push(`lui ${r.pick(X)}, ${r.int(1 << 20)}`); }],
  [1, (r, o) => { o.push(`auipc ${r.pick(X)}, ${r.int(1 << 20)}`); }],
  [6, rr(M_RR)],
  [4, rr(ZB_RR)],
  [2, ri(['slli.uw', 'rori', 'bclri', 'bexti', 'binvi', 'bseti'], 0, 63)],
  [1, ri(['roriw'], 0, 31)],
  [3, r1(ZB_R1)],
  // Loads and stores on MEM (aligned, so no implementation-defined misaligned behaviour).
  [4, (r, o) => {
    const [op, size] = r.pick([['lb', 1], ['lbu', 1], ['lh', 2], ['lhu', 2], ['lw', 4], ['lwu', 4], ['ld', 8]] as const);
    o.push(`${op} ${r.pick(X)}, ${r.int(256 / size) * size}(gp)`);
  }],
  [4, (r, o) => {
    const [op, size] = r.pick([['sb', 1], ['sh', 2], ['sw', 4], ['sd', 8]] as const);
    o.push(`${op} ${r.pick(X)}, ${r.int(256 / size) * size}(gp)`);
  }],
  // AMOs and LR/SC through x31 pointing into MEM.
  [3, (r, o) => {
    const w = r.pick(['w', 'd']);
    const size = w === 'w' ? 4 : 8;
    const ord = r.pick(['', '.aq', '.rl', '.aqrl']);
    o.push(`addi x31, gp, ${r.int(256 / size) * size}`);
    o.push(`${r.pick(AMO)}.${w}${ord} ${r.pick(X.slice(0, -1))}, ${r.pick(X)}, (x31)`);
  }],
  [1, (r, o) => {
    const w = r.pick(['w', 'd']);
    const size = w === 'w' ? 4 : 8;
    o.push(`addi x31, gp, ${r.int(256 / size) * size}`);
    const a = r.pick(X.slice(0, -1));
    o.push(`lr.${w} ${a}, (x31)`);
    o.push(`sc.${w} ${r.pick(X.slice(0, -1))}, ${r.pick(X)}, (x31)`);
  }],
  // Compressed forms.
  [6, (r, o) => {
    const k = r.int(12);
    const rd = r.pick(X);
    const c = r.pick(XC);
    const c2 = r.pick(XC);
    switch (k) {
      case 0: o.push(`c.addi ${rd}, ${r.pick([-32, -1, 1, 5, 31])}`); break;
      case 1: o.push(`c.li ${rd}, ${r.range(-32, 31)}`); break;
      case 2: o.push(`c.lui ${rd === 'x2' ? 'x5' : rd}, ${r.pick([1, 2, 0x1f, 0xfffe0, 0xfffff])}`); break;
      case 3: o.push(`c.${r.pick(['srli', 'srai'])} ${c}, ${r.range(1, 63)}`); break;
      case 4: o.push(`c.andi ${c}, ${r.range(-32, 31)}`); break;
      case 5: o.push(`c.${r.pick(['sub', 'xor', 'or', 'and', 'subw', 'addw'])} ${c}, ${c2}`); break;
      case 6: o.push(`c.slli ${rd}, ${r.range(1, 63)}`); break;
      case 7: o.push(`c.mv ${rd}, ${r.pick(X)}`); break;
      case 8: o.push(`c.add ${rd}, ${r.pick(X)}`); break;
      case 9: o.push(`c.addiw ${rd}, ${r.range(-32, 31)}`); break;
      case 10: o.push(r.bool() ? `c.ldsp ${rd}, ${r.int(16) * 8}(sp)` : `c.lwsp ${rd}, ${r.int(32) * 4}(sp)`); break;
      default: o.push(r.bool() ? `c.sdsp ${rd}, ${r.int(16) * 8}(sp)` : `c.swsp ${rd}, ${r.int(32) * 4}(sp)`); break;
    }
  }],
  // Floating point: every rounding mode, static and dynamic.
  [6, (r, o) => { const p = r.pick(['s', 'd']); o.push(`${r.pick(FP2)}.${p} ${r.pick(F)}, ${r.pick(F)}, ${r.pick(F)}, ${r.pick(RM)}`); }],
  [3, (r, o) => { const p = r.pick(['s', 'd']); o.push(`${r.pick(FP3)}.${p} ${r.pick(F)}, ${r.pick(F)}, ${r.pick(F)}, ${r.pick(F)}, ${r.pick(RM)}`); }],
  [2, (r, o) => { const p = r.pick(['s', 'd']); o.push(`fsqrt.${p} ${r.pick(F)}, ${r.pick(F)}, ${r.pick(RM)}`); }],
  [3, (r, o) => { const p = r.pick(['s', 'd']); o.push(`${r.pick(FPN)}.${p} ${r.pick(F)}, ${r.pick(F)}, ${r.pick(F)}`); }],
  [2, (r, o) => { const p = r.pick(['s', 'd']); o.push(`${r.pick(FCMP)}.${p} ${r.pick(X)}, ${r.pick(F)}, ${r.pick(F)}`); }],
  [1, (r, o) => { const p = r.pick(['s', 'd']); o.push(`fclass.${p} ${r.pick(X)}, ${r.pick(F)}`); }],
  [3, (r, o) => {
    const p = r.pick(['s', 'd']);
    const i = r.pick(['w', 'wu', 'l', 'lu']);
    if (r.bool()) o.push(`fcvt.${i}.${p} ${r.pick(X)}, ${r.pick(F)}, ${r.pick(RM)}`);
    else if (p === 'd' && (i === 'w' || i === 'wu')) o.push(`fcvt.d.${i} ${r.pick(F)}, ${r.pick(X)}`);
    else o.push(`fcvt.${p}.${i} ${r.pick(F)}, ${r.pick(X)}, ${r.pick(RM)}`);
  }],
  [1, (r, o) => { o.push(r.bool() ? `fcvt.s.d ${r.pick(F)}, ${r.pick(F)}, ${r.pick(RM)}` : `fcvt.d.s ${r.pick(F)}, ${r.pick(F)}`); }],
  [2, (r, o) => {
    const k = r.int(4);
    if (k === 0) o.push(`fmv.x.w ${r.pick(X)}, ${r.pick(F)}`);
    else if (k === 1) o.push(`fmv.w.x ${r.pick(F)}, ${r.pick(X)}`);
    else if (k === 2) o.push(`fmv.x.d ${r.pick(X)}, ${r.pick(F)}`);
    else o.push(`fmv.d.x ${r.pick(F)}, ${r.pick(X)}`);
  }],
  [2, (r, o) => {
    const [op, size] = r.pick([['flw', 4], ['fld', 8], ['fsw', 4], ['fsd', 8]] as const);
    o.push(`${op} ${r.pick(F)}, ${r.int(256 / size) * size}(gp)`);
  }],
  [1, (r, o) => { o.push(r.bool() ? `c.fldsp ${r.pick(F)}, ${r.int(16) * 8}(sp)` : `c.fsdsp ${r.pick(F)}, ${r.int(16) * 8}(sp)`); }],
  // Safe CSRs: sscratch, fflags, frm, fcsr (frm values 5..7 make later dyn FP ops illegal: a trap).
  [2, trappy((r, o) => {
    const csr = r.pick(['sscratch', 'fflags', 'frm', 'fcsr']);
    const op = r.pick(['csrrw', 'csrrs', 'csrrc', 'csrrwi', 'csrrsi', 'csrrci']);
    const src = op.endsWith('i') ? String(csr === 'frm' && op === 'csrrwi' ? r.int(r.bool(0.9) ? 5 : 8) : r.int(32)) : r.pick(X);
    o.push(`${op} ${r.pick(X)}, ${csr}, ${src}`);
  })],
  [1, (r, o) => { o.push(`csrwi frm, ${r.int(5)}`); }],
  [1, trappy((r, o) => { o.push(`csrr ${r.pick(X)}, ${r.pick(['mhartid', 'mscratch', 'sscratch', 'fcsr'])}`); })],
  [1, trappy((r, o) => { o.push(r.pick(['fence', 'fence rw, rw', 'fence.tso', 'fence.i', 'pause', 'sfence.vma', 'nop', 'c.nop'])); })],
  // Raw encodings: random bits under a safe major opcode (ALU, upper immediates, FP, FMA),
  // rd forced to x4..x31. This reaches reserved encodings (illegal instruction) as well as
  // valid ones the mnemonic emitters above do not produce.
  [3, trappy((r, o) => {
    const op = r.pick([0x33, 0x13, 0x3b, 0x1b, 0x37, 0x17, 0x53, 0x43, 0x47, 0x4b, 0x4f]);
    const rand = r.int(2 ** 32);
    const word = ((rand & ~0xfff) | (r.range(4, 31) << 7) | op) >>> 0;
    o.push(`.word 0x${word.toString(16).padStart(8, '0')}`);
  })],
  // Raw compressed encodings: quadrant 1 ALU forms and quadrant 2 c.slli/c.mv/c.add only
  // (no jumps, branches, loads or stores), rd forced to x4..x31.
  [2, trappy((r, o) => {
    let h: number;
    const rand = r.int(2 ** 16);
    const rd = r.range(4, 31) << 7;
    switch (r.int(5)) {
      case 0: h = (rand & 0x107c) | rd | (r.pick([0, 1, 2]) << 13) | 1; break;       // c.addi / c.addiw / c.li
      case 1: h = (rand & 0x1ffc) | (4 << 13) | 1; break;                              // c.srli/srai/andi/sub/xor/or/and/subw/addw (+ reserved)
      case 2: h = (rand & 0x107c) | rd | 2; break;                                      // c.slli
      default: h = (rand & 0x1000) | rd | (r.range(1, 31) << 2) | (4 << 13) | 2; break; // c.mv / c.add (rs2 != 0)
    }
    o.push(`.half 0x${h.toString(16).padStart(4, '0')}`);
  })],
  // Deliberate traps.
  [2, trappy((r, o) => {
    switch (r.int(8)) {
      case 0: o.push('ecall'); break;
      case 1: o.push('ebreak'); break;
      case 2: o.push('c.ebreak'); break;
      case 3: o.push('.word 0x00000000'); break;                    // defined illegal
      case 4: o.push(`li x30, ${UNMAPPED}`, `ld ${r.pick(X.slice(0, -2))}, ${r.int(32) * 8}(x30)`); break; // load access fault
      case 5: o.push(`li x30, ${UNMAPPED}`, `sw ${r.pick(X)}, ${r.int(32) * 4}(x30)`); break;              // store access fault
      case 6: o.push(r.bool() ? `csrr ${r.pick(X)}, 0x7ff` : `csrw mhartid, ${r.pick(X)}`); break; // no such CSR / read-only CSR: illegal
      default: o.push(`.word ${hex(0x00c5d553n | (BigInt(r.range(5, 6)) << 12n))}`); break; // reserved static rm: illegal
    }
  })],
];

const SAFE = EMITTERS.filter(([, e]) => !TRAPPY.has(e));
function emitOne(r: Rng, out: string[], table: [number, Emit][]): void {
  let k = r.int(table.reduce((s, [w]) => s + w, 0));
  for (const [w, e] of table) {
    if (k < w) { e(r, out); return; }
    k -= w;
  }
}

export interface FuzzProgram {
  seed: number;
  source: string;
  blocks: number;
}

/** Builds the assembly source for one seed. */
export function generate(seed: number, opts: FuzzOptions = {}): FuzzProgram {
  const r = new Rng(seed);
  const blocks = opts.blocks ?? 12;
  const len = opts.blockLength ?? 32;
  const body: string[] = [`# tsvisor fuzz program, seed ${seed}`, RUNTIME_HEAD];
  for (let i = 4; i < 32; i++) body.push(`  li x${i}, ${hex(interesting(r))}`);
  for (let i = 0; i < 32; i++) body.push(`  li x5, ${hex(interesting(r))}`, `  fmv.d.x f${i}, x5`);
  body.push(`  li x5, ${hex(interesting(r))}`);
  body.push(`  ${FZ_DUMP}`);
  for (let b = 0; b < blocks; b++) {
    body.push(`fz_blk${b}:`);
    body.push(`  ${fzMode(opts.modes === false || opts.loops ? 3 : r.pick([0, 1, 3] as const))}`);
    if (opts.loops) body.push(`  li x1, ${r.range(300, 400)}`, `fz_loop${b}:`);
    const ins: string[] = [];
    while (ins.length < len) {
      emitOne(r, ins, opts.loops ? SAFE : EMITTERS);
      if (opts.zicond && r.bool(0.03)) {
        // czero.eqz / czero.nez x20, x18, x19 as words (our binutils predates Zicond).
        ins.push(`.word ${hex((0b0000111n << 25n) | (19n << 20n) | (18n << 15n) | (r.bool() ? 5n : 7n) << 12n | (20n << 7n) | 0x33n)}`);
      }
    }
    for (const i of ins) body.push(`  ${i}`);
    if (opts.loops) body.push('  addi x1, x1, -1', `  bnez x1, fz_loop${b}`);
    body.push(`fz_blk${b}_end:`, `  ${FZ_DUMP}`);
  }
  body.push(`  ${fzMode(3)}`, '  j fz_end', RUNTIME_TAIL);
  for (let i = 0; i < 32; i++) body.push(`  .dword ${hex(interesting(r))}`);
  return { seed, source: body.join('\n') + '\n', blocks };
}
