/**
 * One IMSIC interrupt file (AIA 1.0, "Incoming Message-Signaled Interrupt Controller"):
 * the machine-level, supervisor-level or a guest file of one hart. It is a 4 KiB MMIO page
 * (`seteipnum_le` at 0x000, `seteipnum_be` at 0x004; everything else reads 0, writes are
 * ignored) plus the registers a hart reaches through *iselect/*ireg (eidelivery 0x70,
 * eithreshold 0x72, eip0..63 0x80-0xBF, eie0..63 0xC0-0xFF) and *topei.
 *
 * The file's output (`irq`) is its interrupt signal: MEIP for the M file, SEIP for the S
 * file, hgeip[i] for guest file i. It is asserted while eidelivery = 1 and some identity is
 * pending, enabled and below the threshold (AIA, IMSIC "Interrupt delivery and handling").
 * eidelivery's optional value 0x40000000 (delegate to an APLIC) is not implemented: the
 * register is WARL and holds 0 or 1, as QEMU's IMSIC does.
 */
import type { IrqLineLike } from './irq-line.js';

/** MMIO page of one interrupt file (AIA, IMSIC "Interrupt files"). */
export const IMSIC_FILE_SIZE = 0x1000;
export const IMSIC_SETEIPNUM_LE = 0x000;
export const IMSIC_SETEIPNUM_BE = 0x004;
/** *iselect numbers of the interrupt-file registers (AIA, IMSIC "Indirectly accessed registers"). */
export const ISELECT_EIDELIVERY = 0x70;
export const ISELECT_EITHRESHOLD = 0x72;
export const ISELECT_EIP0 = 0x80;
export const ISELECT_EIE0 = 0xc0;
export const ISELECT_IMSIC_FIRST = 0x70;
export const ISELECT_IMSIC_LAST = 0xff;
/** QEMU virt's identities per file (riscv,num-ids = 255). */
export const IMSIC_VIRT_IDS = 255;

export interface ImsicFileOptions {
  /** Highest identity N (63..2047, and N mod 64 = 63); default 255 as on QEMU virt. */
  ids?: number;
  /** The file's interrupt signal (MEIP, SEIP or hgeip[i]). */
  irq?: IrqLineLike;
}

export interface ImsicFileState {
  stateVersion: 1;
  ids: number;
  eidelivery: number;
  eithreshold: number;
  eip: number[];
  eie: number[];
}

/** One IMSIC interrupt file. */
export class ImsicFile {
  readonly ids: number;
  eidelivery = 0;
  eithreshold = 0;
  /** Bitmaps, bit i of word i>>5 = identity i (identity 0 never pends). */
  private readonly eip: Uint32Array;
  private readonly eie: Uint32Array;
  private irq: IrqLineLike | undefined;
  private out = false;
  /** High word of the last `readReg` (RV64 registers are 64 bits). */
  hi = 0;

  constructor(options: ImsicFileOptions = {}) {
    const ids = options.ids ?? IMSIC_VIRT_IDS;
    // AIA, IMSIC "Interrupt files and interrupt identities": N is 63..2047 and one less than a multiple of 64.
    if (!Number.isInteger(ids) || ids < 63 || ids > 2047 || (ids & 63) !== 63) {
      throw new RangeError(`imsic: ids must be 63..2047 and one less than a multiple of 64 (got ${String(ids)})`);
    }
    this.ids = ids;
    this.eip = new Uint32Array((ids + 1) >>> 5);
    this.eie = new Uint32Array((ids + 1) >>> 5);
    this.irq = options.irq;
  }

  /** Connects (or replaces) the output line; it is driven at once with the current level. */
  connect(irq: IrqLineLike): void {
    this.irq = irq;
    irq.set(this.out);
  }

  // ---- MMIO page ----

  read(_offset: number, _size: 1 | 2 | 4): number {
    return 0; // AIA, IMSIC "Interrupt files": the seteipnum registers read as zero
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    // Only aligned 32-bit writes are MSIs; other accesses are ignored (AIA leaves them implementation-defined).
    if (size !== 4) return;
    if (offset === IMSIC_SETEIPNUM_LE) this.setPending(value >>> 0);
    else if (offset === IMSIC_SETEIPNUM_BE) this.setPending(bswap32(value) >>> 0);
  }

  /** An MSI with data `id`: sets eip[id] if 1 <= id <= N (other values are ignored). */
  setPending(id: number): void {
    if (id < 1 || id > this.ids) return;
    const w = id >>> 5;
    const b = 1 << (id & 31);
    if (this.eip[w]! & b) return;
    this.eip[w]! |= b;
    this.update();
  }

  /** Is identity `id` pending? (for tests and debuggers) */
  pending(id: number): boolean {
    return id >= 1 && id <= this.ids && (this.eip[id >>> 5]! >>> (id & 31) & 1) === 1;
  }

