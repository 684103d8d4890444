/**
 * CLINT as QEMU's virt machine places it: the ACLINT MSWI device (msip[h] at +4*h) and
 * the ACLINT MTIMER device (mtimecmp[h] at +0x4000 + 8*h, mtime at +0xBFF8) in one
 * 0x10000 window at 0x2000000. RISC-V ACLINT spec v1.0 (frozen), sections 2 and 3.
 */
import { type Cell, type FdtNode, ref } from '@tsvisor/fdt';
import type { Clock, IrqLine, MmioDevice } from './types.js';

export const CLINT_MSIP_BASE = 0x0000;
export const CLINT_MTIMECMP_BASE = 0x4000;
export const CLINT_MTIME = 0xbff8;
/** Window size of one CLINT on virt. */
export const CLINT_SIZE = 0x10000;
/** ACLINT MSWI has room for 4095 harts. */
export const CLINT_MAX_HARTS = 4095;

const U64 = (1n << 64n) - 1n;

export interface ClintOptions {
  harts: number;
  /** The machine clock; mtime = clock ticks + an offset the guest may change by writing mtime. */
  clock: Clock;
  /** Per hart: the MSIP line (mip bit 3). */
  msip: IrqLine[];
  /** Per hart: the MTIP line (mip bit 7). */
  mtip: IrqLine[];
}

export interface ClintState {
  stateVersion: 1;
  /** mtime - clock.now() at the time of saving, as a decimal string (bigint). */
  mtimeOffset: string;
  msip: number[];
  /** mtimecmp per hart, decimal strings. */
  mtimecmp: string[];
}

/** ACLINT MSWI + MTIMER (QEMU virt CLINT layout). */
export class Clint implements MmioDevice {
  static readonly compatible = ['sifive,clint0', 'riscv,clint0'];

  readonly harts: number;
  private readonly baseClock: Clock;
  private offset = 0;
  private readonly msipBits: Uint8Array;
  private readonly cmp: bigint[];
  /** mtimecmp as numbers for quick comparisons (values above 2^53 round up, still larger than any mtime we reach). */
  private readonly cmpNum: Float64Array;
  private readonly mtipLevel: Uint8Array;
  private readonly msipLines: IrqLine[];
  private readonly mtipLines: IrqLine[];

  /** mtime as a Clock: give this to the harts so the time CSR agrees with the CLINT after guest writes to mtime. */
  readonly timeClock: Clock;

  constructor(options: ClintOptions) {
    if (options.harts < 1 || options.harts > CLINT_MAX_HARTS) throw new RangeError(`clint: harts must be 1..${CLINT_MAX_HARTS}`);
    this.harts = options.harts;
    this.baseClock = options.clock;
    this.msipBits = new Uint8Array(this.harts);
    // QEMU's ACLINT MTIMER resets mtimecmp to 0 (the spec leaves it unspecified).
    this.cmp = new Array<bigint>(this.harts).fill(0n);
    this.cmpNum = new Float64Array(this.harts);
    this.mtipLevel = new Uint8Array(this.harts);
    this.msipLines = options.msip;
    this.mtipLines = options.mtip;
    const self = this;
    this.timeClock = {
      get frequency() {
        return self.baseClock.frequency;
      },
      now: () => this.mtime(),
      retire: (n: number) => this.baseClock.retire?.(n),
    };
  }

  /** Current mtime in ticks. */
  mtime(): number {
    return this.baseClock.now() + this.offset;
  }

  /** Re-evaluates MTIP for every hart; the machine calls it between slices. */
  poll(): void {
    const now = this.mtime();
    for (let h = 0; h < this.harts; h++) this.setMtip(h, now >= this.cmpNum[h]!);
  }

  /**
   * The earliest future timer deadline, as a base-clock reading (so the machine can sleep
   * until then), or undefined when no hart has a pending compare in the future.
   */
  nextDeadline(): number | undefined {
    const now = this.mtime();
    let best = Infinity;
    for (let h = 0; h < this.harts; h++) {
      const c = this.cmpNum[h]!;
      if (c > now && c < best) best = c;
    }
    return best === Infinity || best > Number.MAX_SAFE_INTEGER ? undefined : best - this.offset;
  }

  read(offset: number, size: 1 | 2 | 4): number {
    const reg = this.reg64(offset & ~7);
    if (reg === undefined) return 0;
    const shift = BigInt((offset & 7) * 8);
    const mask = size === 4 ? 0xffffffffn : size === 2 ? 0xffffn : 0xffn;
    return Number((reg >> shift) & mask);
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    const base = offset & ~7;
    const old = this.reg64(base);
    if (old === undefined) return;
    const shift = BigInt((offset & 7) * 8);
    const mask = (size === 4 ? 0xffffffffn : size === 2 ? 0xffffn : 0xffn) << shift;
    this.setReg64(base, offset, (old & ~mask) | ((BigInt(value >>> 0) << shift) & mask), size);
  }

