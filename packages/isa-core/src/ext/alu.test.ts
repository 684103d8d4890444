/**
 * Integer ALU semantics (RV64I, M, Zba, Zbb, Zbc, Zbs, Zicond) against a BigInt reference
 * model written from the spec text, on edge values and seeded random values.
 */
import { describe, expect, it } from 'vitest';
import { load, machine } from '../test/harness.js';

const M64 = (1n << 64n) - 1n;
const u = (v: bigint): bigint => v & M64;
const s = (v: bigint): bigint => BigInt.asIntN(64, v);
const sw = (v: bigint): bigint => u(BigInt.asIntN(32, v)); // sign-extend low 32
const u32 = (v: bigint): bigint => v & 0xffffffffn;
const s32 = (v: bigint): bigint => BigInt.asIntN(32, v);
const clz = (v: bigint, n: number): bigint => { let c = 0n; for (let i = n - 1; i >= 0 && ((v >> BigInt(i)) & 1n) === 0n; i--) c++; return c; };
const ctz = (v: bigint, n: number): bigint => { let c = 0n; for (let i = 0; i < n && ((v >> BigInt(i)) & 1n) === 0n; i++) c++; return c; };
const pop = (v: bigint): bigint => { let c = 0n; for (; v; v &= v - 1n) c++; return c; };
const clmulFull = (a: bigint, b: bigint): bigint => { let r = 0n; for (let i = 0n; i < 64n; i++) if ((b >> i) & 1n) r ^= a << i; return r; };
const rol = (a: bigint, n: bigint): bigint => u((a << n) | (a >> ((64n - n) & 63n)));

type Ref = (a: bigint, b: bigint) => bigint;
const R: Record<string, Ref> = {
  add: (a, b) => u(a + b), sub: (a, b) => u(a - b), sll: (a, b) => u(a << (b & 63n)), srl: (a, b) => a >> (b & 63n),
  sra: (a, b) => u(s(a) >> (b & 63n)), slt: (a, b) => (s(a) < s(b) ? 1n : 0n), sltu: (a, b) => (a < b ? 1n : 0n),
  xor: (a, b) => a ^ b, or: (a, b) => a | b, and: (a, b) => a & b,
  addw: (a, b) => sw(a + b), subw: (a, b) => sw(a - b), sllw: (a, b) => sw(a << (b & 31n)),
  srlw: (a, b) => sw(u32(a) >> (b & 31n)), sraw: (a, b) => sw(u(s32(a) >> (b & 31n))),
  mul: (a, b) => u(a * b), mulh: (a, b) => u((s(a) * s(b)) >> 64n), mulhsu: (a, b) => u((s(a) * b) >> 64n),
  mulhu: (a, b) => (a * b) >> 64n,
  div: (a, b) => (b === 0n ? M64 : s(a) === -(1n << 63n) && s(b) === -1n ? a : u(s(a) / s(b))),
  divu: (a, b) => (b === 0n ? M64 : a / b),
  rem: (a, b) => (b === 0n ? a : s(a) === -(1n << 63n) && s(b) === -1n ? 0n : u(s(a) % s(b))),
  remu: (a, b) => (b === 0n ? a : a % b),
  mulw: (a, b) => sw(a * b),
  divw: (a, b) => (u32(b) === 0n ? M64 : s32(a) === -(1n << 31n) && s32(b) === -1n ? sw(a) : sw(s32(a) / s32(b))),
  divuw: (a, b) => (u32(b) === 0n ? M64 : sw(u32(a) / u32(b))),
  remw: (a, b) => (u32(b) === 0n ? sw(a) : s32(a) === -(1n << 31n) && s32(b) === -1n ? 0n : sw(s32(a) % s32(b))),
  remuw: (a, b) => (u32(b) === 0n ? sw(a) : sw(u32(a) % u32(b))),
  'add.uw': (a, b) => u(u32(a) + b), sh1add: (a, b) => u((a << 1n) + b), sh2add: (a, b) => u((a << 2n) + b),
  sh3add: (a, b) => u((a << 3n) + b), 'sh1add.uw': (a, b) => u((u32(a) << 1n) + b),
  'sh2add.uw': (a, b) => u((u32(a) << 2n) + b), 'sh3add.uw': (a, b) => u((u32(a) << 3n) + b),
  andn: (a, b) => a & ~b & M64, orn: (a, b) => u(a | ~b), xnor: (a, b) => u(~(a ^ b)),
  max: (a, b) => (s(a) > s(b) ? a : b), maxu: (a, b) => (a > b ? a : b), min: (a, b) => (s(a) < s(b) ? a : b), minu: (a, b) => (a < b ? a : b),
  rol: (a, b) => rol(a, b & 63n), ror: (a, b) => rol(a, (64n - (b & 63n)) & 63n),
  rolw: (a, b) => { const x = u32(a), n = b & 31n; return sw((x << n) | (x >> ((32n - n) & 31n))); },
  rorw: (a, b) => { const x = u32(a), n = b & 31n; return sw((x >> n) | (x << ((32n - n) & 31n))); },
  clmul: (a, b) => u(clmulFull(a, b)), clmulh: (a, b) => clmulFull(a, b) >> 64n, clmulr: (a, b) => u(clmulFull(a, b) >> 63n),
  bclr: (a, b) => a & ~(1n << (b & 63n)) & M64, bext: (a, b) => (a >> (b & 63n)) & 1n,
  binv: (a, b) => a ^ (1n << (b & 63n)), bset: (a, b) => a | (1n << (b & 63n)),
  'czero.eqz': (a, b) => (b === 0n ? 0n : a), 'czero.nez': (a, b) => (b !== 0n ? 0n : a),
};
const U: Record<string, (a: bigint) => bigint> = {
  clz: (a) => clz(a, 64), clzw: (a) => clz(u32(a), 32), ctz: (a) => ctz(a, 64), ctzw: (a) => ctz(u32(a), 32),
  cpop: (a) => pop(a), cpopw: (a) => pop(u32(a)), 'sext.b': (a) => u(BigInt.asIntN(8, a)), 'sext.h': (a) => u(BigInt.asIntN(16, a)),
  'zext.h': (a) => a & 0xffffn,
  'orc.b': (a) => { let r = 0n; for (let i = 0n; i < 64n; i += 8n) if ((a >> i) & 0xffn) r |= 0xffn << i; return r; },
  rev8: (a) => { let r = 0n; for (let i = 0n; i < 8n; i++) r |= ((a >> (8n * i)) & 0xffn) << (8n * (7n - i)); return r; },
};

