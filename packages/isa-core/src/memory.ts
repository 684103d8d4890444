/**
 * Physical memory: guest RAM in one WebAssembly.Memory (shared with the hart
 * register files, so a later WebAssembly JIT tier sees the same bytes) plus an MMIO map.
 *
 * Layout of the WebAssembly.Memory:
 *   [0, STATE_AREA_BYTES)              hart state blocks (register files), bump-allocated
 *   [ramOffset, ramOffset + ramSize)   guest RAM (ramOffset = STATE_AREA_BYTES)
 *
 * Physical addresses are JS numbers (docs/ARCHITECTURE.md, "Numbers"). Slow-path accessors
 * return NaN for an address that hits neither RAM nor a device; the hart turns that into an
 * access fault (priv spec 3.6, "Physical Memory Attributes": unmapped regions fault).
 */
import { R } from './int64.js';

/** A memory-mapped device. Offsets are relative to the device's base. */
export interface MmioDevice {
  /** size is 1, 2 or 4; returns the value zero-extended (unsigned). */
  read(offset: number, size: 1 | 2 | 4): number;
  write(offset: number, size: 1 | 2 | 4, value: number): void;
  /** Optional 64-bit access; without it an 8-byte access is split into two 4-byte ones, low half first. */
  read64?(offset: number): bigint;
  write64?(offset: number, value: bigint): void;
}

/** One mapped device. */
export interface MmioRegion {
  readonly base: number;
  readonly size: number;
  readonly device: MmioDevice;
  readonly name: string;
}

export interface PhysicalMemoryOptions {
  /** Guest-physical address of RAM (0x8000_0000 on virt). */
  ramBase: number;
  /** RAM size in bytes (multiple of 64 KiB, at most 3.5 GiB). */
  ramSize: number;
}

/** The part of WebAssembly.Memory we use (typed here: the ES lib has no WebAssembly types, and we avoid the DOM lib). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type WasmMemoryCtor = new (d: { initial: number; maximum?: number }) => WasmMemory;
const WasmMemoryImpl = (globalThis as unknown as { WebAssembly: { Memory: WasmMemoryCtor } }).WebAssembly.Memory;

/** Bytes reserved at the start of the WebAssembly.Memory for hart state (up to 64 harts x 1 KiB). */
export const STATE_AREA_BYTES = 65536;
const PAGE = 65536;

/** Guest RAM plus MMIO map. */
export class PhysicalMemory {
  readonly ramBase: number;
  readonly ramSize: number;
  /** Byte offset of RAM inside `wasm.buffer`. */
  readonly ramOffset = STATE_AREA_BYTES;
  readonly wasm: WasmMemory;
  readonly buffer: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly i32: Int32Array;
  readonly dv: DataView;
  readonly regions: MmioRegion[] = [];
  /**
   * Per 4 KiB RAM page: 1 when a hart holds compiled code for it. Writes to such a page
   * (hart stores, AMOs, DMA through noteDmaWrite/writeBytes) bump `pageGen`, which
   * invalidates the compiled blocks of that page, when they hit bytes marked in `codeMask`.
   */
  readonly codePages: Uint8Array;
  /**
   * Per RAM page, two words of bits: bit n of word 2p + (n >> 5) set when bytes
   * [64n, 64n + 64) of page p hold compiled instructions. Data sharing a page with code
   * (small bare-metal programs) can then be written without dropping that page's blocks.
   */
  readonly codeMask: Int32Array;
  readonly pageGen: Int32Array;
  private stateTop = 0;

  constructor(options: PhysicalMemoryOptions) {
    const { ramBase, ramSize } = options;
    if (!Number.isSafeInteger(ramBase) || ramBase < 0 || ramBase % 4096 !== 0) {
      throw new RangeError(`ramBase must be a 4 KiB-aligned non-negative integer (got ${ramBase})`);
    }
    if (!Number.isSafeInteger(ramSize) || ramSize <= 0 || ramSize % PAGE !== 0 || ramSize > 0xe000_0000) {
      throw new RangeError(`ramSize must be a positive multiple of 64 KiB, at most 3.5 GiB (got ${ramSize})`);
    }
    this.ramBase = ramBase;
    this.ramSize = ramSize;
    const pages = (STATE_AREA_BYTES + ramSize) / PAGE;
    this.wasm = new WasmMemoryImpl({ initial: pages, maximum: pages });
    this.buffer = this.wasm.buffer;
    this.u8 = new Uint8Array(this.buffer);
    this.u16 = new Uint16Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.dv = new DataView(this.buffer);
    this.codePages = new Uint8Array(ramSize / 4096);
    this.pageGen = new Int32Array(ramSize / 4096);
    this.codeMask = new Int32Array(2 * (ramSize / 4096));
  }

  /** A store hit RAM page `page` (index from RAM base) that holds compiled code. */
  codeWritten(page: number): void {
    this.pageGen[page]++;
    this.codePages[page] = 0;
    this.codeMask[2 * page] = 0;
    this.codeMask[2 * page + 1] = 0;
  }