  // ---- *iselect / *ireg ----

  /**
   * Does register `sel` (0x70..0xFF) exist on an RV64 hart? The odd eip/eie numbers do not
   * (AIA, IMSIC "Indirectly accessed registers": with XLEN = 64 only even-numbered eipk/eiek exist);
   * an access to them is an illegal-instruction (or virtual-instruction) exception.
   */
  static regExists(sel: number): boolean {
    if (sel < ISELECT_IMSIC_FIRST || sel > ISELECT_IMSIC_LAST) return false;
    return sel < ISELECT_EIP0 || (sel & 1) === 0;
  }

  /** Reads register `sel` (must satisfy regExists): returns bits 31:0, bits 63:32 in `hi`. */
  readReg(sel: number): number {
    this.hi = 0;
    if (sel === ISELECT_EIDELIVERY) return this.eidelivery;
    if (sel === ISELECT_EITHRESHOLD) return this.eithreshold;
    if (sel < ISELECT_EIP0) return 0; // 0x71, 0x73-0x7F: reserved, read-only zero
    const arr = sel < ISELECT_EIE0 ? this.eip : this.eie;
    const w = ((sel - (sel < ISELECT_EIE0 ? ISELECT_EIP0 : ISELECT_EIE0)) >>> 1) * 2;
    this.hi = (arr[w + 1] ?? 0) | 0;
    return (arr[w] ?? 0) | 0;
  }

  /** Writes register `sel` (must satisfy regExists) with the 64-bit value (lo, hi). */
  writeReg(sel: number, lo: number, hi: number): void {
    if (sel === ISELECT_EIDELIVERY) {
      this.eidelivery = lo & 1; // WARL: 0 off, 1 on (0x40000000 not supported)
    } else if (sel === ISELECT_EITHRESHOLD) {
      // WLRL holding 0..N; larger values are clamped to N's width.
      this.eithreshold = (lo >>> 0) & thresholdMask(this.ids);
    } else if (sel >= ISELECT_EIP0) {
      const arr = sel < ISELECT_EIE0 ? this.eip : this.eie;
      const w = ((sel - (sel < ISELECT_EIE0 ? ISELECT_EIP0 : ISELECT_EIE0)) >>> 1) * 2;
      if (w >= arr.length) return; // identities beyond N: read-only zero
      arr[w] = w === 0 ? lo & ~1 : lo; // identity 0 is read-only zero
      arr[w + 1] = hi;
    } else {
      return; // reserved
    }
    this.update();
  }

  /** *topei read: identity in 26:16 and (equal) priority in 10:0, or 0 (AIA, IMSIC "Top external interrupt"). */
  topei(): number {
    const id = this.top();
    return id === 0 ? 0 : (id << 16) | id;
  }

  /** *topei write (any value): clears the pending bit of the identity topei reports now. */
  claim(): void {
    const id = this.top();
    if (id === 0) return;
    this.eip[id >>> 5]! &= ~(1 << (id & 31));
    this.update();
  }

  /** Highest-priority (lowest) pending-and-enabled identity under the threshold, or 0. */
  private top(): number {
    const limit = this.eithreshold === 0 ? this.ids + 1 : Math.min(this.eithreshold, this.ids + 1);
    const words = (limit + 31) >>> 5;
    for (let w = 0; w < words; w++) {
      const bits = this.eip[w]! & this.eie[w]!;
      if (bits === 0) continue;
      const id = (w << 5) | (31 - Math.clz32(bits & -bits));
      return id < limit ? id : 0;
    }
    return 0;
  }

  private update(): void {
    const v = this.eidelivery === 1 && this.top() !== 0;
    if (v !== this.out) {
      this.out = v;
      this.irq?.set(v);
    }
  }

  getState(): ImsicFileState {
    return {
      stateVersion: 1, ids: this.ids, eidelivery: this.eidelivery, eithreshold: this.eithreshold,
      eip: Array.from(this.eip), eie: Array.from(this.eie),
    };
  }

  static fromState(state: ImsicFileState, options: Omit<ImsicFileOptions, 'ids'> = {}): ImsicFile {
    if (state.stateVersion !== 1) throw new Error(`imsic: unsupported stateVersion ${String(state.stateVersion)}`);
    const f = new ImsicFile({ ...options, ids: state.ids });
    f.eidelivery = state.eidelivery & 1;
    f.eithreshold = state.eithreshold & thresholdMask(state.ids);
    f.eip.set(state.eip.slice(0, f.eip.length));
    f.eie.set(state.eie.slice(0, f.eie.length));
    f.eip[0]! &= ~1;
    f.eie[0]! &= ~1;
    f.update();
    return f;
  }
}

function thresholdMask(ids: number): number {
  return (1 << (32 - Math.clz32(ids))) - 1;
}

function bswap32(v: number): number {
  return ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}