function values(seed: number): bigint[] {
  const edge = [0n, 1n, 2n, 3n, 31n, 32n, 63n, 64n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, M64, M64 - 1n,
    1n << 63n, (1n << 63n) - 1n, 0xffffffff80000000n, 0x00000000fffffffen, 0x8000000000000001n, 0x123456789abcdef0n];
  let x = BigInt(seed);
  for (let i = 0; i < 12; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & M64;
    edge.push(x, x >> BigInt(i * 5));
  }
  return edge;
}

const shared = machine({ isa: 'rv64imac_zicsr_zba_zbb_zbc_zbs_zicond' });
/** Execute one instruction (assembled from text) on t0/t1 with result in t2. */
function exec1(text: string, a: bigint, b: bigint): bigint {
  const m = shared;
  load(m, [text]);
  m.hart.setPc(0x8000_0000n);
  m.hart.setX(5, a);
  m.hart.setX(6, b);
  m.hart.setX(7, 0x5a5a5a5a5a5a5a5an);
  m.hart.run(1);
  return m.hart.getX(7);
}
function runOp(name: string, a: bigint, b: bigint, unary: boolean): bigint {
  return exec1(unary ? `${name} t2,t0` : `${name} t2,t0,t1`, a, b);
}

describe('integer ALU vs BigInt reference', () => {
  const vs = values(7);
  for (const [name, ref] of Object.entries(R)) {
    it(name, () => {
      const bad: string[] = [];
      for (const a of vs) for (const b of vs.slice(0, 24)) {
        const got = runOp(name, a, b, false);
        if (got !== ref(a, b)) bad.push(`${name}(${a.toString(16)}, ${b.toString(16)}) = ${got.toString(16)}, want ${ref(a, b).toString(16)}`);
      }
      expect(bad.slice(0, 5)).toEqual([]);
    });
  }
  for (const [name, ref] of Object.entries(U)) {
    it(name, () => {
      const bad: string[] = [];
      for (const a of vs) {
        const got = runOp(name, a, 0n, true);
        if (got !== ref(a)) bad.push(`${name}(${a.toString(16)}) = ${got.toString(16)}, want ${ref(a).toString(16)}`);
      }
      expect(bad).toEqual([]);
    });
  }

  it('immediate forms agree with their register forms', () => {
    const pairs: [string, string, (n: number) => bigint][] = [
      ['addi', 'add', (n) => BigInt(n)], ['slti', 'slt', (n) => BigInt(n)], ['sltiu', 'sltu', (n) => BigInt(n)],
      ['xori', 'xor', (n) => BigInt(n)], ['ori', 'or', (n) => BigInt(n)], ['andi', 'and', (n) => BigInt(n)],
      ['addiw', 'addw', (n) => BigInt(n)],
    ];
    const bad: string[] = [];
    for (const [imm, reg] of pairs) for (const a of values(3)) for (const n of [0, 1, -1, 2047, -2048, 5, -7]) {
      const want = R[reg](a, u(BigInt(n)));
      if (exec1(`${imm} t2,t0,${n}`, a, 0n) !== want) bad.push(`${imm} ${a.toString(16)},${n}`);
    }
    for (const [imm, reg, bits] of [['slli', 'sll', 63], ['srli', 'srl', 63], ['srai', 'sra', 63], ['slliw', 'sllw', 31], ['srliw', 'srlw', 31], ['sraiw', 'sraw', 31], ['rori', 'ror', 63], ['roriw', 'rorw', 31], ['bclri', 'bclr', 63], ['bseti', 'bset', 63], ['binvi', 'binv', 63], ['bexti', 'bext', 63]] as const) {
      for (const a of values(5)) for (const n of [0, 1, 13, 31, bits]) {
        if (exec1(`${imm} t2,t0,${n}`, a, 0n) !== R[reg](a, BigInt(n))) bad.push(`${imm} ${a.toString(16)},${n}`);
      }
    }
    for (const a of values(9)) for (const n of [0, 1, 31, 32, 63]) {
      if (exec1(`slli.uw t2,t0,${n}`, a, 0n) !== u(u32(a) << BigInt(n))) bad.push(`slli.uw ${a.toString(16)},${n}`);
    }
    expect(bad).toEqual([]);
  });

  it('lui/auipc sign-extend and writes to x0 are discarded', () => {
    const m = machine();
    load(m, ['lui t0,0x80000', 'auipc t1,0xfffff', 'addi zero,zero,5', 'lui zero,0x1']);
    m.hart.run(4);
    expect(m.hart.getX(5)).toBe(0xffffffff80000000n);
    expect(m.hart.getX(6)).toBe(0x80000004n - 0x1000n);
    expect(m.hart.getX(0)).toBe(0n);
  });
});