  /** Bytes [off, off + length) of RAM page `page` hold compiled code (within the page). */
  markCode(page: number, off: number, length: number): void {
    this.codePages[page] = 1;
    for (let c = off >>> 6, e = (off + length - 1) >>> 6; c <= e; c++) this.codeMask[2 * page + (c >>> 5)] |= 1 << (c & 31);
  }

  /** [pa, pa + length) is about to be written: drop compiled code on those bytes (the whole page's blocks). */
  codeStore(pa: number, length: number): void {
    const start = pa - this.ramBase, end = start + length;
    if (end <= 0 || start >= this.ramSize) return;
    const first = Math.max(0, Math.floor(start / 4096)), last = Math.min(this.codePages.length - 1, Math.floor((end - 1) / 4096));
    for (let p = first; p <= last; p++) {
      if (this.codePages[p] === 0) continue;
      const a = Math.max(start, p * 4096) - p * 4096, b = Math.min(end, p * 4096 + 4096) - p * 4096;
      for (let c = a >>> 6, e = (b - 1) >>> 6; c <= e; c++) {
        if ((this.codeMask[2 * p + (c >>> 5)] & (1 << (c & 31))) !== 0) { this.codeWritten(p); break; }
      }
    }
  }

  /** Reserve `bytes` (rounded up to 64) of hart-state space; returns its byte offset. */
  allocState(bytes: number): number {
    const size = (bytes + 63) & ~63;
    if (this.stateTop + size > STATE_AREA_BYTES) throw new RangeError('hart state area exhausted');
    const off = this.stateTop;
    this.stateTop += size;
    return off;
  }

  /** Map a device at [base, base+size). Overlaps with RAM or another device are rejected. */
  addDevice(base: number, size: number, device: MmioDevice, name: string): void {
    const end = base + size;
    if (base < this.ramBase + this.ramSize && end > this.ramBase) {
      throw new RangeError(`device ${name} at 0x${base.toString(16)} overlaps RAM`);
    }
    for (const r of this.regions) {
      if (base < r.base + r.size && end > r.base) {
        throw new RangeError(`device ${name} at 0x${base.toString(16)} overlaps ${r.name}`);
      }
    }
    this.regions.push({ base, size, device, name });
    this.regions.sort((a, b) => a.base - b.base);
  }

  /** The region containing [pa, pa+size), or undefined. */
  findRegion(pa: number, size: number): MmioRegion | undefined {
    const rs = this.regions;
    for (let i = 0; i < rs.length; i++) {
      const r = rs[i];
      if (pa >= r.base && pa + size <= r.base + r.size) return r;
    }
    return undefined;
  }

  /** True when [pa, pa+size) lies inside RAM. */
  isRam(pa: number, size: number): boolean {
    const off = pa - this.ramBase;
    return off >= 0 && off + size <= this.ramSize;
  }

  /** True when [pa, pa+size) is RAM or inside one device. */
  isMapped(pa: number, size: number): boolean {
    return this.isRam(pa, size) || this.findRegion(pa, size) !== undefined;
  }

  /** Physical load of 1, 2 or 4 bytes, zero-extended; NaN when unmapped. */
  load(pa: number, size: 1 | 2 | 4): number {
    const off = pa - this.ramBase;
    if (off >= 0 && off + size <= this.ramSize) {
      const o = off + this.ramOffset;
      if (size === 4) return this.dv.getUint32(o, true);
      if (size === 2) return this.dv.getUint16(o, true);
      return this.u8[o];
    }
    const r = this.findRegion(pa, size);
    if (r === undefined) return NaN;
    return r.device.read(pa - r.base, size) >>> 0;
  }

  /** Physical store of 1, 2 or 4 bytes; false when unmapped. */
  store(pa: number, size: 1 | 2 | 4, value: number): boolean {
    const off = pa - this.ramBase;
    if (off >= 0 && off + size <= this.ramSize) {
      const o = off + this.ramOffset;
      if (size === 4) this.dv.setInt32(o, value | 0, true);
      else if (size === 2) this.dv.setUint16(o, value & 0xffff, true);
      else this.u8[o] = value;
      return true;
    }
    const r = this.findRegion(pa, size);
    if (r === undefined) return false;
    r.device.write(pa - r.base, size, size === 4 ? value >>> 0 : value & (size === 2 ? 0xffff : 0xff));
    return true;
  }

  /** Physical 8-byte load: returns lo, hi in R.hi; NaN when unmapped. */
  load64(pa: number): number {
    const off = pa - this.ramBase;
    if (off >= 0 && off + 8 <= this.ramSize) {
      const o = off + this.ramOffset;
      R.hi = this.dv.getInt32(o + 4, true);
      return this.dv.getInt32(o, true);
    }
    const r = this.findRegion(pa, 8);
    if (r === undefined) return NaN;
    if (r.device.read64) {
      const v = r.device.read64(pa - r.base);
      R.hi = Number(BigInt.asIntN(32, v >> 32n));
      return Number(BigInt.asIntN(32, v));
    }
    const l = r.device.read(pa - r.base, 4) | 0;
    const h = r.device.read(pa - r.base + 4, 4) | 0;
    R.hi = h;
    return l;
  }

