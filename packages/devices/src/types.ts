/**
 * The small contracts a board device needs from its machine (docs/ARCHITECTURE.md).
 * They are structural: isa-core's MmioDevice/Clock and the machine's irq handles fit them.
 */

/** An interrupt wire from a device to its interrupt controller (level-triggered). */
export interface IrqLine {
  set(level: boolean): void;
}

/** A memory-mapped device; offsets are relative to the device's base. */
export interface MmioDevice {
  /** size is 1, 2 or 4; returns the value zero-extended (unsigned). */
  read(offset: number, size: 1 | 2 | 4): number;
  write(offset: number, size: 1 | 2 | 4, value: number): void;
  read64?(offset: number): bigint;
  write64?(offset: number, value: bigint): void;
}

/** The machine's tick source (10 MHz on virt). */
export interface Clock {
  readonly frequency: number;
  now(): number;
  /** Instruction-count clocks advance when harts report retired instructions. */
  retire?(instructions: number): void;
}

/** An IrqLine that does nothing (for unconnected lines and tests). */
export const NO_IRQ: IrqLine = { set() {} };

/** A recording IrqLine, handy in tests and for wiring by hand. */
export class LevelLatch implements IrqLine {
  level = false;
  edges = 0;
  set(level: boolean): void {
    if (level !== this.level) this.edges++;
    this.level = level;
  }
}
