// Generates the register-register/immediate checks in isa/*-gen.S.
// Each expected value is computed here from the ISA manual's definition of the
// instruction (unprivileged spec: RV64I, M, Zba/Zbb/Zbc/Zbs, Zicond chapters),
// never from running an implementation.   Usage: node gen/isa-alu.mjs
import { writeFileSync } from 'node:fs';

const M64 = (1n << 64n) - 1n;
const u64 = (x) => BigInt.asUintN(64, x);
const s64 = (x) => BigInt.asIntN(64, x);
const u32 = (x) => BigInt.asUintN(32, x);
const sx32 = (x) => u64(BigInt.asIntN(32, x));
const hex = (x) => '0x' + u64(x).toString(16);

// Operand pool: boundaries and bit patterns.
const V = [0n, 1n, 2n, 3n, 7n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x12345678n, 0x7fffffffn, 0x80000000n,
  0xffffffffn, 0x100000000n, 0x0123456789abcdefn, 0x7fffffffffffffffn, 0x8000000000000000n, 0xfedcba9876543210n,
  0xffffffff80000000n, 0xfffffffffffffffen, M64, 0xaaaaaaaa55555555n, 0x00000000fffff800n, 0x8000000000000001n];

const sh = (b) => b & 63n;
const sh32 = (b) => b & 31n;
const clz = (x, w) => { let n = 0n; for (let i = w - 1n; i >= 0n && !((x >> i) & 1n); i--) n++; return n; };
const ctz = (x, w) => { let n = 0n; for (let i = 0n; i < w && !((x >> i) & 1n); i++) n++; return n; };
const cpop = (x) => { let n = 0n; while (x) { n += x & 1n; x >>= 1n; } return n; };
const rol = (x, s, w) => { const m = (1n << w) - 1n; x &= m; s %= w; return ((x << s) | (x >> ((w - s) % w))) & m; };
const ror = (x, s, w) => { const m = (1n << w) - 1n; x &= m; s %= w; return ((x >> s) | (x << ((w - s) % w))) & m; };
const clmul = (a, b) => { let r = 0n; for (let i = 0n; i < 64n; i++) if ((b >> i) & 1n) r ^= a << i; return r; };
const divS = (a, b, w) => { // RISC-V division: round toward zero, /0 = -1, overflow = dividend
  const sa = BigInt.asIntN(Number(w), a), sb = BigInt.asIntN(Number(w), b);
  if (sb === 0n) return -1n;
  if (sa === -(1n << (w - 1n)) && sb === -1n) return sa;
  return sa / sb; };
const remS = (a, b, w) => {
  const sa = BigInt.asIntN(Number(w), a), sb = BigInt.asIntN(Number(w), b);
  if (sb === 0n) return sa;
  if (sa === -(1n << (w - 1n)) && sb === -1n) return 0n;
  return sa % sb; };
const divU = (a, b, w) => { const m = (1n << w) - 1n; a &= m; b &= m; return b === 0n ? m : a / b; };
const remU = (a, b, w) => { const m = (1n << w) - 1n; a &= m; b &= m; return b === 0n ? a : a % b; };

