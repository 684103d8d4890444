import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  f32Add, f32Class, f32Compare, f32Div, f32Fma, f32MinMax, f32Mul, f32SignInject, f32Sqrt, f32Sub, f32ToF64, f32ToInt,
  f64Add, f64Class, f64Compare, f64Div, f64Fma, f64MinMax, f64Mul, f64SignInjectHi, f64Sqrt, f64Sub, f64ToF32, f64ToInt,
  FpResult, INT_L, INT_LU, INT_W, INT_WU, intToFloat,
} from './index.js';

// Vectors produced on riscv64 by tests/fp-oracle/gen.mjs; FP_VECTORS points at a bigger run.
const file = process.env.FP_VECTORS ?? new URL('../../../../tests/fp-oracle/vectors.txt', import.meta.url);
const vectors = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => l.split(' '));

const r = new FpResult();
const INT_KIND: Record<string, number> = { w: INT_W, wu: INT_WU, l: INT_L, lu: INT_LU };
const lo = (v: bigint) => Number(v & 0xffffffffn) | 0;
const hi = (v: bigint) => Number((v >> 32n) & 0xffffffffn) | 0;
const u32 = (x: number) => BigInt(x >>> 0);
const u64 = () => (u32(r.hi) << 32n) | u32(r.lo);

/** Runs one vector through the soft-float; returns the result as the oracle prints it. */
function run(op: string, rm: number, a: bigint, b: bigint, c: bigint): bigint {
  const [base, ...rest] = op.split('.');
  const fmt = rest[rest.length - 1];
  const d = fmt === 'd';
  const A = lo(a), B = lo(b), C = lo(c);
  const aH = hi(a), bH = hi(b), cH = hi(c);
  switch (base) {
    case 'fadd': d ? f64Add(r, A, aH, B, bH, rm) : f32Add(r, A, B, rm); break;
    case 'fsub': d ? f64Sub(r, A, aH, B, bH, rm) : f32Sub(r, A, B, rm); break;
    case 'fmul': d ? f64Mul(r, A, aH, B, bH, rm) : f32Mul(r, A, B, rm); break;
    case 'fdiv': d ? f64Div(r, A, aH, B, bH, rm) : f32Div(r, A, B, rm); break;
    case 'fsqrt': d ? f64Sqrt(r, A, aH, rm) : f32Sqrt(r, A, rm); break;
    case 'fmadd': case 'fmsub': case 'fnmsub': case 'fnmadd': {
      const negProd = base === 'fnmsub' || base === 'fnmadd';
      const negAdd = base === 'fmsub' || base === 'fnmadd';
      d ? f64Fma(r, A, aH, B, bH, C, cH, negProd, negAdd, rm) : f32Fma(r, A, B, C, negProd, negAdd, rm);
      break;
    }
    case 'fmin': case 'fmax': d ? f64MinMax(r, A, aH, B, bH, base === 'fmax') : f32MinMax(r, A, B, base === 'fmax'); break;
    case 'fsgnj': case 'fsgnjn': case 'fsgnjx': {
      const kind = base === 'fsgnj' ? 0 : base === 'fsgnjn' ? 1 : 2;
      if (d) { r.lo = A; r.hi = f64SignInjectHi(aH, bH, kind); } else r.lo = f32SignInject(A, B, kind);
      break;
    }
    case 'feq': case 'flt': case 'fle': {
      const cmp = base === 'feq' ? 'eq' : base === 'flt' ? 'lt' : 'le';
      return BigInt(d ? f64Compare(r, A, aH, B, bH, cmp) : f32Compare(r, A, B, cmp));
    }
    case 'fclass': return BigInt(d ? f64Class(A, aH) : f32Class(A));
    case 'fcvt': {
      const [to, from] = rest as [string, string];
      if (to === 'd' && from === 's') { f32ToF64(r, A); return u64(); }
      if (to === 's' && from === 'd') { f64ToF32(r, A, aH, rm); return u32(r.lo); }
      if (to === 's' || to === 'd') { intToFloat(r, A, aH, INT_KIND[from]!, to === 'd', rm); return to === 'd' ? u64() : u32(r.lo); }
      if (from === 'd') f64ToInt(r, A, aH, INT_KIND[to]!, rm); else f32ToInt(r, A, INT_KIND[to]!, rm);
      return u64();
    }
    default: throw new Error(`no soft-float operation for ${op}`);
  }
  return d ? u64() : u32(r.lo);
}

describe('soft-float against riscv64 reference vectors', () => {
  const groups = new Map<string, string[][]>();
  for (const v of vectors) {
    const key = `${v[0]} rm=${v[1]}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(v);
  }
  it('has vectors', () => expect(vectors.length).toBeGreaterThan(1000));
  for (const [key, vs] of groups) {
    it(key, () => {
      const failures: string[] = [];
      for (const [op, rm, a, b, c, res, fl] of vs) {
        r.flags = 0;
        const got = run(op!, Number(rm), BigInt(`0x${a}`), BigInt(`0x${b}`), BigInt(`0x${c}`));
        const want = BigInt(`0x${res}`);
        const wantFlags = Number.parseInt(fl!, 16);
        if (got !== want || r.flags !== wantFlags) {
          failures.push(`${op} rm=${rm} ${a} ${b} ${c}: got ${got.toString(16)} flags ${r.flags.toString(16)}, want ${res} flags ${fl}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
