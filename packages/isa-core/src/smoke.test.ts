import { describe, expect, it } from 'vitest';
import { Hart, InstructionClock, PhysicalMemory } from './index.js';

const addi = (rd: number, rs1: number, imm: number): number => ((imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13;

describe('smoke', () => {
  it('runs addi and ecall traps to mtvec', () => {
    const memory = new PhysicalMemory({ ramBase: 0x8000_0000, ramSize: 1 << 20 });
    const hart = new Hart({ memory, clock: new InstructionClock() });
    const words = [addi(10, 0, 5), addi(10, 10, -7), 0x00000073];
    const bytes = new Uint8Array(new Uint32Array(words).buffer);
    memory.writeBytes(0x8000_0000, bytes);
    hart.setPc(0x8000_0000n);
    hart.setCsr(0x305, 0x8000_1000n);
    hart.run(3);
    expect(hart.getX(10)).toBe(0xfffffffffffffffen);
    expect(hart.getCsr(0x342)).toBe(11n);
    expect(hart.getPc()).toBe(0x8000_1000n);
    expect(hart.getCsr(0x341)).toBe(0x8000_0008n);
  });
});