const RR = {
  add: (a, b) => a + b, sub: (a, b) => a - b, sll: (a, b) => a << sh(b), srl: (a, b) => a >> sh(b),
  sra: (a, b) => s64(a) >> sh(b), slt: (a, b) => (s64(a) < s64(b) ? 1n : 0n), sltu: (a, b) => (a < b ? 1n : 0n),
  xor: (a, b) => a ^ b, or: (a, b) => a | b, and: (a, b) => a & b,
  addw: (a, b) => sx32(a + b), subw: (a, b) => sx32(a - b), sllw: (a, b) => sx32(a << sh32(b)),
  srlw: (a, b) => sx32(u32(a) >> sh32(b)), sraw: (a, b) => sx32(BigInt.asIntN(32, a) >> sh32(b)),
};
const RRM = {
  mul: (a, b) => a * b, mulh: (a, b) => (s64(a) * s64(b)) >> 64n, mulhsu: (a, b) => (s64(a) * b) >> 64n,
  mulhu: (a, b) => (a * b) >> 64n, div: (a, b) => divS(a, b, 64n), divu: (a, b) => divU(a, b, 64n),
  rem: (a, b) => remS(a, b, 64n), remu: (a, b) => remU(a, b, 64n), mulw: (a, b) => sx32(a * b),
  divw: (a, b) => sx32(divS(a, b, 32n)), divuw: (a, b) => sx32(divU(a, b, 32n)),
  remw: (a, b) => sx32(remS(a, b, 32n)), remuw: (a, b) => sx32(remU(a, b, 32n)),
};
const RRB = {
  'add.uw': (a, b) => u32(a) + b, sh1add: (a, b) => (a << 1n) + b, sh2add: (a, b) => (a << 2n) + b,
  sh3add: (a, b) => (a << 3n) + b, 'sh1add.uw': (a, b) => (u32(a) << 1n) + b, 'sh2add.uw': (a, b) => (u32(a) << 2n) + b,
  'sh3add.uw': (a, b) => (u32(a) << 3n) + b,
  andn: (a, b) => a & ~b, orn: (a, b) => a | ~b, xnor: (a, b) => ~(a ^ b),
  max: (a, b) => (s64(a) > s64(b) ? a : b), maxu: (a, b) => (a > b ? a : b),
  min: (a, b) => (s64(a) < s64(b) ? a : b), minu: (a, b) => (a < b ? a : b),
  rol: (a, b) => rol(a, sh(b), 64n), ror: (a, b) => ror(a, sh(b), 64n),
  rolw: (a, b) => sx32(rol(a, sh32(b), 32n)), rorw: (a, b) => sx32(ror(a, sh32(b), 32n)),
  clmul: (a, b) => clmul(a, b), clmulh: (a, b) => clmul(a, b) >> 64n, clmulr: (a, b) => clmul(a, b) >> 63n,
  bclr: (a, b) => a & ~(1n << sh(b)), bext: (a, b) => (a >> sh(b)) & 1n, binv: (a, b) => a ^ (1n << sh(b)),
  bset: (a, b) => a | (1n << sh(b)),
};
const RI = {
  addi: (a, i) => a + i, slti: (a, i) => (s64(a) < i ? 1n : 0n), sltiu: (a, i) => (a < u64(i) ? 1n : 0n),
  xori: (a, i) => a ^ u64(i), ori: (a, i) => a | u64(i), andi: (a, i) => a & u64(i),
  slli: (a, i) => a << i, srli: (a, i) => a >> i, srai: (a, i) => s64(a) >> i,
  addiw: (a, i) => sx32(a + i), slliw: (a, i) => sx32(a << i), srliw: (a, i) => sx32(u32(a) >> i),
  sraiw: (a, i) => sx32(BigInt.asIntN(32, a) >> i),
};
const RIB = {
  'slli.uw': (a, i) => u32(a) << i, rori: (a, i) => ror(a, i, 64n), roriw: (a, i) => sx32(ror(a, i, 32n)),
  bclri: (a, i) => a & ~(1n << i), bexti: (a, i) => (a >> i) & 1n, binvi: (a, i) => a ^ (1n << i), bseti: (a, i) => a | (1n << i),
};
const R1B = {
  clz: (a) => clz(a, 64n), clzw: (a) => clz(u32(a), 32n), ctz: (a) => ctz(a, 64n), ctzw: (a) => ctz(u32(a), 32n),
  cpop: (a) => cpop(a), cpopw: (a) => cpop(u32(a)), 'sext.b': (a) => u64(BigInt.asIntN(8, a)),
  'sext.h': (a) => u64(BigInt.asIntN(16, a)), 'zext.h': (a) => a & 0xffffn,
  'orc.b': (a) => { let r = 0n; for (let i = 0n; i < 64n; i += 8n) if ((a >> i) & 0xffn) r |= 0xffn << i; return r; },
  rev8: (a) => { let r = 0n; for (let i = 0n; i < 8n; i++) r |= ((a >> (i * 8n)) & 0xffn) << ((7n - i) * 8n); return r; },
};

