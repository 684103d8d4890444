/**
 * A clock for interactive use on a slow or busy host: it follows wall time, but never runs
 * ahead of the work the harts have done (retired instructions at a nominal rate, plus the
 * time the machine spent idle in WFI). A fast emulator sees wall time; a slow or starved
 * one sees a slower CPU instead of time jumping ahead of it, so the guest kernel's lockup
 * and RCU-stall detectors stay quiet (QEMU's icount with sleep=on follows the same idea).
 */
import type { Clock } from '@tsvisor/isa-core';
import { nowMs } from './host.js';

export class PacedClock implements Clock {
  readonly frequency: number;
  /** Retired instructions per tick at the nominal rate (10 at 10 MHz: a 100 MIPS hart). */
  readonly instructionsPerTick: number;
  private instructions = 0;
  /** Ticks credited for idle time and removed when work runs ahead of wall time. */
  private credit = 0;
  private readonly originMs: number;
  private readonly wallMs: () => number;

  constructor(frequency = 10_000_000, instructionsPerTick = 10, wallMs: () => number = nowMs) {
    this.frequency = frequency;
    this.instructionsPerTick = instructionsPerTick;
    this.wallMs = wallMs;
    this.originMs = wallMs();
  }

  now(): number {
    const wall = Math.floor(((this.wallMs() - this.originMs) * this.frequency) / 1000);
    const work = Math.floor(this.instructions / this.instructionsPerTick) + this.credit;
    if (work > wall) {
      // Faster than nominal: wall time rules, and the surplus is not banked for later.
      this.credit -= work - wall;
      return wall;
    }
    return work;
  }

  retire(instructions: number): void {
    this.instructions += instructions;
  }

  /** The machine slept (every hart in WFI) for `ticks` of wall time: that time passes for the guest too. */
  idle(ticks: number): void {
    this.credit += Math.max(0, Math.floor(ticks));
  }
}
