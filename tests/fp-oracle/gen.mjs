#!/usr/bin/env node
// Generates reference vectors for the F/D soft-float of @tsvisor/isa-core by running
// every case on riscv64 (oracle.c, built static and run under qemu-riscv64).
//
//   node tests/fp-oracle/gen.mjs                       # rewrite vectors.txt (the checked-in fixture)
//   node tests/fp-oracle/gen.mjs --count 3000 --seed 7 --out big.txt [--ops fmadd.d,fdiv.s]
//   FP_VECTORS=$PWD/big.txt pnpm --filter @tsvisor/isa-core test
//
// --count is the number of cases per (operation, rounding mode). Needs riscv64-linux-gnu-gcc
// and qemu-riscv64 (tooling/scripts/setup.sh installs both).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const COUNT = Number(opt('count', '20'));
const SEED = BigInt(opt('seed', '1'));
const OUT = opt('out', join(here, 'vectors.txt'));
const ONLY = opt('ops', '').split(',').filter((o) => o !== '');

// ---- deterministic PRNG (xorshift64*) ----
let state = (SEED * 0x9e3779b97f4a7c15n + 1n) & 0xffffffffffffffffn;
function next64() {
  state ^= state >> 12n;
  state ^= (state << 25n) & 0xffffffffffffffffn;
  state ^= state >> 27n;
  return (state * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
}
const rnd = () => Number(next64() >> 11n) / 2 ** 53;
const int = (n) => Math.floor(rnd() * n);
const pick = (a) => a[int(a.length)];
const bits = (n) => next64() & ((1n << BigInt(n)) - 1n);

// ---- formats ----
const F32 = { w: 32, p: 24, ew: 8, bias: 127 };
const F64 = { w: 64, p: 53, ew: 11, bias: 1023 };
const pack = (f, sign, be, frac) =>
  (BigInt(sign) << BigInt(f.w - 1)) | (BigInt(be) << BigInt(f.p - 1)) | (frac & ((1n << BigInt(f.p - 1)) - 1n));
const maxBe = (f) => (1 << f.ew) - 1;

function specials(f) {
  const m = f.p - 1;
  const top = maxBe(f);
  const s = [];
  for (const sign of [0, 1]) {
    s.push(pack(f, sign, 0, 0n)); // zero
    s.push(pack(f, sign, top, 0n)); // inf
    s.push(pack(f, sign, 0, 1n)); // min subnormal
    s.push(pack(f, sign, 0, (1n << BigInt(m)) - 1n)); // max subnormal
    s.push(pack(f, sign, 1, 0n)); // min normal
    s.push(pack(f, sign, top - 1, (1n << BigInt(m)) - 1n)); // max normal
    s.push(pack(f, sign, f.bias, 0n)); // 1
    s.push(pack(f, sign, f.bias, 1n)); // 1 + ulp
    s.push(pack(f, sign, f.bias - 1, 0n)); // 0.5
    s.push(pack(f, sign, f.bias - 1, (1n << BigInt(m)) - 1n)); // just below 1
    s.push(pack(f, sign, f.bias, 1n << BigInt(m - 1))); // 1.5
    s.push(pack(f, sign, f.bias + 1, 1n << BigInt(m - 2))); // 2.5
    for (const e of [31, 32, 63, 64]) {
      s.push(pack(f, sign, f.bias + e, 0n)); // 2^e
      s.push(pack(f, sign, f.bias + e - 1, (1n << BigInt(m)) - 1n)); // just below 2^e
    }
  }
  s.push(pack(f, 0, top, 1n << BigInt(m - 1))); // canonical qNaN
  s.push(pack(f, 1, top, (1n << BigInt(m - 1)) | 1n)); // qNaN with payload
  s.push(pack(f, 0, top, 1n)); // sNaN
  s.push(pack(f, 1, top, (1n << BigInt(m - 1)) - 1n)); // sNaN
  return s;
}
const SPECIAL = { 32: specials(F32), 64: specials(F64) };

function genFloat(f) {
  const c = rnd();
  const sign = int(2);
  const m = f.p - 1;
  if (c < 0.25) return pick(SPECIAL[f.w]);
  if (c < 0.4) return bits(f.w);
  if (c < 0.6) return pack(f, sign, f.bias - 30 + int(61), bits(m)); // moderate
  if (c < 0.75) return pack(f, sign, f.bias - 8 + int(17), bits(4 + int(6)) << BigInt(m - 10)); // few significant bits
  if (c < 0.85) return pack(f, sign, int(f.p + 8), bits(m)); // near and below the smallest normal
  if (c < 0.92) return pack(f, sign, maxBe(f) - 1 - int(f.p + 8), bits(m)); // near the largest
  // near integers: k + {0, .25, .5, .75} for conversions
  const k = BigInt(int(2 ** Math.min(f.p - 3, 20))) << BigInt(int(44));
  const v = Number(k) + int(4) / 4;
  return floatBits(f, sign ? -v : v);
}
function floatBits(f, x) {
  const b = Buffer.alloc(8);
  if (f.w === 32) {
    b.writeFloatLE(x);
    return BigInt(b.readUInt32LE());
  }
  b.writeDoubleLE(x);
  return b.readBigUInt64LE();
}
function bitsFloat(f, v) {
  const b = Buffer.alloc(8);
  if (f.w === 32) {
    b.writeUInt32LE(Number(v));
    return b.readFloatLE();
  }
  b.writeBigUInt64LE(v);
  return b.readDoubleLE();
}

/** A second operand related to a: its half-ulp (ties in addition), or the same exponent. */
function related(f, a) {
  const be = Number((a >> BigInt(f.p - 1)) & BigInt(maxBe(f)));
  const sign = int(2);
  const c = rnd();
  if (c < 0.4) return pack(f, sign, Math.max(0, be - f.p - int(3) + 1), int(2) ? 0n : bits(f.p - 1));
  if (c < 0.7) return pack(f, sign, be, bits(f.p - 1));
  return floatBits(f, -bitsFloat(f, a) * (1 + rnd() * 2 ** -20));
}

/**
 * An operand b such that a*b (or a/b) lands within a few ulps of the smallest normal
 * (tininess after rounding) or of the largest finite number (overflow).
 */
function boundary(f, a, div) {
  const x = Math.abs(bitsFloat(f, a));
  if (!(x > 0 && x < Infinity)) return genFloat(f);
  const target = rnd() < 0.6 ? 2 ** (1 - f.bias) : (2 - 2 ** (1 - f.p)) * 2 ** f.bias;
  let b = floatBits(f, div ? x / target : target / x);
  b += BigInt(int(7) - 3);
  if (b < 0n) b = 0n;
  return b | (BigInt(int(2)) << BigInt(f.w - 1));
}

function genInt(w) {
  const c = rnd();
  if (c < 0.3) {
    return pick([0n, 1n, (1n << 64n) - 1n, (1n << 31n) - 1n, 1n << 31n, (1n << 32n) - 1n, (1n << 63n) - 1n, 1n << 63n,
      (1n << 24n) + 1n, (1n << 53n) + 1n, (1n << 54n) + 2n, (1n << 25n) + 3n, (1n << 64n) - (1n << 40n), 0xffffffff80000000n]);
  }
  if (c < 0.5) return bits(w);
  const n = 1 + int(w);
  let v = bits(n) | (1n << BigInt(n - 1));
  if (rnd() < 0.5) v = (-v) & ((1n << 64n) - 1n);
  return v;
}

// ---- operations: name, operand kinds, whether rm matters ----
const OPS = [];
for (const [sfx, f] of [['s', F32], ['d', F64]]) {
  const F = () => genFloat(f);
  for (const o of ['fadd', 'fsub']) OPS.push({ name: `${o}.${sfx}`, rm: true, gen: () => { const a = F(); return [a, rnd() < 0.4 ? related(f, a) : F(), 0n]; } });
  for (const o of ['fmul', 'fdiv']) OPS.push({ name: `${o}.${sfx}`, rm: true, gen: () => { const a = F(); return [a, rnd() < 0.3 ? boundary(f, a, o === 'fdiv') : F(), 0n]; } });
  OPS.push({ name: `fsqrt.${sfx}`, rm: true, gen: () => [F(), 0n, 0n] });
  for (const o of ['fmadd', 'fmsub', 'fnmsub', 'fnmadd']) {
    OPS.push({
      name: `${o}.${sfx}`, rm: true,
      gen: () => {
        const a = F();
        const b = F();
        if (rnd() < 0.3) {
          // an addend that (nearly) cancels the product: exercises the exact path
          const p = bitsFloat(f, a) * bitsFloat(f, b);
          const cv = (o === 'fmadd' || o === 'fnmadd' ? -p : p) * (rnd() < 0.5 ? 1 : 1 + 2 ** -(f.p - 2));
          return [a, b, floatBits(f, cv)];
        }
        return [a, b, F()];
      },
    });
  }
  for (const o of ['fmin', 'fmax', 'fsgnj', 'fsgnjn', 'fsgnjx', 'feq', 'flt', 'fle']) {
    OPS.push({ name: `${o}.${sfx}`, rm: false, gen: () => { const a = F(); return [a, rnd() < 0.3 ? a ^ (1n << BigInt(f.w - 1)) : rnd() < 0.2 ? a : F(), 0n]; } });
  }
  OPS.push({ name: `fclass.${sfx}`, rm: false, gen: () => [F(), 0n, 0n] });
  for (const i of ['w', 'wu', 'l', 'lu']) {
    OPS.push({ name: `fcvt.${i}.${sfx}`, rm: true, gen: () => [F(), 0n, 0n] });
    const w = i[0] === 'w' ? 32 : 64;
    OPS.push({ name: `fcvt.${sfx}.${i}`, rm: !(sfx === 'd' && w === 32), gen: () => [genInt(w), 0n, 0n] });
  }
}
/** A binary64 at, or one binary64 ulp beside, the midpoint between two binary32 values (normal, subnormal or huge). */
function f32Midpoint() {
  const e = pick([F32.bias - 20 + int(41), 1 + int(4), 0, 250 + int(4)]);
  const single = pack(F32, int(2), e, bits(23));
  const mid = (bitsFloat(F32, single) + bitsFloat(F32, single + 1n)) / 2; // exact in binary64
  return floatBits(F64, mid) + BigInt(int(3) - 1);
}
OPS.push({ name: 'fcvt.s.d', rm: true, gen: () => [rnd() < 0.4 ? f32Midpoint() : genFloat(F64), 0n, 0n] });
OPS.push({ name: 'fcvt.d.s', rm: false, gen: () => [genFloat(F32), 0n, 0n] });

// Operands that once exposed a bug, always included (under every rounding mode).
const REGRESSIONS = [
  // Knuth TwoSum overflowed in an intermediate when one operand was near the largest double.
  ['fsub.d', 0x7f9d025512e7c4b0n, 0x7fefffffffffffffn, 0n],
  ['fadd.d', 0x7fefffffffffffffn, 0xff9d025512e7c4b0n, 0n],
  ['fmadd.d', 0x3ff0000000000001n, 0x7f9d025512e7c4b0n, 0xffefffffffffffffn],
];

// ---- build the oracle and run ----
const build = mkdtempSync(join(tmpdir(), 'fp-oracle-'));
const exe = join(build, 'oracle');
execFileSync('riscv64-linux-gnu-gcc', ['-static', '-O2', '-o', exe, join(here, 'oracle.c')], { stdio: 'inherit' });

const cases = [];
for (const op of OPS) {
  if (ONLY.length > 0 && !ONLY.includes(op.name)) continue;
  const rms = op.rm ? [0, 1, 2, 3, 4] : [0];
  const n = op.rm ? COUNT : COUNT * 2;
  for (const rm of rms) for (let k = 0; k < n; k++) cases.push([op.name, rm, ...op.gen(), op.rm && op.name !== 'fcvt.d.s' && int(2) === 1]);
}
for (const [name, a, b, c] of REGRESSIONS) {
  if (ONLY.length > 0 && !ONLY.includes(name)) continue;
  for (let rm = 0; rm < 5; rm++) for (const stat of [false, true]) cases.push([name, rm, a, b, c, stat]);
}
const input = cases.map(([o, rm, a, b, c, stat]) => `${o}${stat ? '@s' : ''} ${rm} ${a.toString(16)} ${b.toString(16)} ${c.toString(16)}`).join('\n') + '\n';
const run = spawnSync('qemu-riscv64', [exe], { input, maxBuffer: 1 << 30, encoding: 'utf8' });
if (run.status !== 0) throw new Error(`qemu-riscv64 failed: ${run.stderr}`);
const out = run.stdout.trim().split('\n');
if (out.length !== cases.length) throw new Error(`oracle answered ${out.length} of ${cases.length} cases`);

const lines = [
  '# RISC-V F/D reference vectors, generated by tests/fp-oracle/gen.mjs on riscv64 (qemu-riscv64).',
  `# gen.mjs --count ${COUNT} --seed ${SEED}`,
  '# op rm a b c -> result fflags [s|d]   (hex; binary32 as 32 bits; integer results are the 64-bit x register;',
  '# s: rm was static in the instruction (frm held another mode), d: rm = dyn with frm = rm; none: no rm field)',
];
cases.forEach(([o, rm, a, b, c, stat], i) => {
  const [res, fl] = out[i].split(' ');
  if (res === '?') throw new Error(`oracle does not know ${o}`);
  const how = OPS.find((op) => op.name === o)?.rm && o !== 'fcvt.d.s' ? (stat ? ' s' : ' d') : '';
  lines.push(`${o} ${rm} ${a.toString(16)} ${b.toString(16)} ${c.toString(16)} ${res} ${fl}${how}`);
});
writeFileSync(OUT, lines.join('\n') + '\n');
console.log(`${cases.length} vectors written to ${OUT}`);
