/**
 * Code emitters (InsnRow.jit) against their rows' exec: for random instruction words of every
 * row that has an emitter and random register values, the emitted code (run with a plain
 * context: registers in an Int32Array, memory through the hart's load/store) must leave the
 * same registers, memory and next pc as exec. Then whole compiled blocks: random programs of
 * emitted instructions (ALU, M, loads/stores, branches, a loop) end in the same architectural
 * state with compilation on and off.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { machine, RAM_BASE, type TestMachine } from '../test/harness.js';
import { R, shl64, shr64, sar64 } from '../int64.js';
import { M_HELPERS } from '../ext/m.js';
import { TRAP } from '../hart.js';
import type { JitCtx } from './emit.js';
import { assemble } from '../disasm.js';

const H = { shl64, shr64, sar64, ...M_HELPERS };
const DATA = RAM_BASE + 0x8000;
const pattern = new Uint8Array(8192).map((_, i) => (i * 37 + 11) & 255);

/** Run `word` through its row's emitter with a plain context; returns 'trap' or undefined. */
function runEmitted(m: TestMachine, word: number, X: Int32Array): { trap: boolean; npc: [number, number] } {
  const h = m.hart;
  const row = h.decoder.find(word)!;
  const pc = h.pc, pch = h.pch;
  const T = { nl: h.npc, nh: h.npch };
  const ctx: JitCtx = {
    pc, pch, npc: h.npc, npch: h.npch, hasC: h.hasC,
    lo: (r) => (r === 0 ? '0' : `X[${2 * r}]`),
    hi: (r) => (r === 0 ? '0' : `X[${2 * r + 1}]`),
    set: (r, lo, hi) => (r === 0 ? '' : `X[${2 * r}]=${lo};X[${2 * r + 1}]=${hi};`),
    load: (size, signed, al, ah) => `let v=0,vh=0;` + (size === 8 ? `v=h.load64(${al},${ah});vh=R.hi;` : size === 4 ? `v=h.load32(${al},${ah});`
      : `v=h.load${size * 8}(${al},${ah});` + (signed ? `v=(v<<${32 - 8 * size})>>${32 - 8 * size};` : '')),
    store: (size, al, ah, vl, vh) => (size === 8 ? `h.store64(${al},${ah},${vl},${vh});`
      : `h.store${size * 8}(${al},${ah},(${vl})&${size === 1 ? 255 : size === 2 ? 65535 : -1});`),
    branch: (cond, off) => {
      const l = (pc + off) | 0;
      return `if(${cond}){T.nl=${l};T.nh=${(pch + (off >> 31) + ((l >>> 0) < (pc >>> 0) ? 1 : 0)) | 0};}`;
    },
    jump: (lo, hi) => `{const a=${lo},b=${hi};T.nl=a;T.nh=b;}`,
    fn: (f) => { G.push(f); return `G[${G.length - 1}]`; },
  };
  const G: unknown[] = [];
  const code = row.jit!(word, ctx);
  expect(code, row.name).toBeDefined();
  const fn = new Function('h', 'X', 'R', 'H', 'T', 'G', code!) as (...a: unknown[]) => void;
  try {
    fn(h, X, R, H, T, G);
  } catch (e) {
    if (e !== TRAP) throw e;
    return { trap: true, npc: [0, 0] };
  }
  return { trap: false, npc: [T.nl | 0, T.nh | 0] };
}

const sameInts = (p: Int32Array, q: Int32Array): boolean => p.every((v, i) => v === q[i]);
const sameBytes = (p: Uint8Array, q: Uint8Array): boolean => p.every((v, i) => v === q[i]);

const interesting = fc.oneof(
  fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  fc.constantFrom(0, 1, -1, 0x7fffffff, -0x80000000, 31, 32, 63, 64),
);