  /** Physical 8-byte store; false when unmapped. */
  store64(pa: number, lo: number, hi: number): boolean {
    const off = pa - this.ramBase;
    if (off >= 0 && off + 8 <= this.ramSize) {
      const o = off + this.ramOffset;
      this.dv.setInt32(o, lo, true);
      this.dv.setInt32(o + 4, hi, true);
      return true;
    }
    const r = this.findRegion(pa, 8);
    if (r === undefined) return false;
    if (r.device.write64) {
      r.device.write64(pa - r.base, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
    } else {
      r.device.write(pa - r.base, 4, lo >>> 0);
      r.device.write(pa - r.base + 4, 4, hi >>> 0);
    }
    return true;
  }

  private readonly dmaListeners: ((pa: number, length: number) => void)[] = [];

  /**
   * Registers a listener for RAM written outside a hart's store path (device DMA, loaders).
   * Harts use it to drop decoded instructions and reservations on those bytes.
   */
  onDmaWrite(listener: (pa: number, length: number) => void): void {
    this.dmaListeners.push(listener);
  }

  /** Tells the listeners that [pa, pa+length) of RAM was written through a `ramView`. */
  noteDmaWrite(pa: number, length: number): void {
    if (length > 0) this.codeStore(pa, length);
    for (const l of this.dmaListeners) l(pa, length);
  }

  /**
   * A live view of RAM for device DMA, or null when [pa, pa+length) is not all RAM.
   * After writing through it, call `noteDmaWrite(pa, length)`.
   */
  ramView(pa: number, length: number): Uint8Array | null {
    if (!Number.isSafeInteger(pa) || length < 0 || !this.isRam(pa, length)) return null;
    const o = pa - this.ramBase + this.ramOffset;
    return this.u8.subarray(o, o + length);
  }

  /** Copy bytes into RAM (loaders). Throws RangeError when the range is not inside RAM. */
  writeBytes(pa: number, bytes: Uint8Array): void {
    if (!this.isRam(pa, bytes.length)) {
      throw new RangeError(
        `0x${pa.toString(16)}..0x${(pa + bytes.length).toString(16)} is outside RAM ` +
          `(0x${this.ramBase.toString(16)}..0x${(this.ramBase + this.ramSize).toString(16)})`,
      );
    }
    this.u8.set(bytes, pa - this.ramBase + this.ramOffset);
    this.noteDmaWrite(pa, bytes.length);
  }

  /** Copy bytes out of RAM. Throws RangeError when the range is not inside RAM. */
  readBytes(pa: number, length: number): Uint8Array {
    if (!this.isRam(pa, length)) throw new RangeError(`0x${pa.toString(16)}+${length} is outside RAM`);
    const o = pa - this.ramBase + this.ramOffset;
    return this.u8.slice(o, o + length);
  }
}

/** A machine's time base: ticks at `frequency` Hz (10 MHz on virt). */
export interface Clock {
  readonly frequency: number;
  /** Current time in ticks (a non-negative integer JS number). */
  now(): number;
  /** Harts report retired instructions after each run() slice (instruction-count clocks advance on it). */
  retire?(instructions: number): void;
}

/** Wall-time clock for interactive use. `nowMs` defaults to `performance.now`. */
export class HostClock implements Clock {
  readonly frequency: number;
  private readonly nowMs: () => number;
  private readonly originMs: number;
  constructor(frequency = 10_000_000, nowMs: () => number = () => (globalThis as unknown as { performance: { now(): number } }).performance.now()) {
    this.frequency = frequency;
    this.nowMs = nowMs;
    this.originMs = nowMs();
  }
  now(): number {
    return Math.floor(((this.nowMs() - this.originMs) * this.frequency) / 1000);
  }
}

/**
 * Deterministic clock driven by retired instructions: `instructionsPerTick` instructions
 * make one tick (default 10: a nominal 100 MIPS hart against a 10 MHz timebase).
 * `advance(ticks)` lets a machine skip time while every hart waits in WFI.
 */
export class InstructionClock implements Clock {
  readonly frequency: number;
  readonly instructionsPerTick: number;
  private instructions = 0;
  private skipped = 0;
  constructor(frequency = 10_000_000, instructionsPerTick = 10) {
    this.frequency = frequency;
    this.instructionsPerTick = instructionsPerTick;
  }
  now(): number {
    return Math.floor(this.instructions / this.instructionsPerTick) + this.skipped;
  }
  retire(instructions: number): void {
    this.instructions += instructions;
  }
  advance(ticks: number): void {
    this.skipped += Math.max(0, Math.floor(ticks));
  }
}
