/**
 * Quick interpreter speed check: a tight integer loop (add/xor/shift/branch) and a
 * memory loop (load/store), measured in guest MIPS. Run: pnpm --filter @tsvisor/isa-core bench
 */
import { Hart, InstructionClock, PhysicalMemory } from '../src/index.js';

const I = (op: number, f3: number, rd: number, rs1: number, imm: number): number => (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const Rr = (op: number, f3: number, f7: number, rd: number, rs1: number, rs2: number): number => ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const S = (f3: number, rs1: number, rs2: number, imm: number): number => ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | 0x23) >>> 0;
const B = (f3: number, rs1: number, rs2: number, imm: number): number =>
  ((((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | 0x63) >>> 0;
const LUI = (rd: number, imm20: number): number => ((imm20 << 12) | (rd << 7) | 0x37) >>> 0;

function bench(name: string, words: number[], steps: number): void {
  const memory = new PhysicalMemory({ ramBase: 0x8000_0000, ramSize: 16 << 20 });
  const hart = new Hart({ memory, clock: new InstructionClock() });
  memory.writeBytes(0x8000_0000, new Uint8Array(new Uint32Array(words).buffer));
  hart.setPc(0x8000_0000n);
  hart.run(1_000_000); // warm-up
  hart.setPc(0x8000_0000n);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let n = 0;
  while (n < steps) {
    const r = hart.run(1_000_000);
    if (r === 0) throw new Error(`${name}: the hart stopped retiring (pc ${hart.getPc().toString(16)}, mcause ${hart.getCsr(0x342)})`);
    n += r;
  }
  const dt = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  // On a shared machine wall time includes time other processes held the CPU; CPU time does not.
  console.log(`${name}: ${(n / cpu / 1e6).toFixed(1)} MIPS per CPU-second, ${(n / dt / 1e6).toFixed(1)} MIPS wall (${n} instructions, ${dt.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU)`);
}

const T0 = 5, A0 = 10, A1 = 11, A2 = 12, SP = 2;
// integer: t0 = big; loop: a0 += 1; a1 ^= a0; a2 += a1; a1 <<= 1 (slli); t0 -= 1; bnez t0 loop
bench('int-loop', [
  LUI(T0, 0x10000),
  I(0x13, 0, A0, A0, 1), Rr(0x33, 4, 0, A1, A1, A0), Rr(0x33, 0, 0, A2, A2, A1), I(0x13, 1, A1, A1, 1),
  I(0x13, 0, T0, T0, -1), B(1, T0, 0, -20),
], 60_000_000);
// memory: sp = ram+64K; loop: ld a0,0(sp); addi a0,a0,1; sd a0,8(sp); ld a1,8(sp); sw a1,16(sp); lw a2,16(sp); addi t0,t0,-1; bnez
bench('mem-loop', [
  LUI(T0, 0x10000), LUI(SP, 0x80010), I(0x13, 1, SP, SP, 32), I(0x13, 5, SP, SP, 32),
  I(0x03, 3, A0, SP, 0), I(0x13, 0, A0, A0, 1), S(3, SP, A0, 8), I(0x03, 3, A1, SP, 8), S(2, SP, A1, 16), I(0x03, 2, A2, SP, 16),
  I(0x13, 0, T0, T0, -1), B(1, T0, 0, -28),
], 40_000_000);
