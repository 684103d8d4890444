/** Test helpers: a hart on a small RAM, programs from assembly text. */
import { Hart, type HartOptions } from '../hart.js';
import { InstructionClock, PhysicalMemory } from '../memory.js';
import { assemble } from '../disasm.js';

export const RAM_BASE = 0x8000_0000;

export interface TestMachine {
  hart: Hart;
  memory: PhysicalMemory;
  clock: InstructionClock;
}

/**
 * A hart with 1 MiB of RAM at 0x8000_0000 and an instruction-count clock. Unless
 * `closedPmp`, PMP entry 0 grants RWX on all memory (what firmware does before entering S/U).
 */
export function machine(opts: Partial<HartOptions> & { closedPmp?: boolean } = {}): TestMachine {
  const memory = new PhysicalMemory({ ramBase: RAM_BASE, ramSize: 1 << 20 });
  const clock = new InstructionClock();
  const { closedPmp, ...hartOpts } = opts;
  const hart = new Hart({ memory, clock, ...hartOpts });
  if (!closedPmp) {
    hart.setCsr(0x3b0, (1n << 54n) - 1n);
    hart.setCsr(0x3a0, 0x1fn);
  }
  hart.setPc(BigInt(RAM_BASE));
  return { hart, memory, clock };
}

/** Assemble lines (our assembler) into bytes: 32-bit words, or 16-bit for c.* mnemonics. */
export function program(lines: readonly string[]): Uint8Array {
  const out: number[] = [];
  for (const l of lines) {
    const w = assemble(l);
    if (l.trim().startsWith('c.')) out.push(w & 255, w >>> 8);
    else out.push(w & 255, (w >>> 8) & 255, (w >>> 16) & 255, w >>> 24);
  }
  return new Uint8Array(out);
}

/** Load `lines` at `addr` (default RAM base). */
export function load(m: TestMachine, lines: readonly string[], addr = RAM_BASE): void {
  m.memory.writeBytes(addr, program(lines));
}