const imms = [0n, 1n, -1n, 2047n, -2048n, 0x555n, -0x556n];
const shifts = (w) => (w === 64n ? [0n, 1n, 7n, 31n, 32n, 63n] : [0n, 1n, 15n, 31n]);
const isShift32 = (n) => /^(slliw|srliw|sraiw|roriw)$/.test(n);
const isShiftImm = (n) => /^(slli|srli|srai|slli\.uw|rori|bclri|bexti|binvi|bseti)$/.test(n) || isShift32(n);

function pairs(n) {
  // A deterministic subset of operand pairs: every operand with a few partners.
  const out = [];
  for (let i = 0; i < V.length; i++) for (const j of [i, (i + 3) % V.length, (i + 11) % V.length]) out.push([V[i], V[j]]);
  // Division corner cases and shift amounts for everybody.
  out.push([0x8000000000000000n, M64], [0xffffffff80000000n, M64], [5n, 0n], [M64, 0n], [0x80000000n, M64],
    [0x7fffffffffffffffn, 2n], [M64 - 6n, 3n], [7n, M64 - 2n], [0x0123456789abcdefn, 32n], [0x0123456789abcdefn, 63n]);
  return n ? out.slice(0, n) : out;
}

function header(title) {
  return `# ${title}\n# Generated by gen/isa-alu.mjs: each expected value comes from the instruction's\n# definition in the RISC-V unprivileged ISA manual.\n#include "test.h"\n  TEST_BEGIN\n`;
}

function emitRR(table, opts = {}) {
  let s = '';
  for (const [name, f] of Object.entries(table)) for (const [a, b] of pairs(opts.limit)) s += `  TEST_RR ${name}, ${hex(u64(f(a, b)))}, ${hex(a)}, ${hex(b)}\n`;
  return s;
}
function emitRI(table) {
  let s = '';
  for (const [name, f] of Object.entries(table)) {
    const ims = isShiftImm(name) ? shifts(isShift32(name) ? 32n : 64n) : imms;
    for (const a of V) for (const i of ims) s += `  TEST_RI ${name}, ${hex(u64(f(a, i)))}, ${hex(a)}, ${i}\n`;
  }
  return s;
}
function emitR1(table) {
  let s = '';
  for (const [name, f] of Object.entries(table)) for (const a of V) s += `  TEST_R ${name}, ${hex(u64(f(a)))}, ${hex(a)}\n`;
  return s;
}

writeFileSync(new URL('../isa/rv64i-alu.S', import.meta.url), header('RV64I register-register and register-immediate ALU instructions') + emitRR(RR, { limit: 40 }) + emitRI(RI) + '  TEST_END\n');
writeFileSync(new URL('../isa/rv64m.S', import.meta.url), header('RV64M multiply and divide') + emitRR(RRM) + '  TEST_END\n');
writeFileSync(new URL('../isa/zb.S', import.meta.url), header('Zba, Zbb, Zbc, Zbs') + emitRR(RRB, { limit: 30 }) + emitRI(RIB) + emitR1(R1B) + '  TEST_END\n');

// Zicond (ratified 1.0): czero.eqz rd = rs2 == 0 ? 0 : rs1; czero.nez rd = rs2 != 0 ? 0 : rs1.
// Our binutils predates Zicond, so the words are encoded here: OP opcode 0x33, funct7 0000111,
// funct3 101 (eqz) / 111 (nez); rd = x20, rs1 = x18, rs2 = x19.
const enc = (f3) => hex((0b0000111n << 25n) | (19n << 20n) | (18n << 15n) | (f3 << 12n) | (20n << 7n) | 0x33n);
let zc = header('Zicond (czero.eqz / czero.nez)');
for (const [a, b] of [[0x1234n, 0n], [0x1234n, 1n], [M64, 0n], [M64, 0x8000000000000000n], [0n, 5n], [0x8000000000000000n, M64]]) {
  zc += `  TEST_RR_WORD czero.eqz, ${enc(5n)}, ${hex(b === 0n ? 0n : a)}, ${hex(a)}, ${hex(b)}\n`;
  zc += `  TEST_RR_WORD czero.nez, ${enc(7n)}, ${hex(b !== 0n ? 0n : a)}, ${hex(a)}, ${hex(b)}\n`;
}
writeFileSync(new URL('../isa/zicond.S', import.meta.url), zc + '  TEST_END\n');