describe('code emitters match exec', () => {
  const m0 = machine();
  const rows = m0.hart.decoder.rows.filter((r) => r.jit);

  it('covers the base integer and M instructions', () => {
    const names = rows.map((r) => r.name);
    for (const n of ['addi', 'add', 'sub', 'sll', 'sra', 'lw', 'ld', 'sd', 'beq', 'bgeu', 'jal', 'jalr', 'lui', 'auipc', 'mul', 'mulh', 'divu', 'remw']) {
      expect(names).toContain(n);
    }
  });

  for (const row of rows) {
    it(row.name, () => {
      // Two harts reused across runs: they stay in step as long as every run agrees.
      const [a, b] = [machine(), machine()];
      fc.assert(fc.property(
        fc.integer({ min: 0, max: 0xffffffff }), fc.array(interesting, { minLength: 64, maxLength: 64 }),
        fc.integer({ min: 0, max: 0x3ff }), fc.boolean(),
        (rand, regs, pcOff, inData) => {
          const word = (row.match | (rand & ~row.mask)) | 0;
          if (m0.hart.decoder.find(word) !== row) return; // a more specific row owns this word
          for (const m of [a, b]) {
            for (let r = 1; r < 32; r++) { m.hart.x[2 * r] = regs[2 * r]; m.hart.x[2 * r + 1] = regs[2 * r + 1]; }
            // Half the time point rs1 into RAM so memory accesses succeed.
            if (inData) { const s = (word >>> 15) & 31; if (s !== 0) { m.hart.x[2 * s] = DATA + (rand & 0xff8); m.hart.x[2 * s + 1] = 0; } }
            m.hart.setPc(BigInt(RAM_BASE + 2 * pcOff));
            m.hart.npc = (m.hart.pc + 4) | 0;
            m.hart.raw = word;
            m.memory.writeBytes(DATA, pattern);
          }
          // a: exec
          let trapA = false;
          try { row.exec!(a.hart, word); } catch (e) { if (e !== TRAP) throw e; trapA = true; }
          a.hart.x[0] = 0; a.hart.x[1] = 0;
          // b: emitted code over a copy of the registers
          const X = new Int32Array(b.hart.x);
          const r = runEmitted(b, word, X);
          expect(r.trap, 'trap').toBe(trapA);
          if (trapA) {
            expect(JSON.stringify(b.hart.getState())).toBe(JSON.stringify(a.hart.getState()));
            return;
          }
          const what = `${row.name} ${(word >>> 0).toString(16)}`;
          if (!sameInts(X, a.hart.x)) expect(Array.from(X), what).toEqual(Array.from(a.hart.x));
          expect(r.npc, 'npc').toEqual([a.hart.npc, a.hart.npch]);
          if (!sameBytes(b.memory.readBytes(DATA, 8192), a.memory.readBytes(DATA, 8192))) expect.fail(`memory differs: ${what}`);
        },
      ), { numRuns: 100 });
    });
  }
});

