/**
 * Garbage in, traps out: random instruction words (32- and 16-bit, biased towards real
 * opcodes), executed in M, S and U modes with random register values, never make run()
 * throw; every step retires or traps.
 */
import { describe, expect, it } from 'vitest';
import { machine, program, RAM_BASE } from './test/harness.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}

const OPCODES = [0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x37, 0x3b, 0x43, 0x47, 0x4b, 0x4f, 0x53, 0x63, 0x67, 0x6f, 0x73];

describe('random instruction streams', () => {
  for (const [mode, seed] of [[3, 1], [1, 2], [0, 3]] as const) {
    it(`never throw out of run() (mode ${mode})`, () => {
      const r = rng(seed * 7919);
      const m = machine();
      const code = RAM_BASE + 0x10000;
      const words = new Uint8Array(0x4000);
      const dv = new DataView(words.buffer);
      for (let i = 0; i < words.length; i += 4) {
        const k = r() % 4;
        let w = r();
        if (k < 3) w = (w & ~0x7f) | OPCODES[r() % OPCODES.length];
        if (k === 1) w = (w & 0xffff0000) | (r() & 0xffff); // a compressed word (or two) in the low half
        dv.setUint32(i, w >>> 0, true);
      }
      m.memory.writeBytes(code, words);
      // Handler: skip the trapping instruction (4 bytes), stay in the original mode, keep mtvec sane.
      m.memory.writeBytes(RAM_BASE, program([
        'csrrs t6,mepc,zero', 'addi t6,t6,4', 'lui t5,0x80014', 'slli t5,t5,32', 'srli t5,t5,32', 'bltu t6,t5,8',
        'lui t6,0x80010', 'csrrw zero,mepc,t6',
        `lui t6,${(((mode << 11) | 0x2000) + 0x800) >> 12}`, `addi t6,t6,${((mode << 11) | 0x2000) - (((((mode << 11) | 0x2000) + 0x800) >> 12) << 12)}`, 'csrrw zero,mstatus,t6',
        'csrrw zero,mtvec,zero', 'lui t5,0x80000', 'slli t5,t5,32', 'srli t5,t5,32', 'csrrw zero,mtvec,t5',
        'csrrw zero,satp,zero', 'mret',
      ]));
      m.hart.setCsr(0x305, BigInt(RAM_BASE));
      m.hart.setCsr(0x300, BigInt(mode << 11) | (1n << 13n));
      m.hart.setCsr(0x341, BigInt(code));
      m.hart.setPc(BigInt(RAM_BASE + 0x44)); // the mret
      for (let i = 1; i < 32; i++) m.hart.setX(i, (BigInt(r()) << 32n) | BigInt(r()));
      let steps = 0;
      for (let k = 0; k < 40; k++) {
        expect(() => m.hart.run(2_000)).not.toThrow();
        if (m.hart.status === 'wfi') m.hart.setIrqLine(11, true), m.hart.setIrqLine(11, false), (m.hart.status = 'running');
        steps = m.hart.steps;
      }
      expect(steps).toBeGreaterThan(10_000);
    });
  }
});