  read64(offset: number): bigint {
    if (offset & 7) return BigInt(this.read(offset, 4)) | (BigInt(this.read(offset + 4, 4)) << 32n);
    return this.reg64(offset) ?? 0n;
  }

  write64(offset: number, value: bigint): void {
    if (offset & 7) {
      this.write(offset, 4, Number(value & 0xffffffffn));
      this.write(offset + 4, 4, Number((value >> 32n) & 0xffffffffn));
      return;
    }
    this.setReg64(offset, offset, value & U64, 8);
  }

  /** The 64-bit register image at an 8-aligned offset (msip words pair up), or undefined for holes. */
  private reg64(base: number): bigint | undefined {
    if (base < CLINT_MTIMECMP_BASE) {
      const h = base >> 2;
      if (h >= this.harts) return undefined;
      const lo = this.msipBits[h]!;
      const hi = h + 1 < this.harts ? this.msipBits[h + 1]! : 0;
      return BigInt(lo) | (BigInt(hi) << 32n);
    }
    if (base === CLINT_MTIME) return BigInt(this.mtime());
    if (base >= CLINT_MTIMECMP_BASE && base < CLINT_MTIME) {
      const h = (base - CLINT_MTIMECMP_BASE) >> 3;
      return h < this.harts ? this.cmp[h] : undefined;
    }
    return undefined;
  }

  private setReg64(base: number, offset: number, value: bigint, size: number): void {
    if (base < CLINT_MTIMECMP_BASE) {
      // msip words: only bit 0 of each 32-bit word is writable (ACLINT 2.1).
      const first = base >> 2;
      const touchedLo = (offset & 7) < 4;
      const touchedHi = (offset & 7) + size > 4;
      if (touchedLo && first < this.harts) this.setMsip(first, Number(value & 1n));
      if (touchedHi && first + 1 < this.harts) this.setMsip(first + 1, Number((value >> 32n) & 1n));
      return;
    }
    if (base === CLINT_MTIME) {
      this.offset = Number(value) - this.baseClock.now();
      this.poll();
      return;
    }
    const h = (base - CLINT_MTIMECMP_BASE) >> 3;
    if (h >= this.harts) return;
    this.cmp[h] = value;
    this.cmpNum[h] = Number(value);
    this.setMtip(h, this.mtime() >= this.cmpNum[h]!);
  }

  private setMsip(h: number, bit: number): void {
    if (this.msipBits[h] === bit) return;
    this.msipBits[h] = bit;
    this.msipLines[h]?.set(bit === 1);
  }

  private setMtip(h: number, level: boolean): void {
    const v = level ? 1 : 0;
    if (this.mtipLevel[h] === v) return;
    this.mtipLevel[h] = v;
    this.mtipLines[h]?.set(level);
  }

  getState(): ClintState {
    return {
      stateVersion: 1,
      mtimeOffset: String(this.offset),
      msip: Array.from(this.msipBits),
      mtimecmp: this.cmp.map(String),
    };
  }

  static fromState(state: ClintState, options: ClintOptions): Clint {
    if (state.stateVersion !== 1) throw new Error(`clint: unsupported stateVersion ${String(state.stateVersion)}`);
    const c = new Clint(options);
    c.offset = Number(state.mtimeOffset);
    state.msip.forEach((b, h) => c.setMsip(h, b & 1));
    state.mtimecmp.forEach((v, h) => {
      c.cmp[h] = BigInt(v);
      c.cmpNum[h] = Number(c.cmp[h]);
    });
    c.mtipLevel.fill(0);
    for (let h = 0; h < c.harts; h++) c.mtipLines[h]?.set(false);
    c.poll();
    return c;
  }
}

/**
 * Writes `clint@<base>` under `parent`: `interrupts-extended` pairs each hart's
 * cpu-intc (labels from `intcLabels`) with MSIP (3) and MTIP (7).
 */
export function writeClintNode(parent: FdtNode, o: { base: number; size?: number; intcLabels: string[] }): FdtNode {
  const cells: Cell[] = [];
  for (const l of o.intcLabels) cells.push(ref(l), 3, ref(l), 7);
  return parent
    .addNode(`clint@${o.base.toString(16)}`)
    .u32('interrupts-extended', ...cells)
    .u64('reg', o.base, o.size ?? CLINT_SIZE)
    .strings('compatible', ...Clint.compatible);
}