describe('compiled blocks match the interpreter on random programs', () => {
  const ALU = ['add', 'sub', 'sll', 'srl', 'sra', 'slt', 'sltu', 'xor', 'or', 'and', 'addw', 'subw', 'sllw', 'srlw', 'sraw',
    'mul', 'mulh', 'mulhu', 'mulhsu', 'div', 'divu', 'rem', 'remu', 'mulw', 'divw', 'divuw', 'remw', 'remuw'];
  const IMM = ['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'addiw'];
  const SH = ['slli', 'srli', 'srai'];
  const LD = ['lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu'];
  const ST = ['sb', 'sh', 'sw', 'sd'];
  const BR = ['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'];
  // x31 holds the data base and x30 the loop counter: neither is a destination.
  const reg = fc.integer({ min: 0, max: 29 }).map((r) => `x${r}`);
  const src = fc.integer({ min: 0, max: 31 }).map((r) => `x${r}`);
  const insn = fc.oneof(
    fc.tuple(fc.constantFrom(...ALU), reg, src, src).map(([o, d, s, t]) => `${o} ${d},${s},${t}`),
    fc.tuple(fc.constantFrom(...IMM), reg, src, fc.integer({ min: -2048, max: 2047 })).map(([o, d, s, i]) => `${o} ${d},${s},${i}`),
    fc.tuple(fc.constantFrom(...SH), reg, src, fc.integer({ min: 0, max: 63 })).map(([o, d, s, i]) => `${o} ${d},${s},${i}`),
    fc.tuple(fc.constantFrom(...LD), reg, fc.integer({ min: 0, max: 255 })).map(([o, d, i]) => `${o} ${d},${i * 8 - 1024}(x31)`),
    fc.tuple(fc.constantFrom(...ST), src, fc.integer({ min: 0, max: 255 })).map(([o, t, i]) => `${o} ${t},${i * 8 - 1023 + (i % 3)}(x31)`),
    fc.tuple(fc.constantFrom(...BR), src, src).map(([o, s, t]) => `${o} ${s},${t},8`),
    // Branches and jumps anywhere near (backward too: loops inside the compiled region).
    fc.tuple(fc.constantFrom(...BR), src, src, fc.integer({ min: -8, max: 8 })).map(([o, s, t, j]) => `${o} ${s},${t},${j * 4 || 8}`),
    fc.tuple(reg, fc.integer({ min: -8, max: 8 })).map(([d, j]) => `jal ${d},${j * 4 || 8}`),
    fc.tuple(reg, fc.integer({ min: 0, max: 0xfffff })).map(([d, i]) => `lui ${d},${i}`),
    fc.tuple(reg, fc.integer({ min: 0, max: 0xfffff })).map(([d, i]) => `auipc ${d},${i}`),
    // Rows without an emitter run their exec in the middle of a block (FP reading/writing x).
    fc.tuple(fc.constantFrom('fld', 'flw'), fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 255 })).map(([o, f, i]) => `${o} f${f},${i * 8 - 1024}(x31)`),
    fc.tuple(fc.constantFrom('fsd', 'fsw'), fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 255 })).map(([o, f, i]) => `${o} f${f},${i * 8 - 1024}(x31)`),
    fc.tuple(fc.integer({ min: 0, max: 31 }), src).map(([f, s]) => `fmv.d.x f${f},${s}`),
    fc.tuple(reg, fc.integer({ min: 0, max: 31 })).map(([d, f]) => `fmv.x.d ${d},f${f}`),
    fc.tuple(fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 31 })).map(([d, s, t]) => `fadd.d f${d},f${s},f${t}`),
    fc.tuple(fc.constantFrom('sh1add', 'sh2add', 'sh3add', 'add.uw', 'andn', 'max', 'minu', 'rol'), reg, src, src).map(([o, d, s, t]) => `${o} ${d},${s},${t}`),
  );
  it('random loops', () => {
    fc.assert(fc.property(fc.array(insn, { minLength: 2, maxLength: 40 }), fc.array(interesting, { minLength: 64, maxLength: 64 }),
      fc.integer({ min: 1, max: 50 }), (body, regs, threshold) => {
        // body; x30 -= 1; bne x30, x0, start; ebreak (mtvec: ebreak at +0x3000)
        const lines = [...body, 'addi x30,x30,-1', `bne x30,x0,${-4 * (body.length + 1)}`, 'ebreak'];
        const words = lines.map((l) => assemble(l));
        const states = [true, false].map((jit) => {
          const m = machine({ jit, jitThreshold: threshold });
          const bytes = new Uint8Array(words.length * 4);
          words.forEach((w, i) => { bytes[4 * i] = w & 255; bytes[4 * i + 1] = (w >>> 8) & 255; bytes[4 * i + 2] = (w >>> 16) & 255; bytes[4 * i + 3] = w >>> 24; });
          m.memory.writeBytes(RAM_BASE, bytes);
          m.memory.writeBytes(RAM_BASE + 0x3000, new Uint8Array([0x73, 0, 0x10, 0])); // ebreak
          m.memory.writeBytes(DATA - 1024, new Uint8Array(4096).map((_, i) => (i * 91 + 7) & 255));
          m.hart.setCsr(0x305, BigInt(RAM_BASE + 0x3000));
          m.hart.setCsr(0x300, 0x2000n); // mstatus.FS = Initial
          for (let r = 1; r < 30; r++) { m.hart.x[2 * r] = regs[2 * r]; m.hart.x[2 * r + 1] = regs[2 * r + 1]; }
          m.hart.setX(31, BigInt(DATA));
          m.hart.setX(30, 60n);
          // Uneven run() lengths so slices end inside loops.
          for (let i = 0; i < 40 && m.hart.steps < 6000; i++) m.hart.run(37 + i * 13);
          return { st: m.hart.getState(), mem: m.memory.readBytes(DATA - 1024, 4096) };
        });
        expect(JSON.stringify(states[0].st)).toBe(JSON.stringify(states[1].st));
        if (!sameBytes(states[0].mem, states[1].mem)) expect.fail('memory differs');
      }), { numRuns: 80 });
  });
});
